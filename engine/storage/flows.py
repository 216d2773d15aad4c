"""``FlowRepository``: flow instances, tasks, timers, events and outbox items as rows (storage layer).

Rows in, domain values (``InstanceState``, ``Task``, ``Timer``, ``Event``) out. The use cases in
``engine.services.flows`` decide; this module only reads and writes, inside the transaction the
caller opened: lock the instance row, load its open work, write back what changed - instance
(compare-and-set on ``lock_version``), tasks and candidates, timers, events, outbox items. The hot
path uses Core statements on the tables (no ORM unit-of-work per row).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, and_, bindparam, case, delete, event, exists, func, insert, or_, select, update
from sqlalchemy.orm import Session

from engine.flows.state import RUNNING, Candidate, Effect, Event, InstanceState, Task, Timer, Token
from engine.flows.status import InstanceStatus, TaskStatus
from engine.principal import Principal
from engine.storage.tables import (
    AuditEventRow,
    FlowEventRow,
    FlowInstanceRow,
    FlowTaskCandidateRow,
    FlowTaskRow,
    FlowTimerRow,
    OutboxRow,
    UserRow,
)

# the tables themselves, for Core statements on the hot path (no ORM unit-of-work per row)
TASKS = cast(Table, FlowTaskRow.__table__)
INSTANCES = cast(Table, FlowInstanceRow.__table__)
TIMERS = cast(Table, FlowTimerRow.__table__)
EVENTS = cast(Table, FlowEventRow.__table__)
OUTBOX = cast(Table, OutboxRow.__table__)
CANDIDATES = cast(Table, FlowTaskCandidateRow.__table__)
#: the task lists a person has: held by me, open to my roles and groups, done by me
INBOXES = ("mine", "groups", "done")
_CHANGES = "trellis_flow_changes"  # where a session keeps the changes it announces after commit


@dataclass(frozen=True, slots=True)
class InstanceRef:
    """Where a task belongs: its instance and the record that instance runs on."""

    instance_id: str
    app_id: str
    flow_id: str
    form_id: str
    record_id: int

    @classmethod
    def of(cls, state: InstanceState) -> InstanceRef:
        return cls(state.id, state.app_id, state.flow_id, state.form_id, state.record_id)


@dataclass(frozen=True, slots=True)
class InboxRow:
    """One task of an inbox with where it belongs and the app version its instance runs."""

    where: InstanceRef
    task: Task
    app_version: int


class FlowRepository:
    """The SQL of flows; every method works in the session (transaction) the caller holds."""

    # -- loading one instance ----------------------------------------------------------------------
    def lock(
        self, session: Session, instance_id: str | None = None, *, task: str | None = None, timer: str | None = None
    ) -> InstanceState | None:
        """The instance (by id, or the one a task or timer belongs to), locked for this transaction."""
        statement = select(FlowInstanceRow)
        if task is not None:
            owner = select(FlowTaskRow.instance_id).where(FlowTaskRow.id == task).scalar_subquery()
            statement = statement.where(FlowInstanceRow.id == owner)
        elif timer is not None:
            holder = select(FlowTimerRow.instance_id).where(FlowTimerRow.id == timer).scalar_subquery()
            statement = statement.where(FlowInstanceRow.id == holder)
        else:
            statement = statement.where(FlowInstanceRow.id == instance_id)
        row = session.execute(statement.with_for_update()).scalar_one_or_none()
        return None if row is None else _state_of(row)

    def load_open_tasks(self, session: Session, state: InstanceState) -> None:
        for task_row in session.scalars(
            select(FlowTaskRow).where(FlowTaskRow.instance_id == state.id, FlowTaskRow.status == "open")
        ):
            state.tasks[task_row.id] = _task_of(task_row)

    def pending_task_timers(self, session: Session, instance_ids: Iterable[str]) -> list[Timer]:
        """The pending timers of these instances that belong to a task (an inbox's SLA deadlines)."""
        wanted = sorted(set(instance_ids))
        if not wanted:
            return []
        rows = session.scalars(
            select(FlowTimerRow).where(
                FlowTimerRow.instance_id.in_(wanted),
                FlowTimerRow.status == "pending",
                FlowTimerRow.task_id.is_not(None),
            )
        )
        return [Timer(r.id, r.node_id, r.spec_id, r.due_at, r.task_id) for r in rows]

    def load_pending_timers(self, session: Session, state: InstanceState) -> None:
        for timer_row in session.scalars(
            select(FlowTimerRow).where(FlowTimerRow.instance_id == state.id, FlowTimerRow.status == "pending")
        ):
            state.timers[timer_row.id] = Timer(
                timer_row.id,
                timer_row.node_id,
                timer_row.spec_id,
                timer_row.due_at,
                timer_row.task_id,
                timer_row.token_id,
            )

    def task(self, session: Session, task_id: str) -> Task | None:
        row = session.get(FlowTaskRow, task_id)
        return None if row is None else _task_of(row)

    def task_at(self, session: Session, task_id: str) -> tuple[InstanceRef, Task] | None:
        row = session.get(FlowTaskRow, task_id)
        if row is None:
            return None
        return InstanceRef(row.instance_id, row.app_id, row.flow_id, row.form_id, row.record_id), _task_of(row)

    def fresh_task(self, session: Session, task_id: str) -> tuple[InstanceState, Task]:
        """A task as it is now (after this transaction's writes) and its instance."""
        row = session.get(FlowTaskRow, task_id, populate_existing=True)
        assert row is not None
        instance = session.get(FlowInstanceRow, row.instance_id)
        assert instance is not None
        return _state_of(instance), _task_of(row)

    def instance(self, session: Session, instance_id: str, *, fresh: bool = False) -> InstanceState | None:
        row = session.get(FlowInstanceRow, instance_id, populate_existing=fresh)
        return None if row is None else _state_of(row)

    def tasks_of(self, session: Session, instance_id: str) -> list[Task]:
        """Every task of an instance, open or not, in the order they were created."""
        rows = session.scalars(
            select(FlowTaskRow)
            .where(FlowTaskRow.instance_id == instance_id)
            .order_by(FlowTaskRow.created_at, FlowTaskRow.position)
        ).all()
        return [_task_of(t) for t in rows]

    # -- finding instances -------------------------------------------------------------------------
    def running_on(self, session: Session, app_id: str, flow_id: str, form_id: str, record_id: int) -> str | None:
        return session.scalar(
            select(FlowInstanceRow.id).where(
                FlowInstanceRow.app_id == app_id,
                FlowInstanceRow.flow_id == flow_id,
                FlowInstanceRow.form_id == form_id,
                FlowInstanceRow.record_id == record_id,
                FlowInstanceRow.status == RUNNING,
            )
        )

    def movable(self, session: Session, app_id: str, flow_id: str, version: int, statuses: Sequence[str]) -> list[str]:
        """Ids of the instances of a flow version in one of ``statuses``, oldest first."""
        return list(
            session.scalars(
                select(FlowInstanceRow.id)
                .where(
                    FlowInstanceRow.app_id == app_id,
                    FlowInstanceRow.flow_id == flow_id,
                    FlowInstanceRow.app_version == version,
                    FlowInstanceRow.status.in_(tuple(statuses)),
                )
                .order_by(FlowInstanceRow.started_at)
            ).all()
        )

    def unfinished_versions(self, session: Session, app_id: str, flow_id: str, statuses: Sequence[str]) -> list[int]:
        """The app versions that instances of a flow in one of ``statuses`` run on, oldest first."""
        return list(
            session.scalars(
                select(FlowInstanceRow.app_version)
                .where(
                    FlowInstanceRow.app_id == app_id,
                    FlowInstanceRow.flow_id == flow_id,
                    FlowInstanceRow.status.in_(tuple(statuses)),
                )
                .distinct()
                .order_by(FlowInstanceRow.app_version)
            ).all()
        )

    def instance_ids_of(self, session: Session, app_id: str, form_id: str, record_id: int) -> list[str]:
        return list(
            session.scalars(
                select(FlowInstanceRow.id)
                .where(
                    FlowInstanceRow.app_id == app_id,
                    FlowInstanceRow.form_id == form_id,
                    FlowInstanceRow.record_id == record_id,
                )
                .order_by(FlowInstanceRow.started_at, FlowInstanceRow.parent_id.is_not(None), FlowInstanceRow.id)
            )
        )

    def instances_on(self, session: Session, app_id: str, form_id: str, record_id: int) -> list[InstanceState]:
        rows = session.scalars(
            select(FlowInstanceRow)
            .where(
                FlowInstanceRow.app_id == app_id,
                FlowInstanceRow.form_id == form_id,
                FlowInstanceRow.record_id == record_id,
            )
            .order_by(FlowInstanceRow.started_at)
        ).all()
        return [_state_of(row) for row in rows]

    def events(self, session: Session, instance_id: str) -> list[Event]:
        rows = session.scalars(
            select(FlowEventRow).where(FlowEventRow.instance_id == instance_id).order_by(FlowEventRow.id)
        ).all()
        return [Event(e.kind, e.at, e.actor, e.node_id, e.task_id, e.details or {}) for e in rows]

    def names(self, session: Session, ids: set[str]) -> dict[str, str]:
        """People's display names by id (ids that cannot be user ids are skipped)."""
        wanted = [i for i in ids if i and len(i) <= 32]
        if not wanted:
            return {}
        statement = select(UserRow.id, UserRow.name).where(UserRow.id.in_(wanted))
        return {row.id: row.name for row in session.execute(statement)}

    def due_timers(self, session: Session, now: datetime, limit: int) -> list[str]:
        return list(
            session.scalars(
                select(FlowTimerRow.id)
                .where(FlowTimerRow.status == "pending", FlowTimerRow.due_at <= now)
                .order_by(FlowTimerRow.due_at)
                .limit(limit)
            )
        )

    # -- inboxes -----------------------------------------------------------------------------------
    def inbox(
        self, session: Session, principal: Principal, box: str, now: datetime, limit: int
    ) -> tuple[dict[str, int], list[InboxRow]]:
        """How many tasks each inbox holds, and the tasks of ``box`` (one of ``INBOXES``), most urgent first."""
        mine = and_(FlowTaskRow.status == "open", FlowTaskRow.assignee == principal.id)
        pool = and_(FlowTaskRow.status == "open", FlowTaskRow.assignee.is_(None), _candidate_clause(principal))
        done = FlowTaskRow.completed_by == principal.id
        boxes = {"mine": mine, "groups": pool, "done": done}
        counts = {
            name: int(session.scalar(select(func.count()).select_from(FlowTaskRow).where(clause)) or 0)
            for name, clause in boxes.items()
        }
        statement = (
            select(FlowTaskRow, FlowInstanceRow.app_version)
            .join(FlowInstanceRow, FlowInstanceRow.id == FlowTaskRow.instance_id)
            .where(boxes[box])
        )
        if box == "done":
            statement = statement.order_by(FlowTaskRow.completed_at.desc())
        else:
            overdue = case((and_(FlowTaskRow.due_at.is_not(None), FlowTaskRow.due_at < now), 0), else_=1)
            statement = statement.order_by(
                overdue, FlowTaskRow.due_at.is_(None), FlowTaskRow.due_at, FlowTaskRow.created_at
            )
        rows = session.execute(statement.limit(limit)).all()
        found = [
            InboxRow(InstanceRef(r.instance_id, r.app_id, r.flow_id, r.form_id, r.record_id), _task_of(r), version)
            for r, version in rows
        ]
        return counts, found

    # -- writing back --------------------------------------------------------------------------------
    def write(self, session: Session, state: InstanceState, now: datetime, *, new: bool = False) -> bool:
        """Write the instance and what changed in it; False (nothing written) when someone else moved it first."""
        values = {
            "status": state.status,
            "end_status": state.end_status,
            "stage": state.stage,
            "error": state.error,
            "tokens": state.dump_tokens(),
            "variables": state.variables,
            "updated_at": now,
            "ended_at": state.ended_at,
        }
        if new:
            session.execute(
                insert(INSTANCES).values(
                    id=state.id,
                    app_id=state.app_id,
                    app_version=state.app_version,
                    flow_id=state.flow_id,
                    form_id=state.form_id,
                    record_id=state.record_id,
                    started_by=state.started_by,
                    started_at=state.started_at,
                    parent_id=state.parent,
                    parent_token=state.parent_token,
                    lock_version=1,
                    **values,
                )
            )
            state.lock_version = 1
        else:
            result = session.execute(
                update(INSTANCES)
                .where(INSTANCES.c.id == state.id, INSTANCES.c.lock_version == state.lock_version)
                .values(lock_version=state.lock_version + 1, app_version=state.app_version, **values)
            )
            if getattr(result, "rowcount", 1) != 1:
                return False
            state.lock_version += 1
        _save_tasks(session, state)
        if state.new_timers:
            session.execute(
                insert(TIMERS),
                [
                    {
                        "id": t.id,
                        "instance_id": state.id,
                        "node_id": t.node,
                        "spec_id": t.spec,
                        "task_id": t.task,
                        "token_id": t.token,
                        "due_at": t.due_at,
                        "status": t.status,
                        "fired_at": now if t.status == "fired" else None,
                    }
                    for t in (state.timers[i] for i in state.new_timers)
                ],
            )
        for timer_id in state.changed_timers:
            timer = state.timers[timer_id]
            session.execute(
                update(TIMERS)
                .where(TIMERS.c.id == timer_id)
                .values(status=timer.status, node_id=timer.node, fired_at=now if timer.status == "fired" else None)
            )
        if state.events:
            session.execute(
                insert(EVENTS),
                [
                    {
                        "instance_id": state.id,
                        "at": e.at,
                        "actor": e.actor,
                        "kind": e.kind,
                        "node_id": e.node,
                        "task_id": e.task,
                        "details": e.details,
                    }
                    for e in state.events
                ],
            )
        return True

    def enqueue(self, session: Session, effects: Sequence[Effect], now: datetime) -> None:
        """Effects for the worker, as outbox items (topic ``flow.<effect topic>``), committed with the action."""
        if effects:
            session.execute(
                insert(OUTBOX),
                [
                    {
                        "topic": f"flow.{e.topic}",
                        "payload": e.payload,
                        "created_at": now,
                        "available_at": now,
                        "attempts": 0,
                    }
                    for e in effects
                ],
            )

    def audit(
        self, session: Session, actor: str, action: str, subject_type: str, subject_id: str, details: Any
    ) -> None:
        session.add(
            AuditEventRow(actor=actor, action=action, subject_type=subject_type, subject_id=subject_id, details=details)
        )

    @staticmethod
    def rollback(session: Session) -> None:
        session.rollback()

    # -- after commit --------------------------------------------------------------------------------
    @staticmethod
    def after_commit(
        session: Session, key: str, change: dict[str, Any], deliver: Callable[[Iterable[dict[str, Any]]], None]
    ) -> None:
        """Keep ``change`` (one per ``key``); hand them all to ``deliver`` once the transaction really commits."""
        pending = session.info.setdefault(_CHANGES, {})
        if not pending:
            event.listen(session, "after_commit", lambda s: deliver(s.info.pop(_CHANGES, {}).values()), once=True)
            event.listen(session, "after_rollback", lambda s: s.info.pop(_CHANGES, None), once=True)
        pending[key] = change


def _save_tasks(session: Session, state: InstanceState) -> None:
    if state.new_tasks:
        rows = [state.tasks[i] for i in state.new_tasks]
        session.execute(insert(TASKS), [_task_row(state, t) for t in rows])
        candidates = _candidate_rows(rows)
        if candidates:
            session.execute(insert(CANDIDATES), candidates)
    if not state.changed_tasks:
        return
    changed = [state.tasks[i] for i in sorted(state.changed_tasks)]
    updates = []
    for task in changed:
        row = _task_row(state, task)
        row["lock_version"] = task.lock_version + 1
        task.lock_version += 1
        updates.append(row)
    by_id = update(TASKS).where(TASKS.c.id == bindparam("task_key"))
    session.execute(by_id, [{**row, "task_key": row.pop("id")} for row in updates])  # one executemany
    # candidates are read only for open tasks (inbox queries filter on status), so only a task that is
    # still open may have new ones (transferred, escalated); a closed task keeps its last set as history
    still_open = [t for t in changed if t.status == "open"]
    if still_open:
        ids = [t.id for t in still_open]
        session.execute(delete(FlowTaskCandidateRow).where(FlowTaskCandidateRow.task_id.in_(ids)))
        fresh = _candidate_rows(still_open)
        if fresh:
            session.execute(insert(CANDIDATES), fresh)


def _candidate_rows(tasks: Iterable[Task]) -> list[dict[str, Any]]:
    """One row per distinct candidate of each task (the inbox queries join on these)."""
    return [
        {"task_id": t.id, "kind": kind, "value": value}
        for t in tasks
        for kind, value in sorted({(c.kind, c.value) for c in t.candidates})
    ]


def _candidate_clause(principal: Principal) -> Any:
    options = [and_(FlowTaskCandidateRow.kind == "user", FlowTaskCandidateRow.value == principal.id)]
    if principal.groups:
        options.append(
            and_(FlowTaskCandidateRow.kind == "group", FlowTaskCandidateRow.value.in_(sorted(principal.groups)))
        )
    for app_id, roles in principal.app_roles.items():
        if roles:
            options.append(
                and_(
                    FlowTaskRow.app_id == app_id,
                    FlowTaskCandidateRow.kind == "role",
                    FlowTaskCandidateRow.value.in_(sorted(roles)),
                )
            )
    return exists().where(FlowTaskCandidateRow.task_id == FlowTaskRow.id, or_(*options))


def _state_of(row: FlowInstanceRow) -> InstanceState:
    return InstanceState(
        id=row.id,
        app_id=row.app_id,
        app_version=row.app_version,
        flow_id=row.flow_id,
        form_id=row.form_id,
        record_id=row.record_id,
        started_by=row.started_by,
        started_at=row.started_at,
        status=InstanceStatus(row.status),
        end_status=row.end_status,
        stage=row.stage,
        error=row.error,
        variables=dict(row.variables or {}),
        tokens=[Token.load(t) for t in row.tokens or []],
        lock_version=row.lock_version,
        ended_at=row.ended_at,
        parent=row.parent_id,
        parent_token=row.parent_token,
    )


def _task_of(row: FlowTaskRow) -> Task:
    return Task(
        id=row.id,
        node=row.node_id,
        token=row.token_id,
        created_at=row.created_at,
        candidates=[Candidate(kind, value) for kind, value in row.candidates or []],
        assignee=row.assignee,
        owner=row.owner,
        status=TaskStatus(row.status),
        claimed_at=row.claimed_at,
        completed_at=row.completed_at,
        completed_by=row.completed_by,
        due_at=row.due_at,
        outcome=row.outcome,
        comment=row.comment,
        position=row.position,
        lock_version=row.lock_version,
        touched=row.touched,
        data=dict(row.data or {}),
    )


def _task_row(state: InstanceState, task: Task) -> dict[str, Any]:
    return {
        "id": task.id,
        "instance_id": state.id,
        "app_id": state.app_id,
        "flow_id": state.flow_id,
        "form_id": state.form_id,
        "record_id": state.record_id,
        "node_id": task.node,
        "token_id": task.token,
        "status": task.status,
        "candidates": [c.dump() for c in task.candidates],
        "assignee": task.assignee,
        "owner": task.owner,
        "created_at": task.created_at,
        "claimed_at": task.claimed_at,
        "completed_at": task.completed_at,
        "completed_by": task.completed_by,
        "due_at": task.due_at,
        "outcome": task.outcome,
        "comment": task.comment,
        "position": task.position,
        "touched": task.touched,
        "lock_version": task.lock_version,
        "data": task.data or None,
    }


def candidate_clause(principal: Principal) -> Any:
    """Whether a task is offered to this person: to them by name, to one of their groups or app roles."""
    return _candidate_clause(principal)
