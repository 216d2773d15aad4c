"""The designers' palettes (web layer), for builders only: ``GET /api/v1/builder/field-types`` (the form
designer's), ``GET /api/v1/builder/automation-types`` (the automation designer's) and
``GET /api/v1/builder/flow-types`` (the flow designer's timer actions and dispatch strategies).

The run log the automation designer shows beside an automation is the app's own
(``GET /api/v1/apps/<app>/automations/runs``), which the app's builders may read.
"""

from __future__ import annotations

from flask import Blueprint, Response

from engine.errors import PermissionDeniedError
from engine.services.builder_access import may_create_apps
from engine.services.builder_automations import automation_palette
from engine.services.builder_flow_palette import flow_palette
from engine.services.builder_palette import field_type_palette
from engine.web.contract import operation
from engine.web.contract.builder_palette import AutomationTypes, FieldTypes, FlowTypes
from engine.web.contract.operations import Answer
from engine.web.http import json_response, locale, principal

bp = Blueprint("api_builder_palette", __name__, url_prefix="/api/v1/builder")


def _designer() -> None:
    """Whoever builds some app (or may create one) designs forms and automations."""
    if not may_create_apps(principal()):
        raise PermissionDeniedError.says("builder.no_access")


@bp.get("/field-types")
@operation(
    "Every field type the engine has, with the definition keys each takes (the designer's palette)",
    tags="builder",
    answers={200: Answer("the registered field types in palette order", FieldTypes)},
)
def field_types() -> Response:
    _designer()
    return json_response({"items": field_type_palette(locale())})


@bp.get("/automation-types")
@operation(
    "Every trigger and action type of automations, with the definition keys each takes (the designer's palette)",
    tags="builder",
    answers={200: Answer("the registered trigger and action types, in registry order", AutomationTypes)},
)
def automation_types() -> Response:
    _designer()
    return json_response(automation_palette(locale()))


@bp.get("/flow-types")
@operation(
    "What a boundary timer may do when it fires and how a dispatch table picks a person (the flow designer's palette)",
    tags="builder",
    answers={200: Answer("the registered timer actions, the dispatch strategies and fallbacks", FlowTypes)},
)
def flow_types() -> Response:
    _designer()
    return json_response(flow_palette(locale()))
