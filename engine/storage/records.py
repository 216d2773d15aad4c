"""The record repository (storage layer): rows of form records, their sub-table rows, links and history.

Rows in, plain values out: a record comes back as its JSON document (every field, nothing
redacted); who may see or change what, and the sentences a refusal shows, belong to
``engine.services.records``. Every method takes the caller's open session, so a use case decides
where its transaction begins and ends.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table, delete, func, insert, select, update
from sqlalchemy.orm import Session

from engine.errors import ConflictError, NotFoundError
from engine.forms.row_rules import RowRule
from engine.forms.spec import FieldSpec
from engine.forms.types import FIELD_TYPES
from engine.principal import Principal
from engine.storage.aggregates import SqlAggregates
from engine.storage.catalog import AppCatalog, CompiledApp, CompiledForm
from engine.storage.database import Database
from engine.storage.record_queries import ListQuery, run_list
from engine.storage.row_rule_sql import path_values_of, rule_sql, with_path_values
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

#: the open transaction a use case passes through to the repositories (opaque above storage)
Transaction = Session


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    version: int
    at: datetime
    actor: str
    action: str
    changes: Mapping[str, Any]


class RecordRepository:
    """Rows of the form tables of every installed app, through the compiled app catalog."""

    def __init__(self, database: Database, catalog: AppCatalog):
        self.database = database
        self.catalog = catalog

    def transaction(self) -> AbstractContextManager[Session]:
        """One transaction; a unique value lost to a concurrent writer is a ``WriteClashError``."""
        return self.database.writing()

    # -- reads ---------------------------------------------------------------------------------
    @staticmethod
    def row(
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
            raise NotFoundError.says("record.not_found", id=record_id, form=form.spec.id)
        statement = select(table).where(table.c.id == record_id)
        if visible is not None:
            statement = statement.where(rule_sql(table, visible, form.rule_paths))
        if deleted is True:
            statement = statement.where(table.c.deleted_at.is_not(None))
        elif deleted is False:
            statement = statement.where(table.c.deleted_at.is_(None))
        if lock:
            statement = statement.with_for_update()
        row = session.execute(statement).first()
        if row is None:
            code = "record.not_in_trash" if deleted else "record.not_found"
            error = NotFoundError.says(code, id=record_id, form=form.spec.id)
            error.details["id"] = record_id
            raise error
        return row

    @staticmethod
    def row_by_uuid(session: Session, form: CompiledForm, record_uuid: str) -> Any:
        table = form.table
        return session.execute(select(table).where(table.c.uuid == record_uuid, table.c.deleted_at.is_(None))).first()

    @staticmethod
    def count(session: Session, form: CompiledForm) -> int:
        return int(session.scalar(select(func.count()).select_from(form.table)) or 0)

    @staticmethod
    def page(
        session: Session,
        form: CompiledForm,
        query: ListQuery,
        visible: RowRule | None,
    ) -> tuple[list[Any], str | None]:
        return run_list(session, form, query, visible)

    @staticmethod
    def titles(
        session: Session,
        form: CompiledForm,
        title: str | None,
        query: str,
        *,
        limit: int,
        record_id: int | None,
        visible: RowRule | None,
        equal: Mapping[str, Any] | None = None,
    ) -> list[tuple[int, str]]:
        """Ids and titles (the ``title`` field, or the id when None) of live records (holding ``equal``'s values)."""
        table = form.table
        column = table.c[title] if title and title in table.c else table.c.id
        statement = select(table.c.id, column.label("title")).where(table.c.deleted_at.is_(None))
        for name, value in (equal or {}).items():
            statement = statement.where(table.c[name] == value)
        if visible is not None:
            statement = statement.where(rule_sql(table, visible, form.rule_paths))
        if record_id is not None:
            statement = statement.where(table.c.id == record_id)
        elif query and title:
            statement = statement.where(column.contains(query, autoescape=True))
        rows = session.execute(statement.order_by(column, table.c.id).limit(limit))
        return [(row.id, str(row.title)) for row in rows]

    @staticmethod
    def history(session: Session, app_id: str, form_id: str, record_id: int) -> list[HistoryEntry]:
        rows = session.scalars(
            select(RecordHistoryRow)
            .where(
                RecordHistoryRow.app_id == app_id,
                RecordHistoryRow.form_id == form_id,
                RecordHistoryRow.record_id == record_id,
            )
            .order_by(RecordHistoryRow.id)
        )
        return [HistoryEntry(h.version, h.at, h.actor, h.action, h.changes) for h in rows]

    def values(self, session: Session, form: CompiledForm, row: Any) -> dict[str, Any]:
        """The stored values of a record as the validator sees them (Python values, rows, links)."""
        return self.values_of(session, form, [row])[0]

    @staticmethod
    def values_of(session: Session, form: CompiledForm, rows: list[Any]) -> list[dict[str, Any]]:
        """``values`` of several rows, their sub-table rows and links read for all at once."""
        ids = [row.id for row in rows]
        children = {f.id: child_rows(session, form, f, ids) for f in form.spec.fields if f.id in form.children}
        links = {name: links_of(session, table, ids) for name, table in form.links.items()}
        found = []
        for row in rows:
            values: dict[str, Any] = {}
            for field in form.spec.fields:
                kind = FIELD_TYPES.get(field.type)
                if field.id in children:
                    values[field.id] = children[field.id][row.id]
                elif field.id in links:
                    values[field.id] = links[field.id][row.id]
                elif kind.system_column is not None:
                    values[field.id] = getattr(row, kind.system_column)
                elif form.columns[field.id] is not None:
                    values[field.id] = getattr(row, field.id)
            found.append(values)
        return found

    @staticmethod
    def live_rows(session: Session, form: CompiledForm, *, after: int, limit: int) -> list[Any]:
        """Up to ``limit`` live rows of ``form`` with ids above ``after``, in id order."""
        table = form.table
        statement = (
            select(table).where(table.c.deleted_at.is_(None), table.c.id > after).order_by(table.c.id).limit(limit)
        )
        return list(session.execute(statement))

    @staticmethod
    def rule_records(session: Session, form: CompiledForm, rows: list[Any]) -> list[dict[str, Any]]:
        """The records as row rules read them in memory: every column of the form's table (stored
        values and system columns) and the value of each relation path the form's rules read."""
        records = [dict(row._mapping) for row in rows]
        with_path_values(session, form.table, form.rule_paths, records)
        return records

    @staticmethod
    def rule_values(
        session: Session, form: CompiledForm, values: Mapping[str, Any], row: Any | None, principal: Principal
    ) -> dict[str, Any]:
        """A record about to be written (``row``: as stored before an update; None for a new one) as
        row rules read it: its new values, its system columns after the write and its path values."""
        now = utcnow()
        record = {
            **values,
            "id": None if row is None else row.id,
            "created_by": principal.id if row is None else row.created_by,
            "created_at": now if row is None else row.created_at,
            "updated_by": principal.id,
            "updated_at": now,
        }
        record.update(path_values_of(session, form.table, form.rule_paths, record))
        return record

    @staticmethod
    def documents(session: Session, form: CompiledForm, rows: list[Any]) -> list[dict[str, Any]]:
        """The records' JSON documents, every field included (the service redacts what a reader may not see)."""
        ids = [row.id for row in rows]
        children = {f.id: child_rows(session, form, f, ids) for f in form.spec.fields if f.id in form.children}
        links = {name: links_of(session, table, ids) for name, table in form.links.items()}
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
                elif kind.system_column is not None:
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
                    "data": data,
                }
            )
        return documents

    @staticmethod
    def dump_values(form: CompiledForm, values: Mapping[str, Any]) -> dict[str, Any]:
        """Stored values in their JSON form, as history records them (stamps and layout fields left out)."""
        dumped: dict[str, Any] = {}
        for field in form.spec.fields:
            kind = FIELD_TYPES.get(field.type)
            if not kind.stores_value or kind.system_column is not None or field.id not in values:
                continue
            value = values[field.id]
            if kind.holds_rows:
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

    # -- what validation and the checks read ---------------------------------------------------
    @staticmethod
    def aggregates(
        session: Session, app: CompiledApp, form: CompiledForm, *, record_id: int | None, writing: bool
    ) -> SqlAggregates:
        """Aggregates across records for the expressions of ``form``'s record ``record_id`` (``storage.aggregates``)."""
        return SqlAggregates(session, app, form.spec.id, record_id=record_id, writing=writing)

    @staticmethod
    def live_ids(
        session: Session, form: CompiledForm, wanted: list[Any], equal: Mapping[str, Any] | None = None
    ) -> set[Any]:
        """Which of ``wanted`` are ids of records of ``form`` that are not deleted (and hold ``equal``'s values)."""
        target = form.table
        statement = select(target.c.id).where(target.c.id.in_(wanted), target.c.deleted_at.is_(None))
        for column, value in (equal or {}).items():
            statement = statement.where(target.c[column] == value)
        return set(session.scalars(statement))

    @staticmethod
    def value_taken(session: Session, form: CompiledForm, field_id: str, value: Any, exclude: int | None) -> bool:
        """Whether another record (any but ``exclude``) holds ``value`` in ``field_id``."""
        table = form.table
        statement = select(func.count()).select_from(table).where(table.c[field_id] == value)
        if exclude is not None:
            statement = statement.where(table.c.id != exclude)
        return bool(session.scalar(statement))

    @staticmethod
    def combination_taken(session: Session, form: CompiledForm, values: Mapping[str, Any], exclude: int | None) -> bool:
        """Whether another record (any but ``exclude``, deleted ones too, as the index) holds all of ``values``."""
        table = form.table
        statement = select(func.count()).select_from(table)
        for field_id, value in values.items():
            statement = statement.where(table.c[field_id] == value)
        if exclude is not None:
            statement = statement.where(table.c.id != exclude)
        return bool(session.scalar(statement))

    @staticmethod
    def seen(session: Session, app_id: str, form_id: str, key: str) -> int | None:
        """The record an idempotency key created before, if any."""
        return session.scalar(
            select(IdempotencyKeyRow.record_id).where(
                IdempotencyKeyRow.app_id == app_id, IdempotencyKeyRow.form_id == form_id, IdempotencyKeyRow.key == key
            )
        )

    # -- writes --------------------------------------------------------------------------------
    def insert(
        self, session: Session, app: CompiledApp, form: CompiledForm, values: dict[str, Any], principal: Principal
    ) -> int:
        """A new record row (serial numbers drawn here) with its sub-table rows and links; its id."""
        now = utcnow()
        for field in form.spec.fields:
            pattern = FIELD_TYPES.get(field.type).serial_pattern(field)
            if pattern is not None:
                values[field.id] = next_serial(session, app.app_id, form.spec.id, field.id, pattern, now)
        row = {
            "uuid": uuid.uuid4().hex,
            "app_version": app.version,
            "created_at": now,
            "updated_at": now,
            "created_by": principal.id,
            "updated_by": principal.id,
            "lock_version": 1,
            **_columns(form, values, set(values)),
        }
        record_id = int(session.execute(insert(form.table).returning(form.table.c.id), row).scalar_one())
        _write_related(session, form, record_id, values, set(values), new=True)
        return record_id

    @staticmethod
    def remember_key(session: Session, app_id: str, form_id: str, key: str, record_id: int) -> None:
        session.execute(
            insert(IdempotencyKeyRow).values(
                app_id=app_id, form_id=form_id, key=key, record_id=record_id, created_at=utcnow()
            )
        )

    @staticmethod
    def write(
        session: Session,
        form: CompiledForm,
        record_id: int,
        values: dict[str, Any],
        changed: set[str],
        principal: Principal,
        version: int,
        seen_version: int,
    ) -> None:
        """Write the ``changed`` fields if the row is still at ``seen_version``; a lost race is a conflict."""
        table = form.table
        result = session.execute(
            update(table)
            .where(table.c.id == record_id, table.c.lock_version == seen_version)
            .values(
                updated_at=utcnow(),
                updated_by=principal.id,
                lock_version=version,
                **_columns(form, values, changed),
            )
        )
        if getattr(result, "rowcount", 1) != 1:
            raise ConflictError.says("record.changed_meanwhile", id=record_id)
        _write_related(session, form, record_id, values, changed)

    @staticmethod
    def trash(session: Session, form: CompiledForm, row: Any, *, deleting: bool, principal: Principal) -> int:
        """Move a record into the trash or back out of it; the new version."""
        now = utcnow()
        version = int(row.lock_version) + 1
        table = form.table
        session.execute(
            update(table)
            .where(table.c.id == row.id, table.c.lock_version == row.lock_version)
            .values(deleted_at=now if deleting else None, lock_version=version, updated_at=now, updated_by=principal.id)
        )
        deleted_change = [None, now.isoformat()] if deleting else [row.deleted_at.isoformat(), None]
        RecordRepository.add_history(
            session,
            form.spec.app_id,
            form.spec.id,
            row.id,
            version,
            principal,
            "delete" if deleting else "restore",
            {"deleted_at": deleted_change},
        )
        return version

    @staticmethod
    def backdate(session: Session, form: CompiledForm, record_id: int, moment: datetime) -> None:
        table = form.table
        session.execute(update(table).where(table.c.id == record_id).values(created_at=moment, updated_at=moment))

    @staticmethod
    def add_history(
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


def child_rows(
    session: Session, form: CompiledForm, field: FieldSpec, parents: list[int]
) -> dict[int, list[dict[str, Any]]]:
    """The sub-table rows of ``field`` for each parent record, in their order."""
    table = form.children[field.id]
    found: dict[int, list[dict[str, Any]]] = {p: [] for p in parents}
    names = [c.id for c in field.children if FIELD_TYPES.get(c.type).column(c) is not None]
    rows = session.execute(
        select(table).where(table.c.parent_id.in_(parents)).order_by(table.c.parent_id, table.c.position)
    )
    for row in rows:
        found[row.parent_id].append({name: getattr(row, name) for name in names})
    return found


def links_of(session: Session, table: Table, records: list[int]) -> dict[int, list[int]]:
    """The targets of a multi-relation for each record, in their order."""
    found: dict[int, list[int]] = {r: [] for r in records}
    rows = session.execute(select(table).where(table.c.record_id.in_(records)).order_by(table.c.position))
    for row in rows:
        found[row.record_id].append(row.target_id)
    return found


def _columns(form: CompiledForm, values: Mapping[str, Any], names: set[str]) -> dict[str, Any]:
    return {
        f.id: values.get(f.id)
        for f in form.spec.fields
        if f.id in names and f.id in form.table.c and f.id not in SYSTEM_KEYS
    }


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
