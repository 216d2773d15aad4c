"""Meaning checks of aggregates across records (``related_count('registration', 'event')``), part of
``trellis validate`` (domain layer).

Each aggregate becomes one SQL query over another form's table, so every id it names must be
right before a record is ever saved: the form exists, its field is a relation pointing at the
form of the anchor record, the summed or compared field is a number, and ``of=`` names a single
relation field of the form the expression belongs to. Aggregates are computed for a form's own
fields and rules only; anywhere else (a flow, a report, a sub-table row) they are refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.errors import Problem
from engine.expressions import Aggregate, Expression
from engine.forms.spec import FieldSpec
from engine.forms.types import FIELD_TYPES
from engine.packages.messages import problem
from engine.registry import suggest


def aggregate_problems(
    document: Mapping[str, Any], pointer: str, expression: Expression, form: Mapping[str, Any] | None
) -> list[Problem]:
    """What is wrong with the aggregates of ``expression`` at ``pointer``, which belongs to ``form``'s own
    fields and rules (None: somewhere aggregates are not computed)."""
    if form is None:
        return [problem(pointer, "form.aggregate_not_here", call=a.key) for a in expression.aggregates]
    forms = {f["id"]: f for f in document.get("forms", [])}
    found: list[Problem] = []
    for aggregate in expression.aggregates:
        reason = _reason(aggregate, forms, form)
        if reason is not None:
            code, params = reason
            found.append(problem(pointer, code, call=aggregate.key, **params))
    return found


def _reason(
    aggregate: Aggregate, forms: Mapping[str, Mapping[str, Any]], here: Mapping[str, Any]
) -> tuple[str, dict[str, Any]] | None:
    counted = forms.get(aggregate.form)
    if counted is None:
        return "form.aggregate_unknown_form", {"form": aggregate.form, "hint": suggest(aggregate.form, forms)}
    fields = _fields(counted)
    via = fields.get(aggregate.via)
    if via is None:
        return "form.aggregate_unknown_field", {
            "form": aggregate.form,
            "field": aggregate.via,
            "hint": suggest(aggregate.via, fields),
        }
    target = FIELD_TYPES.get(via.type).related_form(via)
    if target is None:
        return "form.aggregate_not_relation", {"form": aggregate.form, "field": aggregate.via}
    anchor = here["id"]
    if aggregate.of is not None:
        of = _fields(here).get(aggregate.of)
        anchor = None if of is None else FIELD_TYPES.get(of.type).lookup_target(of)
        if anchor is None:
            return "form.aggregate_of_not_relation", {"of": aggregate.of, "form": here["id"]}
    if target != anchor:
        return "form.aggregate_wrong_target", {
            "form": aggregate.form,
            "field": aggregate.via,
            "target": target,
            "anchor": anchor,
        }
    if aggregate.value is not None:
        value = fields.get(aggregate.value)
        if value is None:
            return "form.aggregate_unknown_field", {
                "form": aggregate.form,
                "field": aggregate.value,
                "hint": suggest(aggregate.value, fields),
            }
        if not FIELD_TYPES.get(value.type).numeric(value):
            return "form.aggregate_not_numeric", {
                "form": aggregate.form,
                "field": aggregate.value,
                "helper": aggregate.helper,
            }
    return None


def _fields(form: Mapping[str, Any]) -> dict[str, FieldSpec]:
    """The form's top-level fields of known types (an unknown type is reported on the field itself)."""
    return {f["id"]: FieldSpec.from_definition(f) for f in form["fields"] if f["type"] in FIELD_TYPES}
