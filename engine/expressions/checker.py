"""Compile-time check of an expression's syntax tree: what is allowed, and which names it reads.

This is the sandbox's first wall and its friendliest: everything it refuses is refused with the
construct's name and position before any code exists. It is an allow-list - a node type
without a ``_check_<Type>`` method is refused, so syntax added by a future Python stays out
until someone reviews it. RestrictedPython's transformer runs afterwards as the second wall.

It also works out, with Python's scoping rules for comprehensions, which names are fields of
the context (``Expression.names``) and which are loop variables or helpers, and what the
rewriter must change: float literals into exact Decimals, ordering comparisons between two
computed values into guarded ones, and whether the code needs a meter at all.
"""

from __future__ import annotations

import ast
import difflib
import inspect
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from RestrictedPython.transformer import INSPECT_ATTRIBUTES

from engine.expressions.aggregates import AGGREGATE_NAMES, SIGNATURES, Aggregate, read_aggregate
from engine.expressions.dates import DATE_HELPERS
from engine.expressions.errors import (
    ExpressionError,
    ExpressionSyntaxError,
    ForbiddenConstructError,
    LimitExceededError,
    LocatedExpressionError,
    UnknownNameError,
)
from engine.expressions.guards import METHODS
from engine.expressions.helpers import HELPERS
from engine.expressions.limits import Limits
from engine.expressions.patterns import compile_pattern
from engine.expressions.phrases import Phrase, phrase
from engine.expressions.source import Source, python_says
from engine.expressions.values import to_decimal

HELPER_FUNCTIONS: dict[str, Callable[..., Any]] = {**HELPERS, **DATE_HELPERS}
HELPER_NAMES = frozenset(HELPER_FUNCTIONS)

#: Host builtins an attacker (or a Python habit) reaches for; refused by name. Not ``id``: it is
#: every record's system field (``id in user.communities``), read from the context like any field;
#: no builtin is reachable anyway (``__builtins__`` is empty) and ``id(x)`` is refused as no helper.
FORBIDDEN_NAMES = frozenset(
    """
    getattr setattr delattr hasattr type vars globals locals dir open eval exec compile input print
    printed breakpoint help memoryview object super classmethod staticmethod property isinstance
    issubclass callable hash iter next format repr exit quit bytes bytearray builtins license
    credits copyright reload
    """.split()
)

#: Names a form field cannot use if expressions are to read it.
RESERVED_NAMES = HELPER_NAMES | AGGREGATE_NAMES | FORBIDDEN_NAMES

_REFUSED_NODES: dict[type, Phrase] = {
    ast.Lambda: phrase("expression.no_lambda"),
    ast.NamedExpr: phrase("expression.no_walrus"),
    ast.Await: phrase("expression.no_construct", construct="await"),
    ast.Yield: phrase("expression.no_construct", construct="yield"),
    ast.YieldFrom: phrase("expression.no_construct", construct="yield"),
    ast.Starred: phrase("expression.no_star"),
}
_ORDERING = (ast.Lt, ast.LtE, ast.Gt, ast.GtE)
_MAX_FORMAT_NUMBER = 1_000
_MAX_EXPONENT = 1_000
_SIGNATURES = {name: inspect.signature(fn) for name, fn in {**HELPER_FUNCTIONS, **SIGNATURES}.items()}


@dataclass
class Analysis:
    """What the checker learnt, for the rewriter and for ``Expression``."""

    names: dict[str, tuple[int, int]] = field(default_factory=dict)  # field -> first position
    context_nodes: set[int] = field(default_factory=set)  # id() of Name nodes reading a field
    decimals: dict[int, Decimal] = field(default_factory=dict)  # id() of float literals
    guarded_compares: set[int] = field(default_factory=set)
    aggregates: dict[int, Aggregate] = field(default_factory=dict)  # id() of aggregate calls (rewritten)
    metered: bool = False
    #: attribute chains rooted at a field (``room.building.community`` -> ("room", "building", "community"))
    paths: dict[tuple[str, ...], tuple[int, int]] = field(default_factory=dict)


class Checker:
    def __init__(self, source: Source, limits: Limits) -> None:
        self.source = source
        self.limits = limits
        self.analysis = Analysis()
        self._methods: set[int] = set()  # id() of Attribute nodes that name a called method
        #: loop variables over a field (``p`` in ``for p in parts``) -> the path of each element (("parts", "*"))
        self._elements: dict[str, tuple[str, ...]] = {}

    def check(self, tree: ast.Expression) -> Analysis:
        self._measure(tree)
        self._visit(tree.body, frozenset())
        return self.analysis

    # -- helpers ---------------------------------------------------------------------------------

    def _at(self, error: LocatedExpressionError, node: ast.AST) -> LocatedExpressionError:
        if isinstance(node, ast.Attribute):
            return error.at(*self.source.name_position(node))
        return error.at(*self.source.node_position(node))

    def _forbidden(self, node: ast.AST, reason: Phrase, hint: Phrase | None = None, **params: Any) -> ExpressionError:
        return self._at(ForbiddenConstructError(reason, hint=hint, params=params), node)

    def _measure(self, tree: ast.AST) -> None:
        """Size and nesting first, iteratively, so nothing below can exhaust Python's stack."""
        stack = [(tree, 0)]
        count = 0
        while stack:
            node, depth = stack.pop()
            count += 1
            if count > self.limits.max_nodes:
                raise self._at(
                    LimitExceededError(
                        phrase("expression.too_many_parts", limit=self.limits.max_nodes),
                        hint=phrase("expression.hint.split"),
                        params={"limit": self.limits.max_nodes},
                    ),
                    node,
                )
            if depth > self.limits.max_depth:
                raise self._at(
                    LimitExceededError(
                        phrase("expression.too_deep", limit=self.limits.max_depth),
                        hint=phrase("expression.hint.split"),
                        params={"limit": self.limits.max_depth},
                    ),
                    node,
                )
            stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))

    def _visit(self, node: ast.AST | None, scope: frozenset[str]) -> None:
        if node is None:
            return
        check = getattr(self, f"_check_{type(node).__name__}", None)
        if check is None:
            what = _REFUSED_NODES.get(type(node)) or phrase("expression.no_construct", construct=type(node).__name__)
            raise self._forbidden(node, what)
        check(node, scope)

    def _visit_all(self, nodes: Iterable[ast.AST | None], scope: frozenset[str]) -> None:
        for node in nodes:
            self._visit(node, scope)

    def _check_name(self, node: ast.AST, name: str) -> None:
        if name.startswith("_"):
            raise self._forbidden(
                node, phrase("expression.name_not_allowed", name=name), phrase("expression.hint.underscore"), name=name
            )
        if name in FORBIDDEN_NAMES:
            raise self._forbidden(
                node,
                phrase("expression.name_unavailable", name=name),
                phrase("expression.hint.use_helpers"),
                name=name,
            )

    # -- values and names --------------------------------------------------------------------------

    def _check_Constant(self, node: ast.Constant, scope: frozenset[str]) -> None:
        value = node.value
        if isinstance(value, float):
            exact = self._decimal(node, value)
            if not exact.is_finite() or abs(exact.adjusted()) > _MAX_EXPONENT:
                # an f-string could print 1e999999999 in full: a gigabyte from one literal
                raise self._at(
                    LimitExceededError(
                        phrase("expression.number_digits", limit=_MAX_EXPONENT),
                        params={"limit": _MAX_EXPONENT},
                    ),
                    node,
                )
            self.analysis.decimals[id(node)] = exact
        elif isinstance(value, int) and not isinstance(value, bool):
            if value.bit_length() > self.limits.max_int_bits:
                raise self._at(
                    LimitExceededError(
                        phrase("expression.number_bits", limit=self.limits.max_int_bits),
                        params={"limit": self.limits.max_int_bits},
                    ),
                    node,
                )
        elif not (value is None or isinstance(value, (bool, str))):
            literal = repr(value)
            what = {bytes: phrase("expression.no_bytes"), complex: phrase("expression.no_imaginary")}.get(
                type(value), phrase("expression.unsupported_literal", literal=literal[:1].upper() + literal[1:])
            )
            raise self._forbidden(node, what)

    def _decimal(self, node: ast.Constant, value: float) -> Decimal:
        """The literal exactly as written (``1.10`` stays 1.10), if its text is at hand."""
        try:
            written = Decimal(self.source.segment(node).replace("_", ""))
        except (InvalidOperation, ValueError):
            return to_decimal(value)
        return written if float(written) == value else to_decimal(value)

    def _check_Name(self, node: ast.Name, scope: frozenset[str]) -> None:
        self._check_name(node, node.id)
        if node.id in scope or node.id in HELPER_NAMES:
            return
        self.analysis.context_nodes.add(id(node))
        self.analysis.names.setdefault(node.id, self.source.node_position(node))

    def _check_Attribute(self, node: ast.Attribute, scope: frozenset[str]) -> None:
        self._visit(node.value, scope)  # first, so the leftmost problem is the one reported
        if node.attr.startswith("_") or node.attr in INSPECT_ATTRIBUTES:
            raise self._forbidden(
                node,
                phrase("expression.name_not_allowed", name=node.attr),
                phrase("expression.hint.read_fields"),
                name=node.attr,
            )
        if id(node) not in self._methods:
            self._note_path(node)

    def _note_path(self, node: ast.Attribute) -> None:
        """``a.b.c`` rooted at a field of the context: a relation path validation type-checks.

        Read through a loop variable (``p.place.name`` for ``p in visits``) it is the field's
        path with ``*`` for "each element": ("visits", "*", "place", "name").
        """
        path = self._path(node)
        if path is not None:
            self.analysis.paths.setdefault(path[0], path[1])

    def _path(self, node: ast.AST) -> tuple[tuple[str, ...], tuple[int, int]] | None:
        steps: list[str] = []
        while isinstance(node, ast.Attribute):
            steps.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name):
            return None
        if id(node) in self.analysis.context_nodes:
            root: tuple[str, ...] = (node.id,)
        elif node.id in self._elements:
            root = self._elements[node.id]
        else:
            return None
        return (*root, *reversed(steps)), self.source.node_position(node)

    def _check_Subscript(self, node: ast.Subscript, scope: frozenset[str]) -> None:
        self.analysis.metered |= isinstance(node.slice, ast.Slice)
        self._visit_all((node.value, node.slice), scope)

    def _check_Slice(self, node: ast.Slice, scope: frozenset[str]) -> None:
        self._visit_all((node.lower, node.upper, node.step), scope)

    # -- operators -------------------------------------------------------------------------------

    def _check_BinOp(self, node: ast.BinOp, scope: frozenset[str]) -> None:
        if isinstance(node.op, ast.MatMult):
            raise self._forbidden(node, phrase("expression.no_matmul"))
        self.analysis.metered = True
        self._visit_all((node.left, node.right), scope)

    def _check_UnaryOp(self, node: ast.UnaryOp, scope: frozenset[str]) -> None:
        self._visit(node.operand, scope)

    def _check_BoolOp(self, node: ast.BoolOp, scope: frozenset[str]) -> None:
        self._visit_all(node.values, scope)

    def _check_Compare(self, node: ast.Compare, scope: frozenset[str]) -> None:
        """Guard ``a < b`` between computed values, and any comparison with a decimal literal.

        The first may meet naive and aware date-times or a float and a Decimal; the second is
        ``rate == 0.1`` with a float ``rate``. A comparison with a plain literal (``total_cost
        > 2000``, ``urgency == '紧急'``) cannot, and stays native: conditions stay fast.
        """
        self._visit_all((node.left, *node.comparators), scope)
        if len(node.ops) != 1:
            return
        sides = (node.left, node.comparators[0])
        if isinstance(node.ops[0], _ORDERING) and not any(_plain_literal(side) for side in sides):
            self.analysis.guarded_compares.add(id(node))
        elif isinstance(node.ops[0], (ast.Eq, ast.NotEq)) and any(_decimal_literal(side) for side in sides):
            self.analysis.guarded_compares.add(id(node))

    def _check_IfExp(self, node: ast.IfExp, scope: frozenset[str]) -> None:
        self._visit_all((node.test, node.body, node.orelse), scope)

    # -- displays and text -------------------------------------------------------------------------

    def _check_List(self, node: ast.List, scope: frozenset[str]) -> None:
        self._visit_all(node.elts, scope)

    _check_Tuple = _check_Set = _check_List

    def _check_Dict(self, node: ast.Dict, scope: frozenset[str]) -> None:
        if any(key is None for key in node.keys):
            raise self._forbidden(node, phrase("expression.no_double_star"))
        self._visit_all((*node.keys, *node.values), scope)

    def _check_JoinedStr(self, node: ast.JoinedStr, scope: frozenset[str]) -> None:
        self.analysis.metered = True
        self._visit_all(node.values, scope)

    def _check_FormattedValue(self, node: ast.FormattedValue, scope: frozenset[str]) -> None:
        self._visit(node.value, scope)
        spec = node.format_spec
        if spec is None:
            return
        parts = spec.values if isinstance(spec, ast.JoinedStr) else [spec]
        if not all(isinstance(p, ast.Constant) and isinstance(p.value, str) for p in parts):
            raise self._forbidden(node, phrase("expression.format_computed"))
        written = "".join(p.value for p in parts)  # type: ignore[attr-defined]
        if any(int(number) > _MAX_FORMAT_NUMBER for number in re.findall(r"\d+", written)):
            raise self._at(
                LimitExceededError(
                    phrase("expression.format_limit", limit=_MAX_FORMAT_NUMBER),
                    params={"limit": _MAX_FORMAT_NUMBER},
                ),
                node,
            )

    # -- calls -------------------------------------------------------------------------------------

    def _check_Call(self, node: ast.Call, scope: frozenset[str]) -> None:
        self.analysis.metered = True
        for argument in node.args:
            if isinstance(argument, ast.Starred):
                raise self._forbidden(argument, phrase("expression.no_star"))
        if any(keyword.arg is None for keyword in node.keywords):
            raise self._forbidden(node, phrase("expression.no_double_star"))
        func = node.func
        if isinstance(func, ast.Name) and func.id in AGGREGATE_NAMES and func.id not in scope:
            self._check_aggregate(node, func.id, scope)
            return
        if isinstance(func, ast.Name):
            self._check_name(func, func.id)
            if func.id in scope or func.id not in HELPER_NAMES:
                raise self._at(
                    UnknownNameError(
                        phrase("expression.unknown_function", name=func.id),
                        hint=did_you_mean(func.id, HELPER_NAMES | AGGREGATE_NAMES),
                        params={"name": func.id},
                    ),
                    func,
                )
            self._check_arguments(node, func.id)
        elif isinstance(func, ast.Attribute):
            self._methods.add(id(func))  # ``name.lower()``: a method, not a field of ``name``
            self._visit(func, scope)
            if func.attr not in METHODS:
                raise self._forbidden(
                    func,
                    phrase("expression.method_unavailable", name=func.attr),
                    phrase("expression.hint.methods"),
                    name=func.attr,
                )
        else:
            raise self._forbidden(node, phrase("expression.call_only_helpers"))
        self._visit_all((*node.args, *(keyword.value for keyword in node.keywords)), scope)

    def _check_aggregate(self, node: ast.Call, name: str, scope: frozenset[str]) -> None:
        """``related_count('registration', 'event', of=event)``: ids written out; ``of`` a field read."""
        self._check_arguments(node, name)
        try:
            self.analysis.aggregates[id(node)] = read_aggregate(node, name)
        except LocatedExpressionError as error:
            raise self._at(error, node) from None
        self._visit_all((keyword.value for keyword in node.keywords), scope)

    def _check_arguments(self, node: ast.Call, name: str) -> None:
        signature = _SIGNATURES[name]
        try:
            signature.bind(*node.args, **{k.arg: k.value for k in node.keywords if k.arg})
        except TypeError as error:
            usage = ", ".join(_parameter(p) for p in signature.parameters.values())
            raise self._at(
                ExpressionSyntaxError(
                    phrase("expression.wrong_arguments", name=name, detail=python_says(str(error))),
                    hint=phrase("expression.hint.usage", name=name, usage=usage),
                    params={"name": name},
                ),
                node,
            ) from None
        if name == "matches" and len(node.args) == 2 and isinstance(node.args[1], ast.Constant):
            pattern = node.args[1]
            if isinstance(pattern.value, str):
                try:
                    compile_pattern(pattern.value, self.limits)
                except LocatedExpressionError as error:
                    raise self._at(error, pattern) from None

    # -- comprehensions ----------------------------------------------------------------------------

    def _comprehension(self, node: Any, results: Iterable[ast.AST], scope: frozenset[str]) -> None:
        """Python's rules: the first iterable is evaluated outside, everything else inside."""
        self.analysis.metered = True
        outer = dict(self._elements)
        for generator in node.generators:
            if generator.is_async:
                raise self._forbidden(node, phrase("expression.no_async_comprehension"))
            self._visit(generator.iter, scope)
            bound = self._targets(generator.target)
            scope = scope | bound
            source = self._path(generator.iter)
            for name in bound:
                self._elements.pop(name, None)
            if source is not None and isinstance(generator.target, ast.Name):
                self._elements[generator.target.id] = (*source[0], "*")
            self._visit_all(generator.ifs, scope)
        self._visit_all(results, scope)
        self._elements = outer

    def _check_ListComp(self, node: ast.ListComp, scope: frozenset[str]) -> None:
        self._comprehension(node, [node.elt], scope)

    _check_SetComp = _check_GeneratorExp = _check_ListComp

    def _check_DictComp(self, node: ast.DictComp, scope: frozenset[str]) -> None:
        self._comprehension(node, [node.key, node.value], scope)

    def _targets(self, target: ast.AST) -> frozenset[str]:
        if isinstance(target, ast.Name):
            self._check_name(target, target.id)
            if target.id in HELPER_NAMES:
                raise self._forbidden(
                    target,
                    phrase("expression.loop_variable_is_helper", name=target.id),
                    phrase("expression.hint.rename_loop_variable"),
                    name=target.id,
                )
            return frozenset({target.id})
        if isinstance(target, (ast.Tuple, ast.List)):
            return frozenset().union(*(self._targets(element) for element in target.elts))
        raise self._forbidden(target, phrase("expression.loop_variable_plain"))


def _constant(node: ast.AST) -> ast.AST:
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        return node.operand
    return node


def _plain_literal(node: ast.AST) -> bool:
    node = _constant(node)
    return isinstance(node, ast.Constant) and not isinstance(node.value, float)


def _decimal_literal(node: ast.AST) -> bool:
    node = _constant(node)
    return isinstance(node, ast.Constant) and isinstance(node.value, float)


def _parameter(parameter: inspect.Parameter) -> str:
    if parameter.kind is inspect.Parameter.VAR_POSITIONAL:
        return f"*{parameter.name}"
    if parameter.default is inspect.Parameter.empty:
        return parameter.name
    return f"{parameter.name}={parameter.default!r}"


def did_you_mean(name: str, candidates: Iterable[str]) -> Phrase | None:
    close = difflib.get_close_matches(name, sorted(candidates), n=1, cutoff=0.6)
    return phrase("expression.hint.did_you_mean", name=close[0]) if close else None
