"""Swimlanes of a flow (domain): who does the tasks drawn in each lane.

A flow's optional ``lanes`` list - ``{id, name, assignee, nodes}``, the way business people draw who
does what, one lane per role or group - gives each user task or approval listed in a lane its
lane's ``assignee`` when the node has none of its own; a node's own assignee always wins. The
compiled flow (``engine.flows.spec``) sees the lane's assignee on the node, so the interpreter never
knows lanes exist; ``lane_problems`` checks a definition up front, with pointers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from engine.errors import Problem
from engine.i18n import LOG_LOCALE, translate
from engine.registry import suggest

#: the node types whose people a lane names
TASK_TYPES = frozenset({"user_task", "approval"})


def lanes_of(definition: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    found = definition.get("lanes")
    return [lane for lane in found if isinstance(lane, Mapping)] if isinstance(found, list) else []


def lane_by_node(definition: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """Node id → the (first) lane that lists it."""
    found: dict[str, Mapping[str, Any]] = {}
    for lane in lanes_of(definition):
        for node_id in lane.get("nodes", []):
            found.setdefault(node_id, lane)
    return found


def nodes_with_lane_assignees(definition: Mapping[str, Any]) -> list[Any]:
    """The flow's nodes, each task without an assignee of its own given its lane's."""
    nodes = list(definition.get("nodes", []))
    lanes = lane_by_node(definition)
    if not lanes:
        return nodes
    return [_with_lane(node, lanes.get(node.get("id", ""))) for node in nodes]


def _with_lane(node: Mapping[str, Any], lane: Mapping[str, Any] | None) -> Mapping[str, Any]:
    if lane is None or "assignee" not in lane or "assignee" in node or node.get("type") not in TASK_TYPES:
        return node
    return {**node, "assignee": lane["assignee"]}


def lane_problems(definition: Mapping[str, Any], base: str) -> list[Problem]:
    """Lanes that list a node the flow lacks or one another lane lists too, and tasks nobody would get
    (lane ids and the roles lanes name are the package checker's, like every id)."""
    problems: list[Problem] = []
    node_ids = [node.get("id") for node in definition.get("nodes", [])]
    known = set(node_ids)
    first: dict[str, str] = {}  # node id → the lane that listed it first
    for i, lane in enumerate(lanes_of(definition)):
        here = f"{base}/lanes/{i}"
        lane_id = str(lane.get("id", ""))
        for k, node_id in enumerate(lane.get("nodes", [])):
            where = f"{here}/nodes/{k}"
            if node_id not in known:
                hint = suggest(str(node_id), [str(n) for n in node_ids])
                problems.append(problem(where, "flow.lane.unknown_node", lane=lane_id, node=node_id, hint=hint))
            elif node_id in first:
                problems.append(
                    problem(where, "flow.lane.node_twice", lane=lane_id, node=node_id, first=first[node_id])
                )
            else:
                first[node_id] = lane_id
    problems.extend(_unassigned(definition, base))
    return problems


def _unassigned(definition: Mapping[str, Any], base: str) -> list[Problem]:
    """Tasks with no assignee of their own and no lane to give them one."""
    lanes = lane_by_node(definition)
    found: list[Problem] = []
    for n, node in enumerate(definition.get("nodes", [])):
        if node.get("type") not in TASK_TYPES or "assignee" in node:
            continue
        lane = lanes.get(node.get("id", ""))
        if lane is None:
            found.append(problem(f"{base}/nodes/{n}", "flow.lane.task_needs_assignee", node=node.get("id")))
        elif "assignee" not in lane:
            found.append(
                problem(f"{base}/nodes/{n}", "flow.lane.lane_needs_assignee", node=node.get("id"), lane=lane.get("id"))
            )
    return found


def problem(pointer: str, code: str, **params: Any) -> Problem:
    """A Problem as ``engine.packages.messages`` builds them (the packages layer imports this module)."""
    return Problem(pointer, code, translate(code, LOG_LOCALE, **params), params)


def lane_assignee_for(name: str, roles: Mapping[str, str]) -> dict[str, Any] | None:
    """Who a lane drawn in a modeler names: the role whose id or name (either language) it is, else
    the group of that name; None for a lane without a name."""
    label = name.strip()
    if not label:
        return None
    role = roles.get(label) or roles.get(label.casefold())
    if role is not None:
        return {"type": "role", "role": role}
    return {"type": "group", "group": label[:200]}


def role_names(roles: Sequence[Any]) -> dict[str, str]:
    """A package's roles by every name a lane may call them: id, and each language's name (English
    also case-folded). The first role of a name wins."""
    found: dict[str, str] = {}
    for role in roles:
        if not isinstance(role, Mapping) or not isinstance(role.get("id"), str):
            continue
        names = role.get("name")
        labels = [role["id"], *(names.values() if isinstance(names, Mapping) else [names])]
        for label in labels:
            if isinstance(label, str) and label.strip():
                found.setdefault(label.strip(), role["id"])
                found.setdefault(label.strip().casefold(), role["id"])
    return found
