"""Regular expressions written in packages - field ``pattern``s and ``matches()`` - run by RE2.

Python's ``re`` backtracks: ``^(a+)+$`` on 25 characters of anonymous input took a second and
doubled with each character, and a running match cannot be interrupted. Google's RE2 (the
``google-re2`` bindings) matches in time linear in the text whatever the pattern, so both the
form's field check and the sandbox's ``matches()`` run here. RE2 has no backreferences,
look-arounds, atomic groups or possessive repetition (the features that need backtracking):
those are refused with their name, before RE2 sees the pattern.

Semantics are RE2's, which are also the browser's (``form.js`` checks a field's pattern with a
JavaScript ``RegExp`` before sending): ``\\d \\w \\s \\b`` are ASCII, ``$`` is the end of the
text (``(?m)``: of each line). A few spellings of Python's are accepted and rewritten for RE2:
``\\Z`` (end of text), ``\\uXXXX`` / ``\\UXXXXXXXX`` (a code point, as in ``[\\u4e00-\\u9fa5]``),
``{,n}`` and ``(?#comments)``. A pattern RE2 refuses is explained with Python's own parser
where it can (the same wording and position as before), else with RE2's reason.
"""

from __future__ import annotations

import re
from functools import lru_cache

import re2

from engine.expressions.errors import ExpressionSyntaxError, ForbiddenConstructError, LimitExceededError
from engine.expressions.limits import METER, Limits, active_limits
from engine.expressions.phrases import phrase

MAX_PROGRAM = 1_000  # RE2 instructions of one compiled pattern (about its NFA states)
MAX_MEMORY = 2 << 20  # bytes RE2 may use for one pattern (its DFA cache falls back to the NFA)

_OPTIONS = re2.Options()
_OPTIONS.log_errors = False
_OPTIONS.max_mem = MAX_MEMORY

_REFUSED_GROUPS = {"=": "lookahead", "!": "negative_lookahead", "<": "lookbehind", ">": "atomic", "(": "conditional"}
_LEADING_FLAGS = re.compile(r"(?:\(\?[ims]+\))*")
_QUANTIFIER = re.compile(r"\{(\d*)(,?)(\d*)\}")
_HEX = re.compile(r"[0-9a-fA-F]+")
#: Python's ``re.error`` messages, as the catalog's ``expression.pattern.`` codes
_PYTHON_ERRORS = {
    "missing ), unterminated subpattern": "unterminated_group",
    "unbalanced parenthesis": "unbalanced",
    "nothing to repeat": "nothing_to_repeat",
    "multiple repeat": "multiple_repeat",
    "min repeat greater than max repeat": "min_over_max",
    "missing >, unterminated name": "unterminated_name",
    "missing ), unterminated comment": "unterminated_comment",
    "bad escape (end of pattern)": "escape_at_end",
    "incomplete escape": "incomplete_escape",
    "bad escape": "bad_escape",
    "unterminated character set": "unterminated_set",
    "bad character range": "bad_range",
}


def _refused(feature: str) -> ForbiddenConstructError:
    """``feature`` names an ``expression.feature.`` code."""
    named = phrase(f"expression.feature.{feature}")
    return ForbiddenConstructError(
        phrase("expression.pattern_refused", feature=named),
        hint=phrase("expression.hint.pattern_features"),
        params={"feature": str(named)},
    )


def _escape(p: str, i: int, in_class: bool) -> tuple[str, int]:
    """The RE2 spelling of the escape at ``p[i]`` (a backslash) and the index after it."""
    e = p[i + 1 : i + 2]
    if e.isdigit() and e != "0" and not in_class:
        raise _refused("backreferences")
    if e == "Z" and not in_class:
        return r"\z", i + 2
    if e == "b" and in_class:
        return r"\x{8}", i + 2
    if e in ("u", "U"):
        width = 4 if e == "u" else 8
        digits = p[i + 2 : i + 2 + width]
        if len(digits) == width and _HEX.fullmatch(digits):
            return f"\\x{{{min(int(digits, 16), 0x10FFFF):x}}}", i + 2 + width
    return p[i : i + 2], i + 2


def _group(p: str, i: int) -> tuple[str, int]:
    """``(`` at ``p[i]`` outside a class: the RE2 text for it, refusing what needs backtracking."""
    if p[i + 1 : i + 2] != "?":
        return "(", i + 1
    kind = p[i + 2 : i + 3]
    if kind == ":":
        return "(?:", i + 3
    if kind == "P":
        if p[i + 3 : i + 4] == "<":
            return "(?P<", i + 4
        raise _refused("backreferences")
    if kind == "#":
        end = p.find(")", i)
        return ("", end + 1) if end != -1 else (p[i:], len(p))
    if kind in _REFUSED_GROUPS:
        raise _refused(_REFUSED_GROUPS[kind])
    scoped = re.match(r"\(\?[a-zA-Z-]*:", p[i:])
    raise _refused("scoped_flags" if scoped else "other_flags")


def translate(p: str) -> str:
    """``p`` in RE2's syntax; refused features raise ``ForbiddenConstructError``.

    Anything malformed is passed through as it is: RE2 refuses it and Python's parser says why.
    """
    i = _LEADING_FLAGS.match(p).end()  # type: ignore[union-attr]
    out = [p[:i]]
    in_class = False
    while i < len(p):
        c = p[i]
        if c == "\\":
            text, i = _escape(p, i, in_class)
            out.append(text)
            continue
        if in_class:
            out.append("\\[" if c == "[" else c)
            in_class = c != "]"
            i += 1
            continue
        if c == "[":
            start = i + 1 + (p[i + 1 : i + 2] == "^")
            out.append(p[i:start])
            if p[start : start + 1] == "]":
                out.append("\\]")
                start += 1
            in_class, i = True, start
            continue
        if c == "(":
            text, i = _group(p, i)
            out.append(text)
            continue
        if c == "{":
            found = _QUANTIFIER.match(p, i)
            if found and (found[1] or found[3]):
                out.append(f"{{{found[1] or 0}{found[2]}{found[3]}}}")
                i = found.end()
                if p[i : i + 1] == "+":
                    raise _refused("possessive")
                continue
            out.append("\\{")
        elif c in "*+?" and p[i + 1 : i + 2] == "+" and (i == 0 or p[i - 1] not in "*+?"):
            raise _refused("possessive")
        else:
            out.append(c)
        i += 1
    return "".join(out)


def _too_complex() -> LimitExceededError:
    return LimitExceededError(
        phrase("expression.pattern_too_complex", limit=MAX_PROGRAM),
        hint=phrase("expression.hint.smaller_repetition"),
        params={"limit": MAX_PROGRAM},
    )


def _explain(source: str, reason: str) -> Exception:
    """Why RE2 refused ``source``: Python's parser's reason and position when it has one."""
    try:
        re.compile(source)
    except re.error as exc:
        msg = exc.msg
        code = next((code for text, code in _PYTHON_ERRORS.items() if msg.startswith(text)), None)
        at = (exc.pos or 0) + 1
        if code is not None:
            detail = phrase(f"expression.pattern.{code}", escape=msg.rpartition(" ")[2])
        else:
            detail = phrase("expression.pattern.other", reason=msg)
        return ExpressionSyntaxError(
            phrase("expression.pattern_invalid", detail=detail, position=at),
            hint=phrase("expression.hint.check_pattern"),
            params={"position": at},
        )
    if "too large" in reason or "repetition" in reason:
        return _too_complex()  # Python takes it, RE2 would build too big a program
    return ExpressionSyntaxError(
        phrase("expression.pattern_unsupported", reason=reason),
        hint=phrase("expression.hint.check_pattern"),
        params={"reason": reason},
    )


class Pattern:
    """A compiled, shareable pattern: ``search(text)`` says whether it matches anywhere."""

    __slots__ = ("source", "regex")

    def __init__(self, source: str) -> None:
        self.source = source
        try:
            self.regex = re2.compile(translate(source), _OPTIONS)
        except re2.error as exc:
            reason = exc.args[0].decode("utf-8", "replace") if exc.args and isinstance(exc.args[0], bytes) else str(exc)
            raise _explain(source, reason) from None
        if self.regex.programsize > MAX_PROGRAM:
            raise _too_complex()

    def search(self, text: str) -> bool:
        """Whether the pattern matches anywhere in ``text`` (like ``re.search``), in linear time."""
        return self.regex.search(text) is not None


@lru_cache(maxsize=256)
def compiled(source: str) -> Pattern:
    """``source`` compiled once, cached and shared (a field's pattern, a written ``matches()`` pattern)."""
    return Pattern(source)


def compile_pattern(source: str, limits: Limits | None = None) -> Pattern:
    """Check a ``matches()`` pattern's length, then compile it once."""
    limit = (limits or active_limits()).max_pattern_length
    if len(source) > limit:
        raise LimitExceededError(
            phrase("expression.pattern_too_long", size=len(source), limit=limit),
            hint=phrase("expression.hint.shorter_pattern"),
            params={"size": len(source), "limit": limit},
        )
    return compiled(source)


def search(pattern: str, text: str) -> bool:
    limit = active_limits().max_match_length
    if len(text) > limit:
        raise LimitExceededError(
            phrase("expression.match_text_too_long", limit=limit, size=len(text)),
            hint=phrase("expression.hint.use_contains"),
            params={"size": len(text), "limit": limit},
        )
    found = compile_pattern(pattern)
    meter = METER.get()
    if meter is not None:
        meter.allocate(len(text))  # the bindings copy the text as UTF-8 before matching
    return found.search(text)
