"""``AutomationService``: automations queued with the change that triggers them, schedules fired once,
runs carried out by the worker, and the run log administrators read (service layer).

A record created, updated or deleted, or a flow action, tells this service in its own
transaction (the listeners are wired in ``build_services``); each automation whose trigger
matches gets an outbox item in that same transaction, so a rolled-back change triggers nothing.
The worker delivers the item (``engine.services.automation_runs``): it checks the loop rule and
the condition, acts as the system through the record and flow services, and records the run.
A schedule's due moment is claimed under a unique key in the database, so it fires once
however many workers see it due. A schedule over a form's records (``form``, ``where``) queues,
with that claim, one run per live record ``where`` holds for (``records_due``).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from engine.automations import MAX_SCHEDULED_RECORDS, AutomationSpec, Happening, automation_specs, flow_happenings
from engine.errors import EngineError, NotAuthenticatedError, PermissionDeniedError
from engine.flows.state import InstanceState
from engine.forms import relation_paths
from engine.i18n import CATALOG, DEFAULT_LOCALE, translate
from engine.principal import SYSTEM, Principal
from engine.services.automation_runs import FAILED, AutomationRunner, AutomationTopic, error_columns, jsonable
from engine.services.builder_access import can_build
from engine.services.flows import FlowService
from engine.services.notifications import NotificationService
from engine.services.records import RecordService
from engine.storage.automations import AutomationRepository, AutomationRun
from engine.storage.catalog import CompiledApp, CompiledForm
from engine.storage.database import Database, WriteClashError
from engine.storage.tables import utcnow
from engine.storage.topics import TopicHandler
from engine.whole_numbers import parse_whole

DEFAULT_ZONE = "Asia/Shanghai"  # an app's schedules run in its ``time_zone``, else here
MOST_RUNS = 200  # runs one page of the log may hold
SCAN_BATCH = 200  # records a schedule over a form reads (and checks ``where`` on) at a time
_ID = re.compile(r"^[a-z][a-z0-9_]{0,62}$")

Session = Any  # the opaque transaction handle ``Database.transaction()`` yields; only storage looks inside


class RunQueryError(EngineError):
    """A garbled parameter of the run log's query (answered 400, naming the parameter)."""

    code = "bad_query"


class AutomationService:
    def __init__(
        self,
        database: Database,
        records: RecordService,
        flows: FlowService,
        notifications: NotificationService,
        *,
        clock: Callable[[], datetime] = utcnow,
        repository: AutomationRepository | None = None,
    ):
        self.database = database
        self.records = records
        self.flows = flows
        self.notifications = notifications
        self.catalog = records.catalog
        self.clock = clock
        self.repository = repository or AutomationRepository()
        self.runner = AutomationRunner(self)
        self._specs: dict[tuple[str, int], tuple[AutomationSpec, ...]] = {}

    def specs(self, app: CompiledApp) -> tuple[AutomationSpec, ...]:
        key = (app.app_id, app.version)
        found = self._specs.get(key)
        if found is None:
            found = self._specs.setdefault(key, automation_specs(app.document))
        return found

    def topic(self) -> TopicHandler:
        """The outbox handler of queued runs, for the worker's outbox."""
        return AutomationTopic(self.runner)

    # -- what happened (listeners, called inside the transaction of the change) ---------------------
    def record_created(
        self, session: Session, app: CompiledApp, form: CompiledForm, record_id: int, principal: Principal
    ) -> None:
        self._heard(session, app, Happening("record_created", form.spec.id, record_id), principal)

    def record_updated(
        self,
        session: Session,
        app: CompiledApp,
        form: CompiledForm,
        record_id: int,
        principal: Principal,
        changes: Mapping[str, Sequence[Any]],
    ) -> None:
        before = {name: change[0] for name, change in changes.items()}
        happening = Happening("record_updated", form.spec.id, record_id, tuple(sorted(changes)), details=before)
        self._heard(session, app, happening, principal)

    def record_deleted(
        self, session: Session, app: CompiledApp, form: CompiledForm, record_id: int, principal: Principal
    ) -> None:
        self._heard(session, app, Happening("record_deleted", form.spec.id, record_id), principal)

    def flow_saved(
        self, session: Session, app: CompiledApp, state: InstanceState, actor: Principal, finished: bool
    ) -> None:
        for happening in flow_happenings(state, finished=finished):
            self._heard(session, app, happening, actor)

    def _heard(self, session: Session, app: CompiledApp, happening: Happening, principal: Principal) -> None:
        fired = [spec for spec in self.specs(app) if spec.fires_on(happening)]
        if fired:
            chain = self.repository.chain(session)
            payloads = [self._payload(app, spec, happening, principal, chain) for spec in fired]
            self.repository.enqueue(session, payloads, self.clock())

    def _payload(
        self,
        app: CompiledApp,
        spec: AutomationSpec,
        happening: Happening,
        principal: Principal,
        chain: Sequence[Sequence[Any]],
    ) -> dict[str, Any]:
        """The outbox item of one run: everything the worker needs, chosen now (its key too)."""
        payload: dict[str, Any] = {
            "key": uuid.uuid4().hex,
            "app": app.app_id,
            "version": app.version,
            "automation": spec.id,
            "trigger": spec.trigger["type"],
            "form": happening.form,
            "record": happening.record,
            "user": _user(app, principal),
            "chain": [list(pair) for pair in chain],
        }
        if happening.kind == "record_updated":
            payload.update(changed=list(happening.changed), before=dict(happening.details))
        elif happening.kind == "flow_event":
            payload["event"] = {"type": happening.event, "flow": happening.flow, **happening.details}
        elif happening.kind == "schedule":
            payload["event"] = {"type": "schedule", **happening.details}
        plain: dict[str, Any] = jsonable(payload)
        return plain

    # -- schedules (each worker round) -----------------------------------------------------------------
    def fire_schedules(self, now: datetime | None = None) -> int:
        """Queue the runs of scheduled automations that fell due; returns how many this worker queued.

        Each automation fires for its latest due moment (a worker that was down for a day fires
        a daily schedule once, not once per missed day), never for a moment before its app
        version was published. The moment is claimed under a unique key with the run's outbox
        item, so of several workers seeing it due, exactly one queues it.
        """
        now = now or self.clock()
        due: list[tuple[CompiledApp, AutomationSpec, datetime]] = []
        with self.database.transaction() as session:
            for published in self.repository.published_apps(session):
                app = self.catalog.version(session, published.app_id, published.version)
                zone = str(app.document.get("time_zone") or DEFAULT_ZONE)
                for spec in self.specs(app):
                    if not spec.enabled or spec.trigger_type.listens_to != "schedule":
                        continue
                    moment = spec.trigger_type.last_due(spec.trigger, now, zone)
                    last = self.repository.last_tick(session, app.app_id, spec.id)
                    if moment is None or moment <= (last or published.published_at):
                        continue
                    due.append((app, spec, moment))
        queued = 0
        for app, spec, moment in due:
            details = {"due": moment.isoformat()}
            over = self.records_due(app, spec, details) if spec.trigger_type.has_record(spec.trigger) else None
            try:
                with self.database.writing() as session:
                    self.repository.claim_tick(session, app.app_id, spec.id, moment, self.clock())
                    if isinstance(over, BaseException):  # recorded once, by the worker that claimed the moment
                        happening = Happening("schedule", spec.trigger["form"], details=details)
                        payload = self._payload(app, spec, happening, SYSTEM, [])
                        self.repository.add_run(session, {**self.runner.row(payload, FAILED), **error_columns(over)})
                        continue
                    happenings = (
                        [Happening("schedule", details=details)]
                        if over is None
                        else [
                            Happening("schedule", spec.trigger["form"], record, details={**details, "record": record})
                            for record in over
                        ]
                    )
                    payloads = [self._payload(app, spec, h, SYSTEM, []) for h in happenings]
                    if payloads:
                        self.repository.enqueue(session, payloads, self.clock())
            except WriteClashError:
                continue  # another worker claimed this moment first: it queues the runs
            queued += len(payloads)
        return queued

    def records_due(
        self, app: CompiledApp, spec: AutomationSpec, details: Mapping[str, Any]
    ) -> list[int] | BaseException:
        """The ids of the live records of a schedule's ``form`` its ``where`` holds for, in id order.

        Read ``SCAN_BATCH`` records at a time (their relation paths loaded for the batch) and
        ``where`` is evaluated in the sandbox on each, as the system reads them. More than
        ``MAX_SCHEDULED_RECORDS`` matches, or a ``where`` that fails on a record, answer the
        refusal the firing is recorded failed with: no run is queued rather than some.
        """
        form = app.form(spec.trigger["form"])
        names = {"user": _user(app, SYSTEM), "event": {"type": "schedule", **details}}
        paths = relation_paths.paths_of([spec.where]) if spec.where is not None else frozenset()
        found: list[int] = []
        after = 0
        try:
            with self.database.transaction() as session:
                related = self.records.related(session, app, None) if paths else None
                while batch := self.records.flow_records(session, form, after=after, limit=SCAN_BATCH):
                    after = int(batch[-1]["id"])
                    if spec.where is not None:
                        relation_paths.relate(form.spec.fields, batch, paths, related)
                        batch = [record for record in batch if spec.where.evaluate({**record, **names})]
                    found.extend(int(record["id"]) for record in batch)
                    if len(found) > MAX_SCHEDULED_RECORDS:
                        return EngineError.says(
                            "automation.schedule_too_many",
                            automation=spec.id,
                            form=form.spec.id,
                            limit=MAX_SCHEDULED_RECORDS,
                        )
        except Exception as exc:  # a ``where`` that fails on a record: the firing is recorded failed
            return exc
        return found

    # -- the run log -------------------------------------------------------------------------------------
    def runs(
        self,
        principal: Principal,
        app_id: str,
        *,
        automation: str | None = None,
        limit: str | int | None = None,
        cursor: str | None = None,
        locale: str = DEFAULT_LOCALE,
    ) -> dict[str, Any]:
        """The app's runs, newest first, for administrators and the app's builders (the automation designer
        shows them beside each automation): ``cursor`` is the previous page's ``next_cursor``."""
        if principal.anonymous:
            raise NotAuthenticatedError.says("automation.runs.admin_only", app=app_id[:63])
        if not can_build(principal, app_id):
            raise PermissionDeniedError.says("automation.runs.admin_only", app=app_id[:63])
        most = _limit(limit)
        before = _cursor(cursor)
        if automation is not None and not _ID.match(automation):
            raise RunQueryError.says("automation.runs.bad_automation", value=automation[:40])
        with self.database.transaction() as session:
            self.catalog.current(session, app_id)  # an app that does not exist is a 404
            found = self.repository.runs(session, app_id, automation=automation, before=before, limit=most + 1)
        page = found[:most]
        return {
            "items": [_view(run, locale) for run in page],
            "next_cursor": str(page[-1].id) if len(found) > most else None,
        }


def _user(app: CompiledApp, principal: Principal) -> dict[str, Any]:
    """``user`` as an automation's expressions read it: the person whose change triggered it."""
    return {
        "id": principal.id,
        "name": principal.name,
        "roles": sorted(principal.roles_in(app.app_id)),
        "groups": sorted(principal.groups),
        "communities": sorted(principal.communities),
    }


def _limit(raw: str | int | None) -> int:
    if raw is None or raw == "":
        return 50
    text = str(raw)
    found = parse_whole(text, low=1, high=MOST_RUNS)
    if found is None:
        raise RunQueryError.says("automation.runs.bad_limit", value=text[:40], most=MOST_RUNS)
    return found


def _cursor(raw: str | None) -> int | None:
    if raw is None or raw == "":
        return None
    found = parse_whole(raw)
    if found is None:
        raise RunQueryError.says("automation.runs.bad_cursor", value=raw[:40])
    return found


def _view(run: AutomationRun, locale: str) -> dict[str, Any]:
    error = run.error
    if run.error_code and run.error_code in CATALOG:
        error = translate(run.error_code, locale, **dict(run.error_params or {}))
    return {
        "id": run.id,
        "automation": run.automation_id,
        "trigger": run.trigger,
        "app_version": run.app_version,
        "record": {"form": run.form_id, "id": run.record_id} if run.record_id is not None else None,
        "inputs": dict(run.inputs),
        "outcome": run.outcome,
        "error": error,
        "error_code": run.error_code,
        "started_at": run.started_at.isoformat(),
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
    }
