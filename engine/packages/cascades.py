"""Meaning checks of cascading pickers (``filter_by``), part of ``trellis validate`` (packages layer).

``"room": {"type": "relation", "target": "room", "filter_by": {"building": "building"}}`` offers
and accepts only rooms whose ``building`` is this form's ``building``. Both sides must exist (the
left on the related form, the right beside the field: on the form, or in the same sub-table row)
and must name records of the same form, one each, so the two values can be compared as ids; and
no field may be narrowed, through others, by itself.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from engine.errors import Problem
from engine.forms.spec import FieldSpec
from engine.forms.types import FIELD_TYPES
from engine.packages.messages import problem
from engine.registry import suggest


def cascade_problems(base: str, form: Mapping[str, Any], forms: Mapping[str, Mapping[str, Any]]) -> list[Problem]:
    """Every bad ``filter_by`` of a form's fields and of its sub-tables' fields."""
    found: list[Problem] = []
    _level(f"{base}/fields", form["fields"], forms, found)
    for j, field in enumerate(form["fields"]):
        if field["type"] in FIELD_TYPES and FIELD_TYPES.get(field["type"]).holds_rows:
            _level(f"{base}/fields/{j}/fields", field.get("fields", []), forms, found)
    return found


def _single_target(field: Mapping[str, Any] | None) -> str | None:
    """The form whose one record the field names (None: not a single relation, or unknown type)."""
    if field is None or field["type"] not in FIELD_TYPES:
        return None
    return FIELD_TYPES.get(field["type"]).lookup_target(FieldSpec.from_definition(field))


def _narrowing(field: Mapping[str, Any]) -> Mapping[str, str]:
    if field["type"] not in FIELD_TYPES:
        return {}
    return FIELD_TYPES.get(field["type"]).narrowed_by(FieldSpec.from_definition(field))


def _level(base: str, fields: Sequence[Mapping[str, Any]], forms: Mapping[str, Any], found: list[Problem]) -> None:
    siblings = {f["id"]: f for f in fields}
    edges: dict[str, list[str]] = {}
    for j, field in enumerate(fields):
        pairs = _narrowing(field)
        target_form = forms.get(FIELD_TYPES.get(field["type"]).related_form(FieldSpec.from_definition(field)) or "")
        if not pairs or target_form is None:
            continue  # an unknown target is reported on the field's own `target`
        targets = {f["id"]: f for f in target_form["fields"]}
        for target_field, source in pairs.items():
            pointer = f"{base}/{j}/filter_by/{target_field}"
            if target_field not in targets:
                hint = suggest(target_field, targets)
                found.append(problem(pointer, "form.filter_by.unknown_target_field", field=target_field, hint=hint))
                continue
            if source == field["id"] or source not in siblings:
                hint = suggest(source, [s for s in siblings if s != field["id"]])
                found.append(problem(pointer, "form.filter_by.unknown_source_field", field=source, hint=hint))
                continue
            left, right = _single_target(targets[target_field]), _single_target(siblings[source])
            if left is None or left != right:
                found.append(problem(pointer, "form.filter_by.mismatch", target_field=target_field, source=source))
                continue
            edges.setdefault(field["id"], []).append(source)
    cycle = _cycle(edges)
    if cycle:
        where = next(j for j, f in enumerate(fields) if f["id"] == cycle[0])
        found.append(problem(f"{base}/{where}/filter_by", "form.filter_by.cycle", cycle=" → ".join(cycle)))


def _cycle(edges: Mapping[str, list[str]]) -> list[str]:
    """The first cycle of "narrowed by" links, as the fields along it (first repeated last); [] when none."""
    state: dict[str, str] = {}

    def visit(node: str, trail: list[str]) -> list[str]:
        if state.get(node) == "visiting":
            return [*trail[trail.index(node) :], node]
        if state.get(node) == "done":
            return []
        state[node] = "visiting"
        for nxt in edges.get(node, []):
            loop = visit(nxt, [*trail, node])
            if loop:
                return loop
        state[node] = "done"
        return []

    for start in edges:
        loop = visit(start, [])
        if loop:
            return loop
    return []
