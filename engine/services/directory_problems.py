"""The directory's field problems as the API words them (services layer): the rules' codes made sentences.

``engine.people.rules`` says *which* rule a value breaks; these functions word it the way the
administration API and the command line have always answered (English field messages, as every
field message of the engine), and the refusals around them are said by catalog code.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.i18n import LOCALES
from engine.people import rules
from engine.people.rules import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, normalize_mobile
from engine.services.refusals import field_text


def scope_problem(scope: str) -> str | None:
    """Why ``scope`` is not a token scope, or None when it is one (the app's existence is checked later)."""
    return None if rules.scope_valid(scope) else field_text("directory.scope_invalid", scope=scope)


def field_problems(
    codes: Mapping[str, str], mobile: str | None, email: str | None, locale: str
) -> dict[str, list[str]]:
    """The rules' problem codes as the API's field messages."""
    params: dict[str, dict[str, Any]] = {
        "mobile": {"mobile": mobile},
        "email": {"email": email},
        "locale": {"locales": ", ".join(sorted(LOCALES)), "locale": locale},
    }
    return {key: [field_problem(code, **params.get(key, {}))] for key, code in codes.items()}


def field_problem(code: str, **params: Any) -> str:
    return field_text(f"directory.field.{code}", min=MIN_PASSWORD_LENGTH, max=MAX_PASSWORD_LENGTH, **params)


def detail(problems: Mapping[str, list[str]]) -> str:
    return "; ".join(f"{key}: {messages[0]}" for key, messages in problems.items())


def change_problems(changes: Mapping[str, Any]) -> dict[str, list[str]]:
    """Types and shapes of an edit, then the values; existence (roles, a taken mobile) is checked in the database."""
    shape = rules.change_shape_problems(changes)
    if shape:
        role = {"role": rules.bad_role(changes)} if shape.get("roles") == "role_shape" else {}
        return {key: [field_problem(code, **(role if key == "roles" else {}))] for key, code in shape.items()}
    mobile = normalize_mobile(changes["mobile"]) if changes.get("mobile") else None
    email = changes.get("email") or None
    locale = changes.get("locale", LOCALES[0])
    found = rules.user_problems(
        "placeholder",
        changes.get("password", "x" * MIN_PASSWORD_LENGTH),
        (changes.get("name") or "").strip(),
        mobile,
        email,
        locale,
    )
    return field_problems({key: code for key, code in found.items() if key in changes}, mobile, email, locale)
