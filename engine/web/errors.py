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
from engine.i18n import CATALOG, translate
from engine.packages.messages import localize
from engine.storage.record_queries import QueryError
from engine.web.http import locale as request_locale

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


#: statuses an engine error is answered with under their own title; any other reads "Error"
ENGINE_TITLED = frozenset({400, 401, 403, 404, 409, 422, 428, 503})


def status_title(status: int, locale: str | None, fallback: str | None = None) -> str:
    """A problem document's title for ``status`` in ``locale``; ``fallback`` (else "Error") when none is known."""
    code = f"http.title.{status}"
    if code in CATALOG:
        return translate(code, locale)
    return fallback or translate("http.title.other", locale)


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(EngineError)
    def engine_error(error: EngineError) -> Response:
        status = _status_of(error)
        locale = request_locale()
        extra: dict[str, Any] = {}
        if isinstance(error, DefinitionError):
            extra["errors"] = [localize(p, locale).as_dict() for p in error.problems]
        if isinstance(error, SubmissionError):
            extra["errors"] = error.field_errors
        if isinstance(error, ConflictError) and "current_version" in error.details:
            extra["current_version"] = error.details["current_version"]
        title = status_title(status if status in ENGINE_TITLED else 0, locale)
        return problem_response(status, title, error.localized(locale), error.code, **extra)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        status = error.code or 500
        locale = request_locale()
        detail = {
            404: lambda: translate("http.not_found", locale),
            405: lambda: translate("http.method_not_allowed", locale, method=request.method),
            413: lambda: translate("http.too_large", locale),
        }.get(status, lambda: error.description or "")()
        return problem_response(status, status_title(status, locale, error.name), detail, f"http_{status}")

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> Response:
        app.logger.exception("unexpected error on %s %s", request.method, request.path)
        locale = request_locale()
        return problem_response(
            500, status_title(500, locale), translate("http.internal_error", locale), "internal_error"
        )
