"""``FlowService``: flow instances persisted step by step.

Every action (start, a task action, a timer firing) is one transaction: lock the instance row,
load its tokens, open tasks and pending timers, let the interpreter move, then write back what
changed - instance (compare-and-set on ``lock_version``), tasks and candidates, timers, events,
record changes and outbox effects - together. A crash anywhere rolls all of it back.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, and_, bindparam, case, delete, event, exists, func, insert, or_, select, update
from sqlalchemy.orm import Session

from engine.errors import ConflictError, NotFoundError, PermissionDeniedError, SubmissionError
from engine.flows import actions
from engine.flows.actions import is_candidate, may_work_on, tracking_subject
from engine.flows.assignment import Assigner
from engine.flows.environment import Environment
from engine.flows.interpreter import LazyRecord, Run
from engine.flows.migration import apply_plan, map_problems, plan_instance
from engine.flows.spec import FlowSpec, compile_flow, localized
from engine.flows.state import RUNNING, Candidate, InstanceState, Task, Timer, Token, new_id
from engine.flows.status import InstanceStatus, TaskStatus
from engine.forms.permissions import scoped_actions
from engine.principal import SYSTEM, Principal
from engine.storage.catalog import CompiledApp, CompiledForm
from engine.storage.database import Database
from engine.storage.flow_directory import SqlDirectory
from engine.storage.records import RecordStore
from engine.storage.tables import (
    AuditEventRow,
    FlowEventRow,
    FlowInstanceRow,
    FlowTaskCandidateRow,
    FlowTaskRow,
    FlowTimerRow,
    OutboxRow,
    utcnow,
)

LOG = logging.getLogger(__name__)
# the tables themselves, for Core statements on the hot path (no ORM unit-of-work per row)
TASKS = cast(Table, FlowTaskRow.__table__)
INSTANCES = cast(Table, FlowInstanceRow.__table__)
TIMERS = cast(Table, FlowTimerRow.__table__)
EVENTS = cast(Table, FlowEventRow.__table__)
OUTBOX = cast(Table, OutboxRow.__table__)
CANDIDATES = cast(Table, FlowTaskCandidateRow.__table__)
DATA_ACTIONS = {"complete", "save", "check_in"}
ENDINGS = ("rejected", "withdrawn", "cancelled")


class FlowService:
    def __init__(self, database: Database, records: RecordStore, *, clock: Callable[[], datetime] = utcnow):
        self.database = database
        self.records = records
        self.catalog = records.catalog
        self.clock = clock
        self._specs: dict[tuple[str, int, str], FlowSpec] = {}
        #: called after a transaction that moved flows commits, once per instance changed (live pages listen)
        self.on_commit: list[Callable[[dict[str, Any]], None]] = []
        records.on_create.append(self._record_created)

    # -- specs -------------------------------------------------------------------------------------
    def spec(self, app: CompiledApp, flow_id: str) -> FlowSpec:
        key = (app.app_id, app.version, flow_id)
        found = self._specs.get(key)
        if found is None:
            for index, definition in enumerate(app.document.get("flows", [])):
                if definition["id"] == flow_id:
                    form = app.form(definition["form"])
                    found = compile_flow(definition, fields=[f.id for f in form.spec.fields], pointer=f"/flows/{index}")
                    break
            else:
                raise NotFoundError(f"app '{app.app_id}' has no flow '{flow_id}'")
            self._specs[key] = found
        return found

    # -- starting ----------------------------------------------------------------------------------
    def _record_created(
        self, session: Session, app: CompiledApp, form: CompiledForm, record_id: int, principal: Principal
    ) -> None:
        for definition in app.document.get("flows", []):
            if definition["form"] == form.spec.id and definition.get("start_on", "record_created") == "record_created":
                self._start(session, app, self.spec(app, definition["id"]), record_id, principal)

    def start(self, principal: Principal, app_id: str, flow_id: str, record_id: int) -> dict[str, Any]:
        """Start a flow by hand on a record the caller may update."""
        with self.database.transaction() as session:
            app = self.catalog.current(session, app_id)
            spec = self.spec(app, flow_id)
            form = app.form(spec.form)
            access = self.records.authorize(principal, "update", app, form)
            self.records._row(session, form, record_id, deleted=False, visible=access.bound_filter("update"))
            running = session.scalar(
                select(FlowInstanceRow.id).where(
                    FlowInstanceRow.app_id == app_id,
                    FlowInstanceRow.flow_id == flow_id,
                    FlowInstanceRow.form_id == spec.form,
                    FlowInstanceRow.record_id == record_id,
                    FlowInstanceRow.status == RUNNING,
                )
            )
            if running:
                raise ConflictError(f"'{localized(spec.name, principal.locale)}' is already running on this record")
            state = self._start(session, app, spec, record_id, principal)
            return self._instance_view(session, state.id)

    def _start(
        self,
        session: Session,
        app: CompiledApp,
        spec: FlowSpec,
        record_id: int,
        principal: Principal,
        parent: tuple[str, str] | None = None,
    ) -> InstanceState:
        now = self.clock()
        state = InstanceState(
            id=new_id(),
            app_id=app.app_id,
            app_version=app.version,
            flow_id=spec.id,
            form_id=spec.form,
            record_id=record_id,
            started_by=principal.id,
            started_at=now,
            parent=parent[0] if parent else None,
            parent_token=parent[1] if parent else None,
        )
        run = self._run(session, app, spec, state, principal)
        run.start()
        self._save(session, app, spec, state, run, new=True)
        return state

    # -- acting ------------------------------------------------------------------------------------
    def act(
        self, principal: Principal, task_id: str, action: str, body: Mapping[str, Any], *, locale: str = "zh-CN"
    ) -> dict[str, Any]:
        """One task action; the body carries ``data``, ``outcome``, ``comment``, ``to`` as the action needs."""
        if action not in actions.TASK_ACTIONS:
            raise NotFoundError(f"there is no task action '{action}'; use one of: {', '.join(actions.TASK_ACTIONS)}")
        with self.database.transaction() as session:
            app, spec, state = self._load(session, task=task_id)
            if principal.scopes is not None and "update" not in scoped_actions(principal.scopes, app.app_id):
                raise PermissionDeniedError(
                    f"this API token may not act on tasks: it needs the scope app:{app.app_id}:write"
                )
            task = state.tasks.get(task_id) or self._task(session, task_id)
            if not (
                is_candidate(task, principal, app.app_id)
                or may_work_on(task, principal, app.app_id)
                or principal.is_admin
            ):
                raise NotFoundError(f"there is no task {task_id}")  # someone else's task: nothing revealed
            expected = body.get("version")
            if expected is not None and expected != task.lock_version:
                raise ConflictError(
                    f"this task changed meanwhile (now version {task.lock_version}); reload it",
                    details={"current_version": task.lock_version},
                )
            run = self._run(session, app, spec, state, principal)
            actions.ensure_allowed(run, task_id, action)
            if action == "check_in":
                body = {**body, "data": self._check_in_data(spec, task, body)}
            if action in DATA_ACTIONS:
                self._write_task_data(session, app, spec, run, task, body.get("data"), action, locale)
            comment = _text(body.get("comment"), "comment", 2000)
            if action == "claim":
                actions.claim(run, task_id)
            elif action == "complete":
                actions.complete(run, task_id, outcome=_optional_text(body.get("outcome"), "outcome"), comment=comment)
            elif action in ("approve", "reject"):
                actions.decide(run, task_id, approve=action == "approve", comment=comment)
            elif action == "return":
                actions.return_to(run, task_id, _required_text(body.get("to"), "to"), comment=comment)
            elif action in ("transfer", "delegate"):
                target = self._user(session, _required_text(body.get("to"), "to"))
                actions.transfer(run, task_id, target, comment=comment, delegate=action == "delegate")
            elif action == "add_signer":
                target = self._user(session, _required_text(body.get("to"), "to"))
                actions.add_signer(run, task_id, target, comment=comment)
            elif action == "hand_back":
                actions.hand_back(run, task_id, comment=comment)
            else:
                details: dict[str, Any] = {"comment": comment} if comment else {}
                location = body.get("location")
                if action == "check_in" and isinstance(location, dict):
                    details["location"] = {
                        k: float(v)
                        for k, v in location.items()
                        if k in ("lat", "lng", "accuracy") and isinstance(v, int | float) and not isinstance(v, bool)
                    }
                actions.note(run, task_id, action, details)
            self._save(session, app, spec, state, run)
            now = self.clock()
            acted = state.tasks.get(task_id) or task
            touched = sorted(state.tasks.values(), key=lambda t: (t.created_at, t.position))
            return {
                "task": _task_detail(state, acted, spec, now),
                "instance": _instance_dict(state, touched, spec, now),
            }

    def withdraw(self, principal: Principal, instance_id: str) -> dict[str, Any]:
        return self._instance_action(principal, instance_id, actions.withdraw)

    def cancel(self, principal: Principal, instance_id: str, reason: str | None = None) -> dict[str, Any]:
        return self._instance_action(principal, instance_id, lambda run: actions.cancel(run, reason=reason))

    def _instance_action(self, principal: Principal, instance_id: str, act: Callable[[Run], None]) -> dict[str, Any]:
        with self.database.transaction() as session:
            app, spec, state = self._load(session, instance_id)
            self._check_reader(session, principal, app, spec, state)
            run = self._run(session, app, spec, state, principal)
            act(run)
            self._save(session, app, spec, state, run)
            return self._instance_view(session, instance_id)

    # -- versions ----------------------------------------------------------------------------------
    def migrate(
        self,
        app_id: str,
        flow_id: str,
        from_version: int,
        to_version: int,
        mapping: Mapping[str, str],
        *,
        dry_run: bool = True,
        actor: str = "admin",
    ) -> dict[str, Any]:
        """Plan (and unless ``dry_run``, carry out) moving running instances between versions.

        All or nothing: when any instance would strand a token or lose votes, nothing moves and
        the report says which and why.
        """
        with self.database.transaction() as session:
            old_app = self.catalog.version(session, app_id, from_version)
            new_app = self.catalog.version(session, app_id, to_version)
            old, new = self.spec(old_app, flow_id), self.spec(new_app, flow_id)
            problems = map_problems(old, new, mapping)
            ids = session.scalars(
                select(FlowInstanceRow.id)
                .where(
                    FlowInstanceRow.app_id == app_id,
                    FlowInstanceRow.flow_id == flow_id,
                    FlowInstanceRow.app_version == from_version,
                    FlowInstanceRow.status.in_((RUNNING, "failed")),
                )
                .order_by(FlowInstanceRow.started_at)
            ).all()
            loaded = [self._load(session, instance_id) for instance_id in ids]
            plans = [plan_instance(old, new, state, mapping) for _, _, state in loaded]
            report = {
                "app_id": app_id,
                "flow_id": flow_id,
                "from_version": from_version,
                "to_version": to_version,
                "dry_run": dry_run,
                "problems": problems,
                "instances": [plan.as_dict() for plan in plans],
                "refused": bool(problems) or any(not plan.ok for plan in plans),
            }
            if dry_run or report["refused"]:
                session.rollback()
                return report
            who = Principal(id=actor, is_admin=True)
            for (_, _, state), plan in zip(loaded, plans, strict=True):
                apply_plan(state, plan, new, mapping, to_version, actor, at=self.clock())
                run = self._run(session, new_app, new, state, who)
                self._save(session, new_app, new, state, run)
            details = {"from_version": from_version, "to_version": to_version, "map": dict(mapping)}
            session.add(
                AuditEventRow(
                    actor=actor,
                    action="flow.migrate",
                    subject_type="flow",
                    subject_id=f"{app_id}/{flow_id}",
                    details={**details, "instances": len(plans)},
                )
            )
            return report

    # -- timers ------------------------------------------------------------------------------------
    def due_timers(self, limit: int = 100, now: datetime | None = None) -> list[str]:
        with self.database.transaction() as session:
            return list(
                session.scalars(
                    select(FlowTimerRow.id)
                    .where(FlowTimerRow.status == "pending", FlowTimerRow.due_at <= (now or self.clock()))
                    .order_by(FlowTimerRow.due_at)
                    .limit(limit)
                )
            )

    def fire(self, timer_id: str) -> bool:
        """Fire one timer in its own transaction; False when someone else fired it first or it no longer applies."""
        with self.database.transaction() as session:
            try:
                app, spec, state = self._load(session, timer=timer_id)
            except NotFoundError:
                return False
            if timer_id not in state.timers:
                return False  # fired or cancelled by whoever held the instance lock before us
            run = self._run(session, app, spec, state, SYSTEM)
            fired = actions.fire_timer(run, timer_id)
            self._save(session, app, spec, state, run)
            return fired

    def fire_due(self, limit: int = 100) -> int:
        return sum(1 for timer_id in self.due_timers(limit) if self.fire(timer_id))

    # -- reading -----------------------------------------------------------------------------------
    def instance(self, principal: Principal, instance_id: str) -> dict[str, Any]:
        with self.database.transaction() as session:
            row = session.get(FlowInstanceRow, instance_id)
            if row is None:
                raise NotFoundError(f"there is no flow instance {instance_id}")
            app = self.catalog.version(session, row.app_id, row.app_version)
            spec = self.spec(app, row.flow_id)
            self._check_reader(session, principal, app, spec, _state_of(row))
            return self._instance_view(session, instance_id)

    def instances_of(self, app_id: str, form_id: str, record_id: int) -> list[str]:
        with self.database.transaction() as session:
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

    def task(self, principal: Principal, task_id: str) -> dict[str, Any]:
        with self.database.transaction() as session:
            row = session.get(FlowTaskRow, task_id)
            task = self._task(session, task_id) if row is not None else None
            if (
                row is None
                or task is None
                or not (
                    is_candidate(task, principal, row.app_id)
                    or may_work_on(task, principal, row.app_id)
                    or principal.is_admin
                    or principal.id == row.completed_by
                )
            ):
                raise NotFoundError(f"there is no task {task_id}")
            return self._task_view(session, task_id)

    def inbox(self, principal: Principal, box: str = "mine", limit: int = 50) -> dict[str, Any]:
        """Tasks for this person: ``mine`` (held by me), ``groups`` (open to my roles and groups), ``done``."""
        with self.database.transaction() as session:
            mine = and_(FlowTaskRow.status == "open", FlowTaskRow.assignee == principal.id)
            pool = and_(FlowTaskRow.status == "open", FlowTaskRow.assignee.is_(None), self._candidate_clause(principal))
            done = FlowTaskRow.completed_by == principal.id
            boxes = {"mine": mine, "groups": pool, "done": done}
            if box not in boxes:
                raise NotFoundError(f"there is no inbox '{box}'; use mine, groups or done")
            counts = {
                name: int(session.scalar(select(func.count()).select_from(FlowTaskRow).where(clause)) or 0)
                for name, clause in boxes.items()
            }
            now = self.clock()
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
            rows = session.execute(statement.limit(max(1, min(limit, 200)))).all()
            items = [self._task_summary(session, row[0], now, row[1]) for row in rows]
            return {"box": box, "counts": counts, "items": items}

    def timeline(self, app_id: str, form_id: str, record_id: int, locale: str = "zh-CN") -> list[dict[str, Any]]:
        """The owner's view: stages reached, with when and who handled them (names, never ids or fields)."""
        with self.database.transaction() as session:
            rows = session.scalars(
                select(FlowInstanceRow)
                .where(
                    FlowInstanceRow.app_id == app_id,
                    FlowInstanceRow.form_id == form_id,
                    FlowInstanceRow.record_id == record_id,
                )
                .order_by(FlowInstanceRow.started_at)
            ).all()
            found: list[dict[str, Any]] = []
            for row in rows:
                app = self.catalog.version(session, row.app_id, row.app_version)
                spec = self.spec(app, row.flow_id)
                events = session.scalars(
                    select(FlowEventRow).where(FlowEventRow.instance_id == row.id).order_by(FlowEventRow.id)
                ).all()
                names = _names(
                    session, {e.actor for e in events} | {str(e.details.get("assignee")) for e in events if e.details}
                )
                labels = {stage["id"]: localized(stage["label"], locale) for stage in spec.stages}
                current: dict[str, Any] | None = None
                for event in events:
                    if event.kind == "stage":
                        stage = event.details.get("stage")
                        current = {
                            "stage": stage,
                            "label": labels.get(stage, stage),
                            "at": event.at.isoformat(),
                            "by": names.get(event.actor) if event.actor not in ("system", "public") else None,
                            "handler": None,
                            "node": event.node_id,
                        }
                        found.append(current)
                    elif event.kind == "task_created" and current and current["node"] == event.node_id:
                        assignee = event.details.get("assignee")
                        current["handler"] = names.get(assignee, assignee) if assignee else None
                    elif event.kind in ("completed", "cancelled") and event.details.get("end_status") in ENDINGS:
                        ending = event.details["end_status"]
                        found.append(
                            {
                                "stage": ending,
                                "label": _ended(ending, locale),
                                "at": event.at.isoformat(),
                                "by": None,
                                "handler": None,
                                "node": event.node_id,
                            }
                        )
            for entry in found:
                entry.pop("node", None)
            return found

    # -- internals: loading, running, saving ---------------------------------------------------------
    def _load(
        self, session: Session, instance_id: str | None = None, *, task: str | None = None, timer: str | None = None
    ) -> tuple[CompiledApp, FlowSpec, InstanceState]:
        """The instance (by id, or the one a task belongs to), locked for this transaction, with its open work."""
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
        if row is None:
            raise NotFoundError(f"there is no task {task}" if task else f"there is no flow instance {instance_id}")
        instance_id = row.id
        app = self.catalog.version(session, row.app_id, row.app_version)
        spec = self.spec(app, row.flow_id)
        state = _state_of(row)
        for task_row in session.scalars(
            select(FlowTaskRow).where(FlowTaskRow.instance_id == instance_id, FlowTaskRow.status == "open")
        ):
            state.tasks[task_row.id] = _task_of(task_row)
        timed = any(node.timers for node in spec.nodes.values())
        for timer_row in (
            ()
            if not timed
            else session.scalars(
                select(FlowTimerRow).where(FlowTimerRow.instance_id == instance_id, FlowTimerRow.status == "pending")
            )
        ):
            state.timers[timer_row.id] = Timer(
                timer_row.id,
                timer_row.node_id,
                timer_row.spec_id,
                timer_row.due_at,
                timer_row.task_id,
                timer_row.token_id,
            )
        return app, spec, state

    @staticmethod
    def _task(session: Session, task_id: str) -> Task:
        row = session.get(FlowTaskRow, task_id)
        if row is None:
            raise NotFoundError(f"there is no task {task_id}")
        return _task_of(row)

    def _run(self, session: Session, app: CompiledApp, spec: FlowSpec, state: InstanceState, actor: Principal) -> Run:
        form = app.form(spec.form)
        record = LazyRecord(lambda: self.records.flow_record(session, form, state.record_id))
        submitter = Candidate("tracking", tracking_subject(app.app_id, spec.form, state.record_id))
        env = Environment(Assigner(app.app_id, SqlDirectory(session), submitter_candidate=submitter), self.clock)
        return Run(spec, state, env, record, actor)

    def _check_in_data(self, spec: FlowSpec, task: Task, body: Mapping[str, Any]) -> dict[str, Any]:
        """What a check-in writes: the moment and, when the phone told us, where (the fields the node names)."""
        data = dict(body.get("data") or {}) if isinstance(body.get("data") or {}, dict) else {}
        fields = spec.node(task.node).definition.get("check_in", {})
        if "time" in fields:
            data[fields["time"]] = self.clock().isoformat()
        location = body.get("location")
        if "location" in fields and isinstance(location, dict) and {"lat", "lng"} <= location.keys():
            data.setdefault(fields["location"], {"lat": location["lat"], "lng": location["lng"]})
        return data

    def _write_task_data(
        self,
        session: Session,
        app: CompiledApp,
        spec: FlowSpec,
        run: Run,
        task: Task,
        data: Any,
        action: str,
        locale: str,
    ) -> None:
        """Data sent with a task: only the fields this step makes editable; required ones must be filled to complete."""
        node = spec.node(task.node)
        modes = node.field_permissions
        if data is None:
            data = {}
        if not isinstance(data, dict):
            raise SubmissionError(
                "data must be an object of field values", {"data": ['send an object: {"field": value}']}
            )
        form = app.form(spec.form)
        labels = {f.id: f.title(locale) for f in form.spec.fields}
        refused = {
            k: [
                f"{labels.get(k, k)}: not editable at this step"
                if locale != "zh-CN"
                else f"{labels.get(k, k)}:此步骤不可修改"
            ]
            for k in data
            if modes.get(k) not in ("editable", "required")
        }
        if refused:
            raise SubmissionError(
                f"{len(refused)} field(s) cannot be changed at this step", dict(list(refused.items())[:50])
            )
        if action != "complete" and not data:
            return
        required = (
            frozenset(k for k, mode in modes.items() if mode == "required") if action == "complete" else frozenset()
        )
        run.record = self.records.flow_write(
            session,
            app,
            form,
            run.state.record_id,
            data,
            run.actor,
            locale=locale,
            trusted=frozenset(k for k in data),
            required=required,
            action=f"task:{action}",
        )

    def _save(
        self, session: Session, app: CompiledApp, spec: FlowSpec, state: InstanceState, run: Run, *, new: bool = False
    ) -> None:
        now = self.clock()
        self._announce(session, state)
        if state.record_changes:
            form = app.form(spec.form)
            changes, state.record_changes = state.record_changes, {}
            self.records.flow_write(
                session,
                app,
                form,
                state.record_id,
                changes,
                run.actor,
                trusted=frozenset(changes),
                action=f"flow:{spec.id}",
            )
        if state.status not in (RUNNING, "failed"):
            state.ended_at = state.ended_at or now
        else:
            state.ended_at = None
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
                raise ConflictError("this ticket moved on at the same moment; reload it and try again")
            state.lock_version += 1
        self._save_tasks(session, state)
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
        effects, state.effects = state.effects, []
        outbox = [e for e in effects if e.topic in ("notify", "connector")]
        if outbox:
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
                    for e in outbox
                ],
            )
        for effect in effects:
            if effect.topic == "subflow":
                child = self.spec(app, effect.payload["flow"])
                self._start(session, app, child, state.record_id, run.actor, parent=(state.id, effect.payload["token"]))
            elif effect.topic == "subflow_done":
                parent_app, parent_spec, parent = self._load(session, effect.payload["parent"])
                parent_run = self._run(session, parent_app, parent_spec, parent, run.actor)
                actions.resume(parent_run, effect.payload["token"], effect.payload.get("status"))
                self._save(session, parent_app, parent_spec, parent, parent_run)

    def _announce(self, session: Session, state: InstanceState) -> None:
        """Remember what changed; tell ``on_commit`` listeners once the transaction really committed."""
        if not self.on_commit:
            return
        pending = session.info.setdefault("trellis_flow_changes", {})
        if not pending:
            event.listen(session, "after_commit", self._after_commit, once=True)
            event.listen(session, "after_rollback", lambda s: s.info.pop("trellis_flow_changes", None), once=True)
        pending[state.id] = {
            "instance": state.id,
            "app_id": state.app_id,
            "form_id": state.form_id,
            "record_id": state.record_id,
            "status": state.status,
            "kinds": sorted({e.kind for e in state.events}),
        }

    def _after_commit(self, session: Session) -> None:
        for change in session.info.pop("trellis_flow_changes", {}).values():
            for listener in self.on_commit:
                try:
                    listener(change)
                except Exception:  # a listener (live page push) must never undo or break a committed action
                    LOG.exception("flow on_commit listener failed")

    @staticmethod
    def _save_tasks(session: Session, state: InstanceState) -> None:
        if state.new_tasks:
            rows = [state.tasks[i] for i in state.new_tasks]
            session.execute(insert(TASKS), [_task_row(state, t) for t in rows])
            candidates = [
                {"task_id": t.id, "kind": kind, "value": value}
                for t in rows
                for kind, value in sorted({(c.kind, c.value) for c in t.candidates})
            ]
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
            fresh = [
                {"task_id": t.id, "kind": kind, "value": value}
                for t in still_open
                for kind, value in sorted({(c.kind, c.value) for c in t.candidates})
            ]
            if fresh:
                session.execute(insert(CANDIDATES), fresh)

    def _check_reader(
        self, session: Session, principal: Principal, app: CompiledApp, spec: FlowSpec, state: InstanceState
    ) -> None:
        """Whoever may read the record may read its flow (another owner's ticket: 404, nothing revealed)."""
        if principal.id == tracking_subject(app.app_id, spec.form, state.record_id) or principal.is_admin:
            return
        form = app.form(spec.form)
        access = self.records.authorize(principal, "read", app, form)
        self.records._row(session, form, state.record_id, deleted=None, visible=access.bound_filter("read"))

    def _candidate_clause(self, principal: Principal) -> Any:
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

    @staticmethod
    def _user(session: Session, ref: str) -> str:
        found = SqlDirectory(session).user_id(ref)
        if found is None:
            raise SubmissionError(
                f"there is no active user '{ref[:100]}'", {"to": [f"there is no active user '{ref[:100]}'"]}
            )
        return found

    # -- views ---------------------------------------------------------------------------------------
    def _instance_view(self, session: Session, instance_id: str) -> dict[str, Any]:
        row = session.get(FlowInstanceRow, instance_id, populate_existing=True)
        assert row is not None
        app = self.catalog.version(session, row.app_id, row.app_version)
        spec = self.spec(app, row.flow_id)
        tasks = session.scalars(
            select(FlowTaskRow)
            .where(FlowTaskRow.instance_id == instance_id)
            .order_by(FlowTaskRow.created_at, FlowTaskRow.position)
        ).all()
        state = _state_of(row)
        return _instance_dict(state, [_task_of(t) for t in tasks], spec, self.clock())

    def _task_view(self, session: Session, task_id: str) -> dict[str, Any]:
        row = session.get(FlowTaskRow, task_id, populate_existing=True)
        assert row is not None
        instance = session.get(FlowInstanceRow, row.instance_id)
        assert instance is not None
        app = self.catalog.version(session, instance.app_id, instance.app_version)
        spec = self.spec(app, instance.flow_id)
        return _task_detail(_state_of(instance), _task_of(row), spec, self.clock())

    def _task_summary(self, session: Session, row: FlowTaskRow, now: datetime, version: int) -> dict[str, Any]:
        spec = self.spec(self.catalog.version(session, row.app_id, version), row.flow_id)
        where = _Where(row.instance_id, row.app_id, row.flow_id, row.form_id, row.record_id)
        return _task_dict(where, _task_of(row), spec, now)

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self.database.transaction() as session:
            yield session


@dataclass(frozen=True, slots=True)
class _Where:
    instance_id: str
    app_id: str
    flow_id: str
    form_id: str
    record_id: int


def _task_dict(where: _Where, task: Task, spec: FlowSpec, now: datetime) -> dict[str, Any]:
    node = spec.nodes.get(task.node)
    return {
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


def _task_detail(state: InstanceState, task: Task, spec: FlowSpec, now: datetime) -> dict[str, Any]:
    view = _task_dict(_where(state), task, spec, now)
    node = spec.nodes.get(task.node)
    view["fields"] = dict(node.field_permissions) if node else {}
    view["actions"] = sorted(node.actions) if node else []
    view["outcomes"] = [
        {"id": o["id"], "label": o.get("label")} for o in (node.definition if node else {}).get("outcomes", [])
    ]
    return view


def _where(state: InstanceState) -> _Where:
    return _Where(state.id, state.app_id, state.flow_id, state.form_id, state.record_id)


def _instance_dict(state: InstanceState, tasks: list[Task], spec: FlowSpec, now: datetime) -> dict[str, Any]:
    where = _where(state)
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
        "tasks": [_task_dict(where, t, spec, now) for t in tasks],
    }


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
    }


def _names(session: Session, ids: set[str]) -> dict[str, str]:
    from engine.storage.tables import UserRow

    wanted = [i for i in ids if i and len(i) <= 32]
    if not wanted:
        return {}
    return {row.id: row.name for row in session.execute(select(UserRow.id, UserRow.name).where(UserRow.id.in_(wanted)))}


def _ended(status: str, locale: str) -> str:
    labels = {
        "rejected": {"zh-CN": "已驳回", "en": "Rejected"},
        "withdrawn": {"zh-CN": "已撤回", "en": "Withdrawn"},
        "cancelled": {"zh-CN": "已取消", "en": "Cancelled"},
    }
    return labels[status].get(locale, labels[status]["en"])


def _text(value: Any, name: str, limit: int) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise SubmissionError(f"{name} must be text", {name: [f"{name} must be text"]})
    if len(value) > limit:
        raise SubmissionError(f"{name} is longer than {limit} characters", {name: [f"at most {limit} characters"]})
    return value.strip() or None


def _optional_text(value: Any, name: str) -> str | None:
    return _text(value, name, 63)


def _required_text(value: Any, name: str) -> str:
    found = _text(value, name, 200)
    if not found:
        raise SubmissionError(f"{name} is required", {name: [f"{name} is required"]})
    return found
