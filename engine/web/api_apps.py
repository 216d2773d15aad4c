"""REST API for app packages: list, import, export, version history (``/api/v1/apps``)."""

from __future__ import annotations

from flask import Blueprint, Response, request, url_for

from engine.errors import NotFoundError
from engine.web.auth import require_admin
from engine.web.context import services
from engine.web.contract import operation
from engine.web.contract.apps import AppList, AppVersions, ImportResult, VersionQuery
from engine.web.contract.common import FreeObject
from engine.web.contract.operations import Answer
from engine.web.http import json_response, read_package
from engine.whole_numbers import parse_id

bp = Blueprint("api_apps", __name__, url_prefix="/api/v1/apps")


@bp.get("")
@operation("The apps (administrators)", tags="apps", access="admin", answers={200: Answer("the apps", AppList)})
def list_apps() -> Response:
    require_admin()
    return json_response({"items": services().apps.list_apps()})


@bp.post("")
@operation(
    "Import an app package (administrators)",
    tags="apps",
    access="admin",
    raw_body="package",
    answers={
        200: Answer("a new version of an app, or `unchanged`", ImportResult, headers=("Location",)),
        201: Answer("a new app", ImportResult, headers=("Location",)),
    },
)
def import_app() -> Response:
    """Import a package sent as the JSON body, or as the file field ``package`` of a multipart form."""
    actor = _actor()
    svc = services()
    document = read_package("package", svc.settings.max_package_bytes)
    result = svc.apps.import_package(document, actor=actor)
    status = 201 if result.outcome == "created" else 200
    location = url_for("api_apps.export_app", app_id=result.app_id, version=result.version)
    return json_response(result.as_dict(), status, Location=location)


@bp.get("/<app_id>/export")
@operation(
    "Export an app package (administrators)",
    tags="apps",
    access="admin",
    query=VersionQuery,
    answers={200: Answer("the package", FreeObject)},
)
def export_app(app_id: str) -> Response:
    version = _version_arg()
    text = services().apps.export_text(app_id, version, actor=_actor())
    response = Response(text, mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="{app_id}.json"'
    return response


@bp.get("/<app_id>/versions")
@operation(
    "An app's versions (administrators)",
    tags="apps",
    access="admin",
    answers={200: Answer("oldest first", AppVersions)},
)
def app_versions(app_id: str) -> Response:
    require_admin()
    return json_response({"items": [v.as_dict() for v in services().apps.versions(app_id)]})


def _version_arg() -> int | None:
    raw = request.args.get("version")
    if raw is None:
        return None
    found = parse_id(raw)
    if found is None:
        raise NotFoundError.says("app.bad_version_number", raw=raw[:40])
    return found


def _actor() -> str:
    return f"user:{require_admin().id}"
