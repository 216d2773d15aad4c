"""Demo history that ran its flows (``trellis seed-demo``): a record's ``_flow`` steps replayed on a
back-dated clock, so the process facts of a year of demo tickets hold real milestones and durations.

A demo row may carry ``_flow``: the steps its flow took, in order, each ``{"at": <ISO moment>,
"node": <task node>, "action": <task action>}`` with the action's ``outcome``, ``data``, ``comment``
as the task API takes them, and ``as`` (a login) when the task has no assignee yet (a role's pool);
otherwise the task's assignee acts. A step ``{"at": ..., "fire_due": true}`` fires the timers due by
then, as the worker would have (a deadline missed). The record is created at its ``_created_at`` with
its flows started then; the flow service's clock is moved to each step's moment, so every event,
task and timer carries the time the step names. No app-specific code: the demo file says it all.

``as_of`` (optional, at the top of the demo file): the moment its history was written for. Every
back-dated moment is moved by (now - ``as_of``), so a history loaded weeks later still ends today
and "this month" widgets are alive on first start.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from engine.errors import ConflictError
from engine.principal import SYSTEM, Principal
from engine.services.directory import DirectoryService
from engine.services.flows import FlowService
from engine.services.records import RecordService

BODY_KEYS = ("outcome", "data", "comment", "location")


class DemoClock:
    """A clock the replay sets; the flow service reads it for every moment it stamps."""

    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def shift_of(document: Mapping[str, Any], now: datetime) -> timedelta:
    """How far the demo's back-dated moments move: now - ``as_of`` (nothing when the file names none)."""
    written = document.get("as_of")
    if not isinstance(written, str):
        return timedelta(0)
    return now - datetime.fromisoformat(written)


class Replay:
    """Replays ``_flow`` rows through ``flows`` with its clock moved; ``close`` gives the clock back."""

    def __init__(self, records: RecordService, flows: FlowService, directory: DirectoryService | None):
        self.records = records
        self.flows = flows
        self.directory = directory
        self.clock = DemoClock(flows.clock())
        self._kept = flows.clock
        flows.clock = self.clock
        self._people: dict[str, Principal] = {}

    def close(self) -> None:
        self.flows.clock = self._kept

    def _who(self, login: str | None) -> Principal:
        if not login or login == SYSTEM.id or self.directory is None:
            return SYSTEM
        if login not in self._people:
            self._people[login] = self.directory.principal_for(login)
        return self._people[login]

    def create(
        self, app_id: str, form_id: str, data: Mapping[str, Any], at: datetime, steps: Sequence[Mapping[str, Any]]
    ) -> dict[str, Any]:
        """The record created at ``at`` with its flows started then, and its ``steps`` taken."""
        self.clock.now = at
        record, _ = self.records.create(SYSTEM, app_id, form_id, dict(data), locale="en")
        self.records.backdate(app_id, form_id, record["id"], at)
        known: list[dict[str, Any]] | None = None  # the instance's tasks as the last action answered them
        for step in steps:
            self.clock.now = datetime.fromisoformat(step["at"]) if isinstance(step["at"], str) else step["at"]
            if step.get("fire_due"):
                while self.flows.fire_due():
                    pass
                known = None  # a timer may have moved the flow
                continue
            node = str(step["node"])
            task = _open(known or [], node) or self._open_task(app_id, form_id, record["id"], node)
            if task is None:
                break  # the flow went elsewhere (a timer completed the step): the rest does not apply
            body = {key: step[key] for key in BODY_KEYS if key in step}
            try:
                answer = self._act(task, step, body)
            except ConflictError:
                # a running server's worker fired a timer of this back-dated flow meanwhile: look again
                task = self._open_task(app_id, form_id, record["id"], node)
                if task is None:
                    break
                try:
                    answer = self._act(task, step, body)
                except ConflictError:
                    break  # the flow keeps moving under us: its history ends here, the record stays
            known = [answer["task"], *answer["instance"]["tasks"]]
        return record

    def _act(self, task: Mapping[str, Any], step: Mapping[str, Any], body: Mapping[str, Any]) -> dict[str, Any]:
        who = self._who(task.get("assignee") or step.get("as"))
        return self.flows.act(who, task["id"], str(step["action"]), body, locale="en")

    def _open_task(self, app_id: str, form_id: str, record_id: int, node: str) -> dict[str, Any] | None:
        for instance_id in reversed(self.flows.instances_of(app_id, form_id, record_id)):
            found = _open(self.flows.instance(SYSTEM, instance_id)["tasks"], node)
            if found is not None:
                return found
        return None


def _open(tasks: Sequence[dict[str, Any]], node: str) -> dict[str, Any] | None:
    """The open task at ``node`` among ``tasks`` (None: there is none)."""
    return next((t for t in tasks if t.get("status") == "open" and t.get("node") == node), None)


def shifted_steps(steps: list[Mapping[str, Any]], shift: timedelta) -> list[dict[str, Any]]:
    return [{**step, "at": datetime.fromisoformat(step["at"]) + shift} for step in steps]
