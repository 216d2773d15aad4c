"""The process facts of a flow: which columns its instance and task rows have, and where each comes from (domain).

A flow's ``facts`` key names its milestones generically (a node and what happened there: ``entered``,
``claimed``, ``checked_in``, ``completed``), the spans between two milestones (``durations``) and
the timers whose firing means a target was missed (``deadline_timers``); ``started`` and ``ended``
are built in, and ``tracking.rework_edges`` says which edges reopen the work. The engine never
knows what a milestone means to the business: the package names them. The storage layer's ``flow_facts``
turns a ``FlowFacts`` into SQL; ``flow_facts_problems`` checks a definition up front, with pointers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from engine.errors import Problem
from engine.i18n import LOG_LOCALE, translate
from engine.registry import suggest

#: the milestones every instance has: its start, and its end (completed or cancelled)
BUILT_IN_MILESTONES = ("started", "ended")
#: what a milestone may wait for at its node; every node is entered, only task nodes have the rest
MILESTONE_EVENTS = ("entered", "claimed", "checked_in", "completed")
TASK_EVENTS = frozenset({"claimed", "checked_in", "completed"})

#: the columns every instance row has, before its milestones and durations
INSTANCE_COLUMNS = (
    "instance_id",
    "record_id",
    "app_version",
    "status",
    "outcome",
    "current_node",
    "reopen_count",
    "deadline_misses",
    "sla_met",
    "started_at",
    "ended_at",
    "total_seconds",
    "total_business_seconds",
)
#: the columns of a task row
TASK_COLUMNS = (
    "task_id",
    "instance_id",
    "record_id",
    "node",
    "status",
    "assignee",
    "outcome",
    "created_at",
    "claimed_at",
    "completed_at",
    "due_at",
    "wait_seconds",
    "wait_business_seconds",
    "duration_seconds",
    "duration_business_seconds",
    "deadline_misses",
    "overdue",
)


@dataclass(frozen=True, slots=True)
class Milestone:
    """A named moment of an instance; ``node`` is None for the built-in ``started`` and ``ended``."""

    id: str
    event: str  # started | ended | entered | claimed | checked_in | completed
    node: str | None = None
    last: bool = False  # after rework the latest occurrence counts, not the first

    @property
    def column(self) -> str:
        return f"{self.id}_at"


@dataclass(frozen=True, slots=True)
class Span:
    """The time from one milestone to another (NULL until both happened)."""

    id: str
    start: str
    end: str

    @property
    def columns(self) -> tuple[str, str]:
        return f"{self.id}_seconds", f"{self.id}_business_seconds"


@dataclass(frozen=True, slots=True)
class FlowFacts:
    """What the fact rows of one flow hold (compiled from its validated definition)."""

    flow_id: str
    form_id: str
    milestones: tuple[Milestone, ...]  # the built-ins first, then the definition's, in its order
    spans: tuple[Span, ...]
    rework_edges: tuple[str, ...]
    deadline_timers: tuple[str, ...]

    def milestone(self, milestone_id: str) -> Milestone:
        return next(m for m in self.milestones if m.id == milestone_id)

    @property
    def declared(self) -> tuple[Milestone, ...]:
        """The definition's milestones (not the built-ins)."""
        return tuple(m for m in self.milestones if m.node is not None)

    @property
    def instance_columns(self) -> tuple[str, ...]:
        return (
            *INSTANCE_COLUMNS,
            *(m.column for m in self.declared),
            *(column for span in self.spans for column in span.columns),
        )

    @property
    def task_columns(self) -> tuple[str, ...]:
        return TASK_COLUMNS


def flow_facts(definition: Mapping[str, Any]) -> FlowFacts:
    """The facts of a flow definition that passed validation (``flow_facts_problems`` found nothing)."""
    declared = definition.get("facts", {})
    milestones = [Milestone("started", "started"), Milestone("ended", "ended")]
    for milestone_id, raw in declared.get("milestones", {}).items():
        milestones.append(Milestone(milestone_id, raw["event"], raw["node"], raw.get("occurrence") == "last"))
    spans = tuple(Span(span_id, raw["from"], raw["to"]) for span_id, raw in declared.get("durations", {}).items())
    return FlowFacts(
        flow_id=definition["id"],
        form_id=definition["form"],
        milestones=tuple(milestones),
        spans=spans,
        rework_edges=tuple(definition.get("tracking", {}).get("rework_edges", [])),
        deadline_timers=tuple(declared.get("deadline_timers", [])),
    )


def flow_facts_problems(definition: Mapping[str, Any], base: str) -> list[Problem]:
    """What is wrong with a flow's ``facts`` (its structure already checked): unknown nodes, milestones
    and timers, and an event its node can never have (a gateway is never claimed)."""
    declared = definition.get("facts")
    if not isinstance(declared, Mapping):
        return []
    from engine.flows.nodes import NODE_TYPES  # here: node types import the flow spec, which this sits beside

    problems: list[Problem] = []
    nodes = {node["id"]: node for node in definition.get("nodes", [])}
    here = f"{base}/facts"
    for milestone_id, raw in declared.get("milestones", {}).items():
        where = f"{here}/milestones/{_escape(milestone_id)}"
        if milestone_id in BUILT_IN_MILESTONES:
            problems.append(_problem(where, "built_in", id=milestone_id))
        node = nodes.get(raw["node"])
        if node is None:
            problems.append(_problem(f"{where}/node", "unknown_node", id=raw["node"], hint=suggest(raw["node"], nodes)))
            continue
        kind = NODE_TYPES.get(node["type"]) if node["type"] in NODE_TYPES else None
        offered = frozenset(node["actions"]) if "actions" in node else kind.default_actions if kind else frozenset()
        event = raw["event"]
        if (event in TASK_EVENTS and not offered) or (event == "checked_in" and "check_in" not in offered):
            problems.append(
                _problem(f"{where}/event", "impossible_event", node=node["id"], type=node["type"], event=event)
            )
    known = [*BUILT_IN_MILESTONES, *declared.get("milestones", {})]
    for span_id, raw in declared.get("durations", {}).items():
        where = f"{here}/durations/{_escape(span_id)}"
        for end in ("from", "to"):
            if raw[end] not in known:
                hint = suggest(raw[end], known)
                problems.append(_problem(f"{where}/{end}", "unknown_milestone", id=raw[end], hint=hint))
        if raw["from"] == raw["to"]:
            problems.append(_problem(where, "empty_span", id=span_id))
    timers = {timer["id"] for node in nodes.values() for timer in node.get("timers", [])}
    for k, timer_id in enumerate(declared.get("deadline_timers", [])):
        if timer_id not in timers:
            problems.append(
                _problem(f"{here}/deadline_timers/{k}", "unknown_timer", id=timer_id, hint=suggest(timer_id, timers))
            )
    return problems


def _escape(key: str) -> str:
    """A key as one JSON Pointer token (RFC 6901); ids never hold ``~`` or ``/``, but garbage may."""
    return key.replace("~", "~0").replace("/", "~1")


def _problem(pointer: str, code: str, **params: Any) -> Problem:
    return Problem(pointer, f"flow.facts.{code}", translate(f"flow.facts.{code}", LOG_LOCALE, **params), params)
