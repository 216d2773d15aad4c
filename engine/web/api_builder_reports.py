"""``GET /api/v1/builder/report-kinds`` (web layer): the report designer's chart types, measures,
time buckets and filter operators, for builders only; ``GET .../apps/<app>/fact-sources``, the draft's
flows whose process facts a report may count; ``POST .../apps/<app>/dashboard-preview-as``, a draft
dashboard's widgets as one of its roles sees them; ``POST .../apps/<app>/report-preview``, the live
result of a report being designed, over every published record of the app (its builders design who
may read what)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request

from engine.errors import PermissionDeniedError
from engine.services.builder_access import may_create_apps
from engine.services.builder_reports import fact_sources, report_kinds
from engine.web.context import services
from engine.web.contract import operation
from engine.web.contract.builder_reports import DashboardPreview, FactSources, PreviewAs, ReportKinds
from engine.web.contract.operations import Answer
from engine.web.contract.reports import ReportFilters, ReportResult
from engine.web.http import json_response, locale, principal

bp = Blueprint("api_builder_reports", __name__, url_prefix="/api/v1/builder")


@bp.get("/report-kinds")
@operation(
    "The chart types, measures, time buckets and filter operators the report engine has",
    tags="builder",
    answers={200: Answer("every kind in the engine's order, named in the caller's language", ReportKinds)},
)
def kinds() -> Response:
    if not may_create_apps(principal()):  # whoever builds some app (or may create one) designs reports
        raise PermissionDeniedError.says("builder.no_access")
    return json_response(report_kinds(locale()))


@bp.get("/apps/<app_id>/fact-sources")
@operation(
    "The draft's flows whose process facts a report may count, with their columns",
    tags="builder",
    answers={200: Answer("each flow, its name and its instance and task columns named", FactSources)},
)
def facts(app_id: str) -> Response:
    document = services().builder.draft_document(principal(), app_id[:64])
    return json_response({"items": fact_sources(document, locale())})


@bp.post("/apps/<app_id>/report-preview")
@operation(
    "The live result of a report being designed, over every published record of the app (builders)",
    tags="builder",
    raw_body="free_object",
    query=ReportFilters,
    answers={200: Answer("rows, totals and a plotly figure", ReportResult)},
)
def report_preview(app_id: str) -> Response:
    definition = request.get_json(silent=True)
    args = list(request.args.items(multi=True))
    preview = services().builder_dashboards.report_preview(principal(), app_id[:64], definition, args, locale())
    return json_response(preview)


@bp.post("/apps/<app_id>/dashboard-preview-as")
@operation(
    "A draft dashboard's widgets as someone holding one role of the draft sees them",
    tags="builder",
    body=PreviewAs,
    answers={200: Answer("each widget's result, or why that role may not read it", DashboardPreview)},
)
def preview_as(app_id: str, body: dict[str, Any]) -> Response:
    """The published records, counted with the draft's permissions and row rules for that role."""
    return json_response(services().builder_dashboards.preview_as(principal(), app_id[:64], body, locale()))
