"""The user rules (domain layer), written once for the directory, the bulk import and the admin pages.

Each check answers with a problem *code* (``"login_invalid"``, ``"password_short"`` ...) rather than
a sentence, because the three callers word the same rule differently (an API field message, a
spreadsheet row, a form hint); the wording lives in the message catalog.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from engine.i18n import LOCALES

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 1024  # scrypt of a megabyte "password" would be a cheap denial of service
MAX_NAME_LENGTH = 200
MAX_EMAIL_LENGTH = 254
MAX_LOGIN_LENGTH = 100
TOKEN_PREFIX = "trellis"

USER_ID = re.compile(r"^[a-z0-9_.-]{1,32}$")
LOGIN = re.compile(r"[a-z0-9][a-z0-9._@+-]{0,99}")
MOBILE = re.compile(r"\+?[0-9]{5,19}")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
TOKEN = re.compile(rf"{TOKEN_PREFIX}_([0-9a-f]{{16}})_[A-Za-z0-9_-]{{43}}")
APP_SCOPE = re.compile(r"app:([a-z][a-z0-9_]{0,62}):(read|write)")
ROLE_TEXT = re.compile(r"[a-z][a-z0-9_]{0,62}:[a-z0-9_]+")


def normalize_mobile(value: str) -> str:
    """A mobile number as stored: no spaces, dashes or brackets."""
    return re.sub(r"[\s\-()]", "", value.strip())


def looks_like_mobile(text: str) -> bool:
    return MOBILE.fullmatch(normalize_mobile(text)) is not None


def login_problem(login: str) -> str | None:
    """``login_invalid`` or ``login_mobile`` (sign-in would take it for a phone number), or None."""
    if not LOGIN.fullmatch(login):
        return "login_invalid"
    if looks_like_mobile(login):
        return "login_mobile"
    return None


def password_problem(password: str) -> str | None:
    """``password_short`` or ``password_long``, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return "password_short"
    if len(password) > MAX_PASSWORD_LENGTH:
        return "password_long"
    return None


def mobile_valid(mobile: str) -> bool:
    """For a number already normalized."""
    return MOBILE.fullmatch(mobile) is not None


def email_valid(email: str) -> bool:
    return len(email) <= MAX_EMAIL_LENGTH and EMAIL.fullmatch(email) is not None


def name_valid(name: str) -> bool:
    return len(name) <= MAX_NAME_LENGTH


def locale_valid(locale: str) -> bool:
    return locale in LOCALES


def scope_valid(scope: str) -> bool:
    """A token scope: ``admin``, ``app:APP_ID:read`` or ``app:APP_ID:write`` (the app's existence aside)."""
    return scope == "admin" or APP_SCOPE.fullmatch(scope) is not None


def scope_app(scope: str) -> str | None:
    """The app an ``app:APP_ID:...`` scope names."""
    match = APP_SCOPE.fullmatch(scope)
    return match.group(1) if match else None


def user_problems(
    login: str, password: str, name: str, mobile: str | None, email: str | None, locale: str
) -> dict[str, str]:
    """Field -> problem code for a new user (``mobile`` already normalized)."""
    problems: dict[str, str] = {}
    if found := login_problem(login):
        problems["login"] = found
    if found := password_problem(password):
        problems["password"] = found
    if not name_valid(name):
        problems["name"] = "name_long"
    if mobile is not None and not mobile_valid(mobile):
        problems["mobile"] = "mobile_invalid"
    if email and not email_valid(email):
        problems["email"] = "email_invalid"
    if not locale_valid(locale):
        problems["locale"] = "locale_invalid"
    return problems


def change_shape_problems(changes: Mapping[str, Any]) -> dict[str, str]:
    """Field -> problem code for the types and shapes of an edit (values are checked afterwards)."""
    problems: dict[str, str] = {}
    for key in ("name", "locale", "password"):
        if key in changes and not isinstance(changes[key], str):
            problems[key] = "not_text"
    for key in ("mobile", "email"):
        if key in changes and changes[key] is not None and not isinstance(changes[key], str):
            problems[key] = "not_text_or_null"
    for key in ("on_duty", "active"):
        if key in changes and not isinstance(changes[key], bool):
            problems[key] = "not_boolean"
    if "roles" in changes:
        roles = changes["roles"]
        if (
            not isinstance(roles, Mapping)
            or set(roles) - {"add", "remove"}
            or not all(isinstance(v, list) and all(isinstance(r, str) for r in v) for v in roles.values())
        ):
            problems["roles"] = "roles_shape"
        elif any(not ROLE_TEXT.fullmatch(r) for v in roles.values() for r in v):
            problems["roles"] = "role_shape"
    return problems


def bad_role(changes: Mapping[str, Any]) -> str:
    """The first role of an edit that is not APP:ROLE (after ``change_shape_problems`` said ``role_shape``)."""
    return str(next(r for v in changes["roles"].values() for r in v if not ROLE_TEXT.fullmatch(r)))


def role_pair(text: str) -> tuple[str, str]:
    app_id, _, role = text.partition(":")
    return app_id, role
