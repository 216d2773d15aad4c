"""The one place that maps engine errors to HTTP: RFC 9457 problem+json documents.

Nothing a client sends may produce a 500 with a traceback; an unexpected failure is logged
with its traceback on the server and answered with a problem document that says to retry.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, json, request
from werkzeug.exceptions import HTTPException

from engine.errors import (
    ConfigError,
    ConflictError,
    DefinitionError,
    EngineError,
    InvalidTransitionError,
    NotAuthenticatedError,
    NotFoundError,
    PermissionDeniedError,
    PreconditionRequiredError,
    StorageError,
    SubmissionError,
)
from engine.i18n import pick_locale
from engine.packages.messages import localize
from engine.storage.record_queries import QueryError

STATUS: list[tuple[type[EngineError], int]] = [
    (DefinitionError, 422),
    (SubmissionError, 422),
    (NotFoundError, 404),
    (NotAuthenticatedError, 401),
    (ConflictError, 409),
    (InvalidTransitionError, 409),
    (PermissionDeniedError, 403),
    (StorageError, 503),
    (QueryError, 400),
    (PreconditionRequiredError, 428),
    (ConfigError, 500),
]


def problem_response(status: int, title: str, detail: str, code: str, **extra: Any) -> Response:
    body = {
        "type": f"https://trellis.dev/problems/{code}",
        "title": title,
        "status": status,
        "detail": detail,
        "code": code,
    }
    body.update(extra)
    return Response(json.dumps(body, ensure_ascii=False), status=status, mimetype="application/problem+json")


def _status_of(error: EngineError) -> int:
    for kind, status in STATUS:
        if isinstance(error, kind):
            return status
    return 400


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(EngineError)
    def engine_error(error: EngineError) -> Response:
        status = _status_of(error)
        extra: dict[str, Any] = {}
        if isinstance(error, DefinitionError):
            locale = pick_locale(request.args.get("lang") or request.headers.get("Accept-Language"))
            extra["errors"] = [localize(p, locale).as_dict() for p in error.problems]
        if isinstance(error, SubmissionError):
            extra["errors"] = error.field_errors
        if isinstance(error, ConflictError) and "current_version" in error.details:
            extra["current_version"] = error.details["current_version"]
        locale = pick_locale(request.args.get("lang") or request.headers.get("Accept-Language"))
        return problem_response(status, _title(status), error.localized(locale), error.code, **extra)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        status = error.code or 500
        detail = {
            404: "nothing lives at this address; check the URL",
            405: f"{request.method} is not allowed here",
            413: "the request body is too large",
        }.get(status, error.description or "")
        return problem_response(status, error.name, detail, f"http_{status}")

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> Response:
        app.logger.exception("unexpected error on %s %s", request.method, request.path)
        return problem_response(
            500,
            "Internal Server Error",
            "something went wrong on the server; it has been logged — try again, and tell an admin if it persists",
            "internal_error",
        )


def _title(status: int) -> str:
    return {
        400: "Bad Request",
        401: "Unauthorized",
        403: "Forbidden",
        404: "Not Found",
        409: "Conflict",
        422: "Unprocessable Content",
        428: "Precondition Required",
        503: "Service Unavailable",
    }.get(status, "Error")
