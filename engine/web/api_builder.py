"""REST API of the builder: the workspace, drafts, publishing and history (``/api/v1/builder``).

Every route is for builders (the reserved per-app ``builder`` role) and administrators; the
services check who may build what, so an end user gets 403 everywhere here. See docs/builder.md.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request

from engine.errors import NotFoundError
from engine.web.context import services
from engine.web.contract import operation
from engine.web.contract.apps import VersionQuery
from engine.web.contract.builder import (
    BuilderVersions,
    Changes,
    DiffQuery,
    Draft,
    DraftSave,
    NewApp,
    Preview,
    Published,
    RevisionBody,
    RollbackBody,
    Saved,
    Workspace,
)
from engine.web.contract.common import FreeObject
from engine.web.contract.operations import Answer
from engine.web.http import json_response, locale, principal, read_package
from engine.whole_numbers import parse_id

bp = Blueprint("api_builder", __name__, url_prefix="/api/v1/builder")
TAG = "builder"


@bp.get("/apps")
@operation("The apps I may build", tags=TAG, answers={200: Answer("the apps, drafts and waiting upgrades", Workspace)})
def workspace() -> Response:
    return json_response(services().builder.workspace(principal(), locale()))


@bp.post("/apps")
@operation("Create an app (a draft)", tags=TAG, body=NewApp, answers={201: Answer("the new app's draft", Draft)})
def create_app(body: dict[str, Any]) -> Response:
    name = {"zh-CN": body["name"]["zh"], "en": body["name"]["en"]}
    return json_response(services().builder.create_app(principal(), body["id"], name, locale()), 201)


@bp.post("/apps/import")
@operation(
    "Import a package into a draft (never publishes)",
    tags=TAG,
    raw_body="package",
    answers={200: Answer("the draft made from it, with its problems", Draft)},
)
def import_app() -> Response:
    """The package as the JSON body, or as the file field ``file`` of a multipart form."""
    svc = services()
    who = principal()
    document = read_package("file", svc.settings.max_package_bytes)
    return json_response(svc.builder.import_draft(who, document, locale()))


@bp.get("/apps/<app_id>/draft")
@operation("An app's draft", tags=TAG, answers={200: Answer("made from the current version when there is none", Draft)})
def get_draft(app_id: str) -> Response:
    return json_response(services().builder.draft(principal(), app_id[:63], locale()))


@bp.put("/apps/<app_id>/draft")
@operation(
    "Save a draft",
    tags=TAG,
    body=DraftSave,
    answers={200: Answer("the new revision and the document's problems", Saved)},
)
def save_draft(app_id: str, body: dict[str, Any]) -> Response:
    """A stale ``revision`` is a 409 naming ``current_revision``, ``changed_by`` and the ``changes``."""
    saved = services().builder.save_draft(principal(), app_id[:63], body["document"], body["revision"], locale())
    return json_response(saved)


@bp.delete("/apps/<app_id>/draft")
@operation("Discard a draft", tags=TAG, answers={204: Answer("discarded")})
def discard_draft(app_id: str) -> Response:
    services().builder.discard_draft(principal(), app_id[:63])
    return Response(status=204)


@bp.post("/apps/<app_id>/publish/preview")
@operation(
    "What publishing the draft would do",
    tags=TAG,
    body=RevisionBody,
    answers={200: Answer("changes, schema changes, running flows and problems; nothing is changed", Preview)},
)
def preview(app_id: str, body: dict[str, Any]) -> Response:
    return json_response(services().builder_publish.preview(principal(), app_id[:63], body["revision"], locale()))


@bp.post("/apps/<app_id>/publish")
@operation(
    "Publish the draft as the next version",
    tags=TAG,
    body=RevisionBody,
    answers={200: Answer("`created`, `updated` or `unchanged`", Published)},
)
def publish(app_id: str, body: dict[str, Any]) -> Response:
    result = services().builder_publish.publish(principal(), app_id[:63], body["revision"], locale())
    return json_response(result.as_dict())


@bp.get("/apps/<app_id>/versions")
@operation(
    "An app's versions, with who, when and origin", tags=TAG, answers={200: Answer("oldest first", BuilderVersions)}
)
def versions(app_id: str) -> Response:
    return json_response({"items": services().builder_publish.versions(principal(), app_id[:63])})


@bp.get("/apps/<app_id>/diff")
@operation(
    "Readable changes between two versions, or a version and the draft",
    tags=TAG,
    query=DiffQuery,
    answers={200: Answer("the changes", Changes)},
)
def diff(app_id: str) -> Response:
    older = _number(request.args.get("from"))
    newer_arg = request.args.get("to", "draft")
    newer = None if newer_arg == "draft" else _number(newer_arg)
    return json_response(services().builder_publish.diff(principal(), app_id[:63], older, newer, locale()))


@bp.post("/apps/<app_id>/rollback")
@operation(
    "Publish an earlier version again",
    tags=TAG,
    body=RollbackBody,
    answers={200: Answer("the new version", Published)},
)
def rollback(app_id: str, body: dict[str, Any]) -> Response:
    return json_response(services().builder_publish.rollback(principal(), app_id[:63], body["version"]).as_dict())


@bp.get("/apps/<app_id>/export")
@operation(
    "Download a version's package", tags=TAG, query=VersionQuery, answers={200: Answer("the package", FreeObject)}
)
def export(app_id: str) -> Response:
    raw = request.args.get("version")
    version = None if raw is None else _number(raw)
    text = services().builder_publish.export_text(principal(), app_id[:63], version)
    response = Response(text, mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="{app_id[:63]}.json"'
    return response


def _number(raw: str | None) -> int:
    found = parse_id(raw or "")
    if found is None or found > 2**31 - 1:
        raise NotFoundError.says("app.bad_version_number", raw=(raw or "")[:40])
    return found
