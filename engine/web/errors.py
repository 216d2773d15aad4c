"""The one place that maps engine errors to HTTP: RFC 9457 problem+json documents, or for a
browser opening a page (not ``/api/``, asking for HTML before JSON) a page in its language.

Nothing a client sends may produce a 500 with a traceback; an unexpected failure is logged
with its traceback on the server and answered with a problem document that says to retry.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, json, render_template, request
from werkzeug.exceptions import HTTPException, TooManyRequests

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
    RateLimitedError,
    StorageError,
    SubmissionError,
)
from engine.i18n import CATALOG, other_locale, translate
from engine.packages.messages import localize
from engine.services.reports import ReportDefinitionError
from engine.storage.record_queries import QueryError
from engine.web.http import locale as request_locale
from engine.web.page_text import page_texts
from engine.web.pages import current_locale
from engine.web.rate_limits import refusal

STATUS: list[tuple[type[EngineError], int]] = [
    (ReportDefinitionError, 400),  # an unsaved definition sent for a preview: the request is what is wrong
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
    (RateLimitedError, 429),
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


#: statuses a browser is shown a page for; any other stays a problem document
PAGE_STATUSES = frozenset({403, 404, 405, 500})
JSON_TYPES = ("application/json", "application/problem+json")


def wants_page(status: int) -> bool:
    """A browser navigating to a page (it prefers HTML to JSON), never a call to ``/api/``."""
    if status not in PAGE_STATUSES or request.path == "/api" or request.path.startswith("/api/"):
        return False
    accept = request.accept_mimetypes
    return accept["text/html"] > max(accept[kind] for kind in JSON_TYPES)


def error_page(status: int) -> Response:
    """The page for ``status`` in the page's language, with the way home and, from a page of ours, back."""
    locale = current_locale()
    referrer = request.referrer or ""
    back = referrer if referrer.startswith(request.host_url) and referrer != request.url else None
    html = render_template(
        "error.html",
        t=page_texts("page.error.", locale),
        locale=locale,
        status=status,
        title=status_title(status, locale),
        message=translate(f"page.error.{status}", locale),
        switch_url=f"{request.path}?lang={other_locale(locale)}",
        back_url=back,
    )
    return Response(html, status=status, mimetype="text/html")


def _status_of(error: EngineError) -> int:
    for kind, status in STATUS:
        if isinstance(error, kind):
            return status
    return 400


#: statuses an engine error is answered with under their own title; any other reads "Error"
ENGINE_TITLED = frozenset({400, 401, 403, 404, 409, 422, 428, 429, 503})


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
        if wants_page(status):
            return error_page(status)
        locale = request_locale()
        extra: dict[str, Any] = {}
        if isinstance(error, DefinitionError):
            extra["errors"] = [localize(p, locale).as_dict() for p in error.problems]
        if isinstance(error, SubmissionError):
            extra["errors"] = error.field_errors
        if isinstance(error, ConflictError) and "current_version" in error.details:
            extra["current_version"] = error.details["current_version"]
        if isinstance(error, ConflictError) and "current_revision" in error.details:
            # a builder's stale draft: who saved since, and what changed (engine/services/builder.py)
            extra.update({k: error.details[k] for k in ("current_revision", "changed_by", "changes")})
        title = status_title(status if status in ENGINE_TITLED else 0, locale)
        response = problem_response(status, title, error.localized(locale), error.code, **extra)
        if isinstance(error, RateLimitedError):
            response.headers["Retry-After"] = str(error.retry_after)
        return response

    @app.errorhandler(TooManyRequests)
    def rate_limited(error: TooManyRequests) -> Response:
        # Flask-Limiter's refusals (and any other 429) take the engine's path: the limit's code, a sentence
        # in the caller's language, Retry-After
        return engine_error(refusal(error))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        status = error.code or 500
        if wants_page(status):
            response = error_page(status)
            if status == 405:  # the methods the address does take, as a 405 must say
                response.headers["Allow"] = error.get_response().headers.get("Allow", "")
            return response
        locale = request_locale()
        detail = {
            404: lambda: translate("http.not_found", locale),
            405: lambda: translate("http.method_not_allowed", locale, method=request.method),
            413: lambda: translate("http.too_large", locale),
            408: lambda: translate("http.body_too_slow", locale),  # engine.web.slow_bodies
            503: lambda: translate("http.busy", locale),
        }.get(status, lambda: error.description or "")()
        response = problem_response(status, status_title(status, locale, error.name), detail, f"http_{status}")
        retry_after = getattr(error, "retry_after", None)
        if retry_after is not None:
            response.headers["Retry-After"] = str(retry_after)
        return response

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> Response:
        app.logger.exception("unexpected error on %s %s", request.method, request.path)
        if wants_page(500):
            return error_page(500)
        locale = request_locale()
        return problem_response(
            500, status_title(500, locale), translate("http.internal_error", locale), "internal_error"
        )
