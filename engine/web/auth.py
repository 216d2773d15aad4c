"""Who is calling: the one place a request's Principal is decided, and where people sign in.

Three ways in, tried in order: an API token (``Authorization: Bearer``, for integrations and
scripts), a signed-in session (browsers; every state-changing request must then carry the CSRF
token), or nobody (the app's public roles only). Services never look at the request; they
receive the Principal this module decides.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, Flask, Response, g, redirect, render_template, request, session, url_for
from flask_wtf.csrf import CSRFError, CSRFProtect

from engine.errors import EngineError, NotAuthenticatedError, NotFoundError, PermissionDeniedError
from engine.i18n import other_locale, translate
from engine.principal import PUBLIC, Principal
from engine.web.context import services
from engine.web.errors import problem_response
from engine.web.http import locale
from engine.web.page_text import page_texts
from engine.web.pages import current_locale

bp = Blueprint("auth", __name__)
csrf = CSRFProtect()
STATE_CHANGING = ("POST", "PUT", "PATCH", "DELETE")
PREFIX = "page.auth."


def init_auth(app: Flask) -> None:
    app.config.setdefault("WTF_CSRF_CHECK_DEFAULT", False)  # checked below, only where a session acts
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)  # valid as long as the session
    csrf.init_app(app)
    app.before_request(_check_csrf)
    app.register_error_handler(CSRFError, _csrf_refused)
    app.register_blueprint(bp)


def current_principal() -> Principal:
    if "principal" not in g:
        g.principal = _resolve()
    principal: Principal = g.principal
    return principal


def _resolve() -> Principal:
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        found = services().directory.principal_for_token(header[7:].strip())
        if found is None:
            raise NotAuthenticatedError.says("page.auth.token_invalid")
        return found
    user_id = session.get("uid")
    if isinstance(user_id, str):
        stamp = session.get("pw")
        try:
            return services().directory.principal_for(user_id, stamp=stamp if isinstance(stamp, str) else "")
        except NotFoundError:
            session.clear()
    return PUBLIC


def _check_csrf() -> None:
    # a token-authenticated call carries no cookie a third-party page could ride on
    if request.method in STATE_CHANGING and "Authorization" not in request.headers and session.get("uid"):
        csrf.protect()


def _csrf_refused(error: CSRFError) -> Response:
    message = translate("page.auth.csrf_failed", locale())
    return problem_response(403, "Forbidden", message, "csrf_failed")


def _safe_next(target: str | None) -> str:
    """Only same-site paths: a sign-in link must not bounce people to another site."""
    if not target:
        return url_for("pages.home")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("pages.home")
    return target


@bp.get("/login")
def login_page() -> str:
    locale = current_locale()
    return render_template(
        "login.html",
        t=page_texts(PREFIX, locale),
        locale=locale,
        other=other_locale(locale),
        error=None,
        next=_safe_next(request.args.get("next")),
        login="",
    )


@bp.post("/login")
def login() -> Any:
    csrf.protect()  # even before anyone is signed in: no forcing a victim into the attacker's account
    locale = current_locale()
    login_name = (request.form.get("login") or "")[:200]
    password = (request.form.get("password") or "")[:1000]
    target = _safe_next(request.form.get("next"))
    try:
        principal = services().directory.authenticate(login_name, password)
    except EngineError as exc:
        page = render_template(
            "login.html",
            t=page_texts(PREFIX, locale),
            locale=locale,
            other=other_locale(locale),
            error=exc.localized(locale),
            next=target,
            login=login_name,
        )
        return Response(page, status=401, mimetype="text/html")
    session.clear()  # a fresh session on every sign-in: no fixation
    session["uid"] = principal.id
    session["pw"] = services().directory.credential_stamp(principal.id)
    session.permanent = True
    return redirect(target)


@bp.post("/logout")
def logout() -> Any:
    session.clear()
    return redirect(url_for("auth.login_page"))


def require_admin() -> Principal:
    """The caller, who must be an administrator (installing apps, managing people)."""
    principal = current_principal()
    if principal.anonymous:
        raise NotAuthenticatedError.says("page.auth.sign_in_needed")
    if not principal.is_admin:
        raise PermissionDeniedError.says("page.auth.admin_only")
    return principal


def require_signed_in() -> Principal | None:
    """The caller when signed in; None when a browser should be sent to the sign-in page instead."""
    principal = current_principal()
    return None if principal.anonymous else principal


def login_redirect() -> Response:
    return redirect(url_for("auth.login_page", next=request.full_path.rstrip("?")))  # type: ignore[return-value]
