"""Row rules against the forms they read (domain core): every field and relation path a ``rows`` rule
names must exist, end in a field with one stored value, and hold the kind of value it is compared
with; what passes is typed (``typed_rule``), so storage and ``matches`` compare like with like.

A path (``room.building.community``) goes through single relation fields of the form, to any
depth; each hop names the form it reaches (``resolve_path``), which storage turns into nested
``IN (SELECT id ...)`` subqueries. Problems carry the JSON pointer ``/permissions/<i>/rows`` and
catalog codes (``permission.rows_*``, with the reason as a ``field.rows.<why>`` phrase).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, time
from decimal import Decimal
from typing import Any, cast

from engine.errors import Problem
from engine.expressions.phrases import Phrase
from engine.forms.row_rule_parser import parse_row_rule
from engine.forms.row_rules import (
    TODAY,
    And,
    Atom,
    Clock,
    Cmp,
    Eq,
    In,
    IsTrue,
    Not,
    Or,
    RowRule,
    RowRuleError,
    Scalar,
    UserAttr,
)
from engine.forms.spec import FieldSpec
from engine.forms.types import FIELD_TYPES
from engine.forms.types.base import Column
from engine.forms.types.temporal import parse_datetime
from engine.i18n import LOG_LOCALE

SYSTEM_COLUMNS: Mapping[str, Column] = {
    "id": Column("integer"),
    "created_by": Column("string", length=64),
    "updated_by": Column("string", length=64),
    "created_at": Column("datetime"),
    "updated_at": Column("datetime"),
}
SCALAR_KINDS = frozenset({"string", "text", "decimal", "integer", "boolean", "date", "datetime", "time", "reference"})
ORDERED_KINDS = frozenset({"string", "text", "decimal", "integer", "date", "datetime", "time"})
TEXT_KINDS = frozenset({"string", "text"})
ROWS_UNSUPPORTED = "permission.rows_unsupported"
ROWS_FIELD = "permission.rows_field"
ROWS_PATH = "permission.rows_path"
ROWS_VALUE = "permission.rows_value"
Forms = Mapping[str, Mapping[str, Any]]  # form id -> its definition, as written in the package


@dataclass(frozen=True, slots=True)
class Hop:
    """One step of a path: ``field`` of ``form`` (every hop but the last is a single relation)."""

    form: str
    field: str


class PathError(ValueError):
    """A path that goes nowhere; ``why`` is its ``field.rows.<why>`` phrase."""

    def __init__(self, why: Phrase, first: bool):
        super().__init__(why.render(LOG_LOCALE))
        self.why = why
        self.first = first  # the form's own field is unknown: the expression checks report that


def forms_of(document: Mapping[str, Any]) -> Forms:
    return {form["id"]: form for form in document.get("forms", ()) if isinstance(form, Mapping) and "id" in form}


def resolve_path(forms: Forms, form_id: str, path: str) -> tuple[Hop, ...]:
    """The hops of ``path`` (a field id, or ids joined by dots) starting at ``form_id``; raises ``PathError``."""
    hops: list[Hop] = []
    names = path.split(".")
    for position, name in enumerate(names):
        if position:
            column = column_of(forms, hops[-1])
            target = column.target if column is not None and column.kind == "reference" else None
            if target is None or target not in forms:
                raise PathError(_not_relation(forms, hops[-1]), first=False)
            form_id = target
        if column_of(forms, Hop(form_id, name)) is None and _field(forms, Hop(form_id, name)) is None:
            raise PathError(Phrase("field.rows.unknown_field", {"form": form_id, "field": name}), first=not position)
        hops.append(Hop(form_id, name))
    return tuple(hops)


def column_of(forms: Forms, hop: Hop) -> Column | None:
    """The column holding ``hop``'s field in its form's table (None: stored elsewhere, or not a field)."""
    if hop.field in SYSTEM_COLUMNS:
        return SYSTEM_COLUMNS[hop.field]
    data = _field(forms, hop)
    return None if data is None else FIELD_TYPES.get(data["type"]).column(FieldSpec.from_definition(data))


def _field(forms: Forms, hop: Hop) -> Mapping[str, Any] | None:
    for data in forms.get(hop.form, {}).get("fields", ()):
        if isinstance(data, Mapping) and data.get("id") == hop.field and data.get("type") in FIELD_TYPES:
            return data
    return None


def _not_relation(forms: Forms, hop: Hop) -> Phrase:
    data = _field(forms, hop)
    several = data is not None and FIELD_TYPES.get(data["type"]).link_target(FieldSpec.from_definition(data))
    return Phrase("field.rows.multi_relation" if several else "field.rows.not_relation", {"field": hop.field})


# --- checking a package: every rows rule must be one the storage layer can enforce -------------


def row_rule_problems(document: Mapping[str, Any]) -> list[Problem]:
    """Every ``rows`` rule outside the allowed shapes, or naming a field it cannot test, located.

    Malformed text and unknown names of the form's own fields are left to the expression checks
    (which report them already), so ``trellis validate`` says each thing once.
    """
    forms = forms_of(document)
    found: list[Problem] = []
    for i, grant in enumerate(document.get("permissions", ())):
        source = grant.get("rows") if isinstance(grant, Mapping) else None
        if not isinstance(source, str):
            continue
        pointer = f"/permissions/{i}/rows"
        try:
            rule = parse_row_rule(source)
        except RowRuleError as error:
            if not error.malformed:
                found.append(
                    problem(pointer, ROWS_UNSUPPORTED, detail=error.phrase, shapes=Phrase("field.rows.shapes"))
                )
            continue
        if grant.get("form") in forms:
            found.extend(_Typing(forms, grant["form"], pointer).rule(rule)[1])
    return found


def one_rule_problems(document: Mapping[str, Any], form_id: str, source: str, pointer: str) -> list[Problem]:
    """The problems of one rule written elsewhere than ``permissions`` (a knowledge base's
    ``published_when``): its shape, its fields and its values, located at ``pointer``."""
    try:
        rule = parse_row_rule(source)
    except RowRuleError as error:
        return [problem(pointer, ROWS_UNSUPPORTED, detail=error.phrase, shapes=Phrase("field.rows.shapes"))]
    forms = forms_of(document)
    return _Typing(forms, form_id, pointer).rule(rule)[1] if form_id in forms else []


def typed_rule(document: Mapping[str, Any], form_id: str, source: str) -> RowRule:
    """The rule of a checked package with its literals as the fields hold them (``Decimal``, ``date`` ...)."""
    return _Typing(forms_of(document), form_id, "").rule(parse_row_rule(source))[0]


def problem(pointer: str, code: str, **params: Any) -> Problem:
    """A problem whose parts are catalog phrases, so it reads in the reader's language too."""
    return Problem(pointer=pointer, code=code, message=Phrase(code, params).render(LOG_LOCALE), params=params)


class _Typing:
    def __init__(self, forms: Forms, form_id: str, pointer: str):
        self.forms, self.form_id, self.pointer = forms, form_id, pointer

    def rule(self, rule: RowRule) -> tuple[RowRule, list[Problem]]:
        if isinstance(rule, Not):
            operand, found = self.rule(rule.operand)
            return Not(operand), found
        if isinstance(rule, And | Or):
            parts = [self.rule(operand) for operand in rule.operands]
            operands = tuple(part for part, _ in parts)
            return (And(operands) if isinstance(rule, And) else Or(operands)), [p for _, ps in parts for p in ps]
        if isinstance(rule, Eq | Cmp | In | IsTrue):
            return self.atom(rule)
        return rule, []

    def atom(self, atom: Atom) -> tuple[Atom, list[Problem]]:
        try:
            hops = resolve_path(self.forms, self.form_id, atom.field)
        except PathError as error:
            if error.first:
                return atom, []  # an unknown name: the expression checks report it
            return atom, [problem(self.pointer, ROWS_PATH, path=atom.field, why=error.why)]
        column = column_of(self.forms, hops[-1])
        if column is None or column.kind not in SCALAR_KINDS:
            return atom, [self._field(atom, "several_values")]
        if isinstance(atom, IsTrue):
            return atom, [] if column.kind == "boolean" else [self._field(atom, "not_yes_no")]
        if isinstance(atom, Eq) and atom.value == UserAttr("id") and column.kind not in TEXT_KINDS:
            return atom, [self._field(atom, "not_a_user")]
        if isinstance(atom, Cmp) and column.kind not in ORDERED_KINDS:
            return atom, [self._value(atom, column, Phrase("field.rows.not_ordered"))]
        values = atom.values if isinstance(atom, In) else atom.value
        if isinstance(values, UserAttr):
            return atom, self._user(atom, column, values)
        written: tuple[Scalar | Clock, ...] = values if isinstance(values, tuple) else (values,)
        typed = [self._typed(column, value) for value in written]
        wrong = [value for value, kept in zip(written, typed, strict=True) if kept is None]
        if wrong:
            return atom, [self._value(atom, column, self._refusal(wrong[0]))]
        if isinstance(atom, In):
            return replace(atom, values=tuple(v for v in typed if v is not None and not isinstance(v, Clock))), []
        return replace(atom, value=cast(Scalar | Clock, typed[0])), []  # not None: ``wrong`` is empty

    def _user(self, atom: Atom, column: Column, value: UserAttr) -> list[Problem]:
        if value.name == "communities":
            fits = column.kind in ("integer", "reference")
            why = Phrase("field.rows.user_record_ids")
        else:
            fits = column.kind in TEXT_KINDS
            why = Phrase("field.rows.user_texts", {"user": f"user.{value.name}"})
        return [] if fits else [self._value(atom, column, why)]

    @staticmethod
    def _typed(column: Column, value: Scalar | Clock) -> Scalar | Clock | None:
        """``value`` as the column holds it, or None when the column cannot hold it."""
        kind = column.kind
        if isinstance(value, Clock):
            if kind == "datetime":
                return Clock("day_start") if value == TODAY else value
            return value if kind == "date" and value == TODAY else None
        if isinstance(value, bool):
            return value if kind == "boolean" else None
        if isinstance(value, int | float) and kind == "decimal":
            return Decimal(str(value))
        if isinstance(value, int) and kind in ("integer", "reference"):
            return value
        if not isinstance(value, str) or kind in ("integer", "reference", "decimal", "boolean"):
            return None
        try:
            if kind == "date":
                return date.fromisoformat(value)
            if kind == "datetime":
                return parse_datetime(value)
            if kind == "time":
                return time.fromisoformat(value)
        except ValueError:
            return None
        return value

    @staticmethod
    def _refusal(value: Any) -> Phrase:
        if isinstance(value, Clock):
            return Phrase("field.rows.clock_kind", {"clock": f"{'today' if value == TODAY else 'now'}()"})
        return Phrase("field.rows.wrong_kind", {"value": repr(value)})

    def _field(self, atom: Atom, why: str) -> Problem:
        return problem(self.pointer, ROWS_FIELD, field=atom.field, why=Phrase(f"field.rows.{why}"))

    def _value(self, atom: Atom, column: Column, why: Phrase) -> Problem:
        holds = Phrase(
            f"form.column.{column.kind}", {"length": column.length, "scale": column.scale, "target": column.target}
        )
        return problem(self.pointer, ROWS_VALUE, field=atom.field, holds=holds, why=why)
