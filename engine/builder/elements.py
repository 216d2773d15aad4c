"""Where a package document keeps its elements, and how each is told apart (domain, pure).

An element is a dictionary in one of the package's lists, known by its key (usually ``id``; a
permission by its role and form, an option by its value). Changes and merges work element by
element, so moving a field or adding one elsewhere never reads as "everything changed".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Collection:
    key: str  # the list's key in its parent element
    area: str  # what one of its elements is called in a readable change
    identity: tuple[str, ...] = ("id",)
    children: tuple[Collection, ...] = ()

    def element_key(self, item: Any) -> str | None:
        """The element's identity as one text, or None for an item that has none (then kept whole)."""
        if not isinstance(item, Mapping):
            return None
        parts = [item.get(name) for name in self.identity]
        if any(not isinstance(p, str | int) or isinstance(p, bool) for p in parts):
            return None
        return "/".join(str(p) for p in parts)

    def keyed(self, items: Any) -> dict[str, tuple[int, Mapping[str, Any]]] | None:
        """Key -> (position, element); None when the list is not made of distinct keyed elements."""
        if not isinstance(items, list):
            return None
        found: dict[str, tuple[int, Mapping[str, Any]]] = {}
        for position, item in enumerate(items):
            key = self.element_key(item)
            if key is None or key in found:
                return None
            found[key] = (position, item)
        return found


OPTIONS = Collection("options", "option", ("value",))
FIELDS = Collection("fields", "field", children=(OPTIONS,))
SUBFIELDS = Collection("fields", "field", children=(OPTIONS, FIELDS))

#: the package's top-level lists, in the order a reader meets them
TOP = (
    Collection("roles", "role"),
    Collection("forms", "form", children=(SUBFIELDS,)),
    Collection("flows", "flow", children=(Collection("nodes", "node"), Collection("edges", "edge"))),
    Collection("permissions", "permission", ("role", "form")),
    Collection("views", "view"),
    Collection("navigation", "navigation", children=(Collection("items", "navigation"),)),
    Collection("reports", "report"),
    Collection("dashboards", "dashboard", children=(Collection("widgets", "widget"),)),
    Collection("automations", "automation"),
    Collection("connectors", "connector"),
)
TOP_KEYS = frozenset(c.key for c in TOP)


def display_name(item: Mapping[str, Any], locale: str, fallback: str) -> str:
    """The element's name (``name``, ``label`` or ``title``) in ``locale``, else its key."""
    for key in ("name", "label", "title", "group"):
        value = item.get(key)
        if isinstance(value, str) and value:
            return value
        if isinstance(value, Mapping) and value:
            text = value.get(locale) or next((v for v in value.values() if isinstance(v, str) and v), None)
            if isinstance(text, str) and text:
                return text
    return fallback
