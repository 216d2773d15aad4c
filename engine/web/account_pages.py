"""The signed-in person's own account pages (web layer): changing one's password.

The current password is checked through ``DirectoryStore.authenticate``, so wrong guesses count
towards the same lockout as the sign-in page; a changed password rotates the session (a fresh
cookie and CSRF token) while keeping the person signed in.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import Blueprint, Response, flash, get_flashed_messages, redirect, render_template, request, session, url_for

from engine.errors import EngineError, PermissionDeniedError, SubmissionError
from engine.forms.types.temporal import LOCAL_ZONE
from engine.packages.messages import LOCALES
from engine.people.rules import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
from engine.web.auth import current_principal, login_redirect
from engine.web.context import services
from engine.web.pages import current_locale

bp = Blueprint("account_pages", __name__, url_prefix="/account")
MAX_FIELD = MAX_PASSWORD_LENGTH + 1  # one more than allowed, so an overlong password is reported, not cut

TEXT = {
    "zh-CN": {
        "title": "修改密码",
        "current": "当前密码",
        "new": "新密码",
        "confirm": "再次输入新密码",
        "new_help": f"至少 {MIN_PASSWORD_LENGTH} 个字符",
        "submit": "修改密码",
        "home": "返回首页",
        "switch": "English",
        "current_missing": "请输入当前密码",
        "current_wrong": "当前密码不正确",
        "locked": "输错次数过多,请在 {time} 之后再试",
        "too_short": f"新密码至少需要 {MIN_PASSWORD_LENGTH} 个字符",
        "too_long": f"新密码最多 {MAX_PASSWORD_LENGTH} 个字符",
        "mismatch": "两次输入的新密码不一致",
        "same": "新密码不能与当前密码相同",
        "changed": "密码已修改。下次登录请使用新密码。",
        "failed": "密码没有修改:{message}",
        "admin": "用户管理",
        "password": "修改密码",
    },
    "en": {
        "title": "Change password",
        "current": "Current password",
        "new": "New password",
        "confirm": "New password again",
        "new_help": f"At least {MIN_PASSWORD_LENGTH} characters",
        "submit": "Change password",
        "home": "Back to the home page",
        "switch": "中文",
        "current_missing": "Enter your current password",
        "current_wrong": "The current password is not right",
        "locked": "Too many wrong attempts; try again after {time}",
        "too_short": f"The new password needs at least {MIN_PASSWORD_LENGTH} characters",
        "too_long": f"The new password may have at most {MAX_PASSWORD_LENGTH} characters",
        "mismatch": "The two new passwords are not the same",
        "same": "The new password must differ from the current one",
        "changed": "Your password has been changed. Use the new one next time you sign in.",
        "failed": "The password was not changed: {message}",
        "admin": "Administration",
        "password": "Change password",
    },
}


def remember_locale(response: Response) -> Response:
    """Keep a language chosen with ``?lang=`` for the next pages (``current_locale`` reads the cookie)."""
    chosen = request.args.get("lang")
    if chosen in LOCALES and request.cookies.get("lang") != chosen:
        response.set_cookie("lang", chosen, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    return response


bp.after_request(remember_locale)


@bp.app_context_processor
def _account_links() -> dict[str, Any]:
    return {"account_links": account_links}


def account_links() -> list[dict[str, str]]:
    """The header links for the signed-in person: administration (admins only) and their password."""
    principal = current_principal()
    if principal.anonymous or principal.scopes is not None:
        return []
    t = TEXT[current_locale()]
    links = [{"label": t["password"], "href": url_for("account_pages.password_page"), "id": "account-password"}]
    if principal.is_admin:
        links.insert(0, {"label": t["admin"], "href": url_for("admin_pages.index"), "id": "admin-link"})
    return links


def _page(status: int = 200, errors: dict[str, str] | None = None, banner: str | None = None) -> Response:
    locale = current_locale()
    html = render_template(
        "account_password.html",
        t=TEXT[locale],
        locale=locale,
        other="en" if locale == "zh-CN" else "zh-CN",
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
    t = TEXT[current_locale()]
    current = request.form.get("current", "")[:MAX_FIELD]
    new = request.form.get("new", "")[:MAX_FIELD]
    confirm = request.form.get("confirm", "")[:MAX_FIELD]
    errors: dict[str, str] = {}
    if not current:
        errors["current"] = t["current_missing"]
    if len(new) < MIN_PASSWORD_LENGTH:
        errors["new"] = t["too_short"]
    elif len(new) > MAX_PASSWORD_LENGTH:
        errors["new"] = t["too_long"]
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
        return _page(422, {"new": t["too_short"] if len(new) < MIN_PASSWORD_LENGTH else t["too_long"]})
    except EngineError as exc:
        return _page(409, banner=t["failed"].format(message=exc.message))
    session.clear()  # a new session (and CSRF token) for the new password; this browser stays signed in
    session["uid"] = principal.id
    session["pw"] = directory.credential_stamp(principal.id)  # every other browser's session has ended
    session.permanent = True
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
    return t["locked"].format(time=f"{shown:%Y-%m-%d %H:%M}")
