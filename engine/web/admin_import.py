"""The administration page for importing people from a CSV or XLSX file (web layer): all of it, or none."""

from __future__ import annotations

from flask import Response, request

from engine.errors import ConflictError, SubmissionError
from engine.services.user_import import MAX_BYTES as MAX_IMPORT_BYTES
from engine.web.admin_common import actor, bp, page, refusal, text
from engine.web.context import services
from engine.web.pages import current_locale


@bp.route("/import", methods=["GET", "POST"])
def import_users() -> Response:
    if request.method == "GET":
        return page("admin/import.html", result=None, problems=None)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return page("admin/import.html", 422, result=None, problems={"file": [text("file_missing")]})
    data = upload.read(MAX_IMPORT_BYTES + 1)
    try:
        result = services().user_import.run(data, locale=current_locale(), actor=actor(), file_name=upload.filename)
    except SubmissionError as exc:
        return page("admin/import.html", 422, result=None, problems=exc.field_errors, summary=refusal(exc))
    except ConflictError as exc:
        return page("admin/import.html", 409, result=None, problems={"file": [refusal(exc)]})
    return page("admin/import.html", result=result, problems=None, file_name=upload.filename)
