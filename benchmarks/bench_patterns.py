"""Package regexes side by side: RE2 (what runs now), the hand-written NFA it replaced, Python's re.

    python benchmarks/bench_patterns.py [--hand-written-from 1d5224c]

For each pattern - the package's real ones (plate numbers, ID cards, mobile numbers, e-mail,
serial numbers, keywords from apps/ and tests/apps) and pathological ones - it prints the time of
one search on a typical input and on 10,000 characters of hostile input with

(1) RE2 through ``engine.expressions.patterns`` (the ``google-re2`` bindings);
(2) the hand-written Thompson NFA of ``engine/expressions/patterns.py`` and ``pattern_parser.py``
    as last committed before RE2 (read from git at the given commit, default ``1d5224c``);
(3) Python's ``re``, the reference - backtracking, so a pathological pattern is timed on 25
    characters only and the figure is marked (it doubles with each further character).

Times are microseconds, best of five rounds of CPU time of this thread.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import time
import types
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a checkout, installed or not

from engine.expressions.patterns import compiled  # noqa: E402

HOSTILE = 10_000
#: (name, pattern, typical input, hostile input of HOSTILE characters, backtracks in Python's re)
CASES = [
    ("plate number", r"^[\u4e00-\u9fa5][A-Z][A-Z0-9]{5,6}$", "沪A12345", "沪A" + "1" * (HOSTILE - 2), False),
    ("ID card", r"^[0-9]{17}[0-9Xx]$", "11010519491231002X", "1" * HOSTILE, False),
    ("mobile", r"^1[3-9]\d{9}$", "13812345678", "1" * HOSTILE, False),
    (
        "mobile, browser form",
        r"^(\+?86)?[\s-]*1[3-9](\d[\s-]*){9}$",
        "+86 138-1234-5678",
        "138" + " " * (HOSTILE - 3),
        False,
    ),
    ("e-mail", r"(?i)^[\w.+-]+@[\w-]+\.[\w.]+$", "ops@acme.example", "a" * HOSTILE + "@", False),
    ("serial number", r"^BX-\d{8}-\d{4}$", "BX-20240501-0001", "BX-" + "2" * (HOSTILE - 3), False),
    ("keywords", r"漏水|渗水|堵塞", "厨房水管漏水了", "水" * HOSTILE, False),
    ("nested repetition", r"^(a+)+$", "aaaa", "a" * (HOSTILE - 1) + "!", True),
    ("alternation loop", r"^(a|a)*$", "aaaa", "a" * (HOSTILE - 1) + "!", True),
    ("digits thrice", r"^\d*\d*\d*x$", "12x", "1" * HOSTILE, True),
    ("two wildcards", r".*x.*y", "xy", "x" * HOSTILE, True),
]
ROUNDS = 5
PYTHON_HOSTILE = 25  # characters of hostile input Python's re is given for a backtracking pattern


def best(search: Callable[[str], object], text: str, number: int) -> float:
    """Microseconds of one search, the best of ROUNDS rounds of ``number`` searches (thread CPU time)."""
    times = []
    for _ in range(ROUNDS):
        start = time.thread_time()
        for _ in range(number):
            search(text)
        times.append((time.thread_time() - start) / number)
    return min(times) * 1e6


def hand_written(commit: str) -> Callable[[str], Callable[[str], bool]] | None:
    """The hand-written engine as committed at ``commit``, or None when git cannot show it."""
    modules = {}
    for name in ("pattern_parser", "patterns"):
        try:
            source = subprocess.run(
                ["git", "show", f"{commit}:engine/expressions/{name}.py"],
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        except (OSError, subprocess.CalledProcessError):
            return None
        module = types.ModuleType(f"engine.expressions.{name}")
        sys.modules[module.__name__] = module  # the old patterns module imports the old parser by name
        exec(compile(source, f"{commit}:{name}.py", "exec"), module.__dict__)
        modules[name] = module
    sys.modules.pop("engine.expressions.patterns", None)
    sys.modules.pop("engine.expressions.pattern_parser", None)
    old = modules["patterns"]
    return lambda pattern: old.Pattern(pattern).search


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hand-written-from", default="1d5224c", help="commit holding the hand-written engine")
    args = parser.parse_args()
    old = hand_written(args.hand_written_from)
    print(f"µs per search (best of {ROUNDS}); hostile input: {HOSTILE:,} characters")
    print(f"{'pattern':<22}{'input':>9}{'RE2':>12}{'hand-written':>14}{'Python re':>16}")
    for name, pattern, typical, hostile, backtracks in CASES:
        ours = compiled(pattern).search
        theirs = old(pattern) if old else None
        reference = re.compile(pattern).search
        for label, text in (("typical", typical), ("hostile", hostile)):
            number = 2_000 if label == "typical" else 20
            cells = [f"{best(ours, text, number):12.1f}"]
            cells.append(f"{best(theirs, text, max(1, number // 10)):14.1f}" if theirs else f"{'-':>14}")
            if label == "hostile" and backtracks:
                short = hostile[-PYTHON_HOSTILE:] if hostile.endswith("!") else hostile[:PYTHON_HOSTILE]
                cells.append(f"{best(reference, short, 1):>11.0f} (25c)")
            else:
                cells.append(f"{best(reference, text, number):16.1f}")
            print(f"{name if label == 'typical' else '':<22}{label:>9}" + "".join(cells))


if __name__ == "__main__":
    main()
