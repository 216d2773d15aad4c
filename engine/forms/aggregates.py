"""Aggregates across records in a form's expressions (domain layer): which anchor each asks about,
and the record being saved counted in exactly once.

The expressions name their aggregates (``Expression.aggregates``); storage computes each over the
other live records in SQL (an :class:`AggregateReader`, one query per aggregate and anchor); this
module puts the answers together before any expression runs. A count, sum, least or greatest value
always describes the records *as they will be once this write is saved*: the record being created
or updated is left out of the SQL and added here from its new values, so it is counted once
whether it is new, unchanged or moved to another anchor.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Protocol

from engine.expressions import Aggregate, Expression

#: what an aggregate over no records is: nothing counted adds up to 0; no least or greatest value
EMPTY: dict[str, Any] = {"count": 0, "sum": 0, "min": None, "max": None}


class AggregateReader(Protocol):
    """Storage's side: aggregates over the live records of one transaction."""

    @property
    def record_id(self) -> int | None:
        """The record whose expressions are evaluated (None while it is being created)."""
        ...

    @property
    def writing(self) -> bool:
        """True when that record is being saved: storage then leaves it out and this module adds its new values."""
        ...

    def value(self, aggregate: Aggregate, anchor: int) -> Any:
        """``aggregate`` over the live records of its form whose relation points at ``anchor``."""
        ...


def aggregates_of(expressions: Iterable[Expression | None]) -> tuple[Aggregate, ...]:
    """Every aggregate the expressions read, each once, in order."""
    found: dict[Aggregate, None] = {}
    for expression in expressions:
        if expression is not None:
            found.update(dict.fromkeys(expression.aggregates))
    return tuple(found)


def anchor_of(aggregate: Aggregate, values: Mapping[str, Any], record_id: int | None) -> int | None:
    """The record the aggregate is about: the one ``of`` names, or the evaluated record itself."""
    anchor = record_id if aggregate.of is None else values.get(aggregate.of)
    return anchor if isinstance(anchor, int) and not isinstance(anchor, bool) else None


def aggregate_values(
    aggregates: Iterable[Aggregate], form_id: str, values: Mapping[str, Any], reader: AggregateReader
) -> dict[str, Any]:
    """The context entries (``Aggregate.key`` -> value) for a record of ``form_id`` with ``values``."""
    found: dict[str, Any] = {}
    for aggregate in aggregates:
        anchor = anchor_of(aggregate, values, reader.record_id)
        value = EMPTY[aggregate.kind] if anchor is None else reader.value(aggregate, anchor)
        if reader.writing and anchor is not None and aggregate.form == form_id:
            if _points_at(values.get(aggregate.via), anchor):
                value = _with_own(aggregate, value, values.get(aggregate.value) if aggregate.value else None)
        found[aggregate.key] = value
    return found


def _points_at(link: Any, anchor: int) -> bool:
    return link == anchor or (isinstance(link, list) and anchor in link)


def _with_own(aggregate: Aggregate, value: Any, own: Any) -> Any:
    """Add the saved record's own contribution: one more record, its number in the sum, min or max."""
    if aggregate.kind == "count":
        return value + 1
    if own is None:  # an empty number counts for nothing, as in SQL
        return value
    if aggregate.kind == "sum":
        return value + own
    if value is None:
        return own
    return min(value, own) if aggregate.kind == "min" else max(value, own)
