"""The flow designer's conversions (web layer): ``POST .../flow-bpmn`` draws a draft's flow for the
BPMN canvas, ``POST .../bpmn-flow`` reads the canvas (or an imported ``.bpmn`` file) back as a flow.

Only the app's builders (and administrators) may ask; nothing is saved.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response

from engine.services.builder_flows import bpmn_as_flow, flow_as_bpmn
from engine.web.context import services
from engine.web.contract import operation
from engine.web.contract.builder_flows import BpmnFlow, BpmnToFlow, FlowBpmn, FlowToBpmn
from engine.web.contract.operations import Answer
from engine.web.http import json_response, locale, principal

bp = Blueprint("api_builder_flows", __name__, url_prefix="/api/v1/builder")


@bp.post("/apps/<app_id>/flow-bpmn")
@operation(
    "A flow of the draft as BPMN XML for the designer's canvas",
    tags="builder",
    body=FlowToBpmn,
    answers={200: Answer("the BPMN XML, laid out when the flow has no positions", FlowBpmn)},
)
def flow_bpmn(app_id: str, body: dict[str, Any]) -> Response:
    return json_response({"xml": flow_as_bpmn(principal(), app_id[:64], body["flow"], locale())})


@bp.post("/apps/<app_id>/bpmn-flow")
@operation(
    "The designer's canvas (BPMN XML) as a flow definition, with the elements the engine cannot run",
    tags="builder",
    body=BpmnToFlow,
    answers={200: Answer("the flow and, per element, what was refused and why", BpmnFlow)},
)
def bpmn_flow(app_id: str, body: dict[str, Any]) -> Response:
    """A file that is not readable, consistent BPMN is a 422 listing its problems in the caller's language.
    Lanes named after the draft's roles give their tasks those roles."""
    who, app = principal(), app_id[:64]
    roles = services().builder.draft_document(who, app).get("roles", []) if "lane" in body["xml"] else []
    found = bpmn_as_flow(
        who, app, body["xml"], flow_id=body.get("flow"), form=body.get("form"), locale=locale(), roles=roles
    )
    return json_response(found)
