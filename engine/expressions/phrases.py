"""Sandbox sentences kept as catalog codes with parameters, rendered in the reader's language.

An error deep in an evaluation does not know who will read it: the builder checking a package in
Chinese, or whoever runs the server reading English logs. So the sandbox keeps each part of a
message - the reason, the hint, a kind of value inside either - as a :class:`Phrase` (a code of
``engine/i18n/catalog/expressions.py`` and its parameters) and renders it only when asked, in the
locale asked for. Quoted user text (a field name, a value) is a plain parameter and stays as written.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from engine.i18n import LOG_LOCALE, translate


@dataclass(frozen=True, slots=True, eq=False)
class Phrase:
    """A catalog code and its parameters; a parameter may itself be a Phrase (a kind of value).

    ``capitalized`` starts the rendered text with a capital, for a kind opening a sentence.
    """

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)
    capitalized: bool = False

    def render(self, locale: str | None = LOG_LOCALE) -> str:
        values = {name: _rendered(value, locale) for name, value in self.params.items()}
        text = translate(self.code, locale, **values)
        return text.capitalize() if self.capitalized else text

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Phrase):
            return NotImplemented
        return (self.code, dict(self.params), self.capitalized) == (other.code, dict(other.params), other.capitalized)

    def __str__(self) -> str:
        return self.render(LOG_LOCALE)


def _rendered(value: Any, locale: str | None) -> Any:
    return value.render(locale) if isinstance(value, Phrase) else value


def phrase(code: str, /, **params: Any) -> Phrase:
    """``phrase("expression.unknown_name", name="urgncy")``."""
    return Phrase(code, params)


def sentence(reason: Phrase, hint: Phrase | None, line: int | None, column: int | None, locale: str | None) -> str:
    """``"<reason> (line L, column C). <hint>"`` in ``locale``; the position only when known."""
    where = translate("expression.at", locale, line=line, column=column) if line is not None else ""
    if hint is None:
        return translate("expression.sentence", locale, reason=reason.render(locale), where=where)
    return translate(
        "expression.sentence_with_hint", locale, reason=reason.render(locale), where=where, hint=hint.render(locale)
    )
