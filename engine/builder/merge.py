"""Three-way merge of package documents, element by element (domain, pure).

``base`` is the version both sides started from, ``ours`` the company's (what the builder
published), ``theirs`` the newer bundled package. A change made on one side only is taken; the
same change on both sides is taken once; different changes to the same value, or a removal on
one side of what the other changed, are conflicts — the company's side is kept there and the
conflict listed, so nothing the company did is lost silently.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from engine.builder.elements import TOP, Collection, display_name
from engine.i18n import translate

MISSING: Any = object()


@dataclass(frozen=True, slots=True)
class Conflict:
    area: str
    path: str  # JSON pointer into the company's version ("ours")
    label: str
    reason: str  # catalog code: builder.conflict.*
    locale: str

    def as_dict(self) -> dict[str, str]:
        return {
            "area": self.area,
            "path": self.path,
            "label": self.label,
            "detail": translate(self.reason, self.locale),
        }


@dataclass(frozen=True, slots=True)
class MergeResult:
    document: dict[str, Any]
    conflicts: list[Conflict]


def merge(base: Mapping[str, Any], ours: Mapping[str, Any], theirs: Mapping[str, Any], locale: str) -> MergeResult:
    conflicts: list[Conflict] = []
    merger = _Merger(locale, conflicts, display_name(ours, locale, str(ours.get("id", ""))))
    document = merger.element(TOP, base, ours, theirs, "", (), "app")
    return MergeResult(document, conflicts)


@dataclass(slots=True)
class _Merger:
    locale: str
    conflicts: list[Conflict]
    app_label: str

    def element(
        self,
        children: tuple[Collection, ...],
        base: Any,
        ours: Mapping[str, Any],
        theirs: Mapping[str, Any],
        path: str,
        labels: tuple[str, ...],
        area: str,
    ) -> dict[str, Any]:
        base = base if isinstance(base, Mapping) else {}
        lists = {c.key: c for c in children}
        merged: dict[str, Any] = {}
        for key in [*ours, *(k for k in theirs if k not in ours)]:
            b, o, t = base.get(key, MISSING), ours.get(key, MISSING), theirs.get(key, MISSING)
            if key in lists and self._keyable(lists[key], b, o, t):
                value = self.collection(lists[key], b, o, t, f"{path}/{key}", labels)
            else:
                value = self.value(b, o, t, f"{path}/{key}", labels, area)
            if value is not MISSING:
                merged[key] = value
        return merged

    @staticmethod
    def _keyable(collection: Collection, *lists: Any) -> bool:
        return all(v is MISSING or collection.keyed(v) is not None for v in lists)

    def value(self, base: Any, ours: Any, theirs: Any, path: str, labels: tuple[str, ...], area: str) -> Any:
        if ours == theirs or theirs == base:
            return ours
        if ours == base:
            return theirs
        if isinstance(ours, Mapping) and isinstance(theirs, Mapping) and (base is MISSING or isinstance(base, Mapping)):
            return self.element((), base, ours, theirs, path, labels, area)
        self._conflict(area, path, labels, "builder.conflict.both_changed")
        return ours

    def collection(
        self, collection: Collection, base: Any, ours: Any, theirs: Any, path: str, labels: tuple[str, ...]
    ) -> Any:
        b = collection.keyed(base if base is not MISSING else []) or {}
        o = collection.keyed(ours if ours is not MISSING else []) or {}
        t = collection.keyed(theirs if theirs is not MISSING else []) or {}
        merged: dict[str, Any] = {}
        for key, (position, item) in o.items():
            here = f"{path}/{position}"
            inner = (*labels, display_name(item, self.locale, key))
            if key in t:
                if key not in b and item != t[key][1]:
                    self._conflict(collection.area, here, inner, "builder.conflict.both_added")
                    merged[key] = item
                else:
                    old = b[key][1] if key in b else MISSING
                    merged[key] = self.element(collection.children, old, item, t[key][1], here, inner, collection.area)
            elif key not in b:
                merged[key] = item  # the company added it
            elif item != b[key][1]:
                self._conflict(collection.area, here, inner, "builder.conflict.removed_changed")
                merged[key] = item  # the bundled version removed what the company changed: kept
        for key, (_, item) in t.items():
            if key in o:
                continue
            if key not in b:
                merged = _insert_after(merged, _predecessor(t, key, merged), key, item)  # new in the bundle
            elif item != b[key][1]:
                inner = (*labels, display_name(item, self.locale, key))
                self._conflict(collection.area, path, inner, "builder.conflict.removed_changed")
        if ours is MISSING and not merged:
            return MISSING
        return list(merged.values())

    def _conflict(self, area: str, path: str, labels: tuple[str, ...], reason: str) -> None:
        self.conflicts.append(Conflict(area, path, " › ".join(labels or (self.app_label,)), reason, self.locale))


def _predecessor(theirs: Mapping[str, tuple[int, Any]], key: str, merged: Mapping[str, Any]) -> str | None:
    order = list(theirs)
    for earlier in reversed(order[: order.index(key)]):
        if earlier in merged:
            return earlier
    return None


def _insert_after(merged: dict[str, Any], anchor: str | None, key: str, item: Any) -> dict[str, Any]:
    if anchor is None:
        return {key: item, **merged}
    result: dict[str, Any] = {}
    for k, v in merged.items():
        result[k] = v
        if k == anchor:
            result[key] = item
    return result
