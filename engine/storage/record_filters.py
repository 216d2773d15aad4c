"""Filters beyond a form's own columns (storage layer): relation paths and where a record stands in its flows.

* ``room.building.community=7``: a relation path, followed as nested semi-joins through the tables
  it reaches (``room IN (SELECT id FROM rooms WHERE building IN (...))``), as row rules are;
* ``_step=repair``: the record has an open task at that flow node; ``_assignee=u1``: an open task
  held by that person; ``_overdue=true``: an open task past its due time (``false``: none is);
  ``_state=running``: one of the record's flow instances is in that state.

Names of flow filters start with ``_``, which no field id may, so they never shadow a field.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import Table, exists, not_, select
from sqlalchemy.sql import ColumnElement

from engine.errors import EngineError
from engine.forms.list_filters import FLOW_OPERATORS, INSTANCE_STATES
from engine.forms.row_rule_checks import Hop, PathError, forms_of, resolve_path
from engine.storage.catalog import CompiledApp
from engine.storage.row_rule_sql import RulePath
from engine.storage.tables import FlowInstanceRow, FlowTaskRow

MAX_VALUES = 100


class FilterError(EngineError):
    code = "bad_query"


def filter_hops(app: CompiledApp, form_id: str, name: str) -> tuple[Hop, ...]:
    """The hops of a dotted filter name from ``form_id``; a path that goes nowhere is a clear refusal."""
    try:
        hops = resolve_path(forms_of(app.document), form_id, name)
    except PathError:
        raise FilterError.says("record.query.path", name=name[:80]) from None
    return hops


def rule_path(app: CompiledApp, hops: tuple[Hop, ...]) -> RulePath:
    return RulePath(tuple((app.tables.main[hop.form], hop.field) for hop in hops))


def along(table: Table, path: RulePath, test: Callable[[Any], ColumnElement[bool]]) -> ColumnElement[bool]:
    """``test`` on the value at the end of ``path``, for each record of ``table``: nested semi-joins
    (aliases, as a form may point at itself; deleted records on the way lead nowhere)."""
    hops = path.hops
    targets = [hop_table.alias() for hop_table, _ in hops[1:]]
    condition = test(targets[-1].c[hops[-1][1]])
    for level in reversed(range(len(targets))):
        source = table if level == 0 else targets[level - 1]
        target = targets[level]
        inner = select(target.c.id).where(target.c.deleted_at.is_(None), condition)
        condition = source.c[hops[level][1]].in_(inner)
    return condition


def flow_condition(
    table: Table, app_id: str, form_id: str, name: str, op: str, raw: str, now: datetime
) -> ColumnElement[bool]:
    """A flow filter on the records of ``table``; ``now`` decides what is overdue."""
    if op not in FLOW_OPERATORS[name]:
        raise FilterError.says("record.query.flow_operator", name=name, operators=", ".join(FLOW_OPERATORS[name]))
    values = [part for part in raw.split(",")[:MAX_VALUES] if part] if op == "in" else [raw]
    if name == "_state":
        unknown = [v for v in values if v not in INSTANCE_STATES]
        if unknown:
            raise FilterError.says("record.query.flow_state", value=unknown[0][:40], states=", ".join(INSTANCE_STATES))
        return exists(
            select(FlowInstanceRow.id).where(
                FlowInstanceRow.app_id == app_id,
                FlowInstanceRow.form_id == form_id,
                FlowInstanceRow.record_id == table.c.id,
                FlowInstanceRow.status.in_(values),
            )
        )
    task = [
        FlowTaskRow.app_id == app_id,
        FlowTaskRow.form_id == form_id,
        FlowTaskRow.record_id == table.c.id,
        FlowTaskRow.status == "open",
    ]
    if name == "_step":
        return exists(select(FlowTaskRow.id).where(*task, FlowTaskRow.node_id.in_(values)))
    if name == "_assignee":
        return exists(select(FlowTaskRow.id).where(*task, FlowTaskRow.assignee.in_(values)))
    if raw.lower() not in ("true", "false", "1", "0"):
        raise FilterError.says("record.query.yes_no", name=name)
    late = exists(select(FlowTaskRow.id).where(*task, FlowTaskRow.due_at.is_not(None), FlowTaskRow.due_at < now))
    return late if raw.lower() in ("true", "1") else not_(late)
