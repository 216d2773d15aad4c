"""The record use cases (services layer): create, read, list, update, soft-delete and restore form records.

Every write is one transaction: permission, validation, relation and uniqueness checks, the row
and its sub-table rows, the history entry and the idempotency key commit together. Updates carry
the version the client saw; a stale one is a 409 that tells the client the current version.
Rows and SQL are ``engine.storage.records.RecordRepository``'s; this module decides who may do
what, which language a refusal speaks and what a reader is shown.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from datetime import datetime
from typing import Any

from engine.errors import ConflictError, NotAuthenticatedError, NotFoundError, PermissionDeniedError, RateLimitedError
from engine.forms.acting import acting_names
from engine.forms.permissions import FormAccess
from engine.forms.row_rules import Const
from engine.forms.spec import FieldSpec
from engine.forms.types import FIELD_TYPES
from engine.forms.types.base import FieldValueError, common_message
from engine.i18n import DEFAULT_LOCALE
from engine.principal import PUBLIC, Principal
from engine.services.attachments import AttachmentService
from engine.services.list_filters import bind_query
from engine.services.record_aggregates import refresh_live_formulas
from engine.services.record_checks import (
    PeopleLookup,
    check_unique,
    refuse,
    refuse_fields,
)
from engine.services.record_writes import CreateListener, DeleteListener, RecordWrites, UpdateListener
from engine.storage.catalog import AppCatalog, CompiledApp, CompiledForm
from engine.storage.database import Database, WriteClashError
from engine.storage.rate_limit import RateLimiter
from engine.storage.record_queries import ListQuery
from engine.storage.records import RecordRepository, Transaction, child_rows, links_of
from engine.whole_numbers import parse_whole


class RecordService(RecordWrites):
    def __init__(
        self,
        database: Database,
        catalog: AppCatalog,
        attachments: AttachmentService | None = None,
        people: PeopleLookup | None = None,
        clock: Callable[[], datetime] | None = None,
    ):
        self.rows = RecordRepository(database, catalog)
        self.clock = clock  # what "overdue" is measured against (None: the system clock)
        self.people = people  # the directory a user field's value is checked against
        self.database = database
        self.catalog = self.rows.catalog
        self.attachments = attachments
        self.on_create: list[CreateListener] = []
        self.on_update: list[UpdateListener] = []
        self.on_delete: list[DeleteListener] = []
        self.on_restore: list[DeleteListener] = []  # a record back from the bin (reports count it again)
        self.limiter: RateLimiter | None = None  # counts anonymous creates per client (build_services sets it)

    # -- the row readers exports use (``engine.storage.records.RecordStore``) ----------------------
    @staticmethod
    def child_rows(
        session: Transaction, form: CompiledForm, field: FieldSpec, parents: list[int]
    ) -> dict[int, list[dict[str, Any]]]:
        return child_rows(session, form, field, parents)

    @staticmethod
    def links_of(session: Transaction, table: Any, records: list[int]) -> dict[int, list[int]]:
        return links_of(session, table, records)

    def now(self) -> datetime | None:
        return None if self.clock is None else self.clock()

    # -- permission: the one place ---------------------------------------------------------------
    def authorize(self, principal: Principal, action: str, app: CompiledApp, form: CompiledForm) -> FormAccess:
        """What this principal may do with this form; refuses outright when no grant gives ``action``.

        Row rules are applied where rows are read (a record outside them is simply not found, so
        another owner's ticket id reveals nothing), field modes where values are read or written.
        """
        access = app.permissions.effective(principal, app.app_id, form.spec.id)
        allowed = access.allows(action)
        if allowed and principal.anonymous and access.bound_filter(action) == Const(False):
            allowed = (
                False  # a public role whose rows need an identity: ask for one instead of showing or taking nothing
            )
        if not allowed:
            if principal.anonymous:
                raise NotAuthenticatedError.says(f"record.sign_in.{action}", form=form.spec.id)
            raise PermissionDeniedError.says(f"record.not_allowed.{action}", form=form.spec.id)
        return access

    def row(
        self,
        session: Transaction,
        principal: Principal,
        action: str,
        app: CompiledApp,
        form: CompiledForm,
        record_id: Any,
        *,
        deleted: bool | None = False,
    ) -> Any:
        """The record's row if ``principal`` may ``action`` it (a flow checks this before acting); 404 otherwise."""
        access = self.authorize(principal, action, app, form)
        return self.rows.row(session, form, record_id, deleted=deleted, visible=access.bound_filter(action))

    def preview(
        self, principal: Principal, app_id: str, form_id: str, data: Any, *, public: bool = False
    ) -> dict[str, Any]:
        """What shows, what is required and the formulas for the values typed so far (read-only): only for
        a form ``principal`` may create in or update (a task page edits a record with it), or (``public``:
        its public link) a form whose link is on."""
        with self.rows.transaction() as session:
            app = self.catalog.current(session, app_id)
            form = app.form(form_id)
            if not public:
                self._may_type_in(principal, app, form)
            elif not form.spec.public.get("enabled"):
                raise NotFoundError.says("record.no_public_link", form=form_id)
            return form.validator.preview(data, related=self.related(session, app, principal))

    def _may_type_in(self, principal: Principal, app: CompiledApp, form: CompiledForm) -> None:
        """Refuses (as ``authorize`` does for ``create``) unless ``principal`` may create in or update ``form``."""
        try:
            self.authorize(principal, "create", app, form)
        except (PermissionDeniedError, NotAuthenticatedError):
            self.authorize(principal, "update", app, form)

    # -- compiled definitions, for pages that draw a form ----------------------------------------
    def compiled_app(self, app_id: str) -> CompiledApp:
        with self.rows.transaction() as session:
            return self.catalog.current(session, app_id)

    def compiled_form(self, app_id: str, form_id: str) -> CompiledForm:
        return self.compiled_app(app_id).form(form_id)

    # -- reads ---------------------------------------------------------------------------------
    def get(
        self, principal: Principal, app_id: str, form_id: str, record_id: int, *, deleted: bool = False
    ) -> dict[str, Any]:
        with self.rows.transaction() as session:
            return self._get(session, principal, self.catalog.current(session, app_id), form_id, record_id, deleted)

    def get_in(self, principal: Principal, app: CompiledApp, form_id: str, record_id: int) -> dict[str, Any]:
        """``get`` judged by ``app``'s permissions: the published app, or a draft's over its tables (view as)."""
        with self.rows.transaction() as session:
            return self._get(session, principal, app, form_id, record_id, False)

    def _get(
        self, session: Transaction, principal: Principal, app: CompiledApp, form_id: str, record_id: int, deleted: bool
    ) -> dict[str, Any]:
        form = app.form(form_id)
        access = self.authorize(principal, "read", app, form)
        row = self.rows.row(session, form, record_id, deleted=deleted, visible=access.bound_filter("read"))
        return self._shown(session, form, [row], access, live=app)[0]

    def list_records(self, principal: Principal, app_id: str, form_id: str, query: ListQuery) -> dict[str, Any]:
        with self.rows.transaction() as session:
            app = self.catalog.current(session, app_id)
            form = app.form(form_id)
            access = self.authorize(principal, "read", app, form)
            query = bind_query(query, principal, app, form, access, "read", self.now())
            rows, next_cursor = self.rows.page(session, form, query, access.bound_filter("read"))
            return {"items": self._shown(session, form, rows, access, live=app), "next_cursor": next_cursor}

    def may_read_field(self, principal: Principal, app_id: str, form_id: str, record_id: int, field_id: str) -> bool:
        """Whether this principal may see this field of this record (attachment downloads ask this)."""
        try:
            record = self.get(principal, app_id, form_id, record_id)
        except (NotFoundError, PermissionDeniedError, NotAuthenticatedError):
            return False
        return field_id in record["data"]

    def may_update(self, principal: Principal, app_id: str, form_id: str, record_id: int) -> bool:
        """Whether this principal may change this record (its form's update grant reaches its row)."""
        with self.rows.transaction() as session:
            app = self.catalog.current(session, app_id)
            form = app.form(form_id)
            try:
                access = self.authorize(principal, "update", app, form)
                self.rows.row(session, form, record_id, deleted=False, visible=access.bound_filter("update"))
            except (NotFoundError, PermissionDeniedError, NotAuthenticatedError):
                return False
            return True

    def get_by_uuid(self, app_id: str, form_id: str, record_uuid: str) -> dict[str, Any] | None:
        """A record by its uuid, for a caller that proved its right to it (a tracking link)."""
        with self.rows.transaction() as session:
            form = self.catalog.current(session, app_id).form(form_id)
            row = self.rows.row_by_uuid(session, form, record_uuid)
            return None if row is None else self.rows.documents(session, form, [row])[0]

    def count(self, app_id: str, form_id: str) -> int:
        with self.rows.transaction() as session:
            return self.rows.count(session, self.catalog.current(session, app_id).form(form_id))

    def backdate(self, app_id: str, form_id: str, record_id: int, moment: datetime) -> None:
        """Move a record's creation time into the past: for demo data and imports of old records."""
        if moment.tzinfo is None:
            raise ValueError("backdate needs a timezone-aware moment")
        with self.rows.transaction() as session:
            self.rows.backdate(session, self.catalog.current(session, app_id).form(form_id), record_id, moment)

    def titles(
        self,
        principal: Principal,
        app_id: str,
        form_id: str,
        query: str,
        *,
        limit: int = 20,
        record_id: int | None = None,
        equal: Mapping[str, Any] | None = None,
    ) -> list[dict[str, Any]]:
        """Ids and titles of the records this principal may read whose title contains ``query``
        (and whose fields hold ``equal``'s values): all a picker needs to show (a hidden title
        field shows the id instead)."""
        with self.rows.transaction() as session:
            app = self.catalog.current(session, app_id)
            form = app.form(form_id)
            access = self.authorize(principal, "read", app, form)
            title = form.spec.title_field
            if title and access.field_mode(title) == "hidden":
                title = None
            found = self.rows.titles(
                session,
                form,
                title,
                query,
                limit=limit,
                record_id=record_id,
                visible=access.bound_filter("read"),
                equal=equal,
            )
        return [{"id": found_id, "title": text} for found_id, text in found]

    def choices(
        self,
        principal: Principal,
        app_id: str,
        form: CompiledForm,
        field: FieldSpec,
        query: str,
        *,
        record_id: int | None = None,
        answers: Mapping[str, str] | None = None,
        locale: str = DEFAULT_LOCALE,
    ) -> list[dict[str, Any]]:
        """What a relation field's picker offers: :meth:`titles` of its target, narrowed by the page's
        current ``answers`` to the fields that narrow it (``filter_by``; an empty answer narrows nothing).
        An answer that is not a record id, or names no field that narrows this one, is refused by name."""
        kind = FIELD_TYPES.get(field.type)
        target = kind.related_form(field)
        if target is None:
            raise NotFoundError.says("record.no_choices", field=field.id)
        pairs = kind.narrowed_by(field)
        ours_to_theirs = {ours: theirs for theirs, ours in pairs.items()}
        equal: dict[str, Any] = {}
        errors: dict[str, list[str]] = {}
        for name, raw in (answers or {}).items():
            source = ours_to_theirs.get(name)
            if source is None:
                label = name[:40]
                errors[label] = [common_message("unknown_field", locale).format(label=label)]
            elif raw != "":
                narrowing = form.spec.field(name)
                narrowing_kind = FIELD_TYPES.get(narrowing.type)
                try:
                    equal[source] = narrowing_kind.clean(narrowing, _number_or_text(raw))
                except FieldValueError as exc:
                    message = narrowing_kind.error_text(exc.code, locale, narrowing.title(locale), **exc.params)
                    errors[name] = [message]
        refuse(errors, locale)
        return self.titles(principal, app_id, target, query, record_id=record_id, equal=equal)

    def history(self, principal: Principal, app_id: str, form_id: str, record_id: int) -> list[dict[str, Any]]:
        with self.rows.transaction() as session:
            app = self.catalog.current(session, app_id)
            form = app.form(form_id)
            access = self.authorize(principal, "read", app, form)
            row = self.rows.row(session, form, record_id, deleted=None, visible=access.bound_filter("read"))
            record = self.rows.rule_records(session, form, [row])[0]  # this record's grants
            hidden = {f.id for f in form.spec.fields if access.field_mode(f.id, record) == "hidden"}
            return [
                {
                    "version": h.version,
                    "at": h.at.isoformat(),
                    "actor": h.actor,
                    "action": h.action,
                    "changes": {k: v for k, v in h.changes.items() if k not in hidden},
                }
                for h in self.rows.history(session, app_id, form_id, record_id)
            ]

    # -- writes --------------------------------------------------------------------------------
    def create(
        self,
        principal: Principal,
        app_id: str,
        form_id: str,
        data: Any,
        *,
        locale: str = DEFAULT_LOCALE,
        idempotency_key: str | None = None,
        start_flows: bool = True,
        client: str | None = None,
    ) -> tuple[dict[str, Any], bool]:
        """The new record and True; or, for an idempotency key seen before, the first record and False.

        ``start_flows=False`` is for history brought in (demo data, migrations): no flow starts for it.
        An anonymous ``principal`` (the records API without credentials) follows the public link's
        rules, as :meth:`create_public` does: its field list and its rate limit per ``client``.
        """
        if principal.anonymous:
            self._public_rules(app_id, form_id, data, locale, client)
        return self._create(
            principal, app_id, form_id, data, locale=locale, idempotency_key=idempotency_key, hooks=start_flows
        )

    def create_public(
        self,
        app_id: str,
        form_id: str,
        data: Any,
        *,
        locale: str = DEFAULT_LOCALE,
        idempotency_key: str | None = None,
        upload_tokens: Collection[str] = (),
        client: str | None = None,
    ) -> tuple[dict[str, Any], bool]:
        """A submission through a form's public link: only the fields the link shows may be sent,
        at most the link's rate a minute from one ``client`` (its address), and only files uploaded
        in this flow (proved by their ``upload_tokens``) may be attached."""
        if not self.compiled_form(app_id, form_id).spec.public.get("enabled"):
            raise NotFoundError.says("record.no_public_link", form=form_id)
        self._public_rules(app_id, form_id, data, locale, client)
        return self._create(
            PUBLIC,
            app_id,
            form_id,
            data,
            locale=locale,
            idempotency_key=idempotency_key,
            check=False,
            upload_tokens=upload_tokens,
        )

    def _public_rules(self, app_id: str, form_id: str, data: Any, locale: str, client: str | None) -> None:
        """The public link's rules, for every anonymous create whichever way it comes in: one count
        of the form's ``rate_limit_per_minute`` per client address (shared by the link and the API),
        then only the fields of ``public.fields`` (all the form's when the link does not list them)."""
        spec = self.compiled_form(app_id, form_id).spec
        public = spec.public
        limit = int(public.get("rate_limit_per_minute", 10))
        if self.limiter is not None and client is not None:
            key = f"{app_id}:{form_id}:{client}"
            if not self.limiter.allow(key, limit):
                raise RateLimitedError.waiting("record.too_many_requests", self.limiter.retry_after(key, limit))
        allowed = set(public.get("fields") or [f.id for f in spec.fields])
        if isinstance(data, dict):
            extra = sorted(str(k)[:40] for k in data if k not in allowed)
            refuse({k: [common_message("unknown_field", locale).format(label=k)] for k in extra}, locale)

    def _create(
        self,
        principal: Principal,
        app_id: str,
        form_id: str,
        data: Any,
        *,
        locale: str,
        idempotency_key: str | None,
        check: bool = True,
        upload_tokens: Collection[str] = (),
        hooks: bool = True,
    ) -> tuple[dict[str, Any], bool]:
        rows = self.rows
        try:
            with rows.transaction() as session:
                app = self.catalog.current(session, app_id)
                form = app.form(form_id)
                access = self.authorize(principal, "create", app, form) if check else None
                if access is not None:
                    refuse_fields(access, data, None, "create", form, locale)
                if idempotency_key is not None:
                    seen = rows.seen(session, app_id, form_id, idempotency_key)
                    if seen is not None:
                        return rows.documents(session, form, [rows.row(session, form, seen, deleted=None)])[0], False
                record_id = self.insert(
                    session,
                    app,
                    form,
                    data,
                    principal,
                    locale=locale,
                    upload_tokens=upload_tokens,
                    hooks=hooks,
                    access=access,
                )
                if idempotency_key is not None:
                    rows.remember_key(session, app_id, form_id, idempotency_key, record_id)
                session.flush()
                read = app.permissions.effective(principal, app.app_id, form.spec.id) if check else None
                return self._shown(session, form, [rows.row(session, form, record_id, deleted=False)], read)[0], True
        except WriteClashError:
            return self._after_clash(principal, app_id, form_id, data, locale, idempotency_key)

    def update(
        self,
        principal: Principal,
        app_id: str,
        form_id: str,
        record_id: int,
        data: Any,
        *,
        expected_version: int,
        locale: str = DEFAULT_LOCALE,
        trusted: frozenset[str] = frozenset(),
    ) -> dict[str, Any]:
        rows = self.rows
        try:
            with rows.transaction() as session:
                app = self.catalog.current(session, app_id)
                form = app.form(form_id)
                access = self.authorize(principal, "update", app, form)
                row = rows.row(
                    session, form, record_id, deleted=False, lock=True, visible=access.bound_filter("update")
                )
                self._check_version(row, expected_version)
                before = rows.values(session, form, row)
                refuse_fields(access, data, rows.rule_records(session, form, [row])[0], "update", form, locale)
                values = self._checked_values(
                    session,
                    app,
                    form,
                    data,
                    principal,
                    locale=locale,
                    trusted=trusted,
                    related=self.related(session, app, principal),
                    before=before,
                    record_id=record_id,
                    access=access,
                    row=row,
                )
                self._write_changes(session, app, form, row, before, values, principal, locale, "update")
                read = app.permissions.effective(principal, app.app_id, form.spec.id)
                return self._shown(session, form, [rows.row(session, form, record_id, deleted=False)], read)[0]
        except WriteClashError:
            self._unique_after_race(app_id, form_id, data, locale, record_id, trusted, principal)
            raise ConflictError.says("record.race") from None

    def delete(
        self, principal: Principal, app_id: str, form_id: str, record_id: int, *, expected_version: int | None = None
    ) -> dict[str, Any]:
        return self._trash(principal, app_id, form_id, record_id, expected_version, deleting=True)

    def restore(
        self, principal: Principal, app_id: str, form_id: str, record_id: int, *, expected_version: int | None = None
    ) -> dict[str, Any]:
        return self._trash(principal, app_id, form_id, record_id, expected_version, deleting=False)

    def _trash(
        self,
        principal: Principal,
        app_id: str,
        form_id: str,
        record_id: int,
        expected_version: int | None,
        *,
        deleting: bool,
    ) -> dict[str, Any]:
        rows = self.rows
        with rows.transaction() as session:
            app = self.catalog.current(session, app_id)
            form = app.form(form_id)
            access = self.authorize(principal, "delete", app, form)
            row = rows.row(
                session, form, record_id, deleted=not deleting, lock=True, visible=access.bound_filter("delete")
            )
            if expected_version is not None:
                self._check_version(row, expected_version)
            rows.trash(session, form, row, deleting=deleting, principal=principal)
            for listener in self.on_delete if deleting else ():
                listener(session, app, form, record_id, principal)
            for restored in () if deleting else self.on_restore:
                restored(session, app, form, record_id, principal)
            read = app.permissions.effective(principal, app.app_id, form.spec.id)
            return self._shown(session, form, [rows.row(session, form, record_id, deleted=deleting)], read)[0]

    def readable_fields(
        self, session: Transaction, principal: Principal, app: CompiledApp, form: CompiledForm, record_id: int
    ) -> frozenset[str]:
        """The fields of this record ``principal`` may read (none when they may not read the form)."""
        if principal.is_admin:
            return frozenset(f.id for f in form.spec.fields)
        try:
            access = self.authorize(principal, "read", app, form)
        except (PermissionDeniedError, NotAuthenticatedError):
            return frozenset()
        row = self.rows.row(session, form, record_id, deleted=None)
        record = self.rows.rule_records(session, form, [row])[0]
        return frozenset(f.id for f in form.spec.fields if access.field_mode(f.id, record) != "hidden")

    # -- helpers -------------------------------------------------------------------------------
    def _shown(
        self,
        session: Transaction,
        form: CompiledForm,
        rows: list[Any],
        access: FormAccess | None,
        *,
        live: CompiledApp | None = None,
    ) -> list[dict[str, Any]]:
        """The records as this reader sees them: fields hidden from them never leave the server.

        With ``live`` (the app), formulas reading aggregates across records are computed again
        (``engine.services.record_aggregates``): other records may have changed since this one was saved.
        """
        documents = self.rows.documents(session, form, rows)
        if live is not None:
            refresh_live_formulas(self.rows, session, live, form, rows, documents, self.related(session, live, None))
        if access is not None:
            for document, record in zip(documents, self.rows.rule_records(session, form, rows), strict=True):
                data = document["data"]
                kept = access.redact({**data, **record})  # rules read the stored (Python) values
                document["data"] = {k: v for k, v in data.items() if k in kept}
        return documents

    @staticmethod
    def _check_version(row: Any, expected: int) -> None:
        if row.lock_version != expected:
            error = ConflictError.says("record.stale_version", id=row.id, current=row.lock_version, expected=expected)
            error.details["current_version"] = row.lock_version
            raise error

    def _after_clash(
        self, principal: Principal, app_id: str, form_id: str, data: Any, locale: str, idempotency_key: str | None
    ) -> tuple[dict[str, Any], bool]:
        """A concurrent writer won a race: the same idempotency key, or the same unique value."""
        if idempotency_key is not None:
            with self.rows.transaction() as session:
                form = self.catalog.current(session, app_id).form(form_id)
                seen = self.rows.seen(session, app_id, form_id, idempotency_key)
                if seen is not None:
                    row = self.rows.row(session, form, seen, deleted=None)
                    return self.rows.documents(session, form, [row])[0], False
        self._unique_after_race(app_id, form_id, data, locale, None, frozenset(), principal)
        raise ConflictError.says("record.race")

    def _unique_after_race(
        self,
        app_id: str,
        form_id: str,
        data: Any,
        locale: str,
        record_id: int | None,
        trusted: frozenset[str],
        principal: Principal,
    ) -> None:
        """Re-check uniqueness after the database refused a write, to name the field that clashed."""
        with self.rows.transaction() as session:
            app = self.catalog.current(session, app_id)
            form = app.form(form_id)
            existing = None
            if record_id is not None:
                existing = self.rows.values(session, form, self.rows.row(session, form, record_id, deleted=None))
            values = form.validator.validate(
                data,
                locale=locale,
                existing=existing,
                trusted=trusted,
                related=self.related(session, app, None),
                acting=acting_names(principal),  # a unique field may be filled from the person submitting
                aggregates=self.rows.aggregates(session, app, form, record_id=record_id, writing=True),
            )
            check_unique(self.rows, session, form, values, locale, exclude=record_id)


def _number_or_text(raw: str) -> int | str:
    found = parse_whole(raw)
    return raw if found is None else found
