"""Exports of form records to CSV and XLSX: ``/api/v1/apps/<app>/forms/<form>/export.csv|.xlsx``.

The query string is the records list's (filters and sort; ``cursor`` and ``limit`` are ignored,
as an export takes every matching record). Errors are raised before the first byte is sent, so
they still reach the client as problem+json.
"""

from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, Response, request

from engine.services.exports import Download
from engine.storage.record_queries import ListQuery
from engine.web.context import services
from engine.web.contract import operation
from engine.web.contract.operations import Answer
from engine.web.contract.records import RecordQuery
from engine.web.http import locale, principal

bp = Blueprint("api_exports", __name__, url_prefix="/api/v1/apps/<app_id>/forms/<form_id>")
PAGING_ARGS = ("cursor", "limit")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _query() -> ListQuery:
    return ListQuery.from_args({k: v for k, v in request.args.items() if k not in PAGING_ARGS})


def _send(download: Download) -> Response:
    response = Response(download.chunks, content_type=download.media_type)
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{download.ascii_name}\"; filename*=UTF-8''{quote(download.file_name, safe='')}"
    )
    response.headers["Cache-Control"] = "no-store"  # records are personal data: no shared caches
    response.headers["X-Content-Type-Options"] = "nosniff"
    if download.size is not None:
        response.content_length = download.size
    return response


@bp.get("/export.csv")
@operation(
    "Export a form's records as CSV",
    tags="records",
    query=RecordQuery,
    answers={200: Answer("every matching record", media="text/csv", headers=("Content-Disposition",))},
)
def export_csv(app_id: str, form_id: str) -> Response:
    return _send(services().exports.csv(principal(), app_id, form_id, _query(), locale=locale()))


@bp.get("/export.xlsx")
@operation(
    "Export a form's records as XLSX",
    tags="records",
    query=RecordQuery,
    answers={200: Answer("every matching record", media=XLSX, headers=("Content-Disposition",))},
)
def export_xlsx(app_id: str, form_id: str) -> Response:
    return _send(services().exports.xlsx(principal(), app_id, form_id, _query(), locale=locale()))
