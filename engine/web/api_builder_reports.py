"""``GET /api/v1/builder/report-kinds`` (web layer): the report designer's chart types, measures,
time buckets and filter operators, for builders only. The live result needs no builder route: the
designer calls ``POST /api/v1/apps/<app>/reports/preview``, which counts with the caller's own read
permissions like every report."""

from __future__ import annotations

from flask import Blueprint, Response

from engine.errors import PermissionDeniedError
from engine.services.builder_access import may_create_apps
from engine.services.builder_reports import report_kinds
from engine.web.contract import operation
from engine.web.contract.builder_reports import ReportKinds
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
