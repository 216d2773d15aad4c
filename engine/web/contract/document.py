"""The OpenAPI 3.1 document, written from the routes' own ``@operation`` contracts by apispec.

Nothing is described twice: paths and their parameters come from the Flask routes, bodies from
the marshmallow schemas the views load with, and a route without a contract under ``/api/v1``
is a gap that ``tests/web/test_openapi.py`` refuses.
"""

from __future__ import annotations

import re
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Flask
from werkzeug.routing import Rule

from engine import __version__
from engine.web.contract.common import Problem
from engine.web.contract.operations import Answer, Operation

#: every operation may also answer with a problem document; these statuses are listed by name
PROBLEMS = {
    400: "the request is malformed",
    401: "sign in first (session cookie or bearer token)",
    403: "not allowed for this person or token scope",
    404: "no such thing, or not visible to the caller",
    409: "changed by someone else first; reload",
    413: "the body is too large",
    422: "a field or the body was refused; `errors` says which",
    429: "too many requests; see Retry-After",
}
SECURITY: dict[str, list[dict[str, list[str]]]] = {
    "public": [{}],
    "public_or_signed_in": [{}, {"bearer": []}, {"session": []}],
    "signed_in": [{"bearer": []}, {"session": []}],
    "admin": [{"bearer": []}, {"session": []}],
}
RAW_BODIES: dict[str, tuple[str, dict[str, Any], str]] = {
    "free_object": ("application/json", {"type": "object"}, "a JSON object: the form's fields by id"),
    "package": ("application/json", {"type": "object"}, "an app package (see docs/packages.md)"),
    "bpmn": ("application/xml", {"type": "string"}, "a BPMN 2.0 XML document"),
    "multipart_file": (
        "multipart/form-data",
        {"type": "object", "properties": {"file": {"type": "string", "contentMediaType": "application/octet-stream"}}},
        "the file in the form field `file`",
    ),
}
_PARAM = re.compile(r"<(?:(?P<converter>[a-z]+)(?:\([^)]*\))?:)?(?P<name>\w+)>")


def build_document(app: Flask) -> dict[str, Any]:
    spec = APISpec(
        title="Trellis API",
        version=__version__,
        openapi_version="3.1.0",
        plugins=[MarshmallowPlugin()],
        info={"description": "Records, flows, reports and the directory of a Trellis server."},
        servers=[{"url": "/"}],
    )
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer", "description": "API token"})
    spec.components.security_scheme("session", {"type": "apiKey", "in": "cookie", "name": "session"})
    spec.components.schema("Problem", schema=Problem)
    for status, text in PROBLEMS.items():
        spec.components.response(f"Problem{status}", _problem(text))
    spec.components.response("Problem", _problem("any other error, as a problem document"))
    # gunicorn refuses an over-long request line itself, with its own page, before Trellis sees it
    spec.components.response(
        "RequestLineTooLong",
        {
            "description": "the URL is longer than the HTTP server accepts (the server's own page)",
            "content": {"text/html": {"schema": {"type": "string"}}},
        },
    )
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        described = getattr(app.view_functions.get(rule.endpoint), "__operation__", None)
        if described is None:
            continue
        method = next(m for m in sorted(rule.methods or ()) if m not in ("HEAD", "OPTIONS"))
        spec.path(
            path=_PARAM.sub(lambda m: "{" + m["name"] + "}", rule.rule),
            operations={method.lower(): _operation(rule, described)},
        )
    return spec.to_dict()


def undescribed(app: Flask) -> list[str]:
    """The ``/api/v1`` routes without a contract (each one a gap in the document)."""
    return sorted(
        f"{','.join(sorted((rule.methods or set()) - {'HEAD', 'OPTIONS'}))} {rule.rule}"
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/") and not hasattr(app.view_functions.get(rule.endpoint), "__operation__")
    )


def _operation(rule: Rule, described: Operation) -> dict[str, Any]:
    found: dict[str, Any] = {
        "summary": described.summary,
        "tags": list(described.tags),
        "operationId": rule.endpoint.replace(".", "_"),
        "parameters": _path_parameters(rule) + _header_parameters(described),
        "responses": _responses(described),
        "security": SECURITY[described.access],
        "x-access": described.access,
    }
    if described.description:
        found["description"] = described.description.replace("``", "`")  # docstrings are reST
    if described.query is not None:
        found["parameters"].append({"in": "query", "schema": described.query})
    if described.body is not None:
        found["requestBody"] = {
            "required": described.body_required,
            "content": {"application/json": {"schema": described.body}},
        }
    elif described.raw_body is not None:
        media, schema, description = RAW_BODIES[described.raw_body]
        found["requestBody"] = {
            "required": True,
            "description": description,
            "content": {media: {"schema": schema}},
        }
    return found


def _path_parameters(rule: Rule) -> list[dict[str, Any]]:
    parameters = []
    for match in _PARAM.finditer(rule.rule):
        if match["converter"] == "id":
            schema: dict[str, Any] = {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}
        elif match["converter"] == "any":
            schema = {"type": "string", "enum": _choices(match.group(0))}
        else:
            schema = {"type": "string", "minLength": 1, "pattern": "^[^/]+$"}
        parameters.append({"in": "path", "name": match["name"], "required": True, "schema": schema})
    return parameters


def _choices(placeholder: str) -> list[str]:
    inside = placeholder[placeholder.index("(") + 1 : placeholder.index(")")]
    return [part.strip() for part in inside.split(",")]


def _header_parameters(described: Operation) -> list[dict[str, Any]]:
    texts = {
        "If-Match": 'the record\'s version as its ETag (`"3"`)',
        "Idempotency-Key": "a retry with the same key returns the first answer",
    }
    return [
        {"in": "header", "name": name, "required": False, "schema": {"type": "string"}, "description": texts[name]}
        for name in described.headers
    ]


def _responses(described: Operation) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for status, answer in sorted(described.answers.items()):
        answers[str(status)] = _answer(answer)
    for status in PROBLEMS:
        answers.setdefault(str(status), f"Problem{status}")
    answers.setdefault("414", "RequestLineTooLong")
    answers["default"] = "Problem"
    return answers


def _answer(answer: Answer) -> dict[str, Any]:
    found: dict[str, Any] = {"description": answer.description}
    if answer.schema is not None:
        found["content"] = {answer.media: {"schema": answer.schema}}
    elif answer.media != "application/json":
        found["content"] = {answer.media: {"schema": {"type": "string"}}}
    if answer.headers:
        found["headers"] = {name: {"schema": {"type": "string"}} for name in answer.headers}
    return found


def _problem(text: str) -> dict[str, Any]:
    return {"description": text, "content": {"application/problem+json": {"schema": "Problem"}}}
