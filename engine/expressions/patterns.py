"""matches(): run a parsed pattern as a Thompson NFA, in time linear in the text.

Each character moves a *set* of NFA states forward; no state is visited twice per character,
so the worst case is (text length x pattern states) steps whatever the pattern, and nested
repetition like ``(a+)+$`` is as cheap as ``a+$``. Transitions already computed for a
(state set, character) pair are remembered per pattern - a pure memo with a size cap, so the
common validation patterns run at a dictionary look-up per character.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from engine.expressions.errors import LimitExceededError
from engine.expressions.limits import METER, Limits, active_limits
from engine.expressions.pattern_parser import Node, PatternParser
from engine.expressions.phrases import phrase

CHAR, SPLIT, JMP, ASSERT, MATCH = range(5)
MAX_PROGRAM = 1_000  # NFA states of one pattern
MAX_CACHE = 4_096  # remembered transitions per pattern
ACCEPT, AT_END, AT_LINE_END = 1, 2, 4  # what a state set says about matching here


def _size(node: Node) -> int:
    kind: str = node[0]
    if kind == "cat":
        return sum(_size(n) for n in node[1])
    if kind == "alt":
        return sum(_size(n) for n in node[1]) + 2 * (len(node[1]) - 1)
    if kind == "repeat":
        body, lo, hi = _size(node[1]), int(node[2]), node[3]
        return lo * body + (body + 2 if hi is None else (hi - lo) * (body + 1))
    return 1


class _Program:
    """Flat NFA: ``ops[pc]`` with operands ``xs[pc]``/``ys[pc]``; CHAR tests ``xs[pc](ch)``."""

    def __init__(self) -> None:
        self.ops: list[int] = []
        self.xs: list[object] = []
        self.ys: list[int] = []

    def emit(self, op: int, x: object = None, y: int = -1) -> int:
        self.ops.append(op)
        self.xs.append(x)
        self.ys.append(y)
        return len(self.ops) - 1

    def build(self, node: Node) -> None:
        kind = node[0]
        if kind == "char":
            self.emit(CHAR, node[1])
        elif kind == "assert":
            self.emit(ASSERT, node[1])
        elif kind == "cat":
            for item in node[1]:
                self.build(item)
        elif kind == "alt":
            jumps = []
            for branch in node[1][:-1]:
                split = self.emit(SPLIT, len(self.ops) + 1)
                self.build(branch)
                jumps.append(self.emit(JMP))
                self.ys[split] = len(self.ops)
            self.build(node[1][-1])
            for jump in jumps:
                self.xs[jump] = len(self.ops)
        else:
            body, lo, hi = node[1], node[2], node[3]
            for _ in range(lo):
                self.build(body)
            if hi is None:
                loop = self.emit(SPLIT, len(self.ops) + 1)
                self.build(body)
                self.emit(JMP, loop)
                self.ys[loop] = len(self.ops)
            else:
                splits = []
                for _ in range(hi - lo):
                    splits.append(self.emit(SPLIT, len(self.ops) + 1))
                    self.build(body)
                for split in splits:
                    self.ys[split] = len(self.ops)


class Pattern:
    """A compiled, shareable matches() pattern."""

    def __init__(self, source: str) -> None:
        parser = PatternParser(source)
        tree = parser.parse()
        if _size(tree) + 1 > MAX_PROGRAM:
            raise LimitExceededError(
                phrase("expression.pattern_too_complex", limit=MAX_PROGRAM),
                hint=phrase("expression.hint.smaller_repetition"),
                params={"limit": MAX_PROGRAM},
            )
        program = _Program()
        program.build(tree)
        program.emit(MATCH)
        self.source = source
        self.multiline = parser.multiline
        self.ops, self.xs, self.ys = program.ops, program.xs, program.ys
        first = tree[1][0] if tree[0] == "cat" and tree[1] else tree
        self.anchored = first == ("assert", "bos")
        self.cacheable = all(self._position_free(pc) for pc, op in enumerate(self.ops) if op == ASSERT)
        self.cache: dict[tuple[tuple[int, ...], str], tuple[tuple[int, ...], int]] = {}

    def _position_free(self, pc: int) -> bool:
        """Whether this assertion can be decided without looking past the current character."""
        kind = self.xs[pc]
        if kind in ("bos", "bol"):
            return True  # bos is false after position 0; bol only needs the character consumed
        if kind in ("eos", "eol"):
            nxt = pc + 1
            while self.ops[nxt] == JMP:
                nxt = self.xs[nxt]  # type: ignore[assignment]
            return self.ops[nxt] == MATCH  # decided at the end, by the caller
        return False

    def search(self, text: str) -> bool:
        """Whether the pattern matches anywhere in ``text`` (like ``re.search``)."""
        xs = self.xs
        states, mask = self._closure((0,), 0, text, self.cacheable)
        if mask and self._accepts(mask, 0, text):
            return True
        cache = self.cache if self.cacheable else None
        meter = METER.get()
        for i, ch in enumerate(text):
            hit = cache.get((states, ch)) if cache is not None else None
            if hit is None:
                seeds = [pc + 1 for pc in states if xs[pc](ch)]  # type: ignore[operator]
                if not self.anchored:
                    seeds.append(0)
                hit = self._closure(seeds, i + 1, text, cache is not None)
                if cache is not None and len(cache) < MAX_CACHE:
                    cache[(states, ch)] = hit
            states, mask = hit
            if mask and self._accepts(mask, i + 1, text):
                return True
            if not states and self.anchored:
                return False
            if meter is not None and i & 31 == 31:
                meter.check_time()
        return False

    def _closure(self, seeds: Sequence[int], pos: int, text: str, deferred: bool) -> tuple[tuple[int, ...], int]:
        """States reachable from ``seeds`` without consuming a character, at ``pos``.

        With ``deferred`` the result must not depend on ``pos`` beyond the character just
        consumed: end anchors then report AT_END / AT_LINE_END instead of being decided.
        """
        ops, xs, ys = self.ops, self.xs, self.ys
        stack = list(seeds)
        seen: set[int] = set()
        out: list[int] = []
        mask = 0
        while stack:
            pc = stack.pop()
            if pc in seen:
                continue
            seen.add(pc)
            op = ops[pc]
            if op == CHAR:
                out.append(pc)
            elif op == SPLIT:
                stack.append(ys[pc])
                stack.append(xs[pc])  # type: ignore[arg-type]
            elif op == JMP:
                stack.append(xs[pc])  # type: ignore[arg-type]
            elif op == MATCH:
                mask |= ACCEPT
            elif deferred and xs[pc] in ("eos", "eol"):
                mask |= AT_END if xs[pc] == "eos" else AT_LINE_END
            elif self._holds(xs[pc], pos, text):  # type: ignore[arg-type]
                stack.append(pc + 1)
        out.sort()
        return tuple(out), mask

    def _holds(self, kind: str, pos: int, text: str) -> bool:
        n = len(text)
        if kind == "bos":
            return pos == 0
        if kind == "bol":
            return pos == 0 or text[pos - 1] == "\n"
        if kind == "eos":
            return pos == n
        if kind == "eol":
            return pos == n or (text[pos] == "\n" and (self.multiline or pos == n - 1))
        before = pos > 0 and _is_word(text[pos - 1])
        after = pos < n and _is_word(text[pos])
        if kind == "nonword" and not text:
            return False  # as Python 3.11's re: \B never matches empty text
        return (before != after) == (kind == "word")

    def _accepts(self, mask: int, pos: int, text: str) -> bool:
        if mask & ACCEPT:
            return True
        if mask & AT_END and pos == len(text):
            return True
        return bool(mask & AT_LINE_END) and self._holds("eol", pos, text)


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


@lru_cache(maxsize=256)
def _compiled(source: str) -> Pattern:
    return Pattern(source)


def compile_pattern(source: str, limits: Limits | None = None) -> Pattern:
    """Parse and check a pattern once; the result is cached and shared by every evaluation."""
    limit = (limits or active_limits()).max_pattern_length
    if len(source) > limit:
        raise LimitExceededError(
            phrase("expression.pattern_too_long", size=len(source), limit=limit),
            hint=phrase("expression.hint.shorter_pattern"),
            params={"size": len(source), "limit": limit},
        )
    return _compiled(source)


def search(pattern: str, text: str) -> bool:
    limit = active_limits().max_match_length
    if len(text) > limit:
        raise LimitExceededError(
            phrase("expression.match_text_too_long", limit=limit, size=len(text)),
            hint=phrase("expression.hint.use_contains"),
            params={"size": len(text), "limit": limit},
        )
    return compile_pattern(pattern).search(text)
