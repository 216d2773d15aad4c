"""The signed-in person's own account pages (web layer): changing one's password.

The current password is checked through ``DirectoryService.authenticate``, so wrong guesses count
towards the same lockout as the sign-in page; a changed password rotates the session (a fresh
cookie and CSRF token) while keeping the person signed in.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import Blueprint, Response, flash, get_flashed_messages, redirect, render_template, request, session, url_for

from engine.errors import EngineError, PermissionDeniedError, SubmissionError
from engine.forms.types.temporal import LOCAL_ZONE
from engine.i18n import other_locale
from engine.people.rules import MAX_PASSWORD_LENGTH, password_problem
from engine.web.auth import current_principal, login_redirect, start_session
from engine.web.context import services
from engine.web.page_text import page_texts
from engine.web.page_text import text as page_text
from engine.web.pages import current_locale

bp = Blueprint("account_pages", __name__, url_prefix="/account")
MAX_FIELD = MAX_PASSWORD_LENGTH + 1  # one more than allowed, so an overlong password is reported, not cut
PREFIX = "page.account."
TOO = {"password_short": "too_short", "password_long": "too_long"}  # the rule's problem -> this page's words


@bp.app_context_processor
def _account_links() -> dict[str, Any]:
    return {"account_links": account_links}


def account_links() -> list[dict[str, str]]:
    """The header links for the signed-in person: administration (admins only) and their password."""
    principal = current_principal()
    if principal.anonymous or principal.scopes is not None:
        return []
    t = page_texts(PREFIX, current_locale())
    links = [{"label": t["password"], "href": url_for("account_pages.password_page"), "id": "account-password"}]
    if principal.is_admin:
        links.insert(0, {"label": t["admin"], "href": url_for("admin_pages.index"), "id": "admin-link"})
    return links


def _page(status: int = 200, errors: dict[str, str] | None = None, banner: str | None = None) -> Response:
    locale = current_locale()
    html = render_template(
        "account_password.html",
        t=page_texts(PREFIX, locale),
        locale=locale,
        other=other_locale(locale),
        errors=errors or {},
        banner=banner,
        notices=get_flashed_messages(),
    )
    return Response(html, status=status, mimetype="text/html")


@bp.get("/password")
def password_page() -> Any:
    if current_principal().anonymous:
        return login_redirect()
    return _page()


@bp.post("/password")
def change_password() -> Any:
    principal = current_principal()
    if principal.anonymous:
        return login_redirect()
    t = page_texts(PREFIX, current_locale())
    current = request.form.get("current", "")[:MAX_FIELD]
    new = request.form.get("new", "")[:MAX_FIELD]
    confirm = request.form.get("confirm", "")[:MAX_FIELD]
    errors: dict[str, str] = {}
    if not current:
        errors["current"] = t["current_missing"]
    if problem := password_problem(new):
        errors["new"] = t[TOO[problem]]
    elif new == current:
        errors["new"] = t["same"]
    if "new" not in errors and confirm != new:
        errors["confirm"] = t["mismatch"]
    if errors:
        return _page(422, errors)
    directory = services().directory
    login = directory.get_user(principal.id)["login"]
    try:
        # the sign-in check itself: a wrong password counts towards the lockout exactly as at /login
        directory.authenticate(login, current)
    except PermissionDeniedError as exc:
        return _page(401, {"current": _refusal(exc, t)})
    try:
        directory.set_password(principal.id, new, actor=f"user:{principal.id}")
    except SubmissionError:
        return _page(422, {"new": t[TOO[password_problem(new) or "password_long"]]})
    except EngineError as exc:
        message = exc.localized(current_locale())
        return _page(409, banner=page_text(PREFIX + "failed", current_locale(), message=message))
    old = session.get("sid")
    if isinstance(old, str):
        directory.end_session(old)
    start_session(principal.id)  # a new session (and CSRF token) for the new password; this browser stays signed in
    flash(t["changed"])
    return redirect(url_for("account_pages.password_page"))


def _refusal(error: PermissionDeniedError, t: dict[str, str]) -> str:
    if error.code != "login_locked":
        return t["current_wrong"]
    try:
        until = datetime.fromisoformat(str(error.details["retry_at"])).astimezone(LOCAL_ZONE)
    except (KeyError, ValueError):
        until = datetime.now(LOCAL_ZONE) + timedelta(minutes=15)
    # rounded up to the minute, as the sign-in page does: "after 10:32" must not still be locked at 10:32:30
    shown = until.replace(second=0, microsecond=0) + timedelta(minutes=1 if until.second or until.microsecond else 0)
    return page_text(PREFIX + "locked", current_locale(), time=f"{shown:%Y-%m-%d %H:%M}")
