"""Meaning checks of a form's ``knowledge_base``: its fields exist and hold text, and its
``published_when`` is a rule storage can enforce (each problem with its JSON pointer)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.errors import Problem
from engine.forms.row_rule_checks import one_rule_problems
from engine.forms.row_rule_parser import parse_row_rule
from engine.forms.row_rules import fields_of
from engine.forms.spec import FieldSpec
from engine.forms.types import FIELD_TYPES
from engine.packages.messages import problem
from engine.registry import suggest

TEXT_KINDS = ("string", "text")
SYSTEM_COLUMNS = ("id", "created_at", "updated_at", "created_by", "updated_by")


def knowledge_base_problems(document: Mapping[str, Any], base: str, form: Mapping[str, Any]) -> list[Problem]:
    spec = form.get("knowledge_base")
    if not isinstance(spec, Mapping):
        return []
    here = f"{base}/knowledge_base"
    fields = {field["id"]: field for field in form["fields"]}
    found: list[Problem] = []
    named = [("title_field", spec.get("title_field")), ("body_field", spec.get("body_field"))]
    named += [(f"search_fields/{k}", name) for k, name in enumerate(spec.get("search_fields", ()))]
    for key, name in named:
        if not isinstance(name, str):
            continue
        if name not in fields:
            hint = suggest(name, list(fields))
            found.append(problem(f"{here}/{key}", "ref.unknown", kind="field", id=name, hint=hint))
        elif not _holds_text(fields[name]):
            found.append(problem(f"{here}/{key}", "form.knowledge_base_not_text", id=name))
    if isinstance(spec.get("published_when"), str):
        found.extend(_published_problems(document, form, spec["published_when"], f"{here}/published_when"))
    return found


def _published_problems(
    document: Mapping[str, Any], form: Mapping[str, Any], source: str, pointer: str
) -> list[Problem]:
    """The rule's shape and values (as a permission's ``rows``), and the fields it names."""
    found = one_rule_problems(document, form["id"], source, pointer)
    if found:
        return found
    names = [field["id"] for field in form["fields"]]
    for name in sorted(fields_of(parse_row_rule(source))):
        first = name.split(".")[0]
        if first not in names and first not in SYSTEM_COLUMNS:
            found.append(problem(pointer, "ref.unknown", kind="field", id=first, hint=suggest(first, names)))
    return found


def _holds_text(field: Mapping[str, Any]) -> bool:
    kind = FIELD_TYPES.get(field["type"]) if field["type"] in FIELD_TYPES else None
    if kind is None:
        return False
    column = kind.column(FieldSpec.from_definition(field))
    return column is not None and column.kind in TEXT_KINDS
