"""Expression text: parsing with business-readable syntax errors, and positions in characters.

Python reports columns of syntax-tree nodes in UTF-8 bytes (``'水电' == x`` puts ``x`` at 12),
and the engine tolerates the leading spaces a builder may type while Python would call them an
"unexpected indent". Every position shown to a user goes through :meth:`Source.position`, so
both corrections live here once.
"""

from __future__ import annotations

import ast
import re
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

from engine.expressions.errors import ExpressionSyntaxError, ForbiddenConstructError, LimitExceededError
from engine.expressions.limits import Limits
from engine.expressions.phrases import Phrase, phrase

#: What a builder wrote instead of an expression, named the way they would say it.
STATEMENTS: dict[type, Phrase] = {
    ast.Import: phrase("expression.statement.keyword", keyword="import"),
    ast.ImportFrom: phrase("expression.statement.keyword", keyword="import"),
    ast.FunctionDef: phrase("expression.statement.def"),
    ast.AsyncFunctionDef: phrase("expression.statement.def"),
    ast.Assign: phrase("expression.statement.assign"),
    ast.AugAssign: phrase("expression.statement.augmented"),
    ast.AnnAssign: phrase("expression.statement.assign"),
    ast.For: phrase("expression.statement.for_loop"),
    ast.AsyncFor: phrase("expression.statement.loop", keyword="for"),
    ast.While: phrase("expression.statement.loop", keyword="while"),
    ast.If: phrase("expression.statement.if"),
    **{
        statement: phrase("expression.statement.keyword", keyword=keyword)
        for statement, keyword in {
            ast.ClassDef: "class",
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
        }.items()
    },
}

#: Python's syntax messages a builder meets most, retold by code; others are quoted as they are.
_PYTHON_SAYS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), code)
    for pattern, code in (
        (r"'(?P<bracket>.)' was never closed", "never_closed"),
        (r"unmatched '(?P<bracket>.)'", "unmatched"),
        (r"closing parenthesis '(?P<closing>.)' does not match opening parenthesis '(?P<opening>.)'", "mismatched"),
        (r"unterminated string literal \(detected at line (?P<line>\d+)\)", "unterminated_string"),
        (r"invalid character '(?P<character>.)' \((?P<codepoint>U\+[0-9A-F]+)\)", "invalid_character"),
        (r"invalid decimal literal", "invalid_decimal"),
        (r"expected 'else' after 'if' expression", "if_without_else"),
        (r"expression expected after dictionary key and ':'", "dict_value_missing"),
        (r"Generator expression must be parenthesized", "generator_parentheses"),
        (r"positional argument follows keyword argument", "positional_after_keyword"),
        (r"missing a required argument: '(?P<argument>\w+)'", "missing_argument"),
        (r"too many positional arguments", "too_many_arguments"),
        (r"got an unexpected keyword argument '(?P<argument>\w+)'", "unexpected_keyword"),
        (r"multiple values for argument '(?P<argument>\w+)'", "multiple_values"),
    )
)
_PYTHON_HINTS = {
    "Perhaps you forgot a comma?": phrase("expression.hint.comma"),
    "Maybe you meant '==' or ':=' instead of '='?": phrase("expression.hint.equals"),
}


def python_says(message: str) -> Phrase:
    """Python's own diagnostic (a syntax error, a wrong call) as a phrase a Chinese reader can read."""
    for pattern, code in _PYTHON_SAYS:
        if found := pattern.fullmatch(message):
            return phrase(f"expression.python.{code}", **found.groupdict())
    return phrase("expression.python.other", python=message)


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
            raise ExpressionSyntaxError(phrase("expression.not_text", type=type(text).__name__))
        if len(text) > limits.max_source_length:
            raise LimitExceededError(
                phrase("expression.source_too_long", size=len(text), limit=limits.max_source_length),
                hint=phrase("expression.hint.split"),
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
            raise ExpressionSyntaxError(phrase("expression.empty"), hint=phrase("expression.hint.write_something")).at(
                1, 1
            )
        try:
            with quiet():
                return ast.parse(self.text, "<expression>", mode="eval")
        except SyntaxError as error:
            self._refuse_statement()
            raise self._syntax_error(error) from None
        except (ValueError, MemoryError, RecursionError) as error:  # null bytes, absurd nesting
            detail = python_says(str(error))
            raise ExpressionSyntaxError(phrase("expression.invalid_detail", detail=detail)).at(1, 1) from None

    def _refuse_statement(self) -> None:
        """Statements are valid Python but not expressions; name them instead of "invalid syntax"."""
        try:
            with quiet():
                module = ast.parse(self.text, "<expression>", mode="exec")
        except (SyntaxError, ValueError, MemoryError, RecursionError):
            return
        if len(module.body) > 1:
            raise ForbiddenConstructError(
                phrase("expression.one_only"), hint=phrase("expression.hint.remove_extra")
            ).at(*self.node_position(module.body[1]))
        for statement in module.body:
            if not isinstance(statement, ast.Expr):
                name = type(statement).__name__
                what = STATEMENTS.get(type(statement)) or phrase("expression.statement.keyword", keyword=name)
                raise ForbiddenConstructError(
                    phrase("expression.statement", what=what),
                    hint=phrase("expression.hint.one_value", formula="qty * unit_price", condition="urgency == '紧急'"),
                    params={"statement": type(statement).__name__},
                ).at(*self.node_position(statement))

    def _syntax_error(self, error: SyntaxError) -> ExpressionSyntaxError:
        if not error.offset and error.msg == "invalid syntax":  # Python's way of saying "ran out"
            return ExpressionSyntaxError(
                phrase("expression.incomplete"), hint=phrase("expression.hint.missing_end")
            ).at(len(self.lines), len(self.lines[-1]) + 1 + (self.indent if len(self.lines) == 1 else 0))
        first, _, rest = (error.msg or "invalid syntax").partition(". ")
        if first == "invalid syntax":
            reason = phrase("expression.invalid")
        else:
            reason = phrase("expression.invalid_detail", detail=python_says(first))
        hint = _python_hint(rest[:1].upper() + rest[1:]) if rest else phrase("expression.hint.check_syntax")
        line = error.lineno if error.lineno and error.lineno <= len(self.lines) else 1
        column = max(error.offset or 1, 1) + (self.indent if line == 1 else 0)
        return ExpressionSyntaxError(reason, hint=hint, params={"python": error.msg}).at(line, column)


def _python_hint(text: str) -> Phrase:
    return _PYTHON_HINTS.get(text) or phrase("expression.hint.python", python=text)
