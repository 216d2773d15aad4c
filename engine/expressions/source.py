"""Expression text: parsing with business-readable syntax errors, and positions in characters.

Python reports columns of syntax-tree nodes in UTF-8 bytes (``'水电' == x`` puts ``x`` at 12),
and the engine tolerates the leading spaces a builder may type while Python would call them an
"unexpected indent". Every position shown to a user goes through :meth:`Source.position`, so
both corrections live here once.
"""

from __future__ import annotations

import ast
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

from engine.expressions.errors import ExpressionSyntaxError, ForbiddenConstructError, LimitExceededError
from engine.expressions.limits import Limits, amount

#: What a builder wrote instead of an expression, named the way they would say it.
STATEMENTS: dict[type, str] = {
    ast.Import: "import",
    ast.ImportFrom: "import",
    ast.FunctionDef: "def (defining functions)",
    ast.AsyncFunctionDef: "def (defining functions)",
    ast.ClassDef: "class",
    ast.Assign: "assignment (=)",
    ast.AugAssign: "assignment (+= and the like)",
    ast.AnnAssign: "assignment (=)",
    ast.For: "for loops (use a comprehension such as sum(p.qty for p in parts))",
    ast.AsyncFor: "for loops",
    ast.While: "while loops",
    ast.If: "if statements (use 'a if condition else b')",
    ast.With: "with",
    ast.AsyncWith: "with",
    ast.Try: "try",
    ast.Raise: "raise",
    ast.Return: "return",
    ast.Delete: "del",
    ast.Global: "global",
    ast.Nonlocal: "nonlocal",
    ast.Pass: "pass",
    ast.Break: "break",
    ast.Continue: "continue",
    ast.Assert: "assert",
    ast.Match: "match",
}


_WARNINGS = threading.Lock()


@contextmanager
def quiet() -> Iterator[None]:
    """Silence Python's compile-time warnings (``'\\d'`` in a string, ``x is 1``).

    They are about valid code, a builder cannot act on them and a server must not print them.
    ``catch_warnings`` swaps process-wide state, so compiles take turns under a lock (they are
    rare and cached).
    """
    with _WARNINGS, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


class Source:
    """One expression's text, as written, and the tree Python parses from it."""

    def __init__(self, text: str, limits: Limits) -> None:
        if not isinstance(text, str):
            raise ExpressionSyntaxError(f"An expression must be text, not {type(text).__name__}")
        if len(text) > limits.max_source_length:
            raise LimitExceededError(
                f"The expression has {amount(len(text))} characters, more than the limit of"
                f" {amount(limits.max_source_length)}",
                hint="Split it into several calculated fields.",
                params={"size": len(text), "limit": limits.max_source_length},
            ).at(1, limits.max_source_length + 1)
        self.original = text
        self.text = text.lstrip(" \t")  # Python's eval() does the same
        self.indent = len(text) - len(self.text)
        self.lines = self.text.splitlines() or [""]
        self._bytes = [line.encode("utf-8") for line in self.lines]

    def position(self, line: int | None, byte_column: int | None) -> tuple[int, int]:
        """1-based (line, column in characters) of a node's UTF-8 byte offset."""
        if not line or line > len(self.lines):
            return 1, 1 + self.indent
        column = len(self.lines[line - 1].encode("utf-8")[: byte_column or 0].decode("utf-8", "ignore")) + 1
        return line, column + (self.indent if line == 1 else 0)

    def node_position(self, node: ast.AST) -> tuple[int, int]:
        return self.position(getattr(node, "lineno", None), getattr(node, "col_offset", None))

    def after(self, node: ast.AST) -> tuple[int, int] | None:
        """(line, byte column) of the first character after ``node`` that is not a space or ')'.

        Used to point at the operator of ``a / b`` or the name in ``a.b`` rather than at ``a``.
        """
        line, column = getattr(node, "end_lineno", None), getattr(node, "end_col_offset", None)
        if line is None or column is None or line > len(self._bytes):
            return None
        text = self._bytes[line - 1]
        while text[column : column + 1] in (b" ", b"\t", b")"):
            column += 1
        return (line, column) if column < len(text) else None

    def name_position(self, node: ast.Attribute) -> tuple[int, int]:
        """Where the name of ``value.name`` starts, for messages about that name."""
        dot = self.after(node.value)
        if dot is None:
            return self.node_position(node)
        line, column = dot
        text = self._bytes[line - 1]
        column += 1
        while text[column : column + 1] in (b" ", b"\t"):
            column += 1
        return self.position(line, column)

    def segment(self, node: ast.AST) -> str:
        """The text of a one-line node, such as a number literal exactly as written."""
        line, end = getattr(node, "lineno", None), getattr(node, "end_lineno", None)
        if line is None or line != end or line > len(self._bytes):
            return ""
        text: bytes = self._bytes[line - 1][node.col_offset : node.end_col_offset]  # type: ignore[attr-defined]
        return text.decode("utf-8", "ignore")

    def parse(self) -> ast.Expression:
        if not self.text.strip():
            raise ExpressionSyntaxError("The expression is empty", hint="Write a condition or a formula.").at(1, 1)
        try:
            with quiet():
                return ast.parse(self.text, "<expression>", mode="eval")
        except SyntaxError as error:
            self._refuse_statement()
            raise self._syntax_error(error) from None
        except (ValueError, MemoryError, RecursionError) as error:  # null bytes, absurd nesting
            raise ExpressionSyntaxError(f"Invalid expression: {error}").at(1, 1) from None

    def _refuse_statement(self) -> None:
        """Statements are valid Python but not expressions; name them instead of "invalid syntax"."""
        try:
            with quiet():
                module = ast.parse(self.text, "<expression>", mode="exec")
        except (SyntaxError, ValueError, MemoryError, RecursionError):
            return
        if len(module.body) > 1:
            raise ForbiddenConstructError(
                "Only one expression is allowed", hint="Remove the ';' or the extra lines."
            ).at(*self.node_position(module.body[1]))
        for statement in module.body:
            if not isinstance(statement, ast.Expr):
                what = STATEMENTS.get(type(statement), type(statement).__name__)
                raise ForbiddenConstructError(
                    f"Statements are not allowed in an expression: {what}",
                    hint="An expression computes one value, like qty * unit_price or urgency == '紧急'.",
                    params={"statement": type(statement).__name__},
                ).at(*self.node_position(statement))

    def _syntax_error(self, error: SyntaxError) -> ExpressionSyntaxError:
        if not error.offset and error.msg == "invalid syntax":  # Python's way of saying "ran out"
            return ExpressionSyntaxError(
                "The expression is incomplete",
                hint="Something is missing at the end, such as a value after an operator.",
            ).at(len(self.lines), len(self.lines[-1]) + 1 + (self.indent if len(self.lines) == 1 else 0))
        first, _, rest = (error.msg or "invalid syntax").partition(". ")
        reason = "Invalid expression" if first == "invalid syntax" else f"Invalid expression: {first}"
        hint = rest or "Check for a missing quote, bracket or operator."
        line = error.lineno if error.lineno and error.lineno <= len(self.lines) else 1
        column = max(error.offset or 1, 1) + (self.indent if line == 1 else 0)
        return ExpressionSyntaxError(reason, hint=hint[:1].upper() + hint[1:], params={"python": error.msg}).at(
            line, column
        )
