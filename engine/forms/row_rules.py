"""Row rules (domain core): a permission's ``rows`` expression as a small predicate tree.

A rule is parsed (``engine.forms.row_rule_parser``, with Python's ``ast``; never evaluated) into
plain frozen dataclasses that the storage layer turns into SQL and that ``matches`` checks
against one record in memory. Only a few shapes are allowed, so both readings always agree:

- ``worker == user.id``             -> ``Eq("worker", USER_ID)``          -> ``worker = :user_id``
- ``status == '已完成'`` (3, True)    -> ``Eq("status", "已完成")``           -> ``status = '已完成'``
- ``amount > 0``, ``deadline >= today()`` -> ``Cmp("amount", ">", 0)``     -> ``amount > 0``
- ``community in user.communities`` -> ``In("community", USER_COMMUNITIES)`` -> ``community IN (...)``
- ``kind in ('A', 'B')``            -> ``In("kind", ("A", "B"))``          -> ``kind IN ('A', 'B')``
- ``published``                     -> ``IsTrue("published")``            -> ``published = TRUE``
- ``x != v``, ``x not in v``        -> ``Not(Eq(...))``, ``Not(In(...))``  -> ``NOT (...)``
- ``not A``, ``A and B``, ``A or B``  -> ``Not``, ``And``, ``Or``            -> ``NOT``, ``AND``, ``OR``
- ``True`` / ``False``              -> ``Const``                          -> ``TRUE`` / ``FALSE``
- ``room.building.community in user.communities`` -> ``In("room.building.community", ...)``: a
  *path* through single relations; storage reads it as nested ``room IN (SELECT id FROM <room
  table> WHERE deleted_at IS NULL AND building IN (...))`` and in memory the record carries the
  path's value under the dotted key (None when a link is empty or points at a deleted record).

The values a rule compares with are literals (typed to the field's column by
``engine.forms.row_rule_checks.typed_rule``: a decimal field's ``0`` is ``Decimal(0)``, a date
field's ``'2026-01-01'`` a ``date``), the acting person (``user.id``, ``user.name``,
``user.groups``, ``user.communities``) and the clock (``now()``; ``today()``: the date in the
company's time zone, ``engine.forms.zone.LOCAL_ZONE``, or its first moment when compared with a
date-time field).

Truth follows SQL's three-valued logic, so the plain translation above is exact: a field
without a value (NULL / missing) makes every atom *unknown*; ``not unknown`` is unknown; a row is
visible only when the rule is *true*. ``In`` over an empty collection is false (SQLAlchemy's
empty ``IN`` renders that way). Texts order by code point (storage compares with the ``C``
collation on PostgreSQL, SQLite's default is the same), as Python does. ``bind`` substitutes the
principal's values and the clock first, so storage never sees ``UserAttr`` or ``Clock``:
translate the bound tree, not the written one.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any, Literal

from engine.expressions.phrases import Phrase
from engine.forms.zone import LOCAL_ZONE
from engine.i18n import LOG_LOCALE, translate
from engine.principal import Principal

Scalar = str | int | float | bool | Decimal | date | datetime | time
Truth = bool | None  # None: unknown (SQL NULL)
ALLOWED_SHAPES = translate("field.rows.shapes", LOG_LOCALE)
ORDERINGS: Mapping[str, Callable[[Any, Any], Any]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
Ordering = Literal["<", "<=", ">", ">="]


class RowRuleError(ValueError):
    """A ``rows`` expression is not one of the allowed shapes; ``detail`` names the offending part.

    ``phrase`` is the same sentence by catalog code (``field.rows.<why>``), for a reader of
    another language; ``detail`` is its English text.
    """

    def __init__(self, why: str, **params: Any):
        self.phrase = Phrase(f"field.rows.{why}", params)
        self.malformed = why == "malformed"  # not an expression at all: the expression checks say so
        self.detail = self.phrase.render(LOG_LOCALE)
        super().__init__(f"{self.detail}; rows allows only: {ALLOWED_SHAPES}")


@dataclass(frozen=True, slots=True)
class UserAttr:
    """A value of the acting principal: ``user.id``, ``user.name`` (scalars), ``user.groups`` /
    ``user.communities`` (sets)."""

    name: Literal["id", "name", "groups", "communities"]

    def resolve(self, principal: Principal) -> Any:
        """The principal's value; None (unknown) for the id or name of an anonymous principal, who is nobody."""
        if self.name in ("id", "name"):
            value = principal.id if self.name == "id" else principal.name
            return None if principal.anonymous or not value else value
        return principal.groups if self.name == "groups" else principal.communities

    @property
    def several(self) -> bool:
        return self.name in ("groups", "communities")


USER_ID = UserAttr("id")
USER_NAME = UserAttr("name")
USER_GROUPS = UserAttr("groups")
USER_COMMUNITIES = UserAttr("communities")


@dataclass(frozen=True, slots=True)
class Clock:
    """``now()`` (an aware moment), ``today()`` (a date in the company's zone) or ``day_start``:
    ``today()`` compared with a date-time field, the first moment of today in that zone."""

    name: Literal["now", "today", "day_start"]

    def resolve(self, at: datetime | None = None) -> datetime | date:
        moment = (at or datetime.now(UTC)).astimezone(UTC)
        if self.name == "now":
            return moment
        day = moment.astimezone(LOCAL_ZONE).date()
        return day if self.name == "today" else datetime.combine(day, time(), LOCAL_ZONE).astimezone(UTC)


NOW = Clock("now")
TODAY = Clock("today")
Value = Scalar | UserAttr | Clock


def _resolved(value: Value, principal: Principal, at: datetime | None = None) -> Any:
    if isinstance(value, UserAttr):
        return value.resolve(principal)
    return value.resolve(at) if isinstance(value, Clock) else value


@dataclass(frozen=True, slots=True)
class Eq:
    """``field = value``; ``value`` is a literal, ``USER_ID`` / ``USER_NAME`` or a clock."""

    field: str  # a field id, or a dotted path through single relations
    value: Value

    def truth(self, record: Mapping[str, Any], principal: Principal) -> Truth:
        value = _resolved(self.value, principal)
        current = record.get(self.field)
        if current is None or value is None:
            return None
        return bool(current == value)

    def matches(self, record: Mapping[str, Any], principal: Principal) -> bool:
        return self.truth(record, principal) is True


@dataclass(frozen=True, slots=True)
class Cmp:
    """``field < value`` (``<=``, ``>``, ``>=``); ``value`` is a literal or a clock."""

    field: str
    op: Ordering
    value: Scalar | Clock

    def truth(self, record: Mapping[str, Any], principal: Principal) -> Truth:
        value = _resolved(self.value, principal)
        current = record.get(self.field)
        if current is None or value is None:
            return None
        try:
            return bool(ORDERINGS[self.op](current, value))
        except TypeError:  # a value of a kind the field cannot hold (validation refuses such rules)
            return None

    def matches(self, record: Mapping[str, Any], principal: Principal) -> bool:
        return self.truth(record, principal) is True


@dataclass(frozen=True, slots=True)
class In:
    """``field IN (values)``; ``values`` is ``USER_GROUPS`` / ``USER_COMMUNITIES`` or literals."""

    field: str
    values: UserAttr | tuple[Scalar, ...]

    def truth(self, record: Mapping[str, Any], principal: Principal) -> Truth:
        values = self.values.resolve(principal) if isinstance(self.values, UserAttr) else self.values
        if not values:
            return False
        current = record.get(self.field)
        if current is None:
            return None
        return any(current == value for value in values)

    def matches(self, record: Mapping[str, Any], principal: Principal) -> bool:
        return self.truth(record, principal) is True


@dataclass(frozen=True, slots=True)
class IsTrue:
    """A yes/no field alone: ``field = TRUE`` (not ``IS TRUE``: NULL must stay unknown)."""

    field: str

    def truth(self, record: Mapping[str, Any], principal: Principal) -> Truth:
        current = record.get(self.field)
        return None if current is None else current is True or current == 1

    def matches(self, record: Mapping[str, Any], principal: Principal) -> bool:
        return self.truth(record, principal) is True


@dataclass(frozen=True, slots=True)
class Const:
    """Every row (True) or none (False); ``bind`` leaves one only as the whole tree."""

    value: bool

    def truth(self, record: Mapping[str, Any], principal: Principal) -> Truth:
        return self.value

    def matches(self, record: Mapping[str, Any], principal: Principal) -> bool:
        return self.value


@dataclass(frozen=True, slots=True)
class Not:
    operand: RowRule

    def truth(self, record: Mapping[str, Any], principal: Principal) -> Truth:
        value = self.operand.truth(record, principal)
        return None if value is None else not value

    def matches(self, record: Mapping[str, Any], principal: Principal) -> bool:
        return self.truth(record, principal) is True


@dataclass(frozen=True, slots=True)
class And:
    operands: tuple[RowRule, ...]

    def truth(self, record: Mapping[str, Any], principal: Principal) -> Truth:
        values = [operand.truth(record, principal) for operand in self.operands]
        if False in values:
            return False
        return None if None in values else True

    def matches(self, record: Mapping[str, Any], principal: Principal) -> bool:
        return self.truth(record, principal) is True


@dataclass(frozen=True, slots=True)
class Or:
    operands: tuple[RowRule, ...]

    def truth(self, record: Mapping[str, Any], principal: Principal) -> Truth:
        values = [operand.truth(record, principal) for operand in self.operands]
        if True in values:
            return True
        return None if None in values else False

    def matches(self, record: Mapping[str, Any], principal: Principal) -> bool:
        return self.truth(record, principal) is True


RowRule = Eq | Cmp | In | IsTrue | Const | Not | And | Or
Atom = Eq | Cmp | In | IsTrue


def atoms(rule: RowRule) -> list[Atom]:
    """The comparisons of a rule, left to right."""
    if isinstance(rule, Eq | Cmp | In | IsTrue):
        return [rule]
    if isinstance(rule, Not):
        return atoms(rule.operand)
    if isinstance(rule, And | Or):
        return [atom for operand in rule.operands for atom in atoms(operand)]
    return []


def fields_of(rule: RowRule) -> frozenset[str]:
    """The record fields (and dotted relation paths) a rule reads: what a record checked in memory must carry."""
    return frozenset(atom.field for atom in atoms(rule))


def paths_of(rule: RowRule) -> frozenset[str]:
    """The relation paths a rule reads (``room.building.community``), whose values storage looks up."""
    return frozenset(name for name in fields_of(rule) if "." in name)


def any_of(rules: list[RowRule]) -> RowRule:
    """Several grants' rows joined with OR (one rule stays itself)."""
    return rules[0] if len(rules) == 1 else Or(tuple(rules))


# --- binding: the principal's values and the clock in, user attributes out ----------------


def bind(rule: RowRule, principal: Principal, at: datetime | None = None) -> RowRule:
    """The rule with the principal's values and the time ``at`` (now when None) substituted, ready for SQL.

    The result holds no ``UserAttr``, no ``Clock``, no None value and no empty ``In``; ``Const``
    appears only as the whole result (every row / no row); ``Not`` only right above an atom. It
    selects exactly the records for which ``rule.matches(record, principal)`` holds at ``at``:
    negations are pushed down to the atoms first, and an atom that is unknown or false whatever
    the record (the id of an anonymous principal, an empty set) becomes false, which cannot change
    where a Kleene AND/OR is true.
    """
    return _fold(rule, principal, at, negated=False)


def _fold(rule: RowRule, principal: Principal, at: datetime | None, *, negated: bool) -> RowRule:
    if isinstance(rule, Not):
        return _fold(rule.operand, principal, at, negated=not negated)
    if isinstance(rule, Const):
        return Const(rule.value != negated)
    if isinstance(rule, And | Or):
        conjunction = isinstance(rule, And) != negated
        parts: list[RowRule] = []
        for operand in rule.operands:
            part = _fold(operand, principal, at, negated=negated)
            if isinstance(part, Const):
                if part.value != conjunction:  # False in an AND, True in an OR decides it
                    return part
                continue
            parts.append(part)
        if not parts:
            return Const(conjunction)
        if len(parts) == 1:
            return parts[0]
        return And(tuple(parts)) if conjunction else Or(tuple(parts))
    atom = _bind_atom(rule, principal, at)
    if atom is None:  # unknown for every record, negated or not: counts as false (see above)
        return Const(False)
    if isinstance(atom, bool):
        return Const(atom != negated)
    return Not(atom) if negated else atom


def _bind_atom(rule: Atom, principal: Principal, at: datetime | None) -> Atom | Truth:
    """The atom with the principal's values, or its truth when that is the same for every record."""
    if isinstance(rule, Eq | Cmp) and isinstance(rule.value, UserAttr | Clock):
        value = _resolved(rule.value, principal, at)
        if value is None:
            return None
        return Eq(rule.field, value) if isinstance(rule, Eq) else Cmp(rule.field, rule.op, value)
    if isinstance(rule, In):
        values = rule.values.resolve(principal) if isinstance(rule.values, UserAttr) else rule.values
        if not values:
            return False
        return In(rule.field, tuple(sorted(values, key=repr)))
    return rule
