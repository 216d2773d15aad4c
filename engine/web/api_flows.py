"""REST API for flows: task inboxes and actions, instances, manual start, withdraw and cancel.

``POST /api/v1/tasks/<id>/<action>`` takes ``{"data": {...}, "outcome": ..., "comment": ...,
"to": ...}`` as the action needs; the answer is the task and its instance after the action.
Two people pressing 接单 at once: one gets 200, the other 409 saying who took it.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request

from engine.errors import NotAuthenticatedError, NotFoundError
from engine.flows.bpmn import MAX_BPMN_BYTES, bpmn_to_flow, flow_to_bpmn
from engine.services.flow_actions import refusal
from engine.web.auth import reads_only, require_admin
from engine.web.context import services
from engine.web.http import json_response, locale, principal, read_record_body
from engine.whole_numbers import parse_whole

bp = Blueprint("api_flows", __name__, url_prefix="/api/v1")


def _signed_in() -> Any:
    who = principal()
    if who.anonymous:
        raise NotAuthenticatedError.says("flow_service.sign_in")
    return who


def _body() -> dict[str, Any]:
    if not request.get_data(cache=True):
        return {}
    body = read_record_body()
    if not isinstance(body, dict):
        raise refusal("_body", "flow_service.json_object", locale())
    return body


@bp.get("/tasks")
def inbox() -> Response:
    limit = parse_whole(request.args.get("limit"), low=1, high=9999) or 50
    return json_response(services().flows.inbox(_signed_in(), request.args.get("box", "mine"), limit))


@bp.get("/tasks/<task_id>")
def get_task(task_id: str) -> Response:
    return json_response(services().flows.task(_signed_in(), task_id[:64]))


@bp.post("/tasks/<task_id>/<action>")
def act(task_id: str, action: str) -> Response:
    return json_response(services().flows.act(_signed_in(), task_id[:64], action[:40], _body(), locale=locale()))


@bp.get("/flow-instances/<instance_id>")
def get_instance(instance_id: str) -> Response:
    return json_response(services().flows.instance(principal(), instance_id[:64]))


@bp.post("/flow-instances/<instance_id>/withdraw")
def withdraw(instance_id: str) -> Response:
    return json_response(services().flows.withdraw(_signed_in(), instance_id[:64]))


@bp.post("/flow-instances/<instance_id>/cancel")
def cancel(instance_id: str) -> Response:
    body = _body()
    reason = body.get("reason")
    return json_response(
        services().flows.cancel(_signed_in(), instance_id[:64], reason if isinstance(reason, str) else None)
    )


@bp.post("/apps/<app_id>/flows/<flow_id>/start")
def start(app_id: str, flow_id: str) -> Response:
    body = _body()
    record_id = body.get("record_id")
    if isinstance(record_id, bool) or not isinstance(record_id, int):
        raise refusal("record_id", "flow_service.record_number", locale(), note="flow_service.a_record_number")
    return json_response(services().flows.start(_signed_in(), app_id, flow_id, record_id), 201)


@bp.get("/apps/<app_id>/forms/<form_id>/records/<id:record_id>/flows")
def record_flows(app_id: str, form_id: str, record_id: int) -> Response:
    who = principal()
    flows = services().flows
    return json_response({"items": [flows.instance(who, i) for i in flows.instances_of(app_id, form_id, record_id)]})


@bp.post("/bpmn/import")
@reads_only
def bpmn_import() -> Response:
    """A .bpmn file (the request body) as a flow definition, with what could not be carried over."""
    require_admin()
    form = request.args.get("form") or None
    found = bpmn_to_flow(request.get_data(cache=False), form=form[:63] if form else None, max_bytes=MAX_BPMN_BYTES)
    lang = locale()
    return json_response(
        {
            "flow": found.flow,
            "complete": found.complete,
            "unsupported": [u.line(lang) for u in found.unsupported],
            "notes": [n.line(lang) for n in found.notes],
        }
    )


@bp.get("/apps/<app_id>/flows/<flow_id>/bpmn")
def bpmn_export(app_id: str, flow_id: str) -> Response:
    require_admin()
    package = services().apps.export(app_id)
    flow = next((f for f in package.get("flows", []) if f.get("id") == flow_id), None)
    if flow is None:
        raise NotFoundError.says("bpmn.api.no_flow", app=app_id, flow=flow_id)
    return Response(
        flow_to_bpmn(flow),
        mimetype="application/xml",
        headers={"Content-Disposition": f'attachment; filename="{app_id}-{flow_id}.bpmn"'},
    )


@bp.get("/notifications")
def notifications() -> Response:
    who = _signed_in()
    limit = parse_whole(request.args.get("limit"), low=1, high=9999) or 50
    return json_response(
        services().notifications.list(who.id, unread_only=request.args.get("unread") in ("1", "true"), limit=limit)
    )


@bp.post("/notifications/read")
def notifications_read() -> Response:
    """Mark notifications read: ``{"ids": [1, 2]}``, or ``{}`` for all of them."""
    who = _signed_in()
    body = _body()
    ids = body.get("ids")
    if ids is not None and not isinstance(ids, list):
        raise refusal("ids", "flow_service.notification_ids", locale(), note="flow_service.a_list_of_numbers")
    return json_response({"marked": services().notifications.mark_read(who.id, ids, locale=locale())})
