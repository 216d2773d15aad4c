"""``FlowService``: the flow use cases - start, act, fire, migrate, read (service layer).

Every action (start, a task action, a timer firing) is one transaction: lock the instance, load its
tokens, open tasks and pending timers (``FlowRepository``), check who may do it, let the interpreter
move, then write back what changed together - instance (compare-and-set), tasks, timers, events,
record changes and outbox effects. A crash anywhere rolls all of it back. Who may see or work on
what is decided here; the SQL lives in ``engine.storage.flows``, the view shapes in ``flow_views``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from engine.errors import ConflictError, NotFoundError, PermissionDeniedError
from engine.flows import actions
from engine.flows.actions import is_candidate, may_work_on, tracking_subject
from engine.flows.assignment import Assigner
from engine.flows.entry import entry_fields
from engine.flows.environment import Environment
from engine.flows.interpreter import LazyRecord, Run
from engine.flows.migration import InstancePlan, apply_plan, map_problems, plan_instance
from engine.flows.nodes import kind_of
from engine.flows.spec import FlowSpec, compile_flow, localized
from engine.flows.state import RUNNING, Candidate, InstanceState, Task, new_id
from engine.forms import relation_paths
from engine.forms.permissions import scoped_actions
from engine.i18n import DEFAULT_LOCALE, LOG_LOCALE
from engine.packages.semantics import public_hidden_fields
from engine.principal import SYSTEM, Principal
from engine.services import flow_views
from engine.services.flow_actions import TaskCall, check_in_stamp, dispatch, refusal, text, write_task_data
from engine.services.record_checks import people_refusal
from engine.services.records import RecordService
from engine.storage.catalog import CompiledApp, CompiledForm
from engine.storage.database import Database
from engine.storage.flow_directory import SqlDirectory
from engine.storage.flows import INBOXES, FlowRepository, InstanceRef
from engine.storage.tables import utcnow

LOG = logging.getLogger(__name__)
OUTBOX_TOPICS = ("notify", "connector")  # effects the worker delivers after commit
UNFINISHED = (RUNNING, "failed")  # instances that may still move (and may be migrated)
Session = Any  # the opaque transaction handle ``Database.transaction()`` yields; only storage looks inside


class FlowService:
    def __init__(
        self,
        database: Database,
        records: RecordService,
        *,
        clock: Callable[[], datetime] = utcnow,
        repository: FlowRepository | None = None,
    ):
        self.database = database
        self.records = records
        self.catalog = records.catalog
        self.clock = clock
        self.repository = repository or FlowRepository()
        self._specs: dict[tuple[str, int, str], FlowSpec] = {}
        #: called after a transaction that moved flows commits, once per instance changed (live pages listen)
        self.on_commit: list[Callable[[dict[str, Any]], None]] = []
        #: called inside the transaction of each action on an instance, before it is written: what the action
        #: did is in the state's events and new tasks; the flag says the instance ended in it (automations listen)
        self.on_saved: list[Callable[[Session, CompiledApp, InstanceState, Principal, bool], None]] = []

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
                raise NotFoundError.says("flow_service.no_flow", app_id=app.app_id, flow_id=flow_id)
            self._specs[key] = found
        return found

    def form(self, app_id: str, form_id: str) -> CompiledForm:
        """The current version of a form (pages draw a task's fields from it)."""
        form: CompiledForm = self.records.compiled_form(app_id, form_id)
        return form

    def tracking(self, app_id: str, form_id: str) -> dict[str, Any]:
        """How the flow on this form speaks to its owner (its ``tracking`` block; {} without one)."""
        with self.database.transaction() as session:
            document = self.catalog.current(session, app_id).document
        for flow in document.get("flows", []):
            if flow["form"] == form_id:
                found = dict(flow.get("tracking", {}))
                hidden = public_hidden_fields(document, form_id)  # refused at validation; kept off all the same
                found["outcome_fields"] = [f for f in found.get("outcome_fields", []) if f not in hidden]
                return found
        return {}

    def entry_fields(self, app_id: str, form_id: str) -> list[str]:
        """The fields a person entering a record of this form is asked: not those its flows' later steps own."""
        with self.database.transaction() as session:
            app = self.catalog.current(session, app_id)
        specs = [self.spec(app, f["id"]) for f in app.document.get("flows", []) if f["form"] == form_id]
        return entry_fields([f.id for f in app.form(form_id).spec.fields], specs)

    def stages(self, app_id: str, form_id: str) -> list[dict[str, Any]]:
        """The milestones the flow on this form declares, for the owner's timeline (none without a flow)."""
        with self.database.transaction() as session:
            document = self.catalog.current(session, app_id).document
        for flow in document.get("flows", []):
            if flow["form"] == form_id:
                return list(flow.get("stages", []))
        return []

    # -- starting ----------------------------------------------------------------------------------
    def record_created(
        self, session: Session, app: CompiledApp, form: CompiledForm, record_id: int, principal: Principal
    ) -> None:
        """Start the flows that start when a record of ``form`` is created (in the creating transaction)."""
        for definition in app.document.get("flows", []):
            if definition["form"] == form.spec.id and definition.get("start_on", "record_created") == "record_created":
                self._start(session, app, self.spec(app, definition["id"]), record_id, principal)

    def start(self, principal: Principal, app_id: str, flow_id: str, record_id: int) -> dict[str, Any]:
        """Start a flow by hand on a record the caller may update."""
        with self.database.transaction() as session:
            app = self.catalog.current(session, app_id)
            spec = self.spec(app, flow_id)
            form = app.form(spec.form)
            self._require_record(session, principal, "update", app, form, record_id, deleted=False)
            if self.repository.running_on(session, app_id, flow_id, spec.form, record_id):
                raise ConflictError.says("flow_service.already_running", flow=localized(spec.name, principal.locale))
            state = self._start(session, app, spec, record_id, principal)
            return self._instance_view(session, state.id, principal)

    def start_in(self, session: Session, app: CompiledApp, flow_id: str, record_id: int, principal: Principal) -> None:
        """Start a flow on a record inside the caller's transaction (an automation's); refused while one runs."""
        spec = self.spec(app, flow_id)
        if self.repository.running_on(session, app.app_id, flow_id, spec.form, record_id):
            raise ConflictError.says("flow_service.already_running", flow=localized(spec.name, principal.locale))
        self._start(session, app, spec, record_id, principal)

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
        self, principal: Principal, task_id: str, action: str, body: Mapping[str, Any], *, locale: str = DEFAULT_LOCALE
    ) -> dict[str, Any]:
        """One task action; the body carries ``data``, ``outcome``, ``comment``, ``to`` as the action needs."""
        if action not in actions.TASK_ACTIONS:
            raise NotFoundError.says("flow_service.no_action", action=action, known=", ".join(actions.TASK_ACTIONS))
        with self.database.transaction() as session:
            app, spec, state = self._load(session, task=task_id)
            _check_write_scope(principal, app.app_id)
            task = state.tasks.get(task_id) or self._task(session, task_id)
            if not (
                is_candidate(task, principal, app.app_id)
                or may_work_on(task, principal, app.app_id)
                or principal.is_admin
            ):
                raise NotFoundError.says("flow_service.no_task", task_id=task_id)  # someone else's: nothing revealed
            expected = body.get("version")
            if expected is not None and expected != task.lock_version:
                changed = ConflictError.says("flow_service.task_changed", version=task.lock_version)
                changed.details = {"current_version": task.lock_version}
                raise changed
            run = self._run(session, app, spec, state, principal)
            actions.ensure_allowed(run, task_id, action)
            if action in kind_of(spec.node(task.node)).data_actions:
                stamped = check_in_stamp(spec, task, body, self.clock()) if action == "check_in" else {}
                write_task_data(self.records, session, app, spec, run, task, body.get("data"), action, locale, stamped)
            comment = text(body.get("comment"), "comment", 2000, locale)
            user = self._users(session, locale)
            dispatch(TaskCall(run, task_id, action, body, comment, locale, user))
            self._save(session, app, spec, state, run)
            now = self.clock()
            acted = state.tasks.get(task_id) or task
            touched = sorted(state.tasks.values(), key=lambda t: (t.created_at, t.position))
            readable = self._readable(session, principal, app, spec, state)
            return {
                "task": flow_views.task_detail(state, acted, spec, now, readable),
                "instance": flow_views.instance_view(state, touched, spec, now, readable),
            }

    def withdraw(self, principal: Principal, instance_id: str) -> dict[str, Any]:
        return self._instance_action(principal, instance_id, actions.withdraw)

    def cancel(
        self, principal: Principal, instance_id: str, reason: str | None = None, *, audit: bool = False
    ) -> dict[str, Any]:
        cancel = lambda run: actions.cancel(run, reason=reason)  # noqa: E731
        return self._instance_action(principal, instance_id, cancel, "flow.instance.cancel" if audit else None)

    def retry(self, principal: Principal, instance_id: str) -> dict[str, Any]:
        """An administrator runs a failed instance's stopped step again; audited."""
        return self._instance_action(principal, instance_id, actions.retry, "flow.instance.retry")

    def _instance_action(
        self, principal: Principal, instance_id: str, act: Callable[[Run], None], audit: str | None = None
    ) -> dict[str, Any]:
        with self.database.transaction() as session:
            app, spec, state = self._load(session, instance_id)
            self._check_reader(session, principal, app, spec, state)
            _check_write_scope(principal, app.app_id)
            run = self._run(session, app, spec, state, principal)
            act(run)
            self._save(session, app, spec, state, run)
            if audit:
                details = {"app": app.app_id, "flow": spec.id, "record": state.record_id, "status": state.status}
                who = principal.id if ":" in principal.id else f"user:{principal.id}"
                self.repository.audit(session, who, audit, "flow_instance", instance_id, details)
            return self._instance_view(session, instance_id, principal)

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
        locale: str = LOG_LOCALE,
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
            ids = self.repository.movable(session, app_id, flow_id, from_version, UNFINISHED)
            loaded = [self._load(session, instance_id) for instance_id in ids]
            plans = [plan_instance(old, new, state, mapping) for _, _, state in loaded]
            report = {
                "app_id": app_id,
                "flow_id": flow_id,
                "from_version": from_version,
                "to_version": to_version,
                "dry_run": dry_run,
                "problems": [p.render(locale) for p in problems],
                "instances": [plan.as_dict(locale) for plan in plans],
                "refused": bool(problems) or any(not plan.ok for plan in plans),
            }
            if dry_run or report["refused"]:
                self.repository.rollback(session)
                return report
            who = Principal(id=actor, is_admin=True)
            for (_, _, state), plan in zip(loaded, plans, strict=True):
                apply_plan(state, plan, new, mapping, to_version, actor, at=self.clock())
                run = self._run(session, new_app, new, state, who)
                self._save(session, new_app, new, state, run)
            details = {"from_version": from_version, "to_version": to_version, "map": dict(mapping)}
            subject = f"{app_id}/{flow_id}"
            self.repository.audit(session, actor, "flow.migrate", "flow", subject, {**details, "instances": len(plans)})
            return report

    def plan_moves(
        self, app_id: str, flow_id: str, new: FlowSpec, mapping: Mapping[str, str]
    ) -> list[tuple[int, FlowSpec, InstancePlan]]:
        """Every unfinished instance of the flow, on whichever version it runs, planned onto ``new``
        (a draft's flow not yet published): its version, that version's flow, its plan. Changes nothing."""
        planned = []
        with self.database.transaction() as session:
            for version in self.repository.unfinished_versions(session, app_id, flow_id, UNFINISHED):
                old = self.spec(self.catalog.version(session, app_id, version), flow_id)
                for instance_id in self.repository.movable(session, app_id, flow_id, version, UNFINISHED):
                    state = self._load(session, instance_id)[2]
                    planned.append((version, old, plan_instance(old, new, state, mapping)))
            self.repository.rollback(session)
        return planned

    def unfinished_versions(self, app_id: str, flow_id: str) -> list[int]:
        """The versions some unfinished instance of the flow still runs on, oldest first."""
        with self.database.transaction() as session:
            return self.repository.unfinished_versions(session, app_id, flow_id, UNFINISHED)

    # -- timers ------------------------------------------------------------------------------------
    def due_timers(self, limit: int = 100, now: datetime | None = None) -> list[str]:
        with self.database.transaction() as session:
            return self.repository.due_timers(session, now or self.clock(), limit)

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
            state = self.repository.instance(session, instance_id)
            if state is None:
                raise NotFoundError.says("flow_service.no_instance", instance_id=instance_id)
            app = self.catalog.version(session, state.app_id, state.app_version)
            spec = self.spec(app, state.flow_id)
            self._check_reader(session, principal, app, spec, state)
            return self._instance_view(session, instance_id, principal)

    def instances_of(self, app_id: str, form_id: str, record_id: int) -> list[str]:
        with self.database.transaction() as session:
            return self.repository.instance_ids_of(session, app_id, form_id, record_id)

    def task(self, principal: Principal, task_id: str) -> dict[str, Any]:
        with self.database.transaction() as session:
            found = self.repository.task_at(session, task_id)
            if found is None or not (
                is_candidate(found[1], principal, found[0].app_id)
                or may_work_on(found[1], principal, found[0].app_id)
                or principal.is_admin
                or principal.id == found[1].completed_by
            ):
                raise NotFoundError.says("flow_service.no_task", task_id=task_id)
            state, task = self.repository.fresh_task(session, task_id)
            self.repository.load_pending_timers(session, state)  # its SLA deadlines (``sla_due_at``)
            app = self.catalog.version(session, state.app_id, state.app_version)
            spec = self.spec(app, state.flow_id)
            readable = self._readable(session, principal, app, spec, state)
            return flow_views.task_detail(state, task, spec, self.clock(), readable)

    def inbox(self, principal: Principal, box: str = "mine", limit: int = 50) -> dict[str, Any]:
        """Tasks for this person: ``mine`` (held by me), ``groups`` (open to my roles and groups), ``done``."""
        with self.database.transaction() as session:
            if box not in INBOXES:
                raise NotFoundError.says("flow_service.no_inbox", box=box)
            now = self.clock()
            counts, rows = self.repository.inbox(session, principal, box, now, max(1, min(limit, 200)))
            timers = self.repository.pending_task_timers(session, [r.where.instance_id for r in rows if box != "done"])
            items = []
            for row in rows:
                spec = self.spec(self.catalog.version(session, row.where.app_id, row.app_version), row.where.flow_id)
                item = flow_views.task_view(row.where, row.task, spec, now)
                item["sla_due_at"] = flow_views.deadline_of(row.task, spec, timers)
                items.append(item)
            return {"box": box, "counts": counts, "items": items}

    def timeline(self, app_id: str, form_id: str, record_id: int, locale: str = DEFAULT_LOCALE) -> list[dict[str, Any]]:
        """The owner's view: stages reached, with when and who handled them (names, never ids or fields)."""
        with self.database.transaction() as session:
            found: list[dict[str, Any]] = []
            for state in self.repository.instances_on(session, app_id, form_id, record_id):
                app = self.catalog.version(session, state.app_id, state.app_version)
                spec = self.spec(app, state.flow_id)
                events = self.repository.events(session, state.id)
                names = self.repository.names(session, flow_views.people_in(events))
                labels = {stage["id"]: localized(stage["label"], locale) for stage in spec.stages}
                rework = flow_views.Rework.of(spec.tracking, locale)
                found += flow_views.stage_entries(events, names, labels, locale, rework)
            return found

    def owner_task(self, owner: Principal, app_id: str, form_id: str, record_id: int) -> dict[str, Any] | None:
        """The open task waiting for a ticket's owner through its tracking link, if there is one (newest flow first)."""
        wanted = ["tracking", owner.id]
        for instance_id in reversed(self.instances_of(app_id, form_id, record_id)):
            for task in self.instance(owner, instance_id)["tasks"]:
                if task["status"] == "open" and wanted in [list(c) for c in task["candidates"]]:
                    return self.task(owner, task["id"])
        return None

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self.database.transaction() as session:
            yield session

    # -- internals: loading, running, saving ---------------------------------------------------------
    def _load(
        self, session: Session, instance_id: str | None = None, *, task: str | None = None, timer: str | None = None
    ) -> tuple[CompiledApp, FlowSpec, InstanceState]:
        """The instance (by id, or the one a task belongs to), locked for this transaction, with its open work."""
        state = self.repository.lock(session, instance_id, task=task, timer=timer)
        if state is None:
            if task:
                raise NotFoundError.says("flow_service.no_task", task_id=task)
            raise NotFoundError.says("flow_service.no_instance", instance_id=instance_id)
        app = self.catalog.version(session, state.app_id, state.app_version)
        spec = self.spec(app, state.flow_id)
        self.repository.load_open_tasks(session, state)
        if any(node.timers for node in spec.nodes.values()):
            self.repository.load_pending_timers(session, state)
        return app, spec, state

    def _task(self, session: Session, task_id: str) -> Task:
        found = self.repository.task(session, task_id)
        if found is None:
            raise NotFoundError.says("flow_service.no_task", task_id=task_id)
        return found

    def _run(self, session: Session, app: CompiledApp, spec: FlowSpec, state: InstanceState, actor: Principal) -> Run:
        form = app.form(spec.form)
        record = LazyRecord(lambda: self.records.flow_record(session, form, state.record_id))
        submitter = Candidate("tracking", tracking_subject(app.app_id, spec.form, state.record_id))
        assigner = Assigner(app.app_id, SqlDirectory(session), submitter_candidate=submitter)
        people = self.records.people

        def refused(writes: Mapping[str, Any]) -> str | None:
            return people_refusal(people, session, app, form, writes)

        env = Environment(assigner, self.clock, refused)
        related = self.records.related(session, app, None)  # the flow acts as the system: no person bounds it

        def relate(context: dict[str, Any]) -> None:
            relation_paths.relate(form.spec.fields, [context], spec.paths, related)

        return Run(spec, state, env, record, actor, relate)

    @staticmethod
    def _users(session: Session, locale: str) -> Callable[[str], str]:
        def user(ref: str) -> str:
            found = SqlDirectory(session).user_id(ref)
            if found is None:
                raise refusal("to", "flow_service.no_user", locale, ref=ref[:100])
            return found

        return user

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
        finished = state.status not in UNFINISHED and state.ended_at is None
        for listener in self.on_saved:
            listener(session, app, state, run.actor, finished)
        if state.status not in UNFINISHED:
            state.ended_at = state.ended_at or now
        else:
            state.ended_at = None
        if not self.repository.write(session, state, now, new=new):
            raise ConflictError.says("flow_service.moved_on")
        effects, state.effects = state.effects, []
        self.repository.enqueue(session, [e for e in effects if e.topic in OUTBOX_TOPICS], now)
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
        change = {
            "instance": state.id,
            "app_id": state.app_id,
            "form_id": state.form_id,
            "record_id": state.record_id,
            "status": state.status,
            "kinds": sorted({e.kind for e in state.events}),
        }
        self.repository.after_commit(session, state.id, change, self._after_commit)

    def _after_commit(self, changes: Iterable[dict[str, Any]]) -> None:
        for change in changes:
            for listener in self.on_commit:
                try:
                    listener(change)
                except Exception:  # a listener (live page push) must never undo or break a committed action
                    LOG.exception("flow on_commit listener failed")

    def _check_reader(
        self, session: Session, principal: Principal, app: CompiledApp, spec: FlowSpec, state: InstanceState
    ) -> None:
        """Whoever may read the record may read its flow (another owner's ticket: 404, nothing revealed)."""
        if principal.id == tracking_subject(app.app_id, spec.form, state.record_id) or principal.is_admin:
            return
        self._require_record(session, principal, "read", app, app.form(spec.form), state.record_id, deleted=None)

    def _require_record(
        self,
        session: Session,
        principal: Principal,
        action: str,
        app: CompiledApp,
        form: CompiledForm,
        record_id: int,
        *,
        deleted: bool | None,
    ) -> None:
        """Refuse (404, nothing revealed) unless ``principal`` may ``action`` this record."""
        self.records.row(session, principal, action, app, form, record_id, deleted=deleted)

    def _instance_view(self, session: Session, instance_id: str, reader: Principal) -> dict[str, Any]:
        state = self.repository.instance(session, instance_id, fresh=True)
        assert state is not None
        app = self.catalog.version(session, state.app_id, state.app_version)
        spec = self.spec(app, state.flow_id)
        tasks = self.repository.tasks_of(session, instance_id)
        readable = self._readable(session, reader, app, spec, state)
        return flow_views.instance_view(state, tasks, spec, self.clock(), readable)

    def _readable(
        self, session: Session, reader: Principal, app: CompiledApp, spec: FlowSpec, state: InstanceState
    ) -> frozenset[str]:
        """The fields whose values a task may show ``reader``: what their role lets them read on the record."""
        return self.records.readable_fields(session, reader, app, app.form(spec.form), state.record_id)


__all__ = ["FlowService", "InstanceRef"]


def _check_write_scope(principal: Principal, app_id: str) -> None:
    """An API token acts on tasks and instances only with the app's write scope (the URL did not name the app)."""
    if principal.scopes is not None and "update" not in scoped_actions(principal.scopes, app_id):
        raise PermissionDeniedError.says("flow_service.scope", app_id=app_id)
