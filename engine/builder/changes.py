"""A readable list of what changed between two package documents, element by element (domain, pure).

Each change names one element (a form, a field, an option, a flow node, a role, a permission …)
by the names its reader knows ("订单 › 类型", a form then its field), points at it in the newer document (a removed
element: at the list it left), and says what changed in a sentence from the one catalog. Fields
that only shift because another was added or removed are not "moved"; only a real reorder is.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

from engine.builder.elements import TOP, TOP_KEYS, Collection, display_name
from engine.i18n import CATALOG, translate


@dataclass(frozen=True, slots=True)
class Change:
    kind: str  # added | removed | changed
    area: str  # form, field, option, flow, node, edge, role, permission, view, navigation, report, ...
    path: str  # JSON pointer into the newer document
    label: str  # the element's names from the outside in, in the reader's language
    detail: str  # one sentence in the reader's language

    def as_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "area": self.area, "path": self.path, "label": self.label, "detail": self.detail}


def changes(older: Mapping[str, Any], newer: Mapping[str, Any], locale: str) -> list[Change]:
    """What a reader of ``locale`` needs to know to go from ``older`` to ``newer``."""
    found: list[Change] = []
    app_label = display_name(newer, locale, str(newer.get("id", "")))
    for key in sorted((set(older) | set(newer)) - TOP_KEYS, key=_app_order):
        if older.get(key) != newer.get(key):
            found.append(Change("changed", "app", f"/{key}", app_label, _changed(older, newer, [key], locale)))
    for collection in TOP:
        _diff_list(
            collection,
            older.get(collection.key),
            newer.get(collection.key),
            "",
            (),
            _Names(newer, older, locale),
            found,
        )
    return found


def _app_order(key: str) -> tuple[int, str]:
    order = ("name", "description", "version", "format", "default_locale", "time_zone", "i18n")
    return (order.index(key) if key in order else len(order), key)


@dataclass(frozen=True, slots=True)
class _Names:
    newer: Mapping[str, Any]
    older: Mapping[str, Any]
    locale: str

    def of(self, collection: Collection, key: str, item: Mapping[str, Any]) -> str:
        if collection.area == "permission":
            role, form = item.get("role"), item.get("form")
            return f"{self._lookup('roles', role)} › {self._lookup('forms', form)}"
        return display_name(item, self.locale, key)

    def _lookup(self, where: str, element_id: Any) -> str:
        for document in (self.newer, self.older):
            for item in document.get(where) or ():
                if isinstance(item, Mapping) and item.get("id") == element_id:
                    return display_name(item, self.locale, str(element_id))
        return str(element_id)


def _diff_list(
    collection: Collection,
    before: Any,
    after: Any,
    parent: str,
    labels: tuple[str, ...],
    names: _Names,
    found: list[Change],
) -> bool:
    """Append the changes of one list; False when it is not a list of keyed elements (said as a property)."""
    old = collection.keyed(before if before is not None else [])
    new = collection.keyed(after if after is not None else [])
    if old is None or new is None:
        return False
    where = f"{parent}/{collection.key}"
    area = translate(f"builder.area.{collection.area}", names.locale)
    common = [k for k in new if k in old]
    moved = _moved([k for k in old if k in new], common)
    for key, (position, item) in new.items():
        path = f"{where}/{position}"
        label = " › ".join((*labels, names.of(collection, key, item)))
        if key not in old:
            found.append(
                Change(
                    "added", collection.area, path, label, translate("builder.change.added", names.locale, area=area)
                )
            )
            continue
        _diff_element(
            collection, old[key][1], item, path, (*labels, names.of(collection, key, item)), key in moved, names, found
        )
    for key, (_, item) in old.items():
        if key not in new:
            label = " › ".join((*labels, names.of(collection, key, item)))
            found.append(
                Change(
                    "removed",
                    collection.area,
                    where,
                    label,
                    translate("builder.change.removed", names.locale, area=area),
                )
            )
    return True


def _moved(old_order: list[str], new_order: list[str]) -> set[str]:
    kept: set[str] = set()
    for block in SequenceMatcher(a=old_order, b=new_order, autojunk=False).get_matching_blocks():
        kept.update(old_order[block.a : block.a + block.size])
    return set(old_order) - kept


def _diff_element(
    collection: Collection,
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    path: str,
    labels: tuple[str, ...],
    moved: bool,
    names: _Names,
    found: list[Change],
) -> None:
    if before == after and not moved:
        return
    inner: list[Change] = []
    listed = set()
    for child in collection.children:
        if _diff_list(child, before.get(child.key), after.get(child.key), path, labels, names, inner):
            listed.add(child.key)
    keys = [k for k in sorted(set(before) | set(after), key=_property_order) if k not in listed]
    differing = [k for k in keys if before.get(k) != after.get(k)]
    parts = []
    if differing:
        parts.append(_changed(before, after, differing, names.locale))
    if moved:
        parts.append(translate("builder.change.moved", names.locale))
    if parts:
        detail = translate("builder.change.separator", names.locale).join(parts)
        found.append(Change("changed", collection.area, path, " › ".join(labels), detail))
    found.extend(inner)


def _property_order(key: str) -> tuple[int, str]:
    order = ("id", "type", "label", "name")
    return (order.index(key) if key in order else len(order), key)


def _changed(before: Mapping[str, Any], after: Mapping[str, Any], keys: Sequence[str], locale: str) -> str:
    said = []
    for key in keys:
        name = translate(f"builder.property.{key}", locale) if f"builder.property.{key}" in CATALOG else key
        old, new = before.get(key), after.get(key)
        if _short(old) and _short(new):
            said.append(
                translate(
                    "builder.change.value", locale, what=name, before=_said(old, locale), after=_said(new, locale)
                )
            )
        else:
            said.append(name)
    return translate("builder.change.changed", locale, what=translate("builder.change.list", locale).join(said))


def _short(value: Any) -> bool:
    return value is None or isinstance(value, bool | int | float) or (isinstance(value, str) and len(value) <= 60)


def _said(value: Any, locale: str) -> str:
    if value is None:
        return translate("builder.change.none", locale)
    if isinstance(value, bool):
        return translate("builder.change.yes" if value else "builder.change.no", locale)
    return value if isinstance(value, str) else json.dumps(value)
