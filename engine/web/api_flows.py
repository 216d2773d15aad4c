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
from engine.web.auth import reads_only, require_admin
from engine.web.context import services
from engine.web.contract import operation
from engine.web.contract.flows import (
    ActedTask,
    BpmnImported,
    BpmnQuery,
    CancelInstance,
    Inbox,
    InboxQuery,
    Instance,
    Instances,
    MarkedRead,
    Notifications,
    NotificationsQuery,
    NotificationsRead,
    StartFlow,
    Task,
    TaskAction,
)
from engine.web.contract.operations import Answer
from engine.web.http import json_response, locale, principal
from engine.whole_numbers import parse_whole

bp = Blueprint("api_flows", __name__, url_prefix="/api/v1")


def _signed_in() -> Any:
    who = principal()
    if who.anonymous:
        raise NotAuthenticatedError.says("flow_service.sign_in")
    return who


@bp.get("/tasks")
@operation("My tasks", tags="flows", query=InboxQuery, answers={200: Answer("the box's tasks", Inbox)})
def inbox() -> Response:
    limit = parse_whole(request.args.get("limit"), low=1, high=9999) or 50
    return json_response(services().flows.inbox(_signed_in(), request.args.get("box", "mine"), limit))


@bp.get("/tasks/<task_id>")
@operation("A task", tags="flows", answers={200: Answer("the task", Task)})
def get_task(task_id: str) -> Response:
    return json_response(services().flows.task(_signed_in(), task_id[:64]))


@bp.post("/tasks/<task_id>/<action>")
@operation(
    "Act on a task (claim, complete, approve, reject, return, transfer, …)",
    tags="flows",
    body=TaskAction,
    body_required=False,
    answers={200: Answer("the task and its instance after the action", ActedTask)},
)
def act(task_id: str, action: str, body: dict[str, Any]) -> Response:
    return json_response(services().flows.act(_signed_in(), task_id[:64], action[:40], body, locale=locale()))


@bp.get("/flow-instances/<instance_id>")
@operation(
    "A flow instance", tags="flows", access="public_or_signed_in", answers={200: Answer("the instance", Instance)}
)
def get_instance(instance_id: str) -> Response:
    return json_response(services().flows.instance(principal(), instance_id[:64]))


@bp.post("/flow-instances/<instance_id>/withdraw")
@operation("Withdraw what I started", tags="flows", answers={200: Answer("the instance", Instance)})
def withdraw(instance_id: str) -> Response:
    return json_response(services().flows.withdraw(_signed_in(), instance_id[:64]))


@bp.post("/flow-instances/<instance_id>/cancel")
@operation(
    "Cancel an instance (administrators)",
    tags="flows",
    body=CancelInstance,
    body_required=False,
    answers={200: Answer("the instance", Instance)},
)
def cancel(instance_id: str, body: dict[str, Any]) -> Response:
    return json_response(services().flows.cancel(_signed_in(), instance_id[:64], body.get("reason")))


@bp.post("/apps/<app_id>/flows/<flow_id>/start")
@operation("Start a flow on a record", tags="flows", body=StartFlow, answers={201: Answer("the instance", Instance)})
def start(app_id: str, flow_id: str, body: dict[str, Any]) -> Response:
    return json_response(services().flows.start(_signed_in(), app_id, flow_id, body["record_id"]), 201)


@bp.get("/apps/<app_id>/forms/<form_id>/records/<id:record_id>/flows")
@operation(
    "A record's flow instances",
    tags="flows",
    access="public_or_signed_in",
    answers={200: Answer("the instances", Instances)},
)
def record_flows(app_id: str, form_id: str, record_id: int) -> Response:
    who = principal()
    flows = services().flows
    return json_response({"items": [flows.instance(who, i) for i in flows.instances_of(app_id, form_id, record_id)]})


@bp.post("/bpmn/import")
@reads_only
@operation(
    "Convert a BPMN file to a flow definition (administrators)",
    tags="flows",
    access="admin",
    raw_body="bpmn",
    query=BpmnQuery,
    answers={200: Answer("the flow, and what could not be carried over", BpmnImported)},
)
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
@operation(
    "A flow as a BPMN file (administrators)",
    tags="flows",
    access="admin",
    answers={200: Answer("BPMN 2.0 XML", media="application/xml")},
)
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
@operation(
    "My notifications",
    tags="notifications",
    query=NotificationsQuery,
    answers={200: Answer("newest first", Notifications)},
)
def notifications() -> Response:
    who = _signed_in()
    limit = parse_whole(request.args.get("limit"), low=1, high=9999) or 50
    return json_response(
        services().notifications.list(who.id, unread_only=request.args.get("unread") in ("1", "true"), limit=limit)
    )


@bp.post("/notifications/read")
@operation(
    "Mark notifications read",
    tags="notifications",
    body=NotificationsRead,
    body_required=False,
    answers={200: Answer("how many were marked", MarkedRead)},
)
def notifications_read(body: dict[str, Any]) -> Response:
    """``{"ids": [1, 2]}``, or ``{}`` for all of them."""
    who = _signed_in()
    ids = body.get("ids")
    return json_response({"marked": services().notifications.mark_read(who.id, ids, locale=locale())})
