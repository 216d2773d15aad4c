"""The API's contract for people and programs: ``/api/v1/openapi.json`` (OpenAPI 3.1, written from
the routes' ``@operation`` declarations) and ``/api/docs``, the same document as a page.

The page is rendered on the server from the document itself, so it needs no script (the
Content-Security-Policy allows none inline) and cannot drift from what the server checks. Like
the document, it is written in English: it is read by integrators, not by the app's users.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, render_template

from engine.web.contract import operation
from engine.web.contract.common import FreeObject
from engine.web.contract.document import build_document
from engine.web.contract.operations import Answer
from engine.web.http import json_response

bp = Blueprint("api_docs", __name__)
WHO = {
    "public": "anyone, no sign-in",
    "public_or_signed_in": "anyone; signed-in callers may see more",
    "signed_in": "signed in: bearer token or session cookie",
    "admin": "administrators: bearer token or session cookie",
}


def document() -> dict[str, Any]:
    """Built once per application: the routes do not change while it runs."""
    cache = current_app.extensions.setdefault("trellis_openapi", {})
    if "document" not in cache:
        cache["document"] = build_document(current_app)
    found: dict[str, Any] = cache["document"]
    return found


@bp.get("/api/v1/openapi.json")
@operation("This document", tags="meta", access="public", answers={200: Answer("OpenAPI 3.1", FreeObject)})
def openapi_json() -> Response:
    return json_response(document())


@bp.get("/api/docs")
def docs_page() -> str:
    found = document()
    page: str = render_template("api_docs.html", doc=found, groups=_groups(found), schema_rows=_schema_rows)
    return page


def _groups(found: dict[str, Any]) -> list[tuple[str, list[dict[str, Any]]]]:
    by_tag: dict[str, list[dict[str, Any]]] = {}
    for path, operations in found["paths"].items():
        for method, described in operations.items():
            entry = {"path": path, "method": method.upper(), **described}
            entry["who"] = WHO[described.get("x-access", "signed_in")]
            entry["anchor"] = described["operationId"]
            by_tag.setdefault(described["tags"][0], []).append(entry)
    return sorted(by_tag.items())


def _schema_rows(schema: dict[str, Any], found: dict[str, Any]) -> tuple[str, list[dict[str, Any]]]:
    """A schema as its name and one row per property (type, required, description)."""
    name = ""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = found["components"]["schemas"][name]
    required = set(schema.get("required", []))
    rows = []
    for key, prop in schema.get("properties", {}).items():
        rows.append(
            {
                "name": key,
                "type": _type_of(prop),
                "required": key in required,
                "description": prop.get("description", ""),
            }
        )
    return name or schema.get("type", ""), rows


def _type_of(prop: dict[str, Any]) -> str:
    if "$ref" in prop:
        return str(prop["$ref"]).rsplit("/", 1)[-1]
    kind = prop.get("type", "any")
    if isinstance(kind, list):
        kind = " or ".join(kind)
    if kind == "array" and "items" in prop:
        return f"list of {_type_of(prop['items'])}"
    if "enum" in prop:
        return f"{kind}: {', '.join(str(v) for v in prop['enum'])}"
    return str(kind)
