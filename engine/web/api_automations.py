"""REST API for the automation run log: ``GET /api/v1/apps/<app>/automations/runs`` (administrators
and the app's builders, whose automation designer shows it).

Query: ``automation`` (one automation's runs), ``limit`` (1-200, default 50) and ``cursor`` (the
``next_cursor`` of the page before). Garbled parameters are a 400 naming the parameter.
"""

from __future__ import annotations

from flask import Blueprint, Response, request

from engine.web.context import services
from engine.web.contract import operation
from engine.web.contract.operations import Answer
from engine.web.contract.reports import AutomationRuns, RunsQuery
from engine.web.http import json_response, locale, principal

bp = Blueprint("api_automations", __name__, url_prefix="/api/v1/apps/<app_id>/automations")


@bp.get("/runs")
@operation(
    "The automation run log (administrators and the app's builders)",
    tags="automations",
    access="signed_in",  # the service refuses others, naming the app
    query=RunsQuery,
    answers={200: Answer("newest first", AutomationRuns)},
)
def runs(app_id: str) -> Response:
    args = request.args
    found = services().automations.runs(
        principal(),
        app_id[:63],
        automation=args.get("automation"),
        limit=args.get("limit"),
        cursor=args.get("cursor"),
        locale=locale(),
    )
    return json_response(found)
