"""Row rules (domain core): a permission's ``rows`` expression as a small predicate tree.

A rule is parsed with Python's ``ast`` (never evaluated) into plain frozen dataclasses that the
storage layer turns into SQL and that ``matches`` checks against one record in memory. Only a
few shapes are allowed, so both readings always agree:

- ``worker == user.id``             -> ``Eq("worker", USER_ID)``          -> ``worker = :user_id``
- ``status == '已完成'`` (3, True)    -> ``Eq("status", "已完成")``           -> ``status = '已完成'``
- ``community in user.communities`` -> ``In("community", USER_COMMUNITIES)`` -> ``community IN (...)``
- ``kind in ('A', 'B')``            -> ``In("kind", ("A", "B"))``          -> ``kind IN ('A', 'B')``
- ``published``                     -> ``IsTrue("published")``            -> ``published = TRUE``
- ``x != v``, ``x not in v``        -> ``Not(Eq(...))``, ``Not(In(...))``  -> ``NOT (...)``
- ``not A``, ``A and B``, ``A or B``  -> ``Not``, ``And``, ``Or``            -> ``NOT``, ``AND``, ``OR``
- ``True`` / ``False``              -> ``Const``                          -> ``TRUE`` / ``FALSE``

Truth follows SQL's three-valued logic, so the plain translation above is exact: a field
without a value (NULL / missing) makes ``Eq``, ``In`` and ``IsTrue`` *unknown*; ``not unknown``
is unknown; a row is visible only when the rule is *true*. ``In`` over an empty collection is
false (SQLAlchemy's empty ``IN`` renders that way). ``bind`` substitutes the principal's values
first, so storage never sees ``UserAttr``: translate the bound tree, not the written one.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from engine.expressions.phrases import Phrase
from engine.i18n import LOG_LOCALE, translate
from engine.principal import Principal

Scalar = str | int | float | bool
Truth = bool | None  # None: unknown (SQL NULL)
ALLOWED_SHAPES = translate("field.rows.shapes", LOG_LOCALE)


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
    """A value of the acting principal: ``user.id`` (scalar), ``user.groups`` / ``user.communities`` (sets)."""

    name: Literal["id", "groups", "communities"]

    def resolve(self, principal: Principal) -> Any:
        """The principal's value; None (unknown) for the id of an anonymous principal, who is nobody."""
        if self.name == "id":
            return None if principal.anonymous else principal.id
        return principal.groups if self.name == "groups" else principal.communities


USER_ID = UserAttr("id")
USER_GROUPS = UserAttr("groups")
USER_COMMUNITIES = UserAttr("communities")


@dataclass(frozen=True, slots=True)
class Eq:
    """``field = value``; ``value`` is a literal or ``USER_ID`` (never None once bound)."""

    field: str
    value: Scalar | UserAttr

    def truth(self, record: Mapping[str, Any], principal: Principal) -> Truth:
        value = self.value.resolve(principal) if isinstance(self.value, UserAttr) else self.value
        current = record.get(self.field)
        if current is None or value is None:
            return None
        return bool(current == value)

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


RowRule = Eq | In | IsTrue | Const | Not | And | Or
Atom = Eq | In | IsTrue


def fields_of(rule: RowRule) -> frozenset[str]:
    """The record fields a rule reads (what a query must select to check it in memory)."""
    if isinstance(rule, Eq | In | IsTrue):
        return frozenset({rule.field})
    if isinstance(rule, Not):
        return fields_of(rule.operand)
    if isinstance(rule, And | Or):
        return frozenset().union(*(fields_of(operand) for operand in rule.operands))
    return frozenset()


def any_of(rules: list[RowRule]) -> RowRule:
    """Several grants' rows joined with OR (one rule stays itself)."""
    return rules[0] if len(rules) == 1 else Or(tuple(rules))


# --- binding: the principal's values in, user attributes out ------------------------------


def bind(rule: RowRule, principal: Principal) -> RowRule:
    """The rule with the principal's values substituted, ready for SQL.

    The result holds no ``UserAttr``, no None value and no empty ``In``; ``Const`` appears only
    as the whole result (every row / no row). It selects exactly the records for which
    ``rule.matches(record, principal)`` holds: negations are pushed down to the atoms first, and
    an atom that is unknown or false whatever the record (the id of an anonymous principal, an
    empty set) becomes false, which cannot change where a Kleene AND/OR is true.
    """
    return _fold(rule, principal, negated=False)


def _fold(rule: RowRule, principal: Principal, *, negated: bool) -> RowRule:
    if isinstance(rule, Not):
        return _fold(rule.operand, principal, negated=not negated)
    if isinstance(rule, Const):
        return Const(rule.value != negated)
    if isinstance(rule, And | Or):
        conjunction = isinstance(rule, And) != negated
        parts: list[RowRule] = []
        for operand in rule.operands:
            part = _fold(operand, principal, negated=negated)
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
    atom = _bind_atom(rule, principal)
    if atom is None:  # unknown for every record, negated or not: counts as false (see above)
        return Const(False)
    if isinstance(atom, bool):
        return Const(atom != negated)
    return Not(atom) if negated else atom


def _bind_atom(rule: Atom, principal: Principal) -> Atom | Truth:
    """The atom with the principal's values, or its truth when that is the same for every record."""
    if isinstance(rule, Eq) and isinstance(rule.value, UserAttr):
        value = rule.value.resolve(principal)
        return None if value is None else Eq(rule.field, value)
    if isinstance(rule, In):
        values = rule.values.resolve(principal) if isinstance(rule.values, UserAttr) else rule.values
        if not values:
            return False
        return In(rule.field, tuple(sorted(values, key=repr)))
    return rule


# --- parsing: written text to tree, refusing every other shape ----------------------------


def parse_row_rule(source: str) -> RowRule:
    """The tree of a ``rows`` expression; raises ``RowRuleError`` for any other shape."""
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError as error:
        raise RowRuleError("malformed", part=source, reason=error.msg) from None
    return _Parser(source.strip()).rule(tree.body)


class _Parser:
    def __init__(self, source: str):
        self.source = source

    def refuse(self, node: ast.AST, why: str) -> RowRuleError:
        part = ast.get_source_segment(self.source, node) or self.source
        return RowRuleError(why, part=part)

    def rule(self, node: ast.expr) -> RowRule:
        if isinstance(node, ast.BoolOp):
            operands = tuple(self.rule(value) for value in node.values)
            return And(operands) if isinstance(node.op, ast.And) else Or(operands)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            return Not(self.rule(node.operand))
        if isinstance(node, ast.Name):
            if node.id == "user":
                raise self.refuse(node, "user_not_condition")
            return IsTrue(node.id)
        if isinstance(node, ast.Constant) and isinstance(node.value, bool):
            return Const(node.value)
        if isinstance(node, ast.Compare):
            return self.compare(node)
        raise self.refuse(node, "not_allowed_shape")

    def compare(self, node: ast.Compare) -> RowRule:
        if len(node.ops) != 1:
            raise self.refuse(node, "chained")
        op, left, right = node.ops[0], node.left, node.comparators[0]
        if isinstance(op, ast.Eq | ast.NotEq) and not isinstance(left, ast.Name) and isinstance(right, ast.Name):
            left, right = right, left  # user.id == worker reads the same as worker == user.id
        if not isinstance(left, ast.Name) or left.id == "user":
            raise self.refuse(node, "field_first")
        if isinstance(op, ast.Eq | ast.NotEq):
            eq = Eq(left.id, self.scalar(right))
            return eq if isinstance(op, ast.Eq) else Not(eq)
        if isinstance(op, ast.In | ast.NotIn):
            member = In(left.id, self.collection(right))
            return member if isinstance(op, ast.In) else Not(member)
        raise self.refuse(node, "operator")

    def scalar(self, node: ast.expr) -> Scalar | UserAttr:
        attribute = self.user_attribute(node)
        if attribute is not None:
            if attribute != USER_ID:
                raise self.refuse(node, "set_with_eq")
            return attribute
        value = self.literal(node)
        if value is None:
            raise self.refuse(node, "not_scalar")
        return value

    def collection(self, node: ast.expr) -> UserAttr | tuple[Scalar, ...]:
        attribute = self.user_attribute(node)
        if attribute is not None:
            if attribute == USER_ID:
                raise self.refuse(node, "one_value_with_in")
            return attribute
        if isinstance(node, ast.Tuple | ast.List) and node.elts:
            values = [self.literal(item) for item in node.elts]
            if all(value is not None for value in values):
                return tuple(value for value in values if value is not None)
        raise self.refuse(node, "not_collection")

    def user_attribute(self, node: ast.expr) -> UserAttr | None:
        if not (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "user"):
            return None
        for known in (USER_ID, USER_GROUPS, USER_COMMUNITIES):
            if node.attr == known.name:
                return known
        raise self.refuse(node, "user_attribute")

    @staticmethod
    def literal(node: ast.expr) -> Scalar | None:
        sign = 1
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
            sign = -1 if isinstance(node.op, ast.USub) else 1
            node = node.operand
            if not (isinstance(node, ast.Constant) and isinstance(node.value, int | float)):
                return None
        if not isinstance(node, ast.Constant):
            return None
        value = node.value
        if isinstance(value, bool) and sign == 1:
            return value
        if isinstance(value, int | float) and not isinstance(value, bool):
            return sign * value
        return value if isinstance(value, str) and sign == 1 else None
