"""The shapes flow pages and the API read (service layer): task, instance, inbox row and timeline views.

Plain functions of domain values - no database, no request - so the same view serves the API, the
staff task pages and the owner's tracking page, in the reader's language where it holds words.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from engine.flows.nodes import kind_of
from engine.flows.spec import FlowSpec
from engine.flows.state import OPEN, PENDING, Event, InstanceState, Task, Timer
from engine.forms.spec import localized
from engine.i18n import translate
from engine.storage.flows import InstanceRef

#: how a flow ends other than done; the owner's timeline shows these as a last stage
ENDINGS = ("rejected", "withdrawn", "cancelled")


def task_view(
    where: InstanceRef, task: Task, spec: FlowSpec, now: datetime, readable: frozenset[str] | None = None
) -> dict[str, Any]:
    """A task as inbox rows and instance views list it; with ``readable`` (the fields the reader may
    read), the values its person gave (a signer's opinion) as ``data``."""
    node = spec.nodes.get(task.node)
    view = {
        "id": task.id,
        "instance_id": where.instance_id,
        "app_id": where.app_id,
        "flow_id": where.flow_id,
        "form_id": where.form_id,
        "record_id": where.record_id,
        "node": task.node,
        "name": node.name if node else task.node,
        "type": node.type if node else None,
        "status": task.status,
        "assignee": task.assignee,
        "owner": task.owner,
        "candidates": [c.dump() for c in task.candidates],
        "created_at": task.created_at.isoformat(),
        "claimed_at": task.claimed_at.isoformat() if task.claimed_at else None,
        "completed_at": task.completed_at.isoformat() if task.completed_at else None,
        "completed_by": task.completed_by,
        "due_at": task.due_at.isoformat() if task.due_at else None,
        "overdue": bool(task.due_at and task.status == "open" and task.due_at < now),
        "outcome": task.outcome,
        "comment": task.comment,
        "version": task.lock_version,
    }
    if readable is not None:
        view["data"] = {k: v for k, v in task.data.items() if k in readable}
    return view


def task_detail(
    state: InstanceState, task: Task, spec: FlowSpec, now: datetime, readable: frozenset[str] = frozenset()
) -> dict[str, Any]:
    """One task with what its step allows: field permissions, actions (``save`` where a draft may be
    kept), outcomes, and the values its person gave that the reader may read."""
    view = task_view(InstanceRef.of(state), task, spec, now, readable)
    node = spec.nodes.get(task.node)
    view["fields"] = dict(node.field_permissions) if node else {}
    saves = node is not None and kind_of(node).offers(node, "save")
    view["actions"] = sorted(node.actions | ({"save"} if saves else set())) if node else []
    view["sla_due_at"] = next_deadline(state, task, spec)
    # the fields the check-in action fills in itself (the moment, the place): shown, never typed
    view["captured"] = sorted(str(v) for v in (node.definition.get("check_in") or {}).values()) if node else []
    view["outcomes"] = [
        {"id": o["id"], "label": o.get("label"), "destructive": bool(o.get("destructive"))}
        for o in (node.definition if node else {}).get("outcomes", [])
    ]
    return view


#: the timer actions that mark a deadline for the person on the task (a timer that completes it does not)
DEADLINES = ("escalate", "notify")


def next_deadline(state: InstanceState, task: Task, spec: FlowSpec) -> str | None:
    """When this open task is next due: the nearer of its step's ``due`` and the pending timers that
    escalate or warn (the SLA: accept within 30 minutes, then resolve within 48 hours)."""
    return deadline_of(task, spec, state.timers.values())


def deadline_of(task: Task, spec: FlowSpec, timers: Iterable[Timer]) -> str | None:
    """The nearest deadline of this open task: its own due time or one of ``timers`` (pending ones,
    any task's) that marks a deadline for it."""
    if task.status != OPEN:
        return None
    node = spec.nodes.get(task.node)
    marks = {t.id for t in node.timers if t.action in DEADLINES} if node else set()
    pending = [t.due_at for t in timers if t.task == task.id and t.status == PENDING and t.spec in marks]
    if task.due_at:
        pending.append(task.due_at)
    return min(pending).isoformat() if pending else None


def instance_view(
    state: InstanceState, tasks: Iterable[Task], spec: FlowSpec, now: datetime, readable: frozenset[str] = frozenset()
) -> dict[str, Any]:
    """The instance with its tasks: who did what and when, and what each signer wrote (``readable`` fields)."""
    where = InstanceRef.of(state)
    return {
        "id": state.id,
        "app_id": state.app_id,
        "app_version": state.app_version,
        "flow_id": state.flow_id,
        "form_id": state.form_id,
        "record_id": state.record_id,
        "status": state.status,
        "end_status": state.end_status,
        "stage": state.stage,
        "error": state.error,
        "nodes": sorted({t.node for t in state.tokens}),
        "outcomes": state.variables.get("outcomes", {}),
        "started_by": state.started_by,
        "started_at": state.started_at.isoformat(),
        "ended_at": state.ended_at.isoformat() if state.ended_at else None,
        "version": state.lock_version,
        "tasks": [task_view(where, t, spec, now, readable) for t in tasks],
    }


def people_in(events: Iterable[Event]) -> set[str]:
    """The ids a timeline may name: who acted, and to whom a task went."""
    found = list(events)
    return {e.actor for e in found} | {str(e.details.get("assignee")) for e in found if e.details}


@dataclass(frozen=True, slots=True)
class Rework:
    """The edges whose taking starts a new round of work, and the timeline's word for it."""

    edges: frozenset[str]
    label: str

    @classmethod
    def of(cls, tracking: Mapping[str, Any], locale: str) -> Rework:
        label = localized(tracking.get("rework_label"), locale) or translate("flow_service.rework", locale)
        return cls(frozenset(tracking.get("rework_edges", ())), label)


REWORK = "rework"  # the stage id of a rework mark in the timeline


def stage_entries(
    events: Iterable[Event],
    names: Mapping[str, str],
    labels: Mapping[str, str],
    locale: str,
    rework: Rework | None = None,
) -> list[dict[str, Any]]:
    """One instance's part of the owner's timeline: stages reached, when, and who (names, never ids);
    a new round of work (an edge of ``rework`` taken) is marked as such before the stages it reaches again."""
    found: list[dict[str, Any]] = []
    current: dict[str, Any] | None = None
    for event in events:
        if rework and event.kind == "entered" and event.details.get("via") in rework.edges:
            mark = {"stage": REWORK, "label": rework.label, "at": event.at.isoformat(), "by": None, "handler": None}
            # the node the rework edge enters may reach a stage; that stage is logged just before the entry
            before = (
                len(found) - 1 if found and found[-1]["node"] == event.node and found[-1] is current else len(found)
            )
            found.insert(before, {**mark, "node": event.node})
        elif event.kind == "stage":
            stage: Any = event.details.get("stage")
            current = {
                "stage": stage,
                "label": labels.get(stage, stage),
                "at": event.at.isoformat(),
                "by": names.get(event.actor) if event.actor not in ("system", "public") else None,
                "handler": None,
                "node": event.node,
            }
            found.append(current)
        elif event.kind == "task_created" and current and current["node"] == event.node:
            assignee = event.details.get("assignee")
            current["handler"] = names.get(assignee, assignee) if assignee else None
        elif event.kind in ("completed", "cancelled") and event.details.get("end_status") in ENDINGS:
            ending = event.details["end_status"]
            found.append(
                {
                    "stage": ending,
                    "label": translate(f"flow_service.ended.{ending}", locale),
                    "at": event.at.isoformat(),
                    "by": None,
                    "handler": None,
                    "node": event.node,
                }
            )
    for entry in found:
        entry.pop("node", None)
    return found


def pending_stages(stages: Iterable[Mapping[str, Any]], entries: Sequence[Mapping[str, Any]], locale: str) -> list[str]:
    """The milestones not reached yet (none once the ticket ended otherwise: rejected, withdrawn)."""
    if entries and entries[-1]["stage"] in ENDINGS:
        return []
    stages = list(stages)
    rounds = [i for i, entry in enumerate(entries) if entry["stage"] == REWORK]
    reached = {entry["stage"] for entry in entries[rounds[-1] + 1 if rounds else 0 :]}
    last = max((i for i, s in enumerate(stages) if s["id"] in reached), default=-1)
    return [localized(s["label"], locale) for s in stages[last + 1 :]]
