"""Reading a form's records for an export (storage layer): keyset batches, sub-table rows, links,
related records' titles, and the audit row. Rows in, plain values out; what the cells say is the
service's business (``engine.services.exports``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.forms.row_rules import RowRule
from engine.forms.spec import FieldSpec
from engine.forms.types import FIELD_TYPES
from engine.storage.catalog import CompiledApp, CompiledForm
from engine.storage.record_queries import ListQuery, run_list
from engine.storage.records import child_rows, links_of
from engine.storage.row_rule_sql import with_path_values
from engine.storage.tables import AuditEventRow

IN_CHUNK = 900  # ids per IN (...) list, well below SQLite's limit of bound parameters


@dataclass(frozen=True, slots=True)
class StoredBatch:
    """One keyset page of records with what lives outside the form's own table."""

    records: list[dict[str, Any]]  # the form's table row of each record: id, field columns, system columns
    cursor: str | None  # where the next page starts; None after the last
    children: dict[str, dict[int, list[dict[str, Any]]]]  # subtable field -> record id -> rows
    links: dict[str, dict[int, list[int]]]  # multi-relation field -> record id -> target ids

    @property
    def ids(self) -> list[int]:
        return [record["id"] for record in self.records]


def read_batch(
    session: Session, form: CompiledForm, query: ListQuery, visible: RowRule | None, fields: Iterable[FieldSpec]
) -> StoredBatch:
    """One page of ``query`` (the records list's filters and sort) with the rows of ``fields``."""
    rows, cursor = run_list(session, form, query, visible)
    ids = [row.id for row in rows]
    fields = list(fields)
    records = [dict(row._mapping) for row in rows]
    with_path_values(session, form.table, form.rule_paths, records)  # per-row field modes read them
    return StoredBatch(
        records=records,
        cursor=cursor,
        children={f.id: child_rows(session, form, f, ids) for f in fields if f.id in form.children},
        links={f.id: links_of(session, form.links[f.id], ids) for f in fields if f.id in form.links},
    )


def related_titles(
    session: Session, app: CompiledApp, wanted: Mapping[str, Iterable[int]]
) -> dict[tuple[str, int], str]:
    """Titles of related records by (form, id), deleted ones included: an old order still names its room."""
    found: dict[tuple[str, int], str] = {}
    for target, ids in wanted.items():
        found.update(_titles(session, app.forms[target], sorted(ids)))
    return found


def _titles(session: Session, form: CompiledForm, ids: list[int]) -> dict[tuple[str, int], str]:
    name = form.spec.title_field
    if not name or name not in form.table.c:
        return {}
    title_field = form.spec.field(name)
    kind = FIELD_TYPES.get(title_field.type)
    found: dict[tuple[str, int], str] = {}
    table = form.table
    for start in range(0, len(ids), IN_CHUNK):
        chunk = ids[start : start + IN_CHUNK]
        for row in session.execute(select(table.c.id, table.c[name]).where(table.c.id.in_(chunk))):
            record_id: int = row[0]
            value = row[1]
            if value not in (None, ""):
                found[(form.spec.id, record_id)] = str(kind.dump(title_field, value))
    return found


def add_export_audit(session: Session, actor: str, subject_id: str, details: Mapping[str, Any]) -> None:
    """The audit event every export leaves (``records.export`` on the form)."""
    session.add(
        AuditEventRow(
            actor=actor,
            action="records.export",
            subject_type="form",
            subject_id=subject_id,
            details=dict(details),
        )
    )
