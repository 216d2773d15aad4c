"""The process facts of a flow as SQL selectables: one row per instance, one per task (storage layer).

``instance_facts`` and ``task_facts`` are SQLAlchemy Core selects a report wraps as its source
(filters, joins to the record's table on ``record_id``, row rules and GROUP BY go around them), so
facts are computed in the database on SQLite and PostgreSQL alike and never loaded row by row into
Python. Milestone times come from the append-only event log (``entered``, ``checked_in``) and the
task table (``claimed``, ``completed``), as correlated subqueries on the instance's own rows (the
event and task indexes start with ``instance_id``): a report filtered to a few thousand records
touches only theirs.

Business-hours durations are exact for the engine's working-hours calendar (``engine.flows.calendar``,
the one business-hours timers count with): working seconds between two moments are ``B(end) -
B(start)``, where ``B(t)`` counts working seconds from 1970 to ``t`` in closed form (whole weeks ×
working days × the length of a day, plus the working days before ``t`` in its week, plus the part
of ``t``'s own day inside opening hours). The calendar's zone counts at its fixed offset: exact for
Asia/Shanghai and every zone without daylight saving; in a zone with it, moments near a change are
off by the hour the clocks moved. Holidays are not modelled, as in the timers.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    Float,
    Integer,
    Select,
    and_,
    case,
    cast,
    func,
    literal,
    null,
    or_,
    select,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement

from engine.flows.calendar import DEFAULT_HOURS, WorkingHours
from engine.flows.facts import FlowFacts, Milestone
from engine.storage.flows import EVENTS, INSTANCES, TASKS, TIMERS

DAY = 86400


class _EpochSeconds(FunctionElement[float]):
    """Seconds since 1970 of a stored UTC moment, as a float (to the microsecond on PostgreSQL)."""

    type = Float()
    inherit_cache = True
    name = "epoch_seconds"


@compiles(_EpochSeconds, "postgresql")
def _epoch_postgresql(element: _EpochSeconds, compiler: Any, **kw: Any) -> str:
    return f"CAST(EXTRACT(EPOCH FROM {compiler.process(element.clauses, **kw)}) AS DOUBLE PRECISION)"


@compiles(_EpochSeconds, "sqlite")
def _epoch_sqlite(element: _EpochSeconds, compiler: Any, **kw: Any) -> str:
    # stored as 'YYYY-MM-DD HH:MM:SS.ffffff' in UTC; julianday keeps it to a few microseconds
    return f"((julianday({compiler.process(element.clauses, **kw)}) - 2440587.5) * 86400.0)"


class _WholeDays(FunctionElement[int]):
    """floor(x) as an integer for x >= 0 (moments after 1970)."""

    type = Integer()
    inherit_cache = True
    name = "whole_part"


@compiles(_WholeDays, "postgresql")
def _floor_postgresql(element: _WholeDays, compiler: Any, **kw: Any) -> str:
    return f"CAST(FLOOR({compiler.process(element.clauses, **kw)}) AS BIGINT)"


@compiles(_WholeDays, "sqlite")
def _floor_sqlite(element: _WholeDays, compiler: Any, **kw: Any) -> str:
    return f"CAST({compiler.process(element.clauses, **kw)} AS INTEGER)"


def epoch_seconds(moment: ColumnElement[Any]) -> ColumnElement[float]:
    return _EpochSeconds(moment)


def seconds_between(start: ColumnElement[Any], end: ColumnElement[Any]) -> ColumnElement[float]:
    """Wall-clock seconds from ``start`` to ``end`` (NULL when either is NULL)."""
    return epoch_seconds(end) - epoch_seconds(start)


def business_seconds(moment: ColumnElement[Any], hours: WorkingHours = DEFAULT_HOURS) -> ColumnElement[float]:
    """``B(moment)``: working seconds from 1970-01-01 (a Thursday) to ``moment`` under ``hours``."""
    offset = ZoneInfo(hours.zone).utcoffset(datetime(2026, 1, 1, tzinfo=UTC).replace(tzinfo=None))
    shift = offset.total_seconds() if offset is not None else 0.0
    opens = hours.opens.hour * 3600 + hours.opens.minute * 60 + hours.opens.second
    closes = hours.closes.hour * 3600 + hours.closes.minute * 60 + hours.closes.second
    length = max(closes - opens, 0)
    local = epoch_seconds(moment) + literal(shift)
    day = _WholeDays(local / literal(float(DAY)))  # local days since 1970-01-01
    into = local - day * literal(DAY)  # seconds into that local day
    monday_days = day + literal(3)  # days since Monday 1969-12-29: weekday = this % 7, Monday = 0
    weeks = _WholeDays(monday_days / literal(7.0))
    weekday = monday_days - weeks * literal(7)
    before = case(
        *((weekday == w, literal(sum(1 for d in hours.workdays if d < w))) for w in range(1, 7)),
        else_=literal(0),
    )
    today = case(
        (weekday.not_in(sorted(hours.workdays)), literal(0.0)),
        (into <= literal(opens), literal(0.0)),
        (into >= literal(closes), literal(float(length))),
        else_=into - literal(opens),
    )
    return cast(weeks * literal(len(hours.workdays) * length) + before * literal(length) + today, Float())


def business_seconds_between(
    start: ColumnElement[Any], end: ColumnElement[Any], hours: WorkingHours = DEFAULT_HOURS
) -> ColumnElement[float]:
    """Working seconds from ``start`` to ``end`` under ``hours`` (NULL when either is NULL)."""
    return business_seconds(end, hours) - business_seconds(start, hours)


def _milestone(milestone: Milestone, instance: Any) -> Select[Any] | ColumnElement[Any]:
    """The moment of one milestone of ``instance``: a column for the built-ins, else a one-row aggregate
    over the instance's own events or tasks (NULL before it happened)."""
    if milestone.event == "started":
        return instance.started_at  # type: ignore[no-any-return]
    if milestone.event == "ended":
        return instance.ended_at  # type: ignore[no-any-return]
    pick = func.max if milestone.last else func.min
    if milestone.event in ("entered", "checked_in"):
        return select(pick(EVENTS.c.at).label("moment")).where(
            EVENTS.c.instance_id == instance.id,
            EVENTS.c.kind == milestone.event,
            EVENTS.c.node_id == milestone.node,
        )
    column = TASKS.c.claimed_at if milestone.event == "claimed" else TASKS.c.completed_at
    conditions = [TASKS.c.instance_id == instance.id, TASKS.c.node_id == milestone.node]
    if milestone.event == "completed":
        conditions.append(TASKS.c.status == "completed")
    return select(pick(column).label("moment")).where(*conditions)


def _moment(found: Select[Any] | ColumnElement[Any]) -> ColumnElement[Any]:
    return found.scalar_subquery() if isinstance(found, Select) else found


def _working(found: Select[Any] | ColumnElement[Any], instance: Any, hours: WorkingHours) -> ColumnElement[Any]:
    """``B(moment)`` of a milestone. ``B`` names its moment a few dozen times; over a subquery that the
    database would inline, each name would run the subquery again, so the moment is read once in a
    derived table that ``OFFSET 0`` keeps from being inlined (on SQLite and PostgreSQL alike)."""
    if not isinstance(found, Select):
        return business_seconds(found, hours)
    once = found.correlate(instance.id.table).offset(0).subquery("once")
    return select(business_seconds(once.c.moment, hours)).select_from(once).scalar_subquery()


def _last_event_node(instance: Any, kinds: tuple[str, ...]) -> ColumnElement[Any]:
    return (
        select(EVENTS.c.node_id)
        .where(EVENTS.c.instance_id == instance.id, EVENTS.c.kind.in_(kinds))
        .order_by(EVENTS.c.id.desc())
        .limit(1)
        .scalar_subquery()
    )


def _deadline_misses(facts: FlowFacts, **owner: Any) -> ColumnElement[int]:
    """How many of the flow's deadline timers fired for the instance (or task) given as ``column=value``."""
    if not facts.deadline_timers:
        return literal(0)
    conditions = [getattr(TIMERS.c, name) == value for name, value in owner.items()]
    return (
        select(func.count())
        .select_from(TIMERS)
        .where(*conditions, TIMERS.c.fired_at.is_not(None), TIMERS.c.spec_id.in_(facts.deadline_timers))
        .scalar_subquery()
    )


def instance_facts(facts: FlowFacts, app_id: str, hours: WorkingHours = DEFAULT_HOURS) -> Select[Any]:
    """One row per instance of the flow (subflow instances of other flows are not its rows), columns
    ``facts.instance_columns``: ids, status, outcome (the end node reached, else the status), the node
    a running or failed instance stands at, reopen count, missed deadlines, each milestone's moment
    and each declared duration in wall-clock and business seconds."""
    inner_instance = INSTANCES.alias("fact_instance")
    reopened: ColumnElement[Any] = literal(0)
    if facts.rework_edges:
        reopened = (
            select(func.count())
            .select_from(EVENTS)
            .where(
                EVENTS.c.instance_id == inner_instance.c.id,
                EVENTS.c.kind == "entered",
                EVENTS.c.details["via"].as_string().in_(facts.rework_edges),
            )
            .scalar_subquery()
        )
    status = inner_instance.c.status
    found = {m.id: _milestone(m, inner_instance.c) for m in facts.milestones}
    moments = [_moment(found[m.id]).label(m.column) for m in facts.milestones]
    spanned = {end for span in facts.spans for end in (span.start, span.end)}
    working = [_working(found[m], inner_instance.c, hours).label(f"{m}_working") for m in sorted(spanned)]
    base = (
        select(
            inner_instance.c.id.label("instance_id"),
            inner_instance.c.record_id,
            inner_instance.c.app_version,
            status.label("status"),
            case(
                (status == "running", status),
                else_=func.coalesce(_last_event_node(inner_instance.c, ("completed", "cancelled")), status),
            ).label("outcome"),
            case(
                (status.in_(("running", "failed")), _last_event_node(inner_instance.c, ("entered",))),
                else_=null(),
            ).label("current_node"),
            reopened.label("reopen_count"),
            _deadline_misses(facts, instance_id=inner_instance.c.id).label("deadline_misses"),
            *moments,
            *working,
        )
        .where(inner_instance.c.app_id == app_id, inner_instance.c.flow_id == facts.flow_id)
        .subquery("fact_base")
    )
    row = base.c
    spans = []
    for span in facts.spans:
        start, end = row[facts.milestone(span.start).column], row[facts.milestone(span.end).column]
        wall, business = span.columns
        spans += [
            seconds_between(start, end).label(wall),
            (row[f"{span.end}_working"] - row[f"{span.start}_working"]).label(business),
        ]
    met = case(
        (row.status != "completed", null()),
        (row.deadline_misses == 0, literal(1)),
        else_=literal(0),
    )
    return select(
        row.instance_id,
        row.record_id,
        row.app_version,
        row.status,
        row.outcome,
        row.current_node,
        row.reopen_count,
        row.deadline_misses,
        met.label("sla_met"),
        row.started_at,
        row.ended_at,
        seconds_between(row.started_at, row.ended_at).label("total_seconds"),
        business_seconds_between(row.started_at, row.ended_at, hours).label("total_business_seconds"),
        *(row[m.column] for m in facts.declared),
        *spans,
    )


def task_facts(facts: FlowFacts, app_id: str, now: datetime, hours: WorkingHours = DEFAULT_HOURS) -> Select[Any]:
    """One row per task of the flow's instances, columns ``facts.task_columns``. ``assignee`` is who
    completed it, else who holds it; ``overdue`` is 1 when the task outlived its ``due`` moment (an open
    one: at ``now``) or one of the flow's deadline timers fired on it; ``completed_at`` is NULL for a
    cancelled task."""
    task = TASKS.alias("fact_task")
    t = task.c
    done = t.status == "completed"
    completed = case((done, t.completed_at), else_=null())
    finished = func.coalesce(t.completed_at, literal(now, type_=t.created_at.type))
    late = case((and_(t.due_at.is_not(None), finished > t.due_at), literal(1)), else_=literal(0))
    base = (
        select(
            t.id.label("task_id"),
            t.instance_id,
            t.record_id,
            t.node_id.label("node"),
            t.status,
            func.coalesce(t.completed_by, t.assignee).label("assignee"),
            t.outcome,
            t.created_at,
            t.claimed_at,
            completed.label("completed_at"),
            t.due_at,
            _deadline_misses(facts, instance_id=t.instance_id, task_id=t.id).label("deadline_misses"),
            late.label("late"),
        )
        .where(t.app_id == app_id, t.flow_id == facts.flow_id)
        .subquery("fact_task_base")
    )
    row = base.c
    overdue = case((or_(row.late == 1, row.deadline_misses > 0), literal(1)), else_=literal(0))
    return select(
        row.task_id,
        row.instance_id,
        row.record_id,
        row.node,
        row.status,
        row.assignee,
        row.outcome,
        row.created_at,
        row.claimed_at,
        row.completed_at,
        row.due_at,
        seconds_between(row.created_at, row.claimed_at).label("wait_seconds"),
        business_seconds_between(row.created_at, row.claimed_at, hours).label("wait_business_seconds"),
        seconds_between(row.created_at, row.completed_at).label("duration_seconds"),
        business_seconds_between(row.created_at, row.completed_at, hours).label("duration_business_seconds"),
        row.deadline_misses,
        overdue.label("overdue"),
    )
