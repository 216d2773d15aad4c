"""REST API for reports and dashboards: ``/api/v1/apps/<app>/reports/<report>``, an unsaved
definition's ``/reports/preview`` and ``/dashboards/<dashboard>``; viewer filters in the records
API's syntax (``field__op=value``), the answers ``{"rows", "totals", "figure"}``."""

from __future__ import annotations

from flask import Blueprint, Response, request

from engine.web.auth import reads_only
from engine.web.context import services
from engine.web.contract import operation
from engine.web.contract.operations import Answer
from engine.web.contract.reports import Dashboard, ReportFilters, ReportResult
from engine.web.http import json_response, locale, principal

bp = Blueprint("api_reports", __name__, url_prefix="/api/v1/apps/<app_id>")


def _args() -> list[tuple[str, str]]:
    return list(request.args.items(multi=True))


@bp.get("/reports/<report_id>")
@operation(
    "A report's result",
    tags="reports",
    query=ReportFilters,
    answers={200: Answer("rows, totals and a plotly figure", ReportResult)},
)
def report(app_id: str, report_id: str) -> Response:
    return json_response(services().reports.report(principal(), app_id, report_id, _args(), locale()))


@bp.post("/reports/preview")
@reads_only
@operation(
    "An unsaved report definition's result (builders)",
    tags="reports",
    raw_body="free_object",
    query=ReportFilters,
    answers={200: Answer("rows, totals and a plotly figure", ReportResult)},
)
def preview(app_id: str) -> Response:
    definition = request.get_json(silent=True)
    return json_response(services().reports.preview(principal(), app_id, definition, _args(), locale()))


@bp.get("/dashboards/<dashboard_id>")
@operation(
    "A dashboard's widgets with their results",
    tags="reports",
    query=ReportFilters,
    answers={200: Answer("each widget the caller may read", Dashboard)},
)
def dashboard(app_id: str, dashboard_id: str) -> Response:
    return json_response(services().reports.dashboard(principal(), app_id, dashboard_id, _args(), locale()))
