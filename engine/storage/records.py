"""The record service: create, read, list, update, soft-delete and restore form records.

Every write is one transaction: validation, relation and uniqueness checks, the row and its
sub-table rows, the history entry and the idempotency key commit together. Updates carry the
version the client saw; a stale one is a 409 that tells the client the current version.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Table, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine.errors import ConflictError, NotAuthenticatedError, NotFoundError, PermissionDeniedError, SubmissionError
from engine.forms.permissions import FormAccess
from engine.forms.row_rules import Const, RowRule
from engine.forms.spec import FieldSpec
from engine.forms.types import FIELD_TYPES
from engine.forms.types.base import common_message
from engine.forms.types.computed import StampType
from engine.forms.validation import submission_message
from engine.principal import PUBLIC, Principal
from engine.storage.attachments import AttachmentStore
from engine.storage.catalog import AppCatalog, CompiledApp, CompiledForm
from engine.storage.database import Database
from engine.storage.record_queries import ListQuery, refuse_hidden, rule_sql, run_list
from engine.storage.serials import next_serial
from engine.storage.tables import IdempotencyKeyRow, RecordHistoryRow, utcnow

SYSTEM_KEYS = (
    "id",
    "uuid",
    "app_version",
    "created_at",
    "updated_at",
    "created_by",
    "updated_by",
    "lock_version",
    "deleted_at",
)
MESSAGES = {
    "not_yours": {"en": "you may not change {label} here", "zh-CN": "您无权修改{label}"},
    "missing": {"en": "{label}: record {value} does not exist", "zh-CN": "{label}:记录 {value} 不存在"},
    "taken": {"en": "{label} '{value}' is already used by another record", "zh-CN": "{label}“{value}”已被其他记录使用"},
}


def _message(code: str, locale: str, **params: Any) -> str:
    return (MESSAGES[code].get(locale) or MESSAGES[code]["en"]).format(**params)


class RecordStore:
    def __init__(
        self, database: Database, catalog: AppCatalog | None = None, attachments: AttachmentStore | None = None
    ):
        self.database = database
        self.catalog = catalog or AppCatalog()
        self.attachments = attachments
        #: called inside the creating transaction (session, app, form, record id, principal): flows start here
        self.on_create: list[Callable[[Session, CompiledApp, CompiledForm, int, Principal], None]] = []

    # -- permission: the one place (the identity issue fills it in) ------------------------------
    def authorize(self, principal: Principal, action: str, app: CompiledApp, form: CompiledForm) -> FormAccess:
        """What this principal may do with this form; refuses outright when no grant gives ``action``.

        Row rules are applied where rows are read (a record outside them is simply not found, so
        another owner's ticket id reveals nothing), field modes where values are read or written.
        """
        access = app.permissions.effective(principal, app.app_id, form.spec.id)
        allowed = access.allows(action)
        if allowed and principal.anonymous and action != "create" and access.bound_filter(action) == Const(False):
            allowed = False  # a public role whose rows need an identity: ask for one instead of showing nothing
        if not allowed:
            if principal.anonymous:
                raise NotAuthenticatedError(f"sign in to {action} records of '{form.spec.id}'")
            raise PermissionDeniedError(f"you may not {action} records of '{form.spec.id}'")
        return access

    def _refuse_fields(
        self,
        access: FormAccess,
        data: Any,
        record: Mapping[str, Any] | None,
        action: str,
        form: CompiledForm,
        locale: str,
    ) -> None:
        """Fields this principal may not write (hidden or read-only for them) are refused by name."""
        if not isinstance(data, dict):
            return
        fields = {f.id: f for f in form.spec.fields}
        errors = {
            key: [_message("not_yours", locale, label=fields[key].title(locale))]
            for key in data
            if key in fields and access.field_mode(key, record=record, action=action) != "editable"
        }
        if errors:
            raise SubmissionError(submission_message("invalid", locale, count=len(errors)), errors)

    # -- reads ---------------------------------------------------------------------------------
    def get(
        self, principal: Principal, app_id: str, form_id: str, record_id: int, *, deleted: bool = False
    ) -> dict[str, Any]:
        with self.database.transaction() as session:
            app = self.catalog.current(session, app_id)
            form = app.form(form_id)
            access = self.authorize(principal, "read", app, form)
            row = self._row(session, form, record_id, deleted=deleted, visible=access.bound_filter("read"))
            return self._document(session, form, [row], access)[0]

    def list_records(self, principal: Principal, app_id: str, form_id: str, query: ListQuery) -> dict[str, Any]:
        with self.database.transaction() as session:
            app = self.catalog.current(session, app_id)
            form = app.form(form_id)
            access = self.authorize(principal, "read", app, form)
            refuse_hidden(query, access, "read")
            rows, next_cursor = run_list(session, form, query, access.bound_filter("read"))
            return {"items": self._document(session, form, rows, access), "next_cursor": next_cursor}

    def may_read_field(self, principal: Principal, app_id: str, form_id: str, record_id: int, field_id: str) -> bool:
        """Whether this principal may see this field of this record (attachment downloads ask this)."""
        try:
            record = self.get(principal, app_id, form_id, record_id)
        except (NotFoundError, PermissionDeniedError, NotAuthenticatedError):
            return False
        return field_id in record["data"]

    def get_by_uuid(self, app_id: str, form_id: str, record_uuid: str) -> dict[str, Any] | None:
        """A record by its uuid, for a caller that proved its right to it (a tracking link)."""
        with self.database.transaction() as session:
            form = self.catalog.current(session, app_id).form(form_id)
            table = form.table
            row = session.execute(
                select(table).where(table.c.uuid == record_uuid, table.c.deleted_at.is_(None))
            ).first()
            return None if row is None else self._document(session, form, [row])[0]

    def count(self, app_id: str, form_id: str) -> int:
        with self.database.transaction() as session:
            table = self.catalog.current(session, app_id).form(form_id).table
            return int(session.scalar(select(func.count()).select_from(table)) or 0)

    def backdate(self, app_id: str, form_id: str, record_id: int, moment: datetime) -> None:
        """Move a record's creation time into the past: for demo data and imports of old records."""
        if moment.tzinfo is None:
            raise ValueError("backdate needs a timezone-aware moment")
        with self.database.transaction() as session:
            table = self.catalog.current(session, app_id).form(form_id).table
            session.execute(update(table).where(table.c.id == record_id).values(created_at=moment, updated_at=moment))

    def titles(
        self,
        principal: Principal,
        app_id: str,
        form_id: str,
        query: str,
        *,
        limit: int = 20,
        record_id: int | None = None,
    ) -> list[dict[str, Any]]:
        """Ids and titles of the records this principal may read whose title contains ``query``:
        all a picker needs to show (a hidden title field shows the id instead)."""
        with self.database.transaction() as session:
            app = self.catalog.current(session, app_id)
            form = app.form(form_id)
            access = self.authorize(principal, "read", app, form)
            table = form.table
            title = form.spec.title_field
            if title and access.field_mode(title) == "hidden":
                title = None
            column = table.c[title] if title and title in table.c else table.c.id
            statement = select(table.c.id, column.label("title")).where(table.c.deleted_at.is_(None))
            visible = access.bound_filter("read")
            if visible is not None:
                statement = statement.where(rule_sql(table, visible))
            if record_id is not None:
                statement = statement.where(table.c.id == record_id)
            elif query and title:
                statement = statement.where(column.contains(query, autoescape=True))
            rows = session.execute(statement.order_by(column, table.c.id).limit(limit))
            return [{"id": row.id, "title": str(row.title)} for row in rows]

    def history(self, principal: Principal, app_id: str, form_id: str, record_id: int) -> list[dict[str, Any]]:
        with self.database.transaction() as session:
            app = self.catalog.current(session, app_id)
            form = app.form(form_id)
            access = self.authorize(principal, "read", app, form)
            row = self._row(session, form, record_id, deleted=None, visible=access.bound_filter("read"))
            record = self._rule_record(row, self._values(session, form, row))  # modes of this record's grants
            hidden = {f.id for f in form.spec.fields if access.field_mode(f.id, record) == "hidden"}
            rows = session.scalars(
                select(RecordHistoryRow)
                .where(
                    RecordHistoryRow.app_id == app_id,
                    RecordHistoryRow.form_id == form_id,
                    RecordHistoryRow.record_id == record_id,
                )
                .order_by(RecordHistoryRow.id)
            )
            return [
                {
                    "version": h.version,
                    "at": h.at.isoformat(),
                    "actor": h.actor,
                    "action": h.action,
                    "changes": {k: v for k, v in h.changes.items() if k not in hidden},
                }
                for h in rows
            ]

    # -- writes --------------------------------------------------------------------------------
    def create(
        self,
        principal: Principal,
        app_id: str,
        form_id: str,
        data: Any,
        *,
        locale: str = "zh-CN",
        idempotency_key: str | None = None,
        start_flows: bool = True,
    ) -> tuple[dict[str, Any], bool]:
        """The new record and True; or, for an idempotency key seen before, the first record and False.

        ``start_flows=False`` is for history brought in (demo data, migrations): no flow starts for it.
        """
        return self._create(
            principal, app_id, form_id, data, locale=locale, idempotency_key=idempotency_key, hooks=start_flows
        )

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
        try:
            with self.database.transaction() as session:
                app = self.catalog.current(session, app_id)
                form = app.form(form_id)
                access = self.authorize(principal, "create", app, form) if check else None
                if access is not None:
                    self._refuse_fields(access, data, None, "create", form, locale)
                if idempotency_key is not None:
                    seen = self._seen(session, app_id, form_id, idempotency_key)
                    if seen is not None:
                        return self._document(session, form, [self._row(session, form, seen, deleted=None)])[0], False
                lookup = self._lookup(session, app)
                values = form.validator.validate(data, locale=locale, lookup=lookup)
                self._check_references(session, app, form, values, locale, lookup)
                self._check_unique(session, form, values, locale, exclude=None)
                record_id = self._insert(session, app, form, values, principal)
                self._claim_attachments(session, app_id, form_id, record_id, values, principal, locale, upload_tokens)
                if idempotency_key is not None:
                    session.execute(
                        insert(IdempotencyKeyRow).values(
                            app_id=app_id,
                            form_id=form_id,
                            key=idempotency_key,
                            record_id=record_id,
                            created_at=utcnow(),
                        )
                    )
                changes = {k: [None, v] for k, v in self._dump_values(form, values).items() if v not in (None, [])}
                self._history(session, app_id, form_id, record_id, 1, principal, "create", changes)
                for listener in self.on_create if hooks else ():
                    listener(session, app, form, record_id, principal)
                session.flush()
                read = app.permissions.effective(principal, app.app_id, form.spec.id) if check else None
                return self._document(session, form, [self._row(session, form, record_id, deleted=False)], read)[
                    0
                ], True
        except IntegrityError:
            return self._after_integrity_error(principal, app_id, form_id, data, locale, idempotency_key)

    def create_public(
        self,
        app_id: str,
        form_id: str,
        data: Any,
        *,
        locale: str = "zh-CN",
        idempotency_key: str | None = None,
        upload_tokens: Collection[str] = (),
    ) -> tuple[dict[str, Any], bool]:
        """A submission through a form's public link: only the fields the link shows may be sent,
        and only files uploaded in this flow (proved by their ``upload_tokens``) may be attached."""
        with self.database.transaction() as session:
            spec = self.catalog.current(session, app_id).form(form_id).spec
        public = spec.public
        if not public.get("enabled"):
            raise NotFoundError(f"form '{form_id}' has no public link")
        allowed = set(public.get("fields") or [f.id for f in spec.fields])
        if isinstance(data, dict):
            extra = sorted(str(k)[:40] for k in data if k not in allowed)
            if extra:
                message = submission_message("invalid", locale, count=len(extra))
                raise SubmissionError(
                    message, {k: [common_message("unknown_field", locale).format(label=k)] for k in extra}
                )
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

    def update(
        self,
        principal: Principal,
        app_id: str,
        form_id: str,
        record_id: int,
        data: Any,
        *,
        expected_version: int,
        locale: str = "zh-CN",
        trusted: frozenset[str] = frozenset(),
    ) -> dict[str, Any]:
        try:
            with self.database.transaction() as session:
                app = self.catalog.current(session, app_id)
                form = app.form(form_id)
                access = self.authorize(principal, "update", app, form)
                row = self._row(
                    session, form, record_id, deleted=False, lock=True, visible=access.bound_filter("update")
                )
                self._check_version(form, row, expected_version)
                before = self._values(session, form, row)
                self._refuse_fields(access, data, self._rule_record(row, before), "update", form, locale)
                lookup = self._lookup(session, app)
                values = form.validator.validate(data, locale=locale, existing=before, trusted=trusted, lookup=lookup)
                self._check_references(session, app, form, values, locale, lookup)
                self._check_unique(session, form, values, locale, exclude=record_id)
                old_json, new_json = self._dump_values(form, before), self._dump_values(form, values)
                changes = {k: [old_json.get(k), v] for k, v in new_json.items() if old_json.get(k) != v}
                version = row.lock_version + 1
                if changes:
                    self._claim_attachments(session, app_id, form_id, record_id, values, principal, locale)
                    self._write(session, form, record_id, values, set(changes), principal, version, row.lock_version)
                    self._history(session, app_id, form_id, record_id, version, principal, "update", changes)
                read = app.permissions.effective(principal, app.app_id, form.spec.id)
                return self._document(session, form, [self._row(session, form, record_id, deleted=False)], read)[0]
        except IntegrityError:
            self._unique_after_race(app_id, form_id, data, locale, record_id, trusted)
            raise ConflictError("another change to the same data happened at the same moment; try again") from None

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
        with self.database.transaction() as session:
            app = self.catalog.current(session, app_id)
            form = app.form(form_id)
            access = self.authorize(principal, "delete", app, form)
            row = self._row(
                session, form, record_id, deleted=not deleting, lock=True, visible=access.bound_filter("delete")
            )
            if expected_version is not None:
                self._check_version(form, row, expected_version)
            now = utcnow()
            version = row.lock_version + 1
            table = form.table
            session.execute(
                update(table)
                .where(table.c.id == record_id, table.c.lock_version == row.lock_version)
                .values(
                    deleted_at=now if deleting else None, lock_version=version, updated_at=now, updated_by=principal.id
                )
            )
            action = "delete" if deleting else "restore"
            deleted_change = [None, now.isoformat()] if deleting else [row.deleted_at.isoformat(), None]
            self._history(
                session, app_id, form_id, record_id, version, principal, action, {"deleted_at": deleted_change}
            )
            read = app.permissions.effective(principal, app.app_id, form.spec.id)
            return self._document(session, form, [self._row(session, form, record_id, deleted=deleting)], read)[0]

    # -- helpers: rows -------------------------------------------------------------------------
    @staticmethod
    def _row(
        session: Session,
        form: CompiledForm,
        record_id: Any,
        *,
        deleted: bool | None,
        lock: bool = False,
        visible: RowRule | None = None,
    ) -> Any:
        """One record row; outside the caller's row rule it does not exist (404, nothing revealed)."""
        table = form.table
        if isinstance(record_id, bool) or not isinstance(record_id, int) or not 0 < record_id < 2**63:
            raise NotFoundError(f"there is no record {record_id} in '{form.spec.id}'")
        statement = select(table).where(table.c.id == record_id)
        if visible is not None:
            statement = statement.where(rule_sql(table, visible))
        if deleted is True:
            statement = statement.where(table.c.deleted_at.is_not(None))
        elif deleted is False:
            statement = statement.where(table.c.deleted_at.is_(None))
        if lock:
            statement = statement.with_for_update()
        row = session.execute(statement).first()
        if row is None:
            where = " in the trash" if deleted else ""
            raise NotFoundError(f"there is no record {record_id} in '{form.spec.id}'{where}", details={"id": record_id})
        return row

    @staticmethod
    def _check_version(form: CompiledForm, row: Any, expected: int) -> None:
        if row.lock_version != expected:
            raise ConflictError(
                f"record {row.id} was changed by someone else (now at version {row.lock_version}, you had "
                f"{expected}); reload it and apply your change again",
                details={"current_version": row.lock_version},
            )

    def _values(self, session: Session, form: CompiledForm, row: Any) -> dict[str, Any]:
        """The stored values of a record as the validator sees them (Python values, rows, links)."""
        values: dict[str, Any] = {}
        for field in form.spec.fields:
            kind = FIELD_TYPES.get(field.type)
            if field.id in form.children:
                values[field.id] = self.child_rows(session, form, field, [row.id])[row.id]
            elif field.id in form.links:
                values[field.id] = self.links_of(session, form.links[field.id], [row.id])[row.id]
            elif isinstance(kind, StampType):
                values[field.id] = getattr(row, kind.system_column)
            elif form.columns[field.id] is not None:
                values[field.id] = getattr(row, field.id)
        return values

    @staticmethod
    def child_rows(
        session: Session, form: CompiledForm, field: FieldSpec, parents: list[int]
    ) -> dict[int, list[dict[str, Any]]]:
        table = form.children[field.id]
        found: dict[int, list[dict[str, Any]]] = {p: [] for p in parents}
        names = [c.id for c in field.children if FIELD_TYPES.get(c.type).column(c) is not None]
        rows = session.execute(
            select(table).where(table.c.parent_id.in_(parents)).order_by(table.c.parent_id, table.c.position)
        )
        for row in rows:
            found[row.parent_id].append({name: getattr(row, name) for name in names})
        return found

    @staticmethod
    def links_of(session: Session, table: Table, records: list[int]) -> dict[int, list[int]]:
        found: dict[int, list[int]] = {r: [] for r in records}
        rows = session.execute(select(table).where(table.c.record_id.in_(records)).order_by(table.c.position))
        for row in rows:
            found[row.record_id].append(row.target_id)
        return found

    @staticmethod
    def _rule_record(row: Any, values: Mapping[str, Any]) -> dict[str, Any]:
        """A record as row rules read it: stored field values plus the system columns."""
        return {**values, "id": row.id, "created_by": row.created_by, "updated_by": row.updated_by}

    def _document(
        self, session: Session, form: CompiledForm, rows: list[Any], access: FormAccess | None = None
    ) -> list[dict[str, Any]]:
        ids = [row.id for row in rows]
        children = {f.id: self.child_rows(session, form, f, ids) for f in form.spec.fields if f.id in form.children}
        links = {name: self.links_of(session, table, ids) for name, table in form.links.items()}
        documents = []
        for row in rows:
            data: dict[str, Any] = {}
            for field in form.spec.fields:
                kind = FIELD_TYPES.get(field.type)
                if field.id in children:
                    data[field.id] = [
                        {c.id: FIELD_TYPES.get(c.type).dump(c, r.get(c.id)) for c in field.children if c.id in r}
                        for r in children[field.id][row.id]
                    ]
                elif field.id in links:
                    data[field.id] = links[field.id][row.id]
                elif isinstance(kind, StampType):
                    value = getattr(row, kind.system_column)
                    data[field.id] = value.isoformat() if hasattr(value, "isoformat") else value
                elif form.columns[field.id] is not None:
                    data[field.id] = kind.dump(field, getattr(row, field.id))
            documents.append(
                {
                    "id": row.id,
                    "uuid": row.uuid,
                    "version": row.lock_version,
                    "app_version": row.app_version,
                    "created_at": row.created_at.isoformat(),
                    "updated_at": row.updated_at.isoformat(),
                    "created_by": row.created_by,
                    "updated_by": row.updated_by,
                    "deleted_at": row.deleted_at.isoformat() if row.deleted_at else None,
                    "data": data if access is None else self._redacted(access, row, data),
                }
            )
        return documents

    def _redacted(self, access: FormAccess, row: Any, data: dict[str, Any]) -> dict[str, Any]:
        """The record's data without the fields hidden from this principal: they never leave the server."""
        kept = access.redact(self._rule_record(row, data))
        return {k: v for k, v in kept.items() if k in data}

    def _dump_values(self, form: CompiledForm, values: Mapping[str, Any]) -> dict[str, Any]:
        dumped: dict[str, Any] = {}
        for field in form.spec.fields:
            kind = FIELD_TYPES.get(field.type)
            if not kind.stores_value or isinstance(kind, StampType) or field.id not in values:
                continue
            value = values[field.id]
            if field.type == "subtable":
                dumped[field.id] = [
                    {
                        c.id: FIELD_TYPES.get(c.type).dump(c, row.get(c.id))
                        for c in field.children
                        if FIELD_TYPES.get(c.type).column(c) is not None
                    }
                    for row in value or []
                ]
            else:
                dumped[field.id] = kind.dump(field, value)
        return dumped

    # -- helpers: writes -----------------------------------------------------------------------
    def _insert(
        self, session: Session, app: CompiledApp, form: CompiledForm, values: dict[str, Any], principal: Principal
    ) -> int:
        now = utcnow()
        for field in form.spec.fields:
            if field.type == "serial":
                values[field.id] = next_serial(
                    session, app.app_id, form.spec.id, field.id, field.config["pattern"], now
                )
        row = {
            "uuid": uuid.uuid4().hex,
            "app_version": app.version,
            "created_at": now,
            "updated_at": now,
            "created_by": principal.id,
            "updated_by": principal.id,
            "lock_version": 1,
            **self._columns(form, values, set(values)),
        }
        record_id = int(session.execute(insert(form.table).returning(form.table.c.id), row).scalar_one())
        self._write_related(session, form, record_id, values, set(values), new=True)
        return record_id

    def _write(
        self,
        session: Session,
        form: CompiledForm,
        record_id: int,
        values: dict[str, Any],
        changed: set[str],
        principal: Principal,
        version: int,
        seen_version: int,
    ) -> None:
        table = form.table
        result = session.execute(
            update(table)
            .where(table.c.id == record_id, table.c.lock_version == seen_version)
            .values(
                updated_at=utcnow(),
                updated_by=principal.id,
                lock_version=version,
                **self._columns(form, values, changed),
            )
        )
        if getattr(result, "rowcount", 1) != 1:
            raise ConflictError(f"record {record_id} was changed by someone else; reload it and try again")
        self._write_related(session, form, record_id, values, changed)

    @staticmethod
    def _columns(form: CompiledForm, values: Mapping[str, Any], names: set[str]) -> dict[str, Any]:
        return {
            f.id: values.get(f.id)
            for f in form.spec.fields
            if f.id in names and f.id in form.table.c and f.id not in SYSTEM_KEYS
        }

    @staticmethod
    def _write_related(
        session: Session,
        form: CompiledForm,
        record_id: int,
        values: Mapping[str, Any],
        changed: set[str],
        new: bool = False,
    ) -> None:
        for field in form.spec.fields:
            if field.id not in changed:
                continue
            if field.id in form.children:
                table = form.children[field.id]
                if not new:
                    session.execute(delete(table).where(table.c.parent_id == record_id))
                rows = [
                    {
                        "parent_id": record_id,
                        "position": n,
                        **{c.id: row.get(c.id) for c in field.children if c.id in table.c},
                    }
                    for n, row in enumerate(values.get(field.id) or [])
                ]
                if rows:
                    session.execute(insert(table), rows)
            elif field.id in form.links:
                table = form.links[field.id]
                if not new:
                    session.execute(delete(table).where(table.c.record_id == record_id))
                targets = values.get(field.id) or []
                if targets:
                    session.execute(
                        insert(table),
                        [{"record_id": record_id, "target_id": t, "position": n} for n, t in enumerate(targets)],
                    )

    @staticmethod
    def _history(
        session: Session,
        app_id: str,
        form_id: str,
        record_id: int,
        version: int,
        principal: Principal,
        action: str,
        changes: dict[str, Any],
    ) -> None:
        session.execute(
            insert(RecordHistoryRow),
            {
                "app_id": app_id,
                "form_id": form_id,
                "record_id": record_id,
                "version": version,
                "at": utcnow(),
                "actor": principal.id,
                "action": action,
                "changes": changes,
            },
        )

    def _claim_attachments(
        self,
        session: Session,
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
        if errors:
            raise SubmissionError(submission_message("invalid", locale, count=len(errors)), errors)

    # -- helpers: checks -----------------------------------------------------------------------
    def _lookup(self, session: Session, app: CompiledApp) -> Any:
        cache: dict[tuple[str, int], Mapping[str, Any] | None] = {}

        def lookup(target: str, record_id: Any) -> Mapping[str, Any] | None:
            key = (target, record_id)
            if key not in cache:
                form = app.forms.get(target)
                row = None
                if form is not None and isinstance(record_id, int):
                    table = form.table
                    row = session.execute(
                        select(table).where(table.c.id == record_id, table.c.deleted_at.is_(None))
                    ).first()
                cache[key] = None if row is None else {"id": row.id, **self._values(session, form, row)}  # type: ignore[arg-type]
            return cache[key]

        return lookup

    def _check_references(
        self,
        session: Session,
        app: CompiledApp,
        form: CompiledForm,
        values: Mapping[str, Any],
        locale: str,
        lookup: Any,
    ) -> None:
        """Every related record exists and is not deleted; single links reuse the validation's lookups."""
        errors: dict[str, list[str]] = {}

        def check(field: FieldSpec, value: Any, key: str) -> None:
            if field.type != "relation" or value in (None, []):
                return
            wanted = value if isinstance(value, list) else [value]
            if isinstance(value, list):
                target = app.forms[field.config["target"]].table
                present = set(
                    session.scalars(select(target.c.id).where(target.c.id.in_(wanted), target.c.deleted_at.is_(None)))
                )
            else:
                present = {value} if lookup(field.config["target"], value) is not None else set()
            for item in wanted:
                if item not in present:
                    errors.setdefault(key, []).append(
                        _message("missing", locale, label=field.title(locale), value=item)
                    )

        for field in form.spec.fields:
            check(field, values.get(field.id), field.id)
            if field.type == "subtable":
                for n, row in enumerate(values.get(field.id) or []):
                    for child in field.children:
                        check(child, row.get(child.id), f"{field.id}/{n}/{child.id}")
        if errors:
            raise SubmissionError(submission_message("invalid", locale, count=len(errors)), errors)

    def _check_unique(
        self, session: Session, form: CompiledForm, values: Mapping[str, Any], locale: str, exclude: int | None
    ) -> None:
        errors: dict[str, list[str]] = {}
        table = form.table
        for field in form.spec.fields:
            value = values.get(field.id)
            if not field.unique or value in (None, ""):
                continue
            statement = select(func.count()).select_from(table).where(table.c[field.id] == value)
            if exclude is not None:
                statement = statement.where(table.c.id != exclude)
            if session.scalar(statement):
                errors.setdefault(field.id, []).append(
                    _message(
                        "taken", locale, label=field.title(locale), value=FIELD_TYPES.get(field.type).dump(field, value)
                    )
                )
        if errors:
            raise SubmissionError(submission_message("invalid", locale, count=len(errors)), errors)

    @staticmethod
    def _seen(session: Session, app_id: str, form_id: str, key: str) -> int | None:
        return session.scalar(
            select(IdempotencyKeyRow.record_id).where(
                IdempotencyKeyRow.app_id == app_id, IdempotencyKeyRow.form_id == form_id, IdempotencyKeyRow.key == key
            )
        )

    def _after_integrity_error(
        self, principal: Principal, app_id: str, form_id: str, data: Any, locale: str, idempotency_key: str | None
    ) -> tuple[dict[str, Any], bool]:
        """A concurrent writer won a race: the same idempotency key, or the same unique value."""
        if idempotency_key is not None:
            with self.database.transaction() as session:
                form = self.catalog.current(session, app_id).form(form_id)
                seen = self._seen(session, app_id, form_id, idempotency_key)
                if seen is not None:
                    return self._document(session, form, [self._row(session, form, seen, deleted=None)])[0], False
        self._unique_after_race(app_id, form_id, data, locale, None, frozenset())
        raise ConflictError("another change to the same data happened at the same moment; try again")

    def _unique_after_race(
        self, app_id: str, form_id: str, data: Any, locale: str, record_id: int | None, trusted: frozenset[str]
    ) -> None:
        """Re-check uniqueness after the database refused a write, to name the field that clashed."""
        with self.database.transaction() as session:
            app = self.catalog.current(session, app_id)
            form = app.form(form_id)
            existing = None
            if record_id is not None:
                existing = self._values(session, form, self._row(session, form, record_id, deleted=None))
            values = form.validator.validate(
                data, locale=locale, existing=existing, trusted=trusted, lookup=self._lookup(session, app)
            )
            self._check_unique(session, form, values, locale, exclude=record_id)

    # -- flows: a flow step reads and writes its record inside the flow's own transaction --------
    def flow_record(self, session: Session, form: CompiledForm, record_id: int) -> dict[str, Any]:
        """The record's values as flow conditions read them: every field (None when empty) and the system names."""
        row = self._row(session, form, record_id, deleted=None)
        values = self._values(session, form, row)
        found = {f.id: values.get(f.id) for f in form.spec.fields}
        found.update(
            id=row.id,
            created_at=row.created_at,
            updated_at=row.updated_at,
            created_by=row.created_by,
            updated_by=row.updated_by,
        )
        return found

    def flow_write(
        self,
        session: Session,
        app: CompiledApp,
        form: CompiledForm,
        record_id: int,
        data: Mapping[str, Any],
        principal: Principal,
        *,
        locale: str = "zh-CN",
        trusted: frozenset[str] = frozenset(),
        required: frozenset[str] = frozenset(),
        action: str = "flow",
    ) -> dict[str, Any]:
        """Write what a task submitted (or a step set) after the flow checked who may write which field.

        Values a step computed (``now()``, a dispatch's worker) arrive as Python values and are
        dumped to their JSON form first, so they pass the same validation as typed input.
        """
        fields = {f.id: f for f in form.spec.fields}
        dumped = {
            k: (FIELD_TYPES.get(fields[k].type).dump(fields[k], v) if k in trusted and not isinstance(v, str) else v)
            for k, v in data.items()
            if k in fields
        }
        row = self._row(session, form, record_id, deleted=False, lock=True)
        before = self._values(session, form, row)
        lookup = self._lookup(session, app)
        values = form.validator.validate(dumped, locale=locale, existing=before, trusted=trusted, lookup=lookup)
        missing = {
            k: [common_message("required", locale).format(label=fields[k].title(locale))]
            for k in sorted(required)
            if k in fields and values.get(k) in (None, "", [])
        }
        if missing:
            raise SubmissionError(submission_message("invalid", locale, count=len(missing)), missing)
        self._check_references(session, app, form, values, locale, lookup)
        self._check_unique(session, form, values, locale, exclude=record_id)
        old_json, new_json = self._dump_values(form, before), self._dump_values(form, values)
        changes = {k: [old_json.get(k), v] for k, v in new_json.items() if old_json.get(k) != v}
        if changes:
            version = row.lock_version + 1
            self._claim_attachments(session, app.app_id, form.spec.id, record_id, values, principal, locale)
            self._write(session, form, record_id, values, set(changes), principal, version, row.lock_version)
            self._history(session, app.app_id, form.spec.id, record_id, version, principal, action, changes)
        return self.flow_record(session, form, record_id)
