"""``flow_event``: a flow's instance started or finished, or one of its tasks was created, completed
or went overdue (domain). ``flow_happenings`` reads these off an instance after one action."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.automations.index import Finding, PackageIndex, unknown
from engine.automations.triggers.base import Happening, TriggerType
from engine.flows.state import InstanceState

FLOW_EVENTS = ("instance_started", "instance_finished", "task_created", "task_completed", "task_overdue")


class FlowEvent(TriggerType):
    """``event`` of ``flow`` (at ``node`` when given); ``event`` in expressions tells what happened."""

    config_schema = {
        "required": ["flow", "event"],
        "properties": {
            "flow": {"$ref": "common.schema.json#/$defs/id"},
            "event": {"enum": list(FLOW_EVENTS)},
            "node": {"$ref": "common.schema.json#/$defs/id"},
        },
    }
    listens_to = "flow_event"
    extra_names = ("event",)

    def matches(self, definition: Mapping[str, Any], happening: Happening) -> bool:
        if definition["flow"] != happening.flow or definition["event"] != happening.event:
            return False
        return "node" not in definition or definition["node"] == happening.details.get("node")

    def record_form(self, definition: Mapping[str, Any], index: PackageIndex) -> str | None:
        form = index.flows.get(definition["flow"])
        return form if form in index.forms else None

    def problems(self, definition: Mapping[str, Any], index: PackageIndex) -> list[Finding]:
        if definition["flow"] not in index.flows:
            return [unknown("flow", "flow", definition["flow"], index.flows)]
        return []


def flow_happenings(state: InstanceState, *, finished: bool) -> list[Happening]:
    """What one action on an instance did, in the order automations hear of it.

    ``finished`` says the instance ended in this action. A task is overdue when one of its
    timers fired (a reminder, an escalation, an automatic completion).
    """
    found: list[tuple[str, dict[str, Any]]] = []
    for event in state.events:
        if event.kind == "started":
            found.append(("instance_started", {}))
        elif event.kind == "completed_task":
            found.append(("task_completed", {"node": event.node, "task": event.task, **_outcome(event.details)}))
        elif event.kind == "timer_fired" and event.task:
            found.append(("task_overdue", {"node": event.node, "task": event.task}))
    for task_id in sorted(state.new_tasks):
        task = state.tasks.get(task_id)
        if task is not None:
            found.append(("task_created", {"node": task.node, "task": task.id}))
    if finished:
        found.append(("instance_finished", {"status": str(state.status), "end_status": state.end_status}))
    return [
        Happening(
            "flow_event",
            form=state.form_id,
            record=state.record_id,
            flow=state.flow_id,
            event=name,
            details={"instance": state.id, **details},
        )
        for name, details in found
    ]


def _outcome(details: Mapping[str, Any]) -> dict[str, Any]:
    return {"outcome": details.get("outcome")} if details.get("outcome") is not None else {}
