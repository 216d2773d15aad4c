"""Related records for relation paths (storage layer): many ids of one form in one query, cached per action.

``engine.forms.relation_paths.relate`` asks for the records one level of paths reaches, one form at a
time; this answers each ask with one ``SELECT ... WHERE id IN (...)`` (plus one per sub-table or
multi-relation a path reads on that form), keeps what it read for the rest of the action, and
applies the row rule and the per-record filter the caller gives (whose rows a person may read,
which fields they may see - decided in services, applied here).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.forms.row_rules import RowRule
from engine.forms.spec import FormSpec
from engine.forms.types import FIELD_TYPES
from engine.storage.catalog import CompiledApp, CompiledForm
from engine.storage.records import child_rows, links_of
from engine.storage.row_rule_sql import rule_sql, with_path_values

#: the rows a reader may see of a form (a bound row rule; None: every row)
Visible = Callable[[str], RowRule | None]
#: what a reader is shown of one record of a form (the record itself when they see every field)
Shown = Callable[[str, Mapping[str, Any]], Mapping[str, Any]]

SYSTEM_COLUMNS = ("id", "created_at", "updated_at", "created_by", "updated_by")


class StoredRelations:
    """``RelatedRecords`` over an open session; ``visible``/``shown`` bound it to what a person may read."""

    def __init__(
        self, session: Session, app: CompiledApp, *, visible: Visible | None = None, shown: Shown | None = None
    ):
        self.session = session
        self.app = app
        self.visible = visible
        self.shown = shown
        self._cache: dict[tuple[str, int], dict[str, Any] | None] = {}

    def form(self, form_id: str) -> FormSpec | None:
        found = self.app.forms.get(form_id)
        return None if found is None else found.spec

    def load(self, form_id: str, ids: Collection[int], reads: Collection[str]) -> Mapping[int, Mapping[str, Any]]:
        form = self.app.forms.get(form_id)
        if form is None:
            return {}
        missing = [i for i in ids if (form_id, i) not in self._cache]
        if missing:
            self._rows(form, missing)
        present = {i: record for i in ids if (record := self._cache[(form_id, i)]) is not None}
        for name in reads:
            lacking = [i for i, record in present.items() if name not in record]
            if lacking and name in form.children:
                rows = child_rows(self.session, form, form.spec.field(name), lacking)
                for i in lacking:
                    present[i][name] = rows[i]
            elif lacking and name in form.links:
                links = links_of(self.session, form.links[name], lacking)
                for i in lacking:
                    present[i][name] = links[i]
        if self.shown is None:
            return present
        return self._redacted(form, present, self.shown)

    def _redacted(
        self, form: CompiledForm, present: Mapping[int, dict[str, Any]], shown: Shown
    ) -> dict[int, Mapping[str, Any]]:
        """What the reader is shown of each record. Which of their grants cover a record (and so which
        field modes apply) is judged on the record with the values of the relation paths its form's row
        rules read (``building.community in user.communities``), as everywhere records are read."""
        judged = {i: dict(record) for i, record in present.items()}
        with_path_values(self.session, form.table, form.rule_paths, judged.values())
        seen = {i: shown(form.spec.id, record) for i, record in judged.items()}
        return {i: {k: v for k, v in record.items() if k not in form.rule_paths} for i, record in seen.items()}

    def _rows(self, form: CompiledForm, ids: list[int]) -> None:
        table = form.table
        statement = select(table).where(table.c.id.in_(ids), table.c.deleted_at.is_(None))
        rule = None if self.visible is None else self.visible(form.spec.id)
        if rule is not None:
            statement = statement.where(rule_sql(table, rule, form.rule_paths))
        found = {row.id: row for row in self.session.execute(statement)}
        for record_id in ids:
            row = found.get(record_id)
            self._cache[(form.spec.id, record_id)] = None if row is None else _values(form, row)


def _values(form: CompiledForm, row: Any) -> dict[str, Any]:
    """A row's own columns as expressions read them (sub-tables and multi-relations come when read)."""
    values: dict[str, Any] = {name: getattr(row, name) for name in SYSTEM_COLUMNS}
    for field in form.spec.fields:
        kind = FIELD_TYPES.get(field.type)
        if kind.system_column is not None:
            values[field.id] = getattr(row, kind.system_column)
        elif form.columns.get(field.id) is not None:
            values[field.id] = getattr(row, field.id)
    return values
