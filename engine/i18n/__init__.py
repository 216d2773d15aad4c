"""Every sentence a person can read, by stable code, in Chinese and English: the one message catalog.

Messages live in ``engine/i18n/catalog/<area>.py`` modules, each a ``MESSAGES`` dict of
``code -> {"zh-CN": template, "en": template}`` with ``str.format`` placeholders. The modules
are merged into one ``CATALOG`` that refuses a code defined twice; a test fails when a code lacks
either language or the two templates disagree on their placeholders.

Codes are dotted and start with their area (``package.``, ``record.``, ``flow.``, ``directory.``,
``page.tasks.`` ...). Code raises errors and problems *by code with parameters*; the sentence is
rendered at the edge (a page, an API answer, the command line) in the reader's language. There is
one default locale, ``zh-CN``: the language of the people Trellis is built for. ``str(error)`` and
log lines are English, the language of the people who run the server.
"""

from __future__ import annotations

import importlib
import pkgutil
import string
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any

DEFAULT_LOCALE = "zh-CN"
LOCALES = ("zh-CN", "en")
#: the language of logs, ``str(error)`` and anything meant for whoever runs the server
LOG_LOCALE = "en"


class Catalog:
    """Code-keyed templates merged from catalog modules; a code may be defined only once."""

    def __init__(self) -> None:
        self._templates: dict[str, Mapping[str, str]] = {}
        self._origin: dict[str, str] = {}

    def add(self, messages: Mapping[str, Mapping[str, str]], origin: str) -> None:
        for code, templates in messages.items():
            if code in self._templates:
                raise ValueError(f"message code {code!r} is defined in {self._origin[code]} and again in {origin}")
            self._templates[code] = MappingProxyType(dict(templates))
            self._origin[code] = origin

    def __contains__(self, code: object) -> bool:
        return code in self._templates

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self._templates)

    def __len__(self) -> int:
        return len(self._templates)

    def templates(self, code: str) -> Mapping[str, str]:
        return self._templates[code]

    def origin(self, code: str) -> str:
        return self._origin[code]

    def render(self, code: str, locale: str | None = None, /, **params: Any) -> str:
        """The sentence for ``code`` in ``locale``; an unknown code or a bad parameter never raises."""
        templates = self._templates.get(code)
        if templates is None:
            return str(params.get("message", code))
        locale = normalize_locale(locale)
        template = templates.get(locale) or templates[DEFAULT_LOCALE]
        # a parameter that can say itself in a language (an error, a phrase) says itself in this one
        params = {
            key: value.localized(locale) if hasattr(value, "localized") else value for key, value in params.items()
        }
        try:
            return template.format(**params)
        except (KeyError, IndexError, ValueError, AttributeError):
            return template


def _load(package: str = "engine.i18n.catalog") -> Catalog:
    catalog = Catalog()
    module = importlib.import_module(package)
    for info in sorted(pkgutil.iter_modules(module.__path__), key=lambda item: item.name):
        found = importlib.import_module(f"{package}.{info.name}")
        catalog.add(found.MESSAGES, f"{package}.{info.name}")
    return catalog


CATALOG = _load()


def translate(code: str, locale: str | None = None, /, **params: Any) -> str:
    """Render ``code`` in ``locale`` (the default locale when None)."""
    return CATALOG.render(code, locale, **params)


def texts(code: str, **params: Any) -> dict[str, str]:
    """``code`` rendered in every locale: for values stored once and read in either language."""
    return {locale: CATALOG.render(code, locale, **params) for locale in LOCALES}


def normalize_locale(value: str | None) -> str:
    """A supported locale for an exact or near tag (``zh``, ``zh_CN``, ``en-US``); the default otherwise."""
    if not value:
        return DEFAULT_LOCALE
    tag = value.replace("_", "-").strip().lower()
    if tag.startswith("zh"):
        return "zh-CN"
    if tag.startswith("en"):
        return "en"
    return DEFAULT_LOCALE


def pick_locale(value: str | None) -> str:
    """Map an Accept-Language header, a LANG variable or a ?lang= value to a supported locale.

    The POSIX ``C`` locale is English by convention (a server's shell); nothing at all means the
    default locale.
    """
    if not value:
        return DEFAULT_LOCALE
    for part in value.replace("_", "-").split(","):
        tag = part.split(";")[0].split(".")[0].strip().lower()
        if tag.startswith("zh"):
            return "zh-CN"
        if tag.startswith("en") or tag in ("c", "posix"):
            return "en"
    return DEFAULT_LOCALE


def other_locale(locale: str) -> str:
    """The language a page's switch offers."""
    return "en" if normalize_locale(locale) == "zh-CN" else "zh-CN"


def placeholders(template: str) -> set[str]:
    return {name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(template) if name}


def catalog_problems(catalog: Catalog = CATALOG, locales: Iterable[str] = LOCALES) -> list[str]:
    """Codes missing a language, with an empty text, or whose languages disagree on placeholders."""
    problems = []
    for code in catalog:
        templates = catalog.templates(code)
        for locale in locales:
            if not templates.get(locale, "").strip():
                problems.append(f"{code}: no {locale} text ({catalog.origin(code)})")
        names = {locale: placeholders(templates.get(locale, "")) for locale in locales}
        if len({frozenset(found) for found in names.values()}) > 1:
            problems.append(f"{code}: placeholders differ between languages {names}")
    return problems
