"""What every administration page shares (web layer): the blueprint, the administrators-only gate, drawing.

Every route passes ``_only_administrators`` first: a stranger is sent to sign in, a signed-in
non-administrator gets a 403 page. Refusals are drawn in the reader's language; nothing a browser
sends may end in a 500.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, get_flashed_messages, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import RequestEntityTooLarge

from engine.errors import EngineError, NotAuthenticatedError, NotFoundError, PermissionDeniedError
from engine.i18n import other_locale
from engine.web.auth import current_principal, login_redirect
from engine.web.context import services
from engine.web.page_text import page_texts
from engine.web.page_text import text as page_text
from engine.web.pages import current_locale

bp = Blueprint("admin_pages", __name__, url_prefix="/admin")
MAX_TEXT = 300  # longer than any field may be, so an overlong value is reported rather than cut silently
PREFIX = "page.admin."


@bp.before_request
def _only_administrators() -> Response | None:
    principal = current_principal()
    if principal.anonymous:
        return login_redirect()
    if not principal.is_admin:
        return page("admin/forbidden.html", 403)
    return None


@bp.errorhandler(CSRFError)
def _expired(error: CSRFError) -> Response:
    return page("admin/forbidden.html", 403, message=text("csrf"))


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(error: RequestEntityTooLarge) -> Response:
    return page("admin/forbidden.html", 413, message=text("too_large"))


@bp.errorhandler(EngineError)
def _engine_error(error: EngineError) -> Response:
    message = error.localized(current_locale())
    if isinstance(error, NotAuthenticatedError):
        return page("admin/forbidden.html", 401, message=message)
    status = 404 if isinstance(error, NotFoundError) else 403 if isinstance(error, PermissionDeniedError) else 400
    return page("admin/forbidden.html", status, message=message)


def text(key: str, **params: Any) -> str:
    """The administration pages' sentence ``key`` in the reader's language."""
    return page_text(PREFIX + key, current_locale(), **params)


def page(template: str, status: int = 200, **context: Any) -> Response:
    locale = current_locale()
    principal = current_principal()
    html = render_template(
        template,
        t=page_texts(PREFIX, locale),
        locale=locale,
        other=other_locale(locale),
        me=principal.name or principal.id,
        notices=get_flashed_messages(),
        public_url_warning=_public_url_warning() if principal.is_admin else None,
        **context,
    )
    return Response(html, status=status, mimetype="text/html")


def _public_url_warning() -> str | None:
    """What to fix while QR codes and tracking links would point where owners' phones cannot go."""
    settings = services().settings
    if not settings.public_url_is_local:
        return None
    if settings.public_url is None:
        return text("public_url_unset")
    return text("public_url_local", url=settings.public_url)


def actor() -> str:
    return f"user:{current_principal().id}"


def refusal(error: EngineError) -> str:
    """An engine refusal as a sentence of the page's language."""
    return error.localized(current_locale())
