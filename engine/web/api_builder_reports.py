"""``GET /api/v1/builder/report-kinds`` (web layer): the report designer's chart types, measures,
time buckets and filter operators, for builders only; ``GET .../apps/<app>/fact-sources``, the draft's
flows whose process facts a report may count; ``POST .../apps/<app>/dashboard-preview-as``, a draft
dashboard's widgets as one of its roles sees them. The live result needs no builder route: the
designer calls ``POST /api/v1/apps/<app>/reports/preview``, which counts with the caller's own read
permissions like every report."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response

from engine.errors import PermissionDeniedError
from engine.services.builder_access import may_create_apps
from engine.services.builder_reports import fact_sources, report_kinds
from engine.web.context import services
from engine.web.contract import operation
from engine.web.contract.builder_reports import DashboardPreview, FactSources, PreviewAs, ReportKinds
from engine.web.contract.operations import Answer
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
