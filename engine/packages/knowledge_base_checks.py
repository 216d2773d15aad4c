"""Meaning checks of a form's ``knowledge_base``: its fields exist and hold text, and its
``published_when`` is a rule storage can enforce (each problem with its JSON pointer)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.errors import Problem
from engine.forms.row_rule_checks import one_rule_problems
from engine.forms.spec import FieldSpec
from engine.forms.types import FIELD_TYPES
from engine.packages.messages import problem
from engine.registry import suggest

TEXT_KINDS = ("string", "text")


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
        found.extend(one_rule_problems(document, form["id"], spec["published_when"], f"{here}/published_when"))
    return found


def _holds_text(field: Mapping[str, Any]) -> bool:
    kind = FIELD_TYPES.get(field["type"]) if field["type"] in FIELD_TYPES else None
    if kind is None:
        return False
    column = kind.column(FieldSpec.from_definition(field))
    return column is not None and column.kind in TEXT_KINDS
