"""docs/expressions.md stays true: every example evaluates to what the page says it does."""

import re
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from engine.expressions import HELPER_NAMES, ExpressionError, compile_expression

DOC = Path(__file__).resolve().parents[2] / "docs" / "expressions.md"
TEXT = DOC.read_text(encoding="utf-8")
CODE = r"`((?:[^`\\]|\\.)+)`"


def _sample_record() -> dict[str, Any]:
    block = re.search(r"```python\n(record = .*?)\n```", TEXT, re.S)
    assert block is not None, "the page has no sample record"
    namespace: dict[str, Any] = {
        "Decimal": Decimal,
        "date": date,
        "datetime": datetime,
        "time": time,
        "timedelta": timedelta,
        "timezone": timezone,
    }
    exec(block.group(1), namespace)
    return dict(namespace["record"])


def _examples() -> list[tuple[str, str]]:
    """``| `expr` | `result` |`` rows and ``\\`expr\\` → \\`result\\``` pairs in helper tables."""
    found = []
    for line in TEXT.splitlines():
        cells = [cell.strip() for cell in re.split(r"(?<!\\)\|", line)[1:-1]]
        if len(cells) == 2 and re.fullmatch(CODE, cells[0]) and re.fullmatch(rf"{CODE}|error {CODE}", cells[1]):
            found.append((cells[0], cells[1]))
        for expression, result in re.findall(rf"{CODE} → {CODE}", line):
            found.append((f"`{expression}`", f"`{result}`"))
    return [(_unquote(e), r if r.startswith("error") else _unquote(r)) for e, r in found]


def _unquote(cell: str) -> str:
    return cell.strip("`").replace("\\|", "|")


RECORD = _sample_record()
EXAMPLES = _examples()


def test_the_page_has_examples_for_every_helper():
    assert len(EXAMPLES) > 70
    shown = " ".join(expression for expression, _ in EXAMPLES)
    assert sorted(name for name in HELPER_NAMES if f"{name}(" not in shown) == []


@pytest.mark.parametrize(("expression", "expected"), EXAMPLES, ids=[e for e, _ in EXAMPLES])
def test_documented_example(expression, expected):
    if expected.startswith("error"):
        with pytest.raises(ExpressionError) as caught:
            compile_expression(expression).evaluate(RECORD)
        assert caught.value.code == expected.split("`")[1]
    else:
        assert repr(compile_expression(expression).evaluate(RECORD)) == expected
