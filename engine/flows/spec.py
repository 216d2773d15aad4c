"""``FlowSpec``: a flow definition compiled once into an immutable graph the interpreter walks.

Compiling resolves edges to their nodes, compiles every expression (conditions, timer guards,
field updates, connector mappings, dispatch tables) and precomputes which nodes can reach which
(the inclusive join needs it). A definition that passed package validation always compiles; one
that did not is refused with problems pointing at the node (``/flows/0/nodes/4``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from engine.errors import DefinitionError, ExpressionError, Problem
from engine.expressions import Expression, LocatedExpressionError, compile_expression, parse_duration
from engine.flows.lanes import nodes_with_lane_assignees
from engine.i18n import DEFAULT_LOCALE, LOG_LOCALE, translate

SYSTEM_NAMES = ("id", "created_at", "updated_at", "created_by", "updated_by")
FLOW_NAMES = ("outcome", "user", "instance")


@dataclass(frozen=True, slots=True)
class EdgeSpec:
    id: str
    source: str
    target: str
    condition: Expression | None
    default: bool
    name: Mapping[str, str] | str | None = None


@dataclass(frozen=True, slots=True)
class TimerSpec:
    """A boundary timer on a task (or the wait of a timer node)."""

    id: str
    after: timedelta | None
    until_field: str | None
    offset: timedelta
    #: whether ``after`` counts working time: fixed, or an expression read when the timer is armed
    #: (``urgency == '一般'``: business hours for routine tickets, the wall clock for urgent ones)
    business_hours: bool | Expression | None
    when: Expression | None
    interrupting: bool  # a route timer: the token leaves (true), or a new one starts along the edge (false)
    until_claimed: bool
    action: str  # notify | escalate | route | complete | continue (a timer node's own wait)
    to: Mapping[str, Any] | None
    edge: str | None
    message: Mapping[str, str] | str | None


@dataclass(frozen=True, slots=True)
class NodeSpec:
    id: str
    type: str
    name: Mapping[str, str] | str | None
    definition: Mapping[str, Any]
    pointer: str
    incoming: tuple[EdgeSpec, ...] = ()
    outgoing: tuple[EdgeSpec, ...] = ()
    timers: tuple[TimerSpec, ...] = ()
    #: "set/x", "assign/y", "mapping/z", "table/0", "idempotency_key"
    expressions: Mapping[str, Expression] = field(default_factory=dict)
    #: the task actions this node offers: its definition's list, else its node type's defaults
    actions: frozenset[str] = frozenset()

    def label(self, locale: str = DEFAULT_LOCALE) -> str:
        return localized(self.name, locale) or self.id

    @property
    def field_permissions(self) -> Mapping[str, str]:
        found: Mapping[str, str] = self.definition.get("field_permissions", {})
        return found

    @property
    def editable_fields(self) -> tuple[str, ...]:
        """The fields a person working on this step may fill in (``editable`` or ``required``)."""
        return tuple(k for k, mode in self.field_permissions.items() if mode in ("editable", "required"))

    @property
    def outcomes(self) -> tuple[str, ...]:
        return tuple(o["id"] for o in self.definition.get("outcomes", []))


@dataclass(frozen=True, slots=True)
class FlowSpec:
    id: str
    name: Mapping[str, str] | str
    form: str
    start_on: str
    nodes: Mapping[str, NodeSpec]
    edges: Mapping[str, EdgeSpec]
    start: NodeSpec
    stage_of: Mapping[str, str]  # node id -> stage id
    stages: tuple[Mapping[str, Any], ...]
    reaches: Mapping[str, frozenset[str]]  # node id -> every node reachable from it (itself excluded unless in a loop)
    #: the relation paths its expressions read (``room.building.community``): loaded before they run
    paths: frozenset[tuple[str, ...]] = frozenset()
    #: how the owner's tracking page speaks of it (``tracking`` in the flow's definition); {} for neutral words
    tracking: Mapping[str, Any] = field(default_factory=dict)

    def node(self, node_id: str) -> NodeSpec:
        try:
            return self.nodes[node_id]
        except KeyError:
            raise DefinitionError.says("flow.spec.no_node", flow=self.id, node=node_id) from None

    def can_reach(self, source: str, target: str) -> bool:
        return target in self.reaches.get(source, frozenset())


def localized(text: Mapping[str, str] | str | None, locale: str) -> str:
    if text is None:
        return ""
    if isinstance(text, str):
        return text
    return text.get(locale) or text.get(DEFAULT_LOCALE) or text.get("en") or next(iter(text.values()), "")


def compile_flow(definition: Mapping[str, Any], *, fields: Iterable[str], pointer: str = "/flows/0") -> FlowSpec:
    """The immutable spec of one flow definition; ``fields`` are the ids of its form's fields."""
    problems: list[Problem] = []
    names = [*fields, *SYSTEM_NAMES, *FLOW_NAMES]
    paths: set[tuple[str, ...]] = set()

    def expression(where: str, source: str) -> Expression | None:
        try:
            compiled = compile_expression(source, names=names)
        except ExpressionError as exc:
            params = exc.sentence_params() if isinstance(exc, LocatedExpressionError) else {}
            problems.append(Problem(where, exc.code, exc.message, params))
            return None
        paths.update(compiled.paths)
        return compiled

    raw_nodes = nodes_with_lane_assignees(definition)  # a task in a lane has its lane's people
    index = {node.get("id"): n for n, node in enumerate(raw_nodes)}
    edges: dict[str, EdgeSpec] = {}
    incoming: dict[str, list[EdgeSpec]] = {node_id: [] for node_id in index}
    outgoing: dict[str, list[EdgeSpec]] = {node_id: [] for node_id in index}
    for k, raw in enumerate(definition.get("edges", [])):
        where = f"{pointer}/edges/{k}"
        for end in ("source", "target"):
            if raw.get(end) not in index:
                problems.append(_problem(f"{where}/{end}", "unknown_node", node=raw.get(end)))
        condition = expression(f"{where}/condition", raw["condition"]) if "condition" in raw else None
        edge = EdgeSpec(raw["id"], raw["source"], raw["target"], condition, bool(raw.get("default")), raw.get("name"))
        edges[edge.id] = edge
        if edge.source in outgoing and edge.target in incoming:
            outgoing[edge.source].append(edge)
            incoming[edge.target].append(edge)

    nodes: dict[str, NodeSpec] = {}
    for n, raw in enumerate(raw_nodes):
        where = f"{pointer}/nodes/{n}"
        compiled: dict[str, Expression] = {}
        for key in ("set", "assign", "mapping"):
            for target, source in raw.get(key, {}).items():
                found = expression(f"{where}/{key}/{target}", source)
                if found is not None:
                    compiled[f"{key}/{target}"] = found
        if "idempotency_key" in raw:
            found = expression(f"{where}/idempotency_key", raw["idempotency_key"])
            if found is not None:
                compiled["idempotency_key"] = found
        for r, row in enumerate(raw.get("assignee", {}).get("table", [])):
            if "when" in row:
                found = expression(f"{where}/assignee/table/{r}/when", row["when"])
                if found is not None:
                    compiled[f"table/{r}"] = found
        timers = tuple(
            _timer(t, f"{where}/timers/{i}", expression, problems) for i, t in enumerate(raw.get("timers", []))
        )
        if raw["type"] == "timer":
            timers = (_timer({**raw, "id": raw["id"], "action": "continue"}, where, expression, problems),)
        nodes[raw["id"]] = NodeSpec(
            id=raw["id"],
            type=raw["type"],
            name=raw.get("name"),
            definition=raw,
            pointer=where,
            incoming=tuple(incoming[raw["id"]]),
            outgoing=tuple(outgoing[raw["id"]]),
            timers=timers,
            expressions=compiled,
            actions=_actions(raw),
        )
    starts = [node for node in nodes.values() if node.type == "start"]
    if len(starts) != 1:
        problems.append(_problem(f"{pointer}/nodes", "start_count"))
    if problems:
        error = DefinitionError.says("flow.spec.cannot_run", flow=definition.get("id"), problem=problems[0].line())
        error.problems = tuple(problems)
        raise error
    stages = tuple(definition.get("stages", []))
    stage_of = {node_id: stage["id"] for stage in stages for node_id in stage["nodes"]}
    return FlowSpec(
        id=definition["id"],
        name=definition.get("name", definition["id"]),
        form=definition["form"],
        start_on=definition.get("start_on", "record_created"),
        nodes=nodes,
        edges=edges,
        start=starts[0],
        stage_of=stage_of,
        stages=stages,
        reaches=_reachability(nodes),
        paths=frozenset(paths),
        tracking=definition.get("tracking", {}),
    )


def _problem(pointer: str, code: str, **params: Any) -> Problem:
    return Problem(pointer, code, translate(f"flow.spec.{code}", LOG_LOCALE, **params), params)


def _actions(raw: Mapping[str, Any]) -> frozenset[str]:
    """The definition's own list, else the defaults of its node type (none for a type not registered)."""
    if "actions" in raw:
        return frozenset(raw["actions"])
    from engine.flows.nodes import NODE_TYPES  # here, not at the top: node types import this module

    return NODE_TYPES.get(raw["type"]).default_actions if raw["type"] in NODE_TYPES else frozenset()


def _timer(raw: Mapping[str, Any], where: str, expression: Any, problems: list[Problem]) -> TimerSpec:
    try:
        after = parse_duration(raw["after"]) if "after" in raw else None
        offset = parse_duration(raw["offset"]) if "offset" in raw else timedelta(0)
    except ExpressionError as exc:
        problems.append(Problem(where, "bad_duration", exc.message))
        after, offset = timedelta(0), timedelta(0)
    hours = raw.get("business_hours", False)
    return TimerSpec(
        id=raw["id"],
        after=after,
        until_field=raw.get("until_field"),
        offset=offset,
        business_hours=expression(f"{where}/business_hours", hours) if isinstance(hours, str) else bool(hours),
        when=expression(f"{where}/when", raw["when"]) if "when" in raw else None,
        interrupting=bool(raw.get("interrupting", raw.get("action") in ("route", "complete"))),
        until_claimed=bool(raw.get("until_claimed")),
        action=raw["action"],
        to=raw.get("to"),
        edge=raw.get("edge"),
        message=raw.get("message"),
    )


def _reachability(nodes: Mapping[str, NodeSpec]) -> dict[str, frozenset[str]]:
    found: dict[str, frozenset[str]] = {}
    for node_id in nodes:
        seen: set[str] = set()
        stack = [edge.target for edge in nodes[node_id].outgoing]
        while stack:
            current = stack.pop()
            if current in seen:
                continue
            seen.add(current)
            stack.extend(edge.target for edge in nodes[current].outgoing)
        found[node_id] = frozenset(seen)
    return found
