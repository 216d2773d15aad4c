"""One automation run, as the worker delivers its outbox item (service layer).

A run happens in two steps. First, in one transaction: the loop rule, the condition, every
action's writes (as the system, through the record and flow services, so validation, history,
flows and further automations follow as for any write) and the run's row. When anything fails
there, nothing of it stays and the run is recorded ``failed`` with the reason; it is not tried
again, as the same inputs would fail the same way. Second, after that commit, the connector calls
the actions asked for, holding no lock while the other side answers. A refused call marks the
run ``failed`` with the error and the outbox tries the calls again (up to the connector's
``max_attempts``, with the same idempotency key); a later success turns the run ``done``.

The run's ``key`` rides in the outbox payload: a delivery repeated after a worker died finds
the run it already made and only makes the calls still pending.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from engine.automations import AutomationSpec, loop_reason
from engine.connectors import CONNECTOR_TYPES, ConnectorCall, connector_spec
from engine.errors import EngineError, SubmissionError
from engine.expressions import compile_expression
from engine.flows.assignment import Assigner
from engine.forms import relation_paths
from engine.forms.types import FIELD_TYPES
from engine.i18n import LOG_LOCALE
from engine.principal import SYSTEM
from engine.storage.catalog import CompiledApp
from engine.storage.flow_directory import SqlDirectory
from engine.storage.topics import DeliveryContext, OutboxItem, TopicHandler

if TYPE_CHECKING:
    from engine.services.automations import AutomationService

log = logging.getLogger("trellis.worker")
DONE, SKIPPED, FAILED, STOPPED, CALLING = "done", "skipped", "failed", "stopped", "calling"
Session = Any


class AutomationTopic(TopicHandler):
    """``automation.run``: the outbox topic of queued runs."""

    def __init__(self, runner: AutomationRunner):
        self.runner = runner

    def deliver(self, context: DeliveryContext, item: OutboxItem) -> None:
        self.runner.execute(item.payload, context.environ, context.stored_secrets)

    def max_attempts(self, context: DeliveryContext, item: OutboxItem) -> int:
        return self.runner.max_attempts(item.payload)


class AutomationRunner:
    def __init__(self, service: AutomationService):
        self.service = service

    def execute(
        self,
        payload: Mapping[str, Any],
        environ: Mapping[str, str],
        stored: Callable[[str], Mapping[str, str]] = lambda app_id: {},
    ) -> None:
        svc = self.service
        key = str(payload["key"])
        try:
            with svc.database.transaction() as session:
                found = svc.repository.run(session, key)
                calls = list(found.pending) if found is not None else self._act(session, payload)
        except Exception as exc:  # the writes rolled back: the run is recorded failed, with why
            if not isinstance(exc, EngineError):
                log.exception("automation %s: run %s broke off", payload.get("automation"), key)
            with svc.database.transaction() as session:
                svc.repository.add_run(session, {**self.row(payload, FAILED), **error_columns(exc)})
            return
        if calls:
            self._call(key, payload, calls, environ, stored)

    def max_attempts(self, payload: Mapping[str, Any]) -> int:
        """As many attempts as the most patient connector the run still has to call."""
        svc = self.service
        with svc.database.transaction() as session:
            found = svc.repository.run(session, str(payload.get("key")))
            if found is None or not found.pending:
                return 1
            connectors = svc.catalog.version(session, found.app_id, found.app_version).document.get("connectors", [])
        try:
            return max(connector_spec(connectors, call["connector"]).max_attempts for call in found.pending)
        except EngineError:
            return 1

    # -- step one: the writes, in one transaction ----------------------------------------------------
    def _act(self, session: Session, payload: Mapping[str, Any]) -> list[dict[str, Any]]:
        svc = self.service
        app = svc.catalog.version(session, str(payload["app"]), int(payload["version"]))
        spec = next((s for s in svc.specs(app) if s.id == payload["automation"]), None)
        if spec is None:
            raise EngineError.says(
                "automation.gone", automation=payload["automation"], version=app.version, app=app.app_id
            )
        performer = RunPerformer(svc, session, app, spec, payload)
        if spec.condition is not None and not spec.condition.evaluate(performer.context):
            svc.repository.add_run(session, self.row(payload, SKIPPED))
            return []
        chain = [list(pair) for pair in payload.get("chain") or []]
        record_key = f"{payload['form']}:{payload['record']}" if payload.get("record") is not None else "-"
        stop = loop_reason(chain, spec.id, record_key)
        if stop is not None:  # a run that would act, and would act in a loop
            code, params = stop
            error = EngineError.says(code, **params)
            svc.repository.add_run(session, {**self.row(payload, STOPPED), **error_columns(error)})
            return []
        svc.repository.note_chain(session, [*chain, [spec.id, record_key]])
        for action in spec.actions:
            action.kind.run(action.definition, action.expressions, performer)
        calls = performer.calls
        row = self.row(payload, CALLING if calls else DONE)
        svc.repository.add_run(session, {**row, "pending": calls, "finished_at": None if calls else row["finished_at"]})
        return calls

    def row(self, payload: Mapping[str, Any], outcome: str) -> dict[str, Any]:
        now = self.service.clock()
        inputs = {k: payload[k] for k in ("changed", "before", "event", "chain") if k in payload}
        inputs["user"] = (payload.get("user") or {}).get("id")
        return {
            "key": str(payload["key"]),
            "app_id": str(payload["app"]),
            "app_version": int(payload["version"]),
            "automation_id": str(payload["automation"])[:63],
            "trigger": str(payload.get("trigger"))[:40],
            "form_id": payload.get("form"),
            "record_id": payload.get("record"),
            "inputs": inputs,
            "outcome": outcome,
            "started_at": now,
            "finished_at": now,
        }

    # -- step two: the calls, outside any transaction ------------------------------------------------
    def _call(
        self,
        key: str,
        payload: Mapping[str, Any],
        calls: Sequence[Mapping[str, Any]],
        environ: Mapping[str, str],
        stored: Callable[[str], Mapping[str, str]],
    ) -> None:
        svc = self.service
        with svc.database.transaction() as session:
            app = svc.catalog.version(session, str(payload["app"]), int(payload["version"]))
        connectors = app.document.get("connectors", [])
        for n, call in enumerate(calls):
            try:
                spec = connector_spec(connectors, call["connector"])
                if spec.reads_stored:
                    spec = connector_spec(connectors, call["connector"], stored(str(payload["app"])))
                request = ConnectorCall(str(call["operation"]), call["data"], f"automation-{key}-{call['index']}")
                CONNECTOR_TYPES.get(spec.type).call(spec, request, environ)
            except Exception as exc:  # recorded on the run; the outbox tries the remaining calls again
                with svc.database.transaction() as session:
                    svc.repository.finish(
                        session,
                        key,
                        {
                            "outcome": FAILED,
                            "pending": list(calls[n:]),
                            "finished_at": svc.clock(),
                            **error_columns(exc),
                        },
                    )
                raise
        with svc.database.transaction() as session:
            done: dict[str, Any] = {
                "outcome": DONE,
                "pending": [],
                "error": None,
                "error_code": None,
                "error_params": None,
            }
            svc.repository.finish(session, key, {**done, "finished_at": svc.clock()})


class RunPerformer:
    """What actions do, carried out in the run's transaction as the system (``engine.automations.Performer``)."""

    def __init__(
        self, service: AutomationService, session: Session, app: CompiledApp, spec: AutomationSpec, payload: Any
    ):
        self.svc = service
        self.session = session
        self.app = app
        self.spec = spec
        self.payload = payload
        self.form = app.form(payload["form"]) if payload.get("record") is not None else None
        self.record: dict[str, Any] = (
            service.records.flow_record(session, self.form, payload["record"]) if self.form is not None else {}
        )
        self.calls: list[dict[str, Any]] = []
        self.action = f"automation:{spec.id}"
        expressions = [spec.condition, *(e for action in spec.actions for e in action.expressions.values())]
        #: the relation paths the automation reads (``equipment.community``): loaded for its context
        self.paths = relation_paths.paths_of(e for e in expressions if e is not None)

    @property
    def context(self) -> Mapping[str, Any]:
        record = dict(self.record)
        if self.form is not None and self.paths:  # the system acts: every related record is read
            related = self.svc.records.related(self.session, self.app, None)
            relation_paths.relate(self.form.spec.fields, [record], self.paths, related)
        before = {**record, **(self.payload.get("before") or {})}
        return {**record, "user": self.payload.get("user") or {}, "before": before, "event": self._event()}

    def _event(self) -> dict[str, Any]:
        return dict(self.payload.get("event") or {"type": self.payload.get("trigger")})

    def set_fields(self, values: Mapping[str, Any]) -> None:
        assert self.form is not None  # validation refuses record actions on triggers without a record
        self.record = self.svc.records.flow_write(
            self.session,
            self.app,
            self.form,
            int(self.payload["record"]),
            values,
            SYSTEM,
            locale=LOG_LOCALE,
            trusted=frozenset(values),
            action=self.action,
        )

    def related(self, field_id: str) -> tuple[str, list[int]]:
        assert self.form is not None
        field = next(f for f in self.form.spec.fields if f.id == field_id)
        target = FIELD_TYPES.get(field.type).related_form(field) or ""
        value: Any = self.record.get(field_id)
        if value in (None, "", []):
            return target, []
        values: list[Any] = list(value) if isinstance(value, (list, tuple)) else [value]
        return target, [int(v) for v in values]

    def update_record(self, form_id: str, record_id: int, values: Mapping[str, Any]) -> None:
        form = self.app.form(form_id)
        self.svc.records.flow_write(
            self.session,
            self.app,
            form,
            record_id,
            values,
            SYSTEM,
            locale=LOG_LOCALE,
            trusted=frozenset(values),
            action=self.action,
        )

    def create_record(self, form_id: str, values: Mapping[str, Any]) -> int:
        form = self.app.form(form_id)
        return self.svc.records.insert(
            self.session, self.app, form, values, SYSTEM, locale=LOG_LOCALE, trusted=frozenset(values)
        )

    def start_flow(self, flow_id: str) -> None:
        self.svc.flows.start_in(self.session, self.app, flow_id, int(self.payload["record"]), SYSTEM)

    def notify(self, to: Mapping[str, Any], message: Any) -> None:
        tables = {n: compile_expression(row["when"]) for n, row in enumerate(to.get("table", [])) if "when" in row}
        assigner = Assigner(self.app.app_id, SqlDirectory(self.session))
        found = assigner.assign(to, self.record, tables=tables, context=self.context)
        self.svc.notifications.send(
            self.session,
            app_id=self.app.app_id,
            to=[c.dump() for c in found.candidates],
            message=message,
            record_id=self.payload.get("record"),
            at=self.svc.clock(),
        )

    def call_connector(self, connector: str, operation: str, data: Mapping[str, Any] | None) -> None:
        if data is None:  # the connector's own mapping, over the same names
            definition = next(c for c in self.app.document.get("connectors", []) if c["id"] == connector)
            mapping = definition.get("mapping", {})
            data = {name: compile_expression(source).evaluate(self.context) for name, source in mapping.items()}
        self.calls.append(
            {"index": len(self.calls), "connector": connector, "operation": operation, "data": jsonable(data)}
        )


def error_columns(exc: BaseException) -> dict[str, Any]:
    """The columns saying why a run failed: the English text, and its catalog code to show it in another language."""
    if isinstance(exc, SubmissionError):  # a refused write: which fields, and why (no code covers all of it)
        fields = "; ".join(f"{name}: {' '.join(texts)}" for name, texts in exc.field_errors.items())
        return {"error": f"{exc.message} ({fields})"[:2000], "error_code": None, "error_params": None}
    if isinstance(exc, EngineError):
        return {"error": exc.message[:2000], "error_code": exc.message_code, "error_params": jsonable(exc.params)}
    error = EngineError.says("automation.crashed", reason=f"{exc.__class__.__name__}: {exc}"[:1000])
    return {"error": error.message, "error_code": error.message_code, "error_params": jsonable(error.params)}


def jsonable(value: Any) -> Any:
    """``value`` as plain JSON (dates as ISO text, decimals as numbers), as it is stored and sent."""

    def plain(found: Any) -> Any:
        if isinstance(found, Decimal):
            return int(found) if found == found.to_integral_value() else float(found)
        if isinstance(found, (datetime, date)):
            return found.isoformat()
        if isinstance(found, (set, frozenset)):
            return sorted(found, key=str)
        return str(found)

    return json.loads(json.dumps(value, default=plain, ensure_ascii=False))
