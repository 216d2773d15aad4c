"""Aggregates across records in SQL (storage layer): count, sum, least and greatest of the records
whose relation points at an anchor record, one query per aggregate and anchor.

A write that reads an aggregate first locks the anchor's row (``SELECT ... FOR UPDATE`` on
PostgreSQL), so two people taking the last seat of an event at the same moment queue on the
event: the second counts after the first has committed and is refused by the capacity rule.
SQLite needs no lock: every transaction there begins with ``BEGIN IMMEDIATE`` (``database.py``),
so writers already take turns and the count runs inside the writer's own transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.expressions import Aggregate
from engine.forms.aggregates import EMPTY
from engine.forms.types import FIELD_TYPES
from engine.storage.catalog import CompiledApp

_FUNCTIONS: dict[str, Any] = {"count": func.count, "sum": func.sum, "min": func.min, "max": func.max}


class SqlAggregates:
    """``engine.forms.aggregates.AggregateReader`` over one open transaction.

    Answers are kept for the transaction, so an aggregate read by a formula, a condition and a
    rule is computed once. ``writing``: the record ``record_id`` of ``form_id`` is being saved, so
    it is left out where its own form is counted (validation adds its new values), and each anchor
    is locked before it is counted.
    """

    def __init__(self, session: Session, app: CompiledApp, form_id: str, *, record_id: int | None, writing: bool):
        self.session = session
        self.app = app
        self.form_id = form_id
        self._record_id = record_id
        self._writing = writing
        self._known: dict[tuple[Aggregate, int], Any] = {}
        self._locked: set[tuple[str, int]] = set()
        self._lock_rows = writing and session.get_bind().dialect.name == "postgresql"

    def about(self, record_id: int) -> SqlAggregates:
        """The same reader (and what it has computed) for the expressions of another record being read."""
        other = SqlAggregates(self.session, self.app, self.form_id, record_id=record_id, writing=False)
        other._known = self._known
        return other

    @property
    def record_id(self) -> int | None:
        return self._record_id

    @property
    def writing(self) -> bool:
        return self._writing

    def value(self, aggregate: Aggregate, anchor: int) -> Any:
        key = (aggregate, anchor)
        if key not in self._known:
            self._lock(aggregate, anchor)
            self._known.update(self._query(aggregate, [anchor]))
        return self._known[key]

    def prime(self, aggregate: Aggregate, anchors: Iterable[int]) -> None:
        """Compute ``aggregate`` for many anchors in one grouped query (a page of records being read)."""
        wanted = sorted({a for a in anchors if (aggregate, a) not in self._known})
        if wanted:
            self._known.update(self._query(aggregate, wanted))

    def _lock(self, aggregate: Aggregate, anchor: int) -> None:
        if not self._lock_rows:
            return
        form = self.app.forms[aggregate.form]
        target = FIELD_TYPES.get(form.spec.field(aggregate.via).type).related_form(form.spec.field(aggregate.via))
        if target is None or (target, anchor) in self._locked:
            return
        table = self.app.forms[target].table
        self.session.execute(select(table.c.id).where(table.c.id == anchor).with_for_update())
        self._locked.add((target, anchor))

    def _query(self, aggregate: Aggregate, anchors: list[int]) -> dict[tuple[Aggregate, int], Any]:
        form = self.app.forms[aggregate.form]
        table = form.table
        if aggregate.via in form.links:  # a multi-relation: its pairs are in a link table
            links = form.links[aggregate.via]
            pointer = links.c.target_id
            source: Any = table.join(links, links.c.record_id == table.c.id)
        else:
            pointer = table.c[aggregate.via]
            source = table
        function = _FUNCTIONS[aggregate.kind]
        measure = function() if aggregate.value is None else function(table.c[aggregate.value])
        statement = (
            select(pointer, measure)
            .select_from(source)
            .where(pointer.in_(anchors) if len(anchors) > 1 else pointer == anchors[0], table.c.deleted_at.is_(None))
            .group_by(pointer)
        )
        if self._writing and self._record_id is not None and aggregate.form == self.form_id:
            statement = statement.where(table.c.id != self._record_id)
        found: dict[tuple[Aggregate, int], Any] = {(aggregate, anchor): EMPTY[aggregate.kind] for anchor in anchors}
        for row in self.session.execute(statement):
            found[(aggregate, int(row[0]))] = EMPTY[aggregate.kind] if row[1] is None else row[1]
        return found
