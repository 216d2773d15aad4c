"""Who is calling: the one place a request's Principal is decided, and where people sign in.

Three ways in, tried in order: an API token (``Authorization: Bearer``, for integrations and
scripts), a signed-in session (browsers; every state-changing request must then carry the CSRF
token), or nobody (the app's public roles only). Services never look at the request; they
receive the Principal this module decides.
"""

from __future__ import annotations

from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import Blueprint, Flask, Response, current_app, g, redirect, render_template, request, session, url_for
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
ViewT = TypeVar("ViewT")
PREFIX = "page.auth."


def init_auth(app: Flask) -> None:
    app.config.setdefault("WTF_CSRF_CHECK_DEFAULT", False)  # checked below, only where a session acts
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)  # valid as long as the session
    csrf.init_app(app)
    app.before_request(_check_csrf)
    app.before_request(_check_write_scope)
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
        token = session.get("sid")
        try:
            return services().directory.principal_for(
                user_id,
                stamp=stamp if isinstance(stamp, str) else "",
                session_token=token if isinstance(token, str) else "",
            )
        except NotFoundError:
            session.clear()
    return PUBLIC


def start_session(user_id: str) -> None:
    """Sign this browser in as ``user_id``: a fresh cookie (no fixation) naming a session kept on the server."""
    directory = services().directory
    session.clear()
    session["uid"] = user_id
    session["pw"] = directory.credential_stamp(user_id)  # a password change ends every other browser's session
    session["sid"] = directory.begin_session(user_id)  # signing out ends this one, copies of the cookie too
    session.permanent = True


def _check_csrf() -> None:
    # a call that authenticated with a valid bearer token carries no cookie a third-party page could
    # ride on; any other Authorization header (or an invalid token) leaves the session to be checked
    if request.method in STATE_CHANGING and session.get("uid") and not _valid_token():
        csrf.protect()


def _valid_token() -> bool:
    if not request.headers.get("Authorization", "").startswith("Bearer "):
        return False
    try:
        return current_principal().scopes is not None
    except NotAuthenticatedError:
        return False


def reads_only(view: ViewT) -> ViewT:
    """Mark a POST endpoint that changes nothing (a preview, a conversion): read-scoped tokens may call it."""
    setattr(view, "reads_only", True)  # noqa: B010 - an attribute on the function is the mark
    return view


def _check_write_scope() -> None:
    """Every state-changing request made with an API token needs a write scope: the one gate for all routes.

    The app comes from the URL (``app_id``); a route without one (tasks, flow instances, notifications)
    needs some write scope here and the service checks the precise app once it knows it.
    """
    if request.method not in STATE_CHANGING or not request.headers.get("Authorization", "").startswith("Bearer "):
        return
    view = current_app.view_functions.get(request.endpoint or "")
    if view is None or getattr(view, "reads_only", False):
        return
    scopes = current_principal().scopes
    if scopes is None or "admin" in scopes:
        return
    app_id = (request.view_args or {}).get("app_id")
    if app_id is not None and f"app:{app_id}:write" in scopes:
        return
    if app_id is None and any(scope.endswith(":write") for scope in scopes):
        return
    if app_id is None:
        raise PermissionDeniedError.says("page.auth.token_read_only_any")
    raise PermissionDeniedError.says("page.auth.token_read_only", app_id=str(app_id)[:63])


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
    start_session(principal.id)
    return redirect(target)


@bp.post("/logout")
def logout() -> Any:
    token = session.get("sid")
    if isinstance(token, str):
        services().directory.end_session(token)
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


def require_app_role(app_id: str) -> Principal | None:
    """The caller on an app's staff pages (its home, lists, records, entry forms, dashboards): signed in
    (None: send them to sign in) and holding a role in that app, or an administrator; anyone else is
    refused (403) instead of being shown an empty page. The one check every such page makes."""
    principal = require_signed_in()
    if principal is None or principal.is_admin or principal.roles_in(app_id):
        return principal
    services().app_home.app(app_id)  # an app that does not exist is not found, for everyone
    raise PermissionDeniedError.says("page.auth.no_role_in_app", app=app_id[:64])


def login_redirect() -> Response:
    return redirect(url_for("auth.login_page", next=request.full_path.rstrip("?")))  # type: ignore[return-value]
