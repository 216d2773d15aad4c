"""Sentences of the BPMN import and export by catalog code (flows domain): kept as code and parameters,
rendered at the edge in the reader's language.

A reason is often built from another (``the condition '...' cannot be translated ('execution' has
no Trellis equivalent)``), so a parameter may itself be a ``Text``: it is rendered in the language
of the sentence around it. Inside a Problem's template, where ``engine.packages.messages.localize``
formats the parameters as given, the field names that language as its format spec:
``{detail:en}`` in the English template, ``{detail:zh-CN}`` in the Chinese one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from engine.i18n import LOG_LOCALE, translate


@dataclass(frozen=True, slots=True)
class Text:
    """One catalog sentence with its parameters; ``str()`` is the English (log) text."""

    code: str
    params: Mapping[str, Any] = field(default_factory=dict, hash=False)

    def render(self, locale: str | None = LOG_LOCALE) -> str:
        params = {key: _In(value, locale) if isinstance(value, Text) else value for key, value in self.params.items()}
        return translate(self.code, locale, **params)

    def __str__(self) -> str:
        return self.render(LOG_LOCALE)

    def __format__(self, spec: str) -> str:
        return self.render(spec or LOG_LOCALE)


@dataclass(frozen=True, slots=True)
class _In:
    """A nested sentence bound to the language of the one around it (unless its field names another)."""

    text: Text
    locale: str | None

    def __format__(self, spec: str) -> str:
        return self.text.render(spec or self.locale)


def says(code: str, /, **params: Any) -> Text:
    return Text(code, params)
