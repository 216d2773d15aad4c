"""Definition problems: built by code with parameters, rendered from the one catalog (``engine.i18n``).

A Problem's ``message`` is the English sentence (logs, ``str``); ``localize`` renders it for a reader.
"""

from __future__ import annotations

from typing import Any

from engine.errors import Problem
from engine.expressions.phrases import Phrase, sentence
from engine.i18n import CATALOG, DEFAULT_LOCALE, LOCALES, LOG_LOCALE, normalize_locale, pick_locale

__all__ = ["DEFAULT_LOCALE", "LOCALES", "localize", "pick_locale", "problem", "render"]


def render(code: str, params: dict[str, Any], locale: str = LOG_LOCALE) -> str:
    if code.startswith("expression") and isinstance(params.get("reason"), Phrase):
        # the sandbox's sentence, kept as phrases (engine.packages.expression_checks)
        return sentence(params["reason"], params.get("hint"), params.get("line"), params.get("column"), locale)
    if code not in CATALOG and code.startswith("expression"):
        code = "expression"
    if code not in CATALOG:
        return str(params.get("message", code))
    if "kind" in params and f"kind.{params['kind']}" in CATALOG:
        params = {**params, "kind": CATALOG.render(f"kind.{params['kind']}", locale)}
    return CATALOG.render(code, locale, **params)


def problem(pointer: str, code: str, **params: Any) -> Problem:
    """Build a Problem whose message is the English sentence; ``localize`` renders other locales."""
    return Problem(pointer=pointer, code=code, message=render(code, params), params=params)


def localize(item: Problem, locale: str) -> Problem:
    locale = normalize_locale(locale)
    if locale == LOG_LOCALE or (item.code not in CATALOG and not item.code.startswith("expression")):
        return item
    return Problem(item.pointer, item.code, render(item.code, dict(item.params), locale), item.params)
