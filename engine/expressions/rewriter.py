"""RestrictedPython's transformer, extended with the sandbox's own rewrites.

RestrictedPython (the second wall, after ``checker``) rewrites attribute, item and loop access
into guard calls and rejects what it considers unsafe. On top of that this subclass rewrites:

* field names into ``_ctx_['name']`` - a look-up in the context mapping the compiled function
  receives, so no per-evaluation globals dict is built and comprehensions see fields too;
* float literals into ``_k_[i]``, exact Decimals held in the function's closure;
* aggregate calls (``related_count(...)``, see ``aggregates``) into ``_aggregate_(_ctx_, key)``,
  a look-up of the value computed before the evaluation;
* every binary operator into its guard (``a * b`` -> ``_mult_(a, b)``), f-strings into
  ``_text_(...)`` and the comparisons the checker marked into ``_compare_(a, '<', b)``.

Every new node takes the position of the node it replaces, so a failure inside a guard is
reported at the operator the user wrote.
"""

from __future__ import annotations

import ast
from decimal import Decimal
from typing import Any, TypeVar

from RestrictedPython.transformer import RestrictingNodeTransformer

from engine.expressions.checker import Analysis
from engine.expressions.errors import ForbiddenConstructError
from engine.expressions.operators import BINARY
from engine.expressions.phrases import phrase
from engine.expressions.source import Source

CONTEXT = "_ctx_"
CONSTANTS = "_k_"
AGGREGATE = "_aggregate_"
OPERATOR_NAMES = {name: f"_{name.lower()}_" for name in BINARY}
_SYMBOLS = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!="}
N = TypeVar("N", bound=ast.AST)


def _located(old: ast.AST, new: ast.expr, *parts: ast.AST) -> ast.expr:
    """Give ``new`` and the nodes made with it (``parts``) the position of ``old``.

    Only the new nodes: walking the whole subtree, as ``ast.fix_missing_locations`` does,
    would make compiling quadratic in the nesting.
    """
    for node in (new, *parts):
        ast.copy_location(node, old)
    return new


def _call(name: str, args: list[ast.expr], old: ast.AST) -> ast.expr:
    func = ast.Name(name, ast.Load())
    return _located(old, ast.Call(func=func, args=args, keywords=[]), func)


def _point(node: Any, anchor: tuple[int, int] | None, shift: int = 0) -> Any:
    """Move where ``node`` starts (what errors report) to ``anchor``; its end stays."""
    if anchor is not None and isinstance(node, ast.expr):
        node.lineno, node.col_offset = anchor[0], anchor[1] + shift
    return node


class Rewriter(RestrictingNodeTransformer):
    def __init__(self, analysis: Analysis, source: Source) -> None:
        super().__init__()
        self.analysis = analysis
        self.source = source
        self.constants: list[Decimal] = []

    def error(self, node: ast.AST, info: str) -> None:
        """RestrictedPython refused something the checker let through: refuse it too, located."""
        raise ForbiddenConstructError(
            phrase("expression.restricted"),
            hint=phrase("expression.hint.restricted_python", detail=info),
            params={"restricted_python": info},
        ).at(*self.source.node_position(node))

    def visit_Name(self, node: ast.Name) -> Any:
        if id(node) in self.analysis.context_nodes:
            context, key = ast.Name(CONTEXT, ast.Load()), ast.Constant(node.id)
            return _located(node, ast.Subscript(context, key, ast.Load()), context, key)
        return super().visit_Name(node)

    def visit_Call(self, node: ast.Call) -> Any:
        aggregate = self.analysis.aggregates.get(id(node))
        if aggregate is None:
            return super().visit_Call(node)
        context, key = ast.Name(CONTEXT, ast.Load()), ast.Constant(aggregate.key)
        return _located(node, _call(AGGREGATE, [context, key], node), context, key)

    def visit_Constant(self, node: ast.Constant) -> Any:
        value = self.analysis.decimals.get(id(node))
        if value is None:
            return super().visit_Constant(node)
        self.constants.append(value)
        constants, index = ast.Name(CONSTANTS, ast.Load()), ast.Constant(len(self.constants) - 1)
        return _located(node, ast.Subscript(constants, index, ast.Load()), constants, index)

    def visit_BinOp(self, node: ast.BinOp) -> Any:
        anchor = self.source.after(node.left)
        node = self.node_contents_visit(node)
        call = _call(OPERATOR_NAMES[type(node.op).__name__], [node.left, node.right], node)
        return _point(call, anchor)

    def visit_Compare(self, node: ast.Compare) -> Any:
        guarded = id(node) in self.analysis.guarded_compares
        anchor = self.source.after(node.left)
        node = self.node_contents_visit(node)
        if not guarded:
            return _point(node, anchor)
        symbol = _located(node, ast.Constant(_SYMBOLS[type(node.ops[0])]))
        return _point(_call("_compare_", [node.left, symbol, node.comparators[0]], node), anchor)

    def visit_Attribute(self, node: ast.Attribute) -> Any:
        anchor = self.source.after(node.value)
        return _point(super().visit_Attribute(node), anchor, shift=1)  # the name after the dot

    def visit_Subscript(self, node: ast.Subscript) -> Any:
        anchor = self.source.after(node.value)
        return _point(super().visit_Subscript(node), anchor)

    def visit_JoinedStr(self, node: ast.JoinedStr) -> Any:
        node = self.node_contents_visit(node)
        return _call("_text_", [node], node)

    def visit_FormattedValue(self, node: ast.FormattedValue) -> Any:
        node.value = self.visit(node.value)  # the format spec is literal text (checked): leave it
        return node


def wrap(body: ast.expr) -> ast.Module:
    """``def _make_(_k_): def _expression_(_ctx_): return <body>; return _expression_``."""

    def start(node: N) -> N:  # the wrapper's own nodes sit at 1:0; the body keeps its places
        node.lineno, node.col_offset, node.end_lineno, node.end_col_offset = 1, 0, 1, 0  # type: ignore[attr-defined]
        return node

    def function(name: str, parameter: str, statements: list[ast.stmt]) -> ast.FunctionDef:
        arguments = ast.arguments(
            posonlyargs=[], args=[start(ast.arg(parameter))], kwonlyargs=[], kw_defaults=[], defaults=[]
        )
        return start(ast.FunctionDef(name=name, args=arguments, body=statements, decorator_list=[]))

    inner = function("_expression_", CONTEXT, [start(ast.Return(body))])
    outer = function("_make_", CONSTANTS, [inner, start(ast.Return(start(ast.Name("_expression_", ast.Load()))))])
    return ast.Module(body=[outer], type_ignores=[])
