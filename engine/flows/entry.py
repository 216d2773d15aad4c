"""What the staff entry form of a flow's form asks (domain): the fields the flow's later steps own stay off it.

A record that starts a flow (``start_on: record_created``) is entered by a person before any step
runs; the fields the flow writes itself (a script's ``assign``, a service task's ``set``, a dispatch's
``write``) and the fields only a later step lets someone fill in (a rating, a result) are not asked then.
The first task reached from the start may still correct what was entered: its editable fields stay.
"""

from __future__ import annotations

from collections.abc import Iterable

from engine.flows.spec import FlowSpec

TASK_TYPES = ("user_task", "approval")


def first_tasks(spec: FlowSpec) -> set[str]:
    """The task nodes reached first from the start (through gateways and automatic steps)."""
    found: set[str] = set()
    seen = {spec.start.id}
    frontier = [spec.start]
    while frontier:
        node = frontier.pop()
        for edge in node.outgoing:
            target = spec.nodes.get(edge.target)
            if target is None or target.id in seen:
                continue
            seen.add(target.id)
            if target.type in TASK_TYPES:
                found.add(target.id)
            else:
                frontier.append(target)
    return found


def written_by_flow(spec: FlowSpec) -> set[str]:
    """The fields steps write themselves or let someone fill in at a later step."""
    first = first_tasks(spec)
    owned: set[str] = set()
    for node in spec.nodes.values():
        definition = node.definition
        owned.update(definition.get("assign", {}))
        owned.update(definition.get("set", {}))
        owned.update(str(v) for v in (definition.get("assignee") or {}).get("write", {}).values())
        owned.update(str(v) for v in (definition.get("check_in") or {}).values())
        if node.id not in first:
            owned.update(node.editable_fields)
    for node_id in first:
        owned.difference_update(spec.nodes[node_id].editable_fields)
    return owned


def entry_fields(fields: Iterable[str], specs: Iterable[FlowSpec]) -> list[str]:
    """The form's fields (in order) a person entering a record is asked, given the flows its records start."""
    owned: set[str] = set()
    for spec in specs:
        if spec.start_on == "record_created":
            owned |= written_by_flow(spec)
    return [f for f in fields if f not in owned]
