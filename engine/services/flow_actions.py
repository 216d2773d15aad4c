"""Task actions as a table of handlers, and the checks on what a request body carries (service layer).

``FlowService.act`` looks the action up in ``HANDLERS`` instead of walking an if/elif chain; a
handler reads what its action needs from the body (``outcome``, ``comment``, ``to``, ``location``)
and calls the flow engine. An action without a handler of its own (``save``, ``check_in``) is
noted in the instance's history. Which actions carry field values is the node type's to say
(``data_actions``: ``complete``/``save``/``check_in`` on a user task, ``approve``/``reject``/``save``
on an approval). ``write_task_data`` puts the values a task action carries into the record (or, for
an approval, onto the signer's task first).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from engine.errors import SubmissionError
from engine.flows import actions
from engine.flows.interpreter import Run
from engine.flows.nodes import kind_of
from engine.flows.spec import FlowSpec, NodeSpec
from engine.flows.state import Task
from engine.forms.spec import FormSpec
from engine.i18n import translate
from engine.registry import Registry
from engine.services.records import RecordService
from engine.storage.catalog import CompiledApp
from engine.storage.records import Transaction


@dataclass(frozen=True, slots=True)
class TaskCall:
    """One task action as a handler sees it."""

    run: Run
    task_id: str
    action: str
    body: Mapping[str, Any]
    comment: str | None
    locale: str
    #: an active user's id for a login name or mobile number (refuses unknown people)
    user: Callable[[str], str]

    def text(self, name: str, limit: int = 63) -> str | None:
        return text(self.body.get(name), name, limit, self.locale)

    def required(self, name: str) -> str:
        return required_text(self.body.get(name), name, self.locale)


Handler = Callable[[TaskCall], Any]
HANDLERS: Registry[Handler] = Registry("task action handler")


def handler(*names: str) -> Callable[[Handler], Handler]:
    def register(function: Handler) -> Handler:
        for name in names:
            HANDLERS.register(name, function)
        return function

    return register


@handler("claim")
def _claim(call: TaskCall) -> None:
    actions.claim(call.run, call.task_id)


@handler("complete")
def _complete(call: TaskCall) -> None:
    actions.complete(call.run, call.task_id, outcome=call.text("outcome"), comment=call.comment)


@handler("approve", "reject")
def _decide(call: TaskCall) -> None:
    actions.decide(call.run, call.task_id, approve=call.action == "approve", comment=call.comment)


@handler("return")
def _return(call: TaskCall) -> None:
    actions.return_to(call.run, call.task_id, call.required("to"), comment=call.comment)


@handler("transfer", "delegate")
def _transfer(call: TaskCall) -> None:
    target = call.user(call.required("to"))
    actions.transfer(call.run, call.task_id, target, comment=call.comment, delegate=call.action == "delegate")


@handler("add_signer")
def _add_signer(call: TaskCall) -> None:
    actions.add_signer(call.run, call.task_id, call.user(call.required("to")), comment=call.comment)


@handler("hand_back")
def _hand_back(call: TaskCall) -> None:
    actions.hand_back(call.run, call.task_id, comment=call.comment)


def note(call: TaskCall) -> None:
    """An action that only leaves a trace (save, check-in): the comment, and where a check-in happened."""
    details: dict[str, Any] = {"comment": call.comment} if call.comment else {}
    location = call.body.get("location")
    if call.action == "check_in" and isinstance(location, dict):
        details["location"] = {
            k: float(v)
            for k, v in location.items()
            if k in ("lat", "lng", "accuracy") and isinstance(v, int | float) and not isinstance(v, bool)
        }
        if isinstance(location.get("address"), str):
            details["location"]["address"] = location["address"][:300]
    actions.note(call.run, call.task_id, call.action, details)


def dispatch(call: TaskCall) -> None:
    (HANDLERS.get(call.action) if call.action in HANDLERS else note)(call)


# -- what a body may carry ------------------------------------------------------------------------------
def refusal(field: str, code: str, locale: str, /, *, note: str | None = None, **params: Any) -> SubmissionError:
    """A refused value: the message (English in logs), and next to the field ``note`` (or the same
    sentence) in the reader's language."""
    error = SubmissionError.says(code, **params)
    error.field_errors = {field: [translate(note or code, locale, **params)]}
    return error


def text(value: Any, name: str, limit: int, locale: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise refusal(name, "flow_service.not_text", locale, name=name)
    if len(value) > limit:
        raise refusal(name, "flow_service.too_long", locale, note="flow_service.at_most", name=name, limit=limit)
    return value.strip() or None


def required_text(value: Any, name: str, locale: str) -> str:
    found = text(value, name, 200, locale)
    if not found:
        raise refusal(name, "flow_service.required", locale, name=name)
    return found


# -- field values a task action writes ------------------------------------------------------------------
def check_in_stamp(spec: FlowSpec, task: Task, body: Mapping[str, Any], now: datetime) -> dict[str, Any]:
    """What a check-in stamps on the record: the server's moment and, when the phone told us, where.

    These are the server's values, not the worker's: they need no editable field on the step and
    win over anything typed. The place keeps the address text the phone resolved beside its
    coordinates; a malformed place reaches the location field's own check and is refused there.
    """
    fields = spec.node(task.node).definition.get("check_in", {})
    stamped: dict[str, Any] = {}
    if "time" in fields:
        stamped[fields["time"]] = now.isoformat()
    location = body.get("location")
    if "location" in fields and isinstance(location, dict) and {"lat", "lng"} <= location.keys():
        place = {"lat": location["lat"], "lng": location["lng"]}
        if location.get("address") is not None:
            place["address"] = location["address"]
        stamped[fields["location"]] = place
    return stamped


def task_data(
    node: NodeSpec, form: FormSpec, data: Any, action: str, finishing: frozenset[str], locale: str
) -> tuple[dict[str, Any], frozenset[str]] | None:
    """The values to write and the fields that must be filled, or None when there is nothing to write.

    Only the fields this step makes editable may be sent; a ``finishing`` action (completing,
    deciding) needs the required ones.
    """
    modes = node.field_permissions
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise refusal("data", "flow_service.data_not_object", locale, note="flow_service.send_object")
    labels = {f.id: f.title(locale) for f in form.fields}
    refused = {
        k: [translate("flow_service.not_editable", locale, label=labels.get(k, k))]
        for k in data
        if modes.get(k) not in ("editable", "required")
    }
    if refused:
        error = SubmissionError.says("flow_service.fields_refused", count=len(refused))
        error.field_errors = dict(list(refused.items())[:50])
        raise error
    if action not in finishing and not data:
        return None
    required = frozenset(k for k, mode in modes.items() if mode == "required") if action in finishing else frozenset()
    return data, required


def write_task_data(
    records: RecordService,
    session: Transaction,
    app: CompiledApp,
    spec: FlowSpec,
    run: Run,
    task: Task,
    data: Any,
    action: str,
    locale: str,
    stamped: Mapping[str, Any],
) -> None:
    """Data sent with a task: only the fields this step makes editable; required ones must be filled to finish.

    ``stamped`` are values the server sets (a check-in's moment and place): no editable field needed.
    A node type that ``keeps_values`` (an approval) keeps each signer's values on their task (a
    draft merged in), checked like a task's, and writes to the record what it says.
    """
    form = app.form(spec.form)
    node = spec.node(task.node)
    kind = kind_of(node)
    found = task_data(node, form.spec, data, action, kind.finishing_actions, locale)
    if found is None and not stamped:
        return
    typed, required = found or ({}, frozenset())
    if kind.keeps_values:
        if not (typed or required or task.data):
            return  # a decision on a step without fields to fill
        merged = {**task.data, **typed}
        cleaned = records.flow_check(
            session, app, form, run.state.record_id, merged, run.actor, locale=locale, required=required
        )
        actions.keep_values(run, task.id, cleaned)
        signer = run.actor.name or run.actor.id
        typed, required = kind.record_values(node, action, cleaned, run.record, signer), frozenset()
        if not typed:
            return
    data = {**typed, **stamped}
    run.record = records.flow_write(
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
