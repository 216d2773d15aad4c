"""Syntax of matches() patterns: a small regular-expression parser producing an NFA tree.

Python's ``re`` backtracks, so a builder's innocent ``.*x.*y`` takes 0.2 s on 1,000 characters
and ``(a+)+$`` never finishes; it cannot be interrupted from Python either. The sandbox
therefore parses the common regular-expression syntax itself and runs it as a Thompson NFA
(one pass over the text, each state visited at most once per character), caching the state
transitions it has seen. Backreferences, look-arounds and possessive quantifiers - the
features that need backtracking - are refused with a message.

Supported: literals and escapes, ``.``, classes ``[a-z\\d]`` / ``[^...]``, ``\\d \\w \\s`` and
their negations, groups ``(...)`` ``(?:...)`` ``(?P<name>...)``, ``|``, ``* + ? {m} {m,} {m,n}``
(lazy forms too), anchors ``^ $ \\A \\Z \\b \\B`` and leading flags ``(?i)`` ``(?s)`` ``(?m)``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from engine.expressions.errors import ExpressionSyntaxError, ForbiddenConstructError
from engine.expressions.phrases import phrase

Node = tuple[Any, ...]  # ("char", pred) ("cat", [..]) ("alt", [..]) ("repeat", node, lo, hi) ("assert", kind)
Pred = Callable[[str], bool]

_CATEGORIES: dict[str, Pred] = {
    "d": str.isdecimal,
    "w": lambda c: c.isalnum() or c == "_",
    "s": str.isspace,
}
_CONTROL = {"n": "\n", "t": "\t", "r": "\r", "f": "\f", "v": "\v", "a": "\a", "0": "\0"}
_REFUSED_GROUPS = {
    "=": "lookahead",
    "!": "negative_lookahead",
    "<": "lookbehind",
    ">": "atomic",
    "(": "conditional",
}


def _anything(ch: str) -> bool:
    return True


def _not_newline(ch: str) -> bool:
    return ch != "\n"


def _between(low: str, high: str) -> Pred:
    return lambda ch: low <= ch <= high


def _bad(problem: str, at: int, **params: str) -> ExpressionSyntaxError:
    """``problem`` names an ``expression.pattern.`` code."""
    detail = phrase(f"expression.pattern.{problem}", **params)
    return ExpressionSyntaxError(
        phrase("expression.pattern_invalid", detail=detail, position=at + 1),
        hint=phrase("expression.hint.check_pattern"),
        params={"position": at + 1},
    )


def _refused(feature: str) -> ForbiddenConstructError:
    """``feature`` names an ``expression.feature.`` code."""
    named = phrase(f"expression.feature.{feature}")
    return ForbiddenConstructError(
        phrase("expression.pattern_refused", feature=named),
        hint=phrase("expression.hint.pattern_features"),
        params={"feature": str(named)},
    )


class PatternParser:
    """Recursive descent over the pattern text, producing the node tuples above."""

    def __init__(self, pattern: str) -> None:
        self.p = pattern
        self.i = 0
        self.ignorecase = self.dotall = self.multiline = False

    def parse(self) -> Node:
        self._leading_flags()
        node = self._alternation()
        if self.i < len(self.p):
            raise _bad("unbalanced", self.i)
        return node

    def _leading_flags(self) -> None:
        while self.p.startswith("(?", self.i) and self.i + 2 < len(self.p) and self.p[self.i + 2] in "ims":
            end = self.p.find(")", self.i)
            flags = self.p[self.i + 2 : end] if end != -1 else ""
            if not flags or set(flags) - set("ims"):
                raise _refused("scoped_flags")
            self.ignorecase |= "i" in flags
            self.dotall |= "s" in flags
            self.multiline |= "m" in flags
            self.i = end + 1

    def _peek(self) -> str:
        return self.p[self.i] if self.i < len(self.p) else ""

    def _alternation(self) -> Node:
        branches = [self._sequence()]
        while self._peek() == "|":
            self.i += 1
            branches.append(self._sequence())
        return branches[0] if len(branches) == 1 else ("alt", branches)

    def _sequence(self) -> Node:
        items: list[Node] = []
        while self._peek() not in ("", "|", ")"):
            start = self.i
            atom = self._atom()
            bounds = self._quantifier()
            if bounds is not None:
                if atom[0] == "assert":
                    raise _bad("nothing_to_repeat", start)
                atom = ("repeat", atom, *bounds)
            items.append(atom)
        return ("cat", items)

    def _quantifier(self) -> tuple[int, int | None] | None:
        c, at = self._peek(), self.i
        if c in ("*", "+", "?"):
            self.i += 1
            bounds: tuple[int, int | None] = {"*": (0, None), "+": (1, None), "?": (0, 1)}[c]
        elif c == "{" and (parsed := self._braces()) is not None:
            bounds = parsed
        else:
            return None
        if self._peek() == "+":
            raise _refused("possessive")
        if self._peek() == "?":
            self.i += 1  # lazy: the same answer to "is there a match?"
        if self._peek() in ("*", "+", "?"):
            raise _bad("multiple_repeat", self.i)
        if bounds[1] is not None and bounds[0] > bounds[1]:
            raise _bad("min_over_max", at)
        return bounds

    def _braces(self) -> tuple[int, int | None] | None:
        end = self.p.find("}", self.i)
        body = self.p[self.i + 1 : end] if end != -1 else ""
        low, comma, high = body.partition(",")
        if (
            end == -1
            or not (low.isdigit() or (comma and high.isdigit()))
            or not ((low == "" or low.isdigit()) and (high == "" or high.isdigit()))
        ):
            return None  # a literal "{", as in Python
        self.i = end + 1
        lo = int(low) if low else 0
        return (lo, lo) if not comma else (lo, int(high) if high else None)

    def _atom(self) -> Node:
        c = self.p[self.i]
        self.i += 1
        if c == "(":
            return self._group()
        if c == "[":
            return ("char", self._class())
        if c == ".":
            return ("char", _anything if self.dotall else _not_newline)
        if c == "^":
            return ("assert", "bol" if self.multiline else "bos")
        if c == "$":
            return ("assert", "eol")
        if c in ("*", "+", "?"):
            raise _bad("nothing_to_repeat", self.i - 1)
        if c == "\\":
            value = self._escape(in_class=False)
            if isinstance(value, str):
                return ("char", self._literal(value))
            return value if isinstance(value, tuple) else ("char", value)
        return ("char", self._literal(c))

    def _group(self) -> Node:
        if self._peek() == "?":
            kind = self.p[self.i + 1 : self.i + 2]
            if kind == ":":
                self.i += 2
            elif kind == "P" and self.p[self.i + 2 : self.i + 3] == "<":
                end = self.p.find(">", self.i)
                if end == -1:
                    raise _bad("unterminated_name", self.i)
                self.i = end + 1
            elif kind == "#":
                end = self.p.find(")", self.i)
                if end == -1:
                    raise _bad("unterminated_comment", self.i)
                self.i = end + 1
                return ("cat", [])
            elif kind == "P":
                raise _refused("backreferences")
            elif kind in _REFUSED_GROUPS:
                raise _refused(_REFUSED_GROUPS[kind])
            else:
                raise _refused("other_flags")
        start = self.i
        node = self._alternation()
        if self._peek() != ")":
            raise _bad("unterminated_group", start - 1)
        self.i += 1
        return node

    def _escape(self, in_class: bool) -> str | Pred | Node:
        """After a backslash: one character, a category test, or (outside classes) an anchor."""
        at = self.i - 1
        c = self._peek()
        if not c:
            raise _bad("escape_at_end", at)
        self.i += 1
        if c.lower() in _CATEGORIES:
            test = _CATEGORIES[c.lower()]
            return test if c.islower() else (lambda ch: not test(ch))
        if not in_class and c in "AZbB":
            return ("assert", {"A": "bos", "Z": "eos", "b": "word", "B": "nonword"}[c])
        if in_class and c == "b":
            return "\b"
        if c in _CONTROL and not (c == "0" and self._peek().isdigit()):
            return _CONTROL[c]
        if c in "xuU":
            width = {"x": 2, "u": 4, "U": 8}[c]
            digits = self.p[self.i : self.i + width]
            if len(digits) != width or any(d not in "0123456789abcdefABCDEF" for d in digits):
                raise _bad("incomplete_escape", at, escape=f"\\{c}{digits}")
            self.i += width
            return chr(min(int(digits, 16), 0x10FFFF))
        if c.isdigit():
            raise _refused("backreferences")
        if c.isascii() and c.isalnum():
            raise _bad("bad_escape", at, escape=f"\\{c}")
        return c

    def _literal(self, c: str) -> Pred:
        if self.ignorecase and c.lower() != c.upper():
            return frozenset({c, c.lower(), c.upper(), c.swapcase()}).__contains__
        return c.__eq__

    def _class(self) -> Pred:
        start = self.i - 1
        negate = self._peek() == "^"
        self.i += negate
        tests: list[Pred] = []
        chars: set[str] = set()
        first = True
        while True:
            c = self._peek()
            if not c:
                raise _bad("unterminated_set", start)
            if c == "]" and not first:
                self.i += 1
                break
            first = False
            low = self._class_item()
            if isinstance(low, str) and self._peek() == "-" and self.p[self.i + 1 : self.i + 2] not in ("]", ""):
                self.i += 1
                high = self._class_item()
                if not isinstance(high, str) or ord(high) < ord(low):
                    raise _bad("bad_range", self.i - 1)
                tests.append(_between(low, high))
            elif isinstance(low, str):
                chars.add(low)
            else:
                tests.append(low)
        if chars:
            tests.append(frozenset(chars).__contains__)
        ignorecase = self.ignorecase

        def member(ch: str) -> bool:
            hit = any(t(ch) for t in tests)
            if not hit and ignorecase:
                hit = any(t(v) for v in (ch.lower(), ch.upper()) for t in tests)
            return hit != negate

        return member

    def _class_item(self) -> str | Pred:
        c = self.p[self.i]
        self.i += 1
        if c != "\\":
            return c
        value = self._escape(in_class=True)
        assert not isinstance(value, tuple)  # anchors only exist outside classes
        return value
