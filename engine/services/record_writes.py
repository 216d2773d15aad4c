"""Writing records inside a caller's transaction (services layer): the checks every write passes.

``RecordService`` answers the API; this part of it is what a flow step, an automation and the
API's own create share: one ``insert`` and one ``flow_write`` that validate (with related records
within the acting person's reach, the aggregates across records and the acting person's
defaults), check references, narrowing, people and uniqueness, write the row and its history and
tell the listeners (flows start, automations queue) - all in the transaction they are given.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import Any

from engine.forms.acting import acting_names
from engine.forms.permissions import FormAccess
from engine.forms.types import FIELD_TYPES
from engine.i18n import DEFAULT_LOCALE
from engine.principal import Principal
from engine.services.attachments import AttachmentService
from engine.services.record_checks import (
    PeopleLookup,
    check_narrowing,
    check_people,
    check_references,
    check_unique,
    refuse,
    refuse_missing,
    refuse_outside_rows,
)
from engine.storage.catalog import CompiledApp, CompiledForm
from engine.storage.records import RecordRepository, Transaction
from engine.storage.related_records import StoredRelations

#: called inside the creating transaction (session, app, form, record id, principal): flows start here
CreateListener = Callable[[Transaction, CompiledApp, CompiledForm, int, Principal], None]
#: called inside an updating transaction that changed fields, with the changes (field -> [old, new] as JSON)
UpdateListener = Callable[[Transaction, CompiledApp, CompiledForm, int, Principal, Mapping[str, list[Any]]], None]
#: called inside the transaction that moves a record to the bin
DeleteListener = Callable[[Transaction, CompiledApp, CompiledForm, int, Principal], None]


class RecordWrites:
    """The transaction-scoped writes of ``RecordService`` (a base class, so the service stays one object)."""

    rows: RecordRepository
    people: PeopleLookup | None
    attachments: AttachmentService | None
    on_create: list[CreateListener]
    on_update: list[UpdateListener]
    on_delete: list[DeleteListener]

    def related(self, session: Transaction, app: CompiledApp, principal: Principal | None) -> StoredRelations:
        """The related records relation paths read (``room.building.community``), loaded in batches.

        Where a person acts, only records they may read, and of those only the fields they may
        see: anything else reads as empty. ``principal`` None: the system acts (flows,
        automations) and every live record is read.
        """
        if principal is None:
            return StoredRelations(session, app)
        accesses: dict[str, FormAccess] = {}

        def access(form_id: str) -> FormAccess:
            if form_id not in accesses:
                accesses[form_id] = app.permissions.effective(principal, app.app_id, form_id)
            return accesses[form_id]

        return StoredRelations(
            session,
            app,
            visible=lambda form_id: access(form_id).bound_filter("read"),
            shown=lambda form_id, record: access(form_id).redact(record),
        )

    def insert(
        self,
        session: Transaction,
        app: CompiledApp,
        form: CompiledForm,
        data: Any,
        principal: Principal,
        *,
        locale: str = DEFAULT_LOCALE,
        trusted: frozenset[str] = frozenset(),
        upload_tokens: Collection[str] = (),
        hooks: bool = True,
        access: FormAccess | None = None,
    ) -> int:
        """Check and insert a new record in the caller's transaction, with its history; ``on_create``
        listeners run unless ``hooks`` is off. ``access``: the creating person's rights, already
        checked for the action and the fields (their row rules bind the new values here); None when
        the system creates (an automation, ``trusted`` naming the fields it computed)."""
        rows = self.rows
        if trusted:
            data = self._dumped(form, data, trusted)
        related = self.related(session, app, None if access is None else principal)
        values = self._checked_values(
            session, app, form, data, principal, locale=locale, trusted=trusted, related=related, access=access
        )
        record_id = rows.insert(session, app, form, values, principal)
        self._claim_attachments(session, app.app_id, form.spec.id, record_id, values, principal, locale, upload_tokens)
        changes = {k: [None, v] for k, v in rows.dump_values(form, values).items() if v not in (None, [])}
        rows.add_history(session, app.app_id, form.spec.id, record_id, 1, principal, "create", changes)
        for listener in self.on_create if hooks else ():
            listener(session, app, form, record_id, principal)
        return record_id

    def flow_record(self, session: Transaction, form: CompiledForm, record_id: int) -> dict[str, Any]:
        """The record's values as flow conditions read them: every field (None when empty) and the system names."""
        row = self.rows.row(session, form, record_id, deleted=None)
        return _flow_record(form, row, self.rows.values(session, form, row))

    def flow_records(self, session: Transaction, form: CompiledForm, *, after: int, limit: int) -> list[dict[str, Any]]:
        """Up to ``limit`` live records of ``form`` with ids above ``after``, in id order, as ``flow_record``
        gives one (read in a few queries for all of them: a schedule over a form's records pages with it)."""
        rows = self.rows.live_rows(session, form, after=after, limit=limit)
        values = self.rows.values_of(session, form, rows)
        return [_flow_record(form, row, found) for row, found in zip(rows, values, strict=True)]

    def flow_write(
        self,
        session: Transaction,
        app: CompiledApp,
        form: CompiledForm,
        record_id: int,
        data: Mapping[str, Any],
        principal: Principal,
        *,
        locale: str = DEFAULT_LOCALE,
        trusted: frozenset[str] = frozenset(),
        required: frozenset[str] = frozenset(),
        action: str = "flow",
    ) -> dict[str, Any]:
        """Write what a task submitted (or a step set) after the flow checked who may write which field.

        Values a step computed (``now()``, a dispatch's worker) arrive as Python values and are
        dumped to their JSON form first, so they pass the same validation as typed input.
        """
        row, before, values = self._flow_values(
            session, app, form, record_id, data, principal, locale, trusted, required, unique=True
        )
        self._write_changes(session, app, form, row, before, values, principal, locale, action)
        return self.flow_record(session, form, record_id)

    def flow_check(
        self,
        session: Transaction,
        app: CompiledApp,
        form: CompiledForm,
        record_id: int,
        data: Mapping[str, Any],
        principal: Principal,
        *,
        locale: str = DEFAULT_LOCALE,
        required: frozenset[str] = frozenset(),
    ) -> dict[str, Any]:
        """``data`` checked as ``flow_write`` checks it, without writing: its cleaned values as JSON.

        A signer's opinion is kept on their task; ``required`` fields must be filled in ``data`` itself
        (each signer gives their own), not merely somewhere in the record.
        """
        _, _, values = self._flow_values(
            session, app, form, record_id, data, principal, locale, frozenset(), frozenset(), unique=False
        )
        cleaned = {k: v for k, v in self.rows.dump_values(form, values).items() if k in data}
        refuse_missing(form, cleaned, required, locale)
        return cleaned

    # -- helpers -------------------------------------------------------------------------------
    def _flow_values(
        self,
        session: Transaction,
        app: CompiledApp,
        form: CompiledForm,
        record_id: int,
        data: Mapping[str, Any],
        principal: Principal,
        locale: str,
        trusted: frozenset[str],
        required: frozenset[str],
        *,
        unique: bool,
    ) -> tuple[Any, dict[str, Any], dict[str, Any]]:
        """The locked row, its values before, and its values with ``data`` cleaned in and checked."""
        rows = self.rows
        dumped = self._dumped(form, data, trusted)
        row = rows.row(session, form, record_id, deleted=False, lock=True)
        before = rows.values(session, form, row)
        values = self._checked_values(
            session,
            app,
            form,
            dumped,
            principal,
            locale=locale,
            trusted=trusted,
            related=self.related(session, app, None),  # a flow step: the system acts, no person bounds the reading
            before=before,
            record_id=record_id,
            required=required,
            unique=unique,
        )
        return row, before, values

    def _checked_values(
        self,
        session: Transaction,
        app: CompiledApp,
        form: CompiledForm,
        data: Any,
        principal: Principal,
        *,
        locale: str,
        trusted: frozenset[str],
        related: StoredRelations,
        before: Mapping[str, Any] | None = None,
        record_id: int | None = None,
        required: frozenset[str] = frozenset(),
        unique: bool = True,
        access: FormAccess | None = None,
        row: Any = None,
    ) -> dict[str, Any]:
        """``data`` cleaned (merged into ``before`` for an existing record) and put through every check a
        write passes, in one order for every path - the API's create and update, a flow step, an
        automation - so a check added here can't be missed on one of them. ``access``: the acting
        person's rights, whose row rules must hold for the new values (``row`` the record as it was)."""
        rows = self.rows
        values = form.validator.validate(
            data,
            locale=locale,
            existing=before,
            trusted=trusted,
            related=related,
            acting=acting_names(principal),
            aggregates=rows.aggregates(session, app, form, record_id=record_id, writing=True),
        )
        refuse_missing(form, values, required, locale)
        check_references(rows, session, app, form, values, locale)
        check_narrowing(rows, session, app, form, values, before, locale)
        self._check_people(session, app, form, values, before, locale)
        if unique:
            check_unique(rows, session, form, values, locale, exclude=record_id)
        if access is not None:
            refuse_outside_rows(rows, session, access, "create" if row is None else "update", form, values, row)
        return values

    def _write_changes(
        self,
        session: Transaction,
        app: CompiledApp,
        form: CompiledForm,
        row: Any,
        before: Mapping[str, Any],
        values: dict[str, Any],
        principal: Principal,
        locale: str,
        action: str,
    ) -> dict[str, list[Any]]:
        """Write what changed as the record's next version, with its history; ``on_update`` listeners run."""
        rows = self.rows
        old_json, new_json = rows.dump_values(form, before), rows.dump_values(form, values)
        changes = {k: [old_json.get(k), v] for k, v in new_json.items() if old_json.get(k) != v}
        if changes:
            app_id, form_id, record_id, version = app.app_id, form.spec.id, row.id, row.lock_version + 1
            self._claim_attachments(session, app_id, form_id, record_id, values, principal, locale)
            rows.write(session, form, record_id, values, set(changes), principal, version, row.lock_version)
            rows.add_history(session, app_id, form_id, record_id, version, principal, action, changes)
            for listener in self.on_update:
                listener(session, app, form, record_id, principal, changes)
        return changes

    @staticmethod
    def _dumped(form: CompiledForm, data: Mapping[str, Any], trusted: frozenset[str]) -> dict[str, Any]:
        """Values the server computed (``now()``, a dispatch's worker, an automation's expression) in
        their JSON form, so they pass the same validation as typed input; fields the form lacks are dropped."""
        fields = {f.id: f for f in form.spec.fields}
        return {
            k: (FIELD_TYPES.get(fields[k].type).dump(fields[k], v) if k in trusted and not isinstance(v, str) else v)
            for k, v in data.items()
            if k in fields
        }

    def _check_people(
        self,
        session: Transaction,
        app: CompiledApp,
        form: CompiledForm,
        values: Mapping[str, Any],
        before: Mapping[str, Any] | None,
        locale: str,
    ) -> None:
        if self.people is not None:
            check_people(self.people, session, app, form, values, before, locale)

    def _claim_attachments(
        self,
        session: Transaction,
        app_id: str,
        form_id: str,
        record_id: int,
        values: Mapping[str, Any],
        principal: Principal,
        locale: str,
        upload_tokens: Collection[str] = (),
    ) -> None:
        """Link the uploaded files a record names to it; refuse ids that are not the caller's to use."""
        if self.attachments is None:
            return
        errors = self.attachments.claim(session, app_id, form_id, record_id, values, principal, locale, upload_tokens)
        refuse(errors, locale)


def _flow_record(form: CompiledForm, row: Any, values: Mapping[str, Any]) -> dict[str, Any]:
    found = {f.id: values.get(f.id) for f in form.spec.fields}
    found.update(
        id=row.id,
        created_at=row.created_at,
        updated_at=row.updated_at,
        created_by=row.created_by,
        updated_by=row.updated_by,
    )
    return found
