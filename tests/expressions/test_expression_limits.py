"""Work, time and size limits: bombs are refused before they allocate or soon after they start.

There are no timing assertions here (speed is measured in benchmarks/); a limit that failed
would show up as a hung or exhausted test run, which is the point of each case. Tests about
another limit than time run with a patient clock, so a busy CI machine cannot turn a step or
size refusal (or a success) into a time-out.
"""

import threading
from datetime import datetime

import pytest

from engine.expressions import (
    ExpressionSyntaxError,
    LimitExceededError,
    Limits,
    compile_expression,
)

PATIENT = Limits(time_limit=60.0)
CONTEXT = {
    "x": "abc",
    "items": list(range(10)),
    "big": list(range(100_000)),
    "long_text": "漏" * 60_000,
    "d": datetime(2024, 5, 1),
}

BOMBS = [
    # size, refused before allocating
    "'a' * 10**9",
    "[0] * 10**9",
    "10 * 'a' * 10**8",
    "(x,) * 10**9",
    "items * 100_000",
    "long_text * 2",
    "long_text + long_text",
    "'x' * 99_999 + 'x' * 99_999",
    "10 ** 10 ** 10",
    "2 ** 100_000",
    "9 ** 9 ** 9",
    "1 << 10**8",
    "10**3000 * 10**3000",
    "int(1e999 * 1e999 * 1e999 * 1e999)",
    "sum(range(10**12))",
    "range(10**6)",
    "len(range(-10**18, 10**18))",
    # work: loops and nested comprehension bombs
    "[1 for a in range(1000) for b in range(1000)]",
    "sum(1 for a in range(10**5) for b in range(10**5))",
    "len([[b for b in range(1000)] for a in range(1000)])",
    "any(a == b for a in range(10**5) for b in range(10**5) if a < 0)",
    "{a: b for a in range(1000) for b in range(1000)}",
    "[[[c for c in x] for b in range(100)] for a in range(10**4)]",
    "all(len([b for b in big]) for a in range(10))",
    # total building work
    "['ab' * 50_000 for a in range(100)]",
    "sum(sum(range(100_000)) for a in range(100))",
    "[sorted(big) for a in range(30)]",
    "[big[::-1] for a in range(30)]",
    "[f'{a}{long_text}' for a in range(50)]",
    "[lower(long_text) for a in range(50)]",
    "[str(big) for a in range(30)]",
    # time: each step is legal but slow
    "sum(1 for a in range(50_000) if -1 in big)",
    "all(not matches(long_text[:9_999], '(漏+漏+)+x') for a in range(1_000))",
    "[big == big for b in range(50_000)]",
    # matches() inputs
    "matches(x, 'a' * 300)",
    "matches(long_text, '漏')",
    "matches(x, '(?:a?){999}')",
    "matches(x, '(?:a{1000}){1000}')",
    # the text itself
    "x" * 2_001,
    "-" * 300 + "1",
    "[" + ", ".join(["1"] * 600) + "]",
    "f'{x:>100000}'",
    "f'{d:%1000000Y}'",
    "1e999999999",
]


@pytest.mark.parametrize("source", BOMBS, ids=[source[:60] for source in BOMBS])
def test_bomb_is_refused(source):
    with pytest.raises(LimitExceededError) as caught:
        compile_expression(source).evaluate(CONTEXT)
    assert caught.value.code == "expression_limit"
    assert caught.value.line is not None


def test_a_long_sum_of_fields_is_not_too_deep():
    fields = [f"f{n}" for n in range(99)]
    assert compile_expression(" + ".join(fields)).evaluate(dict.fromkeys(fields, 1)) == 99


def test_too_many_nested_parentheses_is_a_syntax_error():
    with pytest.raises(ExpressionSyntaxError):
        compile_expression("(" * 300 + "1" + ")" * 300)


def test_a_huge_repetition_is_refused_before_allocating_with_the_size_it_would_have():
    with pytest.raises(LimitExceededError) as caught:
        compile_expression("'a' * 10**9").evaluate({})
    assert str(caught.value) == (
        "The result would have 1,000,000,000 characters or items, more than the limit of 100,000"
        " (line 1, column 5). Build a smaller value."
    )
    assert caught.value.details == {"size": 10**9, "limit": 100_000, "line": 1, "column": 5}


def test_a_tower_of_powers_is_refused_by_its_size():
    with pytest.raises(LimitExceededError) as caught:
        compile_expression("10 ** 10 ** 10").evaluate({})
    assert str(caught.value) == (
        "The number would have more than 10,000 binary digits (line 1, column 4). Use smaller numbers."
    )


def test_a_huge_range_is_refused_by_its_length():
    with pytest.raises(LimitExceededError) as caught:
        compile_expression("sum(range(10**12))").evaluate({})
    assert str(caught.value) == (
        "range() would have 1,000,000,000,000 numbers, more than the limit of 100,000 (line 1, column 5)."
        " Use a smaller range."
    )


def test_a_nested_loop_bomb_stops_at_the_step_limit_in_the_inner_loop():
    with pytest.raises(LimitExceededError) as caught:
        compile_expression("[1 for a in range(1000) for b in range(1000)]", limits=PATIENT).evaluate({})
    assert str(caught.value) == (
        "The expression loops too often (more than 100,000 steps) (line 1, column 34)."
        " Loop over less data or simplify nested loops."
    )


def test_a_slow_loop_is_stopped_by_the_clock():
    with pytest.raises(LimitExceededError) as caught:
        compile_expression("sum(1 for a in range(50_000) if -1 in big)").evaluate(CONTEXT)
    assert caught.value.reason == "The expression takes too long (more than 100 ms of computing)"
    assert caught.value.hint == "Simplify it or loop over less data."


def test_building_too_much_in_total_is_refused():
    with pytest.raises(LimitExceededError) as caught:
        compile_expression("['ab' * 50_000 for a in range(100)]", limits=PATIENT).evaluate({})
    assert caught.value.reason == (
        "The expression builds too much text or too many items (more than 2,000,000 in total)"
    )


def test_the_source_length_is_limited():
    with pytest.raises(LimitExceededError) as caught:
        compile_expression("x" * 2_001)
    assert str(caught.value) == (
        "The expression has 2,001 characters, more than the limit of 2,000 (line 1, column 2001)."
        " Split it into several calculated fields."
    )


def test_patterns_that_make_backtracking_engines_hang_run_in_linear_time():
    context = {"a": "a" * 9_999 + "!", "x": "x" * 9_999, "digits": "1" * 9_999}

    def run(source: str) -> object:
        return compile_expression(source, limits=PATIENT).evaluate(context)

    assert run("matches(a, '(a+)+$')") is False
    assert run("matches(a, '^(a|a)*$')") is False
    assert run("matches(x, '.*x.*y')") is False
    assert run(r"matches(digits, '\d*\d*\d*x')") is False
    assert run("matches(a, '^(a+)+!$')") is True


def test_limits_can_be_tightened_per_expression():
    few_steps = Limits(max_steps=10)
    assert compile_expression("sum(a for a in range(10))", limits=few_steps).evaluate({}) == 45
    with pytest.raises(LimitExceededError):
        compile_expression("sum(a for a in range(11))", limits=few_steps).evaluate({})
    with pytest.raises(LimitExceededError):
        compile_expression("'ab' * 3", limits=Limits(max_length=5)).evaluate({})
    assert compile_expression("'ab' * 3").evaluate({}) == "ababab"


def test_each_evaluation_has_a_fresh_budget():
    expression = compile_expression("sum(1 for a in range(90_000))", limits=PATIENT)
    assert [expression.evaluate({}) for _ in range(3)] == [90_000] * 3


def test_evaluations_in_threads_do_not_share_a_budget():
    expression = compile_expression("sum(1 for a in range(5_000))", limits=Limits(max_steps=6_000, time_limit=60.0))
    results: list[object] = []

    def work() -> None:
        results.append(expression.evaluate({}))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [5_000] * 4
