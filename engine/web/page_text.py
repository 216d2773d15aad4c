"""The words of a server-drawn page (web layer): every catalog code under a prefix, for its template."""

from __future__ import annotations

from functools import cache
from typing import Any

from engine.i18n import CATALOG, other_locale, translate
from engine.people.rules import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH


@cache
def _codes(prefix: str) -> tuple[str, ...]:
    return tuple(code for code in CATALOG if code.startswith(prefix))


def page_texts(prefix: str, locale: str) -> dict[str, str]:
    """``{"title": ..., "save": ...}`` for the codes ``<prefix>title``, ``<prefix>save`` ... in ``locale``,
    and ``switch``: the other language's name, for the page's language link.

    The password limits are filled in wherever a text names them; a text with other placeholders
    stays a template (``{percent}``) for the page's script or for ``text(..., **params)``.
    """
    limits = {"min": MIN_PASSWORD_LENGTH, "max": MAX_PASSWORD_LENGTH}
    found = {code[len(prefix) :]: translate(code, locale, **limits) for code in _codes(prefix)}
    found["switch"] = translate("page.language", other_locale(locale))  # the other language, named in itself
    return found


def text(code: str, locale: str, **params: Any) -> str:
    """One sentence of a page, with the password limits available to it."""
    return translate(code, locale, **{"min": MIN_PASSWORD_LENGTH, "max": MAX_PASSWORD_LENGTH, **params})
