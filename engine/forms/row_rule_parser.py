"""Row rules, read (domain core): a ``rows`` expression's text to its predicate tree, refusing every
shape the storage layer could not translate to SQL (see ``engine.forms.row_rules``).

The text is parsed with Python's ``ast`` and never evaluated. A refusal names the offending part
(``RowRuleError``, catalog codes ``field.rows.<why>``); whether the fields a rule names exist and
can hold what it compares them with is ``engine.forms.row_rule_checks``' question.
"""

from __future__ import annotations

import ast

from engine.forms.row_rules import (
    NOW,
    TODAY,
    USER_COMMUNITIES,
    USER_GROUPS,
    USER_ID,
    USER_NAME,
    And,
    Clock,
    Cmp,
    Const,
    Eq,
    In,
    IsTrue,
    Not,
    Or,
    Ordering,
    RowRule,
    RowRuleError,
    Scalar,
    UserAttr,
)

ORDERING_OPS: dict[type[ast.cmpop], Ordering] = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">="}
FLIPPED: dict[Ordering, Ordering] = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}
CLOCKS = {"now": NOW, "today": TODAY}


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
        if isinstance(node, ast.Constant) and isinstance(node.value, bool):
            return Const(node.value)
        if isinstance(node, ast.Compare):
            return self.compare(node)
        if isinstance(node, ast.Name | ast.Attribute):
            if (isinstance(node, ast.Name) and node.id == "user") or self.user_attribute(node) is not None:
                raise self.refuse(node, "user_not_condition")
            path = self.path(node)
            if path is not None:
                return IsTrue(path)
        self.refuse_value(node)
        raise self.refuse(node, "not_allowed_shape")

    def compare(self, node: ast.Compare) -> RowRule:
        if len(node.ops) != 1:
            raise self.refuse(node, "chained")
        op, left, right = node.ops[0], node.left, node.comparators[0]
        if self.path(left) is None and self.path(right) is not None:
            left, right = right, left  # user.id == worker reads the same as worker == user.id
            if type(op) in ORDERING_OPS:
                op = {ast.Lt: ast.Gt, ast.LtE: ast.GtE, ast.Gt: ast.Lt, ast.GtE: ast.LtE}[type(op)]()
        field = self.path(left)
        if field is None:
            self.refuse_value(left)
            raise self.refuse(node, "field_first")
        if isinstance(op, ast.Eq | ast.NotEq):
            eq = Eq(field, self.scalar(right))
            return eq if isinstance(op, ast.Eq) else Not(eq)
        if isinstance(op, ast.In | ast.NotIn):
            member = In(field, self.collection(right))
            return member if isinstance(op, ast.In) else Not(member)
        if type(op) in ORDERING_OPS:
            return Cmp(field, ORDERING_OPS[type(op)], self.comparable(right))
        raise self.refuse(node, "operator")

    def path(self, node: ast.expr) -> str | None:
        """``room.building.community`` for a field or a chain of attributes on one; None otherwise."""
        names: list[str] = []
        while isinstance(node, ast.Attribute):
            names.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name) or node.id == "user":
            return None
        return ".".join([node.id, *reversed(names)])

    def scalar(self, node: ast.expr) -> Scalar | UserAttr | Clock:
        attribute = self.user_attribute(node)
        if attribute is not None:
            if attribute.several:
                raise self.refuse(node, "set_with_eq")
            return attribute
        value: Scalar | Clock | None = self.literal(node)
        if value is None:
            value = self.clock(node)
        if value is None:
            self.refuse_value(node)
            raise self.refuse(node, "not_scalar")
        return value

    def comparable(self, node: ast.expr) -> Scalar | Clock:
        value: Scalar | Clock | None = self.literal(node)
        if value is None:
            value = self.clock(node)
        if value is None or isinstance(value, bool):
            self.refuse_value(node)
            raise self.refuse(node, "not_comparable")
        return value

    def collection(self, node: ast.expr) -> UserAttr | tuple[Scalar, ...]:
        attribute = self.user_attribute(node)
        if attribute is not None:
            if not attribute.several:
                raise self.refuse(node, "one_value_with_in")
            return attribute
        if isinstance(node, ast.Tuple | ast.List) and node.elts:
            values = [self.literal(item) for item in node.elts]
            if all(value is not None for value in values):
                return tuple(value for value in values if value is not None)
            for item in node.elts:
                self.refuse_value(item)
        raise self.refuse(node, "not_collection")

    def user_attribute(self, node: ast.expr) -> UserAttr | None:
        if not (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "user"):
            return None
        for known in (USER_ID, USER_NAME, USER_GROUPS, USER_COMMUNITIES):
            if node.attr == known.name:
                return known
        raise self.refuse(node, "user_attribute")

    def clock(self, node: ast.expr) -> Clock | None:
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in CLOCKS:
            if node.args or node.keywords:
                raise self.refuse(node, "clock_arguments")
            return CLOCKS[node.func.id]
        return None

    def refuse_value(self, node: ast.expr) -> None:
        """Name what makes a value untranslatable, when it is a call or a computation."""
        if isinstance(node, ast.Call) and self.clock(node) is None:
            raise self.refuse(node, "function")
        if isinstance(node, ast.BinOp) or (isinstance(node, ast.UnaryOp) and not isinstance(node.op, ast.Not)):
            if self.literal(node) is None:
                raise self.refuse(node, "arithmetic")

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
