"""The token interpreter: moves an instance's tokens through a ``FlowSpec`` until each waits.

One ``Run`` is one action (start, complete a task, fire a timer ...). It changes the
``InstanceState`` in memory and notes what changed; storage commits that with the record
changes in one transaction, so a crash anywhere leaves the previous consistent state.
Node behaviour lives in ``engine.flows.nodes`` (one class per node type, in a registry).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping
from datetime import datetime, timedelta
from typing import Any, Protocol

from engine.errors import EngineError, ExpressionError
from engine.expressions import Expression
from engine.flows.assignment import Assignment, AssignmentError, Signers
from engine.flows.spec import EdgeSpec, FlowSpec, NodeSpec, TimerSpec
from engine.flows.state import (
    Effect,
    Event,
    InstanceState,
    Task,
    Timer,
    Token,
    new_id,
)
from engine.flows.status import InstanceStatus, TaskStatus, TimerStatus, TokenState
from engine.i18n import LOG_LOCALE, texts, translate
from engine.principal import SYSTEM, Principal

MAX_STEPS = 10_000  # automatic steps in one action: a loop that never waits is stopped, not run forever


class FlowEnvironment(Protocol):
    """What the interpreter asks of the world; storage answers with SQL, tests in memory."""

    def now(self) -> datetime: ...
    def assign(
        self, node: NodeSpec, assignment: Mapping[str, Any], context: Mapping[str, Any], exclude: frozenset[str]
    ) -> Assignment: ...
    def signers(
        self, node: NodeSpec, assignment: Mapping[str, Any], context: Mapping[str, Any], exclude: frozenset[str]
    ) -> Signers: ...
    def deadline(self, start: datetime, length: timedelta, business_hours: bool) -> datetime: ...
    def refused(self, writes: Mapping[str, Any]) -> str | None: ...


class LazyRecord(MutableMapping[str, Any]):
    """A record's values, read only when a step first looks at them (claiming a task needs none)."""

    def __init__(self, load: Callable[[], dict[str, Any]]):
        self._load = load
        self._values: dict[str, Any] | None = None

    @property
    def loaded(self) -> dict[str, Any]:
        if self._values is None:
            self._values = self._load()
        return self._values

    def __getitem__(self, key: str) -> Any:
        return self.loaded[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.loaded[key] = value

    def __delitem__(self, key: str) -> None:
        del self.loaded[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.loaded)

    def __len__(self) -> int:
        return len(self.loaded)


class FlowStuck(EngineError):
    """The flow cannot go on from a node (no branch fits, nobody to assign): the instance fails visibly."""

    code = "flow_stuck"


class Run:
    def __init__(
        self,
        spec: FlowSpec,
        state: InstanceState,
        env: FlowEnvironment,
        record: MutableMapping[str, Any],
        actor: Principal = SYSTEM,
        relate: Callable[[dict[str, Any]], None] | None = None,
    ):
        self.spec = spec
        self.state = state
        self.env = env
        self.record = record  # the record's current values; changes go to state.record_changes too
        self.actor = actor
        self.now = env.now()
        #: gives the relation values on the flow's paths their related records (storage loads them)
        self.relate = relate

    # -- context ------------------------------------------------------------------------------
    def context(self) -> dict[str, Any]:
        """What the flow's expressions read: the record (relations on a path carry their records) and more."""
        record = dict(self.record)
        if self.relate is not None and self.spec.paths:
            self.relate(record)
        return {
            **record,
            "outcome": self.state.variables.get("outcome"),
            "user": {
                "id": self.actor.id,
                "name": self.actor.name,
                "roles": sorted(self.actor.roles_in(self.state.app_id)),
                "groups": sorted(self.actor.groups),
                "communities": sorted(self.actor.communities),
            },
            "instance": {
                "id": self.state.id,
                "started_by": self.state.started_by,
                "outcomes": dict(self.state.variables.get("outcomes", {})),
                "variables": {k: v for k, v in self.state.variables.get("vars", {}).items()},
            },
        }

    def set_field(self, name: str, value: Any) -> None:
        self.record[name] = value
        self.state.record_changes[name] = value

    def event(self, kind: str, node: str | None = None, task: str | None = None, **details: Any) -> None:
        self.state.events.append(Event(kind, self.now, self.actor.id, node, task, details))

    def effect(self, topic: str, **payload: Any) -> None:
        self.state.effects.append(Effect(topic, {"instance": self.state.id, **payload}))

    # -- movement -----------------------------------------------------------------------------
    def start(self) -> None:
        self.state.tokens.append(Token(new_id(), self.spec.start.id))
        self.event("started", self.spec.start.id, flow=self.spec.id, version=self.state.app_version)
        self.advance()

    def leave(self, token: Token, edges: Iterable[EdgeSpec]) -> None:
        """The token leaves its node along ``edges``: the first edge moves it, the others fork copies."""
        edges = list(edges)
        if not edges:
            raise FlowStuck.says("flow.stuck.no_way_out", node=token.node)
        for n, edge in enumerate(edges):
            moving = token if n == 0 else Token(new_id(), edge.target)
            if n:
                self.state.tokens.append(moving)
            moving.node, moving.via, moving.state = edge.target, edge.id, moving.state.to(TokenState.ACTIVE)

    def park(self, token: Token) -> None:
        """The token waits at its node (for people, a timer, a join or a subflow)."""
        token.state = token.state.to(TokenState.WAITING)

    def choose(self, node: NodeSpec, *, first_only: bool) -> list[EdgeSpec]:
        """The outgoing edges to take: conditions in order (all true ones unless ``first_only``), else the default."""
        context = self.context()
        reserved = {timer.edge for timer in node.timers if timer.action == "route"}  # taken only by the timer
        taken: list[EdgeSpec] = []
        for edge in node.outgoing:
            if edge.default or edge.id in reserved:
                continue
            if edge.condition is None or _truthy(edge.condition.evaluate(context)):
                taken.append(edge)
                if first_only:
                    break
        if taken:
            return taken
        default = [edge for edge in node.outgoing if edge.default and edge.id not in reserved]
        if default:
            return default[:1]
        raise FlowStuck.says("flow.stuck.no_branch", node=node.label())

    def advance(self) -> None:
        from engine.flows.nodes import kind_of

        steps = 0
        while self.state.running:
            token = next((t for t in self.state.tokens if t.state == TokenState.ACTIVE), None)
            if token is None:
                break
            steps += 1
            if steps > MAX_STEPS:
                self.fail(token, translate("flow.stuck.looped", LOG_LOCALE, limit=MAX_STEPS))
                break
            node = self.spec.node(token.node)
            self._reach_stage(node)
            self.event("entered", node.id, via=token.via)
            # a step people worked on before is reached again (a return, a reopening): tell its new holders
            again = node.id in self.state.variables.get("visited", ())
            try:
                kind_of(node).enter(self, node, token)
            except (FlowStuck, AssignmentError, ExpressionError) as exc:
                self.fail(token, str(exc))
                break
            if again:
                self.notify_new_tasks(node.id, token.id, "flow.notify.task_back")

    def continue_from(self, token: Token, node: NodeSpec) -> None:
        """A waiting token's node is done (task completed, timer fired): take its way out and go on."""
        token.state = token.state.to(TokenState.ACTIVE)
        try:
            edges = self.choose(node, first_only=False)
        except (FlowStuck, ExpressionError) as exc:
            self.fail(token, str(exc))
            return
        self.leave(token, edges)
        self.advance()

    def _reach_stage(self, node: NodeSpec) -> None:
        stage = self.spec.stage_of.get(node.id)
        if stage and stage != self.state.stage:
            self.state.stage = stage
            self.event("stage", node.id, stage=stage)

    # -- ends -----------------------------------------------------------------------------------
    def consume(self, token: Token) -> None:
        self.state.tokens = [t for t in self.state.tokens if t.id != token.id]

    def finish(self, status: InstanceStatus, end_status: str | None, node: str | None = None) -> None:
        for task in self.state.open_tasks():
            self.cancel_task(task, reason=status.value)
        for timer in list(self.state.timers.values()):
            if timer.status == TimerStatus.PENDING:
                self.state.drop_timer(timer)
        self.state.tokens = []
        self.state.status = self.state.status.to(status)
        self.state.end_status = end_status
        self.event(status.value, node, end_status=end_status)
        if self.state.parent:
            self.effect("subflow_done", parent=self.state.parent, token=self.state.parent_token, status=end_status)

    def fail(self, token: Token, message: str) -> None:
        token.state = token.state.to(TokenState.FAILED)
        self.state.status = self.state.status.to(InstanceStatus.FAILED)
        self.state.error = message[:2000]
        self.event("failed", token.node, message=message[:2000])

    # -- tasks -----------------------------------------------------------------------------------
    def open_task(
        self, node: NodeSpec, token: Token, assignment: Assignment, *, position: int = 0, timers: bool = True
    ) -> Task:
        reason = self.env.refused(assignment.writes)
        if reason is not None:
            # the person a dispatch chose does not fit the field it fills (a leader without the field's
            # role): the step has nobody to go to, like any assignment that finds no one
            raise AssignmentError.says("flow.assign.write_refused", node=node.id, reason=reason)
        due = node.definition.get("due")
        task = Task(
            id=new_id(),
            node=node.id,
            token=token.id,
            created_at=self.now,
            candidates=list(assignment.candidates),
            assignee=assignment.assignee,
            position=position,
            due_at=self.env.deadline(self.now, _duration(due), False) if due else None,
        )
        self.state.add_task(task)
        for name, value in assignment.writes.items():
            self.set_field(name, value)
        self.event(
            "task_created",
            node.id,
            task.id,
            assignee=task.assignee,
            candidates=[c.dump() for c in task.candidates],
            group=assignment.group,
        )
        if timers:
            self.arm_timers(node, token, task)
        return task

    def notify_new_tasks(self, node: str, token: str, code: str) -> None:
        """An in-app notification (``code``) to the holder - or else the candidates - of each task this
        action opened at ``node`` for ``token``."""
        for task in self.state.open_tasks(node):
            if task.token != token or task.id not in self.state.new_tasks:
                continue
            to = [["user", task.assignee]] if task.assignee else [c.dump() for c in task.candidates]
            self.effect(
                "notify",
                to=to,
                message=texts(code),
                channels=["inbox"],
                app=self.state.app_id,
                record=self.state.record_id,
                node=node,
                task=task.id,
            )

    def arm_timers(self, node: NodeSpec, token: Token, task: Task | None) -> None:
        context = self.context()
        for timer in node.timers:
            if timer.when is not None and not _truthy(timer.when.evaluate(context)):
                continue
            due = self.due_at(timer)
            if due is None:
                continue
            self.state.add_timer(
                Timer(new_id(), node.id, timer.id, due, task=task.id if task else None, token=token.id)
            )

    def due_at(self, timer: TimerSpec) -> datetime | None:
        if timer.after is not None:
            return self.env.deadline(self.now, timer.after, self.counts_business_hours(timer))
        value = self.record.get(timer.until_field or "")
        if not isinstance(value, datetime):
            return None
        return value + timer.offset

    def counts_business_hours(self, timer: TimerSpec) -> bool:
        """Whether this instance's deadline counts working time (the timer may decide per instance)."""
        rule = timer.business_hours
        return _truthy(rule.evaluate(self.context())) if isinstance(rule, Expression) else bool(rule)

    def close_task(self, task: Task, outcome: str | None, comment: str | None) -> list[Timer]:
        """The task is done (by the acting person); returns the timers that rode on it, now dropped."""
        task.status = task.status.to(TaskStatus.DONE)
        task.outcome = outcome
        task.comment = comment
        task.completed_at = self.now
        task.completed_by = self.actor.id
        if task.claimed_at is None:
            task.claimed_at = self.now
            if task.assignee is None:
                task.assignee = self.actor.id
        self.state.changed(task)
        armed = self.drop_task_timers(task)
        self.state.variables["done_tasks"] = self.state.variables.get("done_tasks", 0) + 1
        self.event("completed_task", task.node, task.id, outcome=outcome, comment=comment)
        return armed

    def cancel_task(self, task: Task, *, reason: str) -> None:
        task.status = task.status.to(TaskStatus.CANCELLED)
        task.completed_at = self.now
        self.state.changed(task)
        self.drop_task_timers(task)
        self.event("task_cancelled", task.node, task.id, reason=reason)

    def drop_task_timers(self, task: Task) -> list[Timer]:
        dropped = [t for t in self.state.timers.values() if t.task == task.id and t.status == TimerStatus.PENDING]
        for timer in dropped:
            self.state.drop_timer(timer)
        return dropped

    def record_outcome(self, node: NodeSpec, outcome: str | None) -> None:
        self.state.variables["outcome"] = outcome
        self.state.variables.setdefault("outcomes", {})[node.id] = outcome


def _duration(text: str) -> timedelta:
    from engine.expressions import parse_duration

    return parse_duration(text)


def _truthy(value: Any) -> bool:
    return bool(value)
