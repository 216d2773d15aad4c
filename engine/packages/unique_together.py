"""Meaning checks of a form's ``unique_together`` rules (domain layer, part of ``trellis validate``).

Each rule becomes a unique index over the form's own table, so every field it names must be a
top-level field with a plain column of its own: not a section, a sub-table, a multi-relation
(kept in a link table) or a JSON list, which no index can compare.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.errors import Problem
from engine.forms.spec import FieldSpec
from engine.forms.types import FIELD_TYPES
from engine.packages.messages import problem
from engine.registry import suggest

MIN_FIELDS = 2


def unique_together_problems(base: str, form: Mapping[str, Any]) -> list[Problem]:
    """Unknown, column-less, repeated or lone fields in each rule, and rules given twice."""
    problems: list[Problem] = []
    fields = {f["id"]: f for f in form["fields"]}
    seen: dict[frozenset[str], int] = {}
    for n, group in enumerate(form.get("unique_together", [])):
        pointer = f"{base}/unique_together/{n}"
        if len(group) < MIN_FIELDS:
            problems.append(problem(pointer, "form.unique_together_too_few", fields=", ".join(group)))
        listed: set[str] = set()
        for k, field_id in enumerate(group):
            where = f"{pointer}/{k}"
            if field_id in listed:
                problems.append(problem(where, "form.unique_together_repeated", field=field_id))
                continue
            listed.add(field_id)
            field = fields.get(field_id)
            if field is None:
                hint = suggest(field_id, fields)
                problems.append(problem(where, "ref.unknown", kind="field", id=field_id, hint=hint))
            elif not _has_plain_column(field):
                problems.append(problem(where, "form.unique_together_no_column", field=field_id, type=field["type"]))
        key = frozenset(group)
        if len(key) >= MIN_FIELDS and key in seen:
            first = f"{base}/unique_together/{seen[key]}"
            problems.append(problem(pointer, "form.unique_together_duplicate", first=first))
        seen.setdefault(key, n)
    return problems


def _has_plain_column(field: Mapping[str, Any]) -> bool:
    if field["type"] not in FIELD_TYPES:
        return True  # the unknown type is reported on the field itself
    spec = FieldSpec.from_definition(field)
    column = FIELD_TYPES.get(field["type"]).column(spec)
    return column is not None and column.kind != "json"
