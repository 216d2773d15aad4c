"""Relation paths (forms domain): ``room.building.community`` walked over form definitions.

An expression reads a related record's fields through a relation field, to any depth. Three
callers share one reading of a path:

* validation (``walk``): every step must be a field of the form the step before leads to, each
  step but the last through a single relation; the first fault is named with its step;
* evaluation (``relate``): the related records a set of paths reaches are loaded level by level -
  one ``load`` per (target form, level) for all the records being evaluated, never one per path
  per row - and each relation value on a path becomes a ``RelatedId`` carrying its record;
* derived relations: a relation whose value is a path's end (``"derived_from": "room.building"``).

How records are loaded, and whose rows a person may read, is the caller's (storage and services).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from engine.expressions import RelatedId
from engine.expressions.guards import VALUE_ATTRIBUTES
from engine.forms.spec import FieldSpec, FormSpec
from engine.forms.types import FIELD_TYPES

#: the columns every record has, readable at any step of a path (none of them a relation)
SYSTEM_STEPS = frozenset({"id", "created_at", "updated_at", "created_by", "updated_by"})

Path = tuple[str, ...]
#: the fields of a form by its id (None: no such form - reported where the form is named)
FieldsOf = Callable[[str], Sequence[FieldSpec] | None]


class RelatedRecords(Protocol):
    """What evaluation needs from the world: form definitions and records, loaded many at a time."""

    def form(self, form_id: str) -> FormSpec | None: ...

    def load(self, form_id: str, ids: Collection[int], reads: Collection[str]) -> Mapping[int, Mapping[str, Any]]:
        """The records of ``form_id`` among ``ids`` the reader may see, by id: their values (the
        fields in ``reads`` at least, the system columns too). Missing ones are left out."""
        ...


@dataclass(frozen=True, slots=True)
class PathFault:
    """Why a path cannot be read: ``unknown_field``, ``unknown_row_field``, ``not_relation`` or ``multiple``."""

    code: str
    step: int  # index of the step that cannot be taken
    name: str  # that step's name
    through: str  # the field (or form, for an unknown field) the step was taken from


@dataclass(frozen=True, slots=True)
class PathEnd:
    """Where a readable path arrives: the form its last step's relation points at, if it is one."""

    target: str | None
    multiple: bool = False


def _find(fields: Iterable[FieldSpec], name: str) -> FieldSpec | None:
    return next((f for f in fields if f.id == name), None)


def walk(path: Path, fields: Sequence[FieldSpec], fields_of: FieldsOf) -> PathFault | PathEnd | None:
    """Follow ``path`` from ``fields`` (a form's fields, or a sub-table's); None: not rooted at a field.

    After a relation a step is a field (or system column) of its target form; after a plain field
    or a system column, only an attribute values offer (``created_at.year``), as the last step.
    ``*`` is each element of what the step before holds: a sub-table's rows (whose fields follow),
    a multi-relation's ids (which no step can read through), a plain value's items.
    """
    current = _find(fields, path[0])
    if current is None and path[0] not in SYSTEM_STEPS:
        return None  # a flow's ``user``/``instance``: not a field of the form, not a relation path
    through, index = path[0], 1
    while index < len(path):
        kind = None if current is None else FIELD_TYPES.get(current.type)
        target = None if current is None or kind is None else kind.related_form(current)
        name, index, rows = path[index], index + 1, current is not None and kind is not None and kind.holds_rows
        if name == "*" and index < len(path) and rows:
            assert current is not None
            name, index = path[index], index + 1
            current = _find(current.children, name)
            if current is None:
                return PathFault("unknown_row_field", index - 1, name, through)
        elif name == "*" and index < len(path):
            name, index = path[index], index + 1
            if target is not None:
                return PathFault("multiple", index - 1, name, through)
            if name in VALUE_ATTRIBUTES and index == len(path):
                return PathEnd(None)
            return PathFault("not_relation", index - 1, name, through)
        elif target is None:
            if name in VALUE_ATTRIBUTES and index == len(path):
                return PathEnd(None)
            return PathFault("not_relation", index - 1, name, through)
        else:
            assert current is not None and kind is not None
            if kind.lookup_target(current) is None:
                return PathFault("multiple", index - 1, name, through)
            target_fields = fields_of(target)
            if target_fields is None:
                return PathEnd(None)  # the unknown form is reported where the relation names it
            current = _find(target_fields, name)
            if current is None and name not in SYSTEM_STEPS:
                return PathFault("unknown_field", index - 1, name, target)
        through = name
    if current is None:
        return PathEnd(None)
    kind = FIELD_TYPES.get(current.type)
    target = kind.related_form(current)
    return PathEnd(target, multiple=target is not None and kind.lookup_target(current) is None)


# -- loading --------------------------------------------------------------------------------------


@dataclass
class _Node:
    """One relation on the paths (or a sub-table's rows, ``target`` None): the form it points at,
    what is read there, and the relations beyond."""

    target: str | None
    reads: set[str] = field(default_factory=set)
    next: dict[str, _Node] = field(default_factory=dict)


def plan(fields: Sequence[FieldSpec], paths: Iterable[Path], fields_of: FieldsOf) -> dict[str, _Node]:
    """The tree of relations ``paths`` read through, from ``fields``; steps past a plain field end a branch."""
    tree: dict[str, _Node] = {}
    for path in paths:
        level, nodes, index = fields, tree, 0
        while index < len(path) - 1:
            found = _find(level, path[index])
            if found is None:
                break
            kind = FIELD_TYPES.get(found.type)
            if kind.holds_rows and path[index + 1] == "*":
                node = nodes.setdefault(found.id, _Node(None))
                level, nodes, index = found.children, node.next, index + 2
                continue
            target = kind.lookup_target(found)
            if target is None:
                break
            node = nodes.setdefault(found.id, _Node(target))
            node.reads.add(path[index + 1])
            level, nodes, index = fields_of(target) or (), node.next, index + 1
    return tree


def _with_rows(level: list[tuple[MutableMapping[str, Any], dict[str, _Node]]]) -> list[tuple[Any, dict[str, _Node]]]:
    """The level and, for each sub-table on the paths, its rows (copied: the caller's values stay as they are)."""
    found: list[tuple[Any, dict[str, _Node]]] = []
    for context, nodes in level:
        found.append((context, nodes))
        for name, node in nodes.items():
            rows = context.get(name)
            if node.target is None and isinstance(rows, list):
                copies = [dict(row) if isinstance(row, Mapping) else row for row in rows]
                context[name] = copies
                found.extend((row, node.next) for row in copies if isinstance(row, dict))
    return found


def _id(value: Any) -> int | None:
    return int(value) if isinstance(value, int) and not isinstance(value, bool) else None


def relate(
    fields: Sequence[FieldSpec],
    contexts: Sequence[MutableMapping[str, Any]],
    paths: Iterable[Path],
    related: RelatedRecords | None,
) -> None:
    """Give each relation value on ``paths`` in ``contexts`` its record (a ``RelatedId``), in place.

    Level by level: all the ids one level holds for one target form are loaded with one ``load``.
    A record ``load`` leaves out (missing, deleted, not the reader's) reads as a record of ``None``;
    so does every record when there is nothing to load them from (``related`` None).
    """

    def fields_of(form_id: str) -> Sequence[FieldSpec] | None:
        spec = None if related is None else related.form(form_id)
        return None if spec is None else spec.fields

    tree = plan(fields, paths, fields_of)
    level: list[tuple[MutableMapping[str, Any], dict[str, _Node]]] = [(c, tree) for c in contexts] if tree else []
    while level:
        level = _with_rows(level)
        wanted: dict[str, set[int]] = {}
        reads: dict[str, set[str]] = {}
        for context, nodes in level:
            for name, node in nodes.items():
                found = _id(context.get(name))
                if found is not None and node.target is not None:
                    wanted.setdefault(node.target, set()).add(found)
                    reads.setdefault(node.target, set()).update(node.reads)
        loaded = {
            target: {} if related is None else related.load(target, sorted(ids), frozenset(reads[target]))
            for target, ids in wanted.items()
        }
        following: list[tuple[MutableMapping[str, Any], dict[str, _Node]]] = []
        for context, nodes in level:
            for name, node in nodes.items():
                found = _id(context.get(name))
                if found is None or node.target is None:
                    continue
                values = loaded[node.target].get(found)
                record = None if values is None else dict(values)
                context[name] = RelatedId(found, record)
                if record is not None and node.next:
                    following.append((record, node.next))
        level = following


def paths_of(expressions: Iterable[Any]) -> frozenset[Path]:
    """Every relation path the compiled expressions read (None entries skipped)."""
    found: set[Path] = set()
    for expression in expressions:
        if expression is not None:
            found |= expression.paths
    return frozenset(found)
