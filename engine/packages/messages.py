"""Definition problems: built by code with parameters, rendered from the one catalog (``engine.i18n``).

A Problem's ``message`` is the English sentence (logs, ``str``); ``localize`` renders it for a reader.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from engine.errors import DefinitionError, Problem
from engine.expressions.phrases import Phrase, sentence
from engine.i18n import CATALOG, DEFAULT_LOCALE, LOCALES, LOG_LOCALE, normalize_locale, pick_locale

__all__ = ["DEFAULT_LOCALE", "LOCALES", "localize", "localize_named", "pick_locale", "problem", "refusal", "render"]

RefusalT = TypeVar("RefusalT", bound=DefinitionError)


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
    # a parameter kept as a Phrase (a kind of column, a kind of value) speaks the reader's language too
    params = {name: value.render(locale) if isinstance(value, Phrase) else value for name, value in params.items()}
    return CATALOG.render(code, locale, **params)


def problem(pointer: str, code: str, **params: Any) -> Problem:
    """Build a Problem whose message is the English sentence; ``localize`` renders other locales."""
    return Problem(pointer=pointer, code=code, message=render(code, params), params=params)


def localize(item: Problem, locale: str) -> Problem:
    locale = normalize_locale(locale)
    if locale == LOG_LOCALE or (item.code not in CATALOG and not item.code.startswith("expression")):
        return item
    return Problem(item.pointer, item.code, render(item.code, dict(item.params), locale), item.params)


#: parameters that hold the id of a package's role or form, and the list of the package that names them
NAMED_PARAMS = {"role": "roles", "form": "forms"}


def localize_named(item: Problem, locale: str, document: Any) -> Problem:
    """``localize``, saying the roles and forms of ``document`` by their names: a business reader of
    a draft knows the names they gave, not the ids behind them. The params keep the ids."""
    params = dict(item.params)
    for key, listing in NAMED_PARAMS.items():
        name = _name_of(document, listing, params.get(key), normalize_locale(locale))
        if name:
            params[key] = name
    if params == item.params or item.code not in CATALOG:
        return localize(item, locale)
    return Problem(item.pointer, item.code, render(item.code, params, normalize_locale(locale)), item.params)


def _name_of(document: Any, listing: str, element_id: Any, locale: str) -> str | None:
    if not isinstance(document, Mapping) or not isinstance(element_id, str):
        return None
    elements = document.get(listing)
    listed = elements if isinstance(elements, list) else []
    found = next((x for x in listed if isinstance(x, Mapping) and x.get("id") == element_id), None)
    name = found.get("name") if found else None
    if isinstance(name, str):
        return name or None
    if isinstance(name, Mapping):
        texts = [name.get(locale), name.get(DEFAULT_LOCALE), name.get("en"), *name.values()]
        return next((t for t in texts if isinstance(t, str) and t), None)
    return None


def refusal(kind: type[RefusalT], message_code: str, problems: Sequence[Problem], /, **params: Any) -> RefusalT:
    """A ``kind`` of DefinitionError that says ``message_code`` in the reader's language and lists ``problems``."""
    error = kind.says(message_code, **params)
    error.problems = tuple(problems)
    return error
