"""Ids and labels between BPMN and Trellis: ``Activity_0abc123`` → ``activity_0abc123``, names → text."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

TRELLIS_ID = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def trellis_id(raw: str, taken: set[str], *, fallback: str = "node") -> str:
    """A Trellis id (lower-case, letters/digits/underscores, ≤ 63) for a BPMN id, unique in ``taken``."""
    ident = re.sub(r"[^a-z0-9_]+", "_", raw.strip().lower()).strip("_")
    ident = re.sub(r"_+", "_", ident)
    if not ident or not ident[0].isalpha():
        ident = f"{fallback}_{ident}".rstrip("_")
    ident = ident[:63]
    candidate, n = ident, 2
    while candidate in taken:
        suffix = f"_{n}"
        candidate, n = ident[: 63 - len(suffix)] + suffix, n + 1
    taken.add(candidate)
    return candidate


class XmlIds:
    """Unique XML ids for the writer: the Trellis id when free, else a suffixed one."""

    def __init__(self) -> None:
        self.taken: set[str] = set()

    def allocate(self, wanted: str) -> str:
        candidate, n = wanted, 2
        while candidate in self.taken:
            candidate, n = f"{wanted}_{n}", n + 1
        self.taken.add(candidate)
        return candidate


def display_text(value: Any, locale: str | None = None) -> str:
    """The one string a BPMN ``name`` attribute can hold: a plain text, or its ``locale``'s (the
    designer's canvas speaks its builder's language), else its first locale."""
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        preferred = value.get(locale) if locale else None
        if isinstance(preferred, str) and preferred:
            return preferred
        for text in value.values():
            if isinstance(text, str) and text:
                return text
    return ""


def labels_text(value: Any, label: str | None) -> bool:
    """Whether a modeler's ``label`` still shows ``value``: it is one of the text's languages."""
    texts = [value] if isinstance(value, str) else list(value.values()) if isinstance(value, Mapping) else []
    return (label or "").strip() in {text.strip() for text in texts if isinstance(text, str)}


def text_from_label(label: str, locale: str | None = None) -> dict[str, str] | None:
    """A Trellis text for a modeler's label: Chinese labels as zh-CN, others as en (or ``locale``)."""
    label = label.strip()
    if not label:
        return None
    return {locale or ("zh-CN" if CJK.search(label) else "en"): label}
