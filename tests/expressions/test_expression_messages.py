"""The sandbox's messages read in Chinese too: same English as before, no English words for a Chinese reader."""

import pickle
import re
from pathlib import Path

import jsonpatch
import pytest

from engine.expressions import ExpressionError, compile_expression
from engine.i18n import CATALOG
from engine.packages import package_problems
from engine.packages.expression_checks import expression_problem
from engine.packages.messages import localize
from tests.docs.test_app_format_doc import example_package

#: (source, known names or None, context or None to only compile, the English message)
CASES = [
    (
        "urgncy == '紧急'",
        ["urgency"],
        None,
        "Unknown name 'urgncy' (line 1, column 1). Did you mean 'urgency'?",
    ),
    (
        "total / 0",
        None,
        {"total": 1},
        "Division by zero (line 1, column 7). Check the divisor first: a / b if b else 0.",
    ),
    (
        "'水电' + 1",
        None,
        {},
        "Cannot add text and a whole number (line 1, column 6). Use str() to turn a number into text.",
    ),
    ("a < b", None, {"a": "x", "b": 3}, "Cannot compare text with a whole number (line 1, column 3)."),
    (
        "a < b",
        None,
        {"a": None, "b": 3},
        "Cannot compare an empty value (None) (line 1, column 3)."
        " A field may be empty: use coalesce(field, 0) to give it a default.",
    ),
    (
        "total_cost >",
        None,
        None,
        "The expression is incomplete (line 1, column 13)."
        " Something is missing at the end, such as a value after an operator.",
    ),
    (
        "(total_cost",
        None,
        None,
        "Invalid expression: '(' was never closed (line 1, column 1). Check for a missing quote, bracket or operator.",
    ),
    (
        "days_between(created_at)",
        None,
        None,
        "Wrong arguments for days_between(): missing a required argument: 'end' (line 1, column 1)."
        " Use days_between(start, end).",
    ),
    ("len(3)", None, {}, "len() needs text or a list, not a whole number (line 1, column 1)."),
    ("{[1]: 2}", None, {}, "A list cannot be a key or a set member (line 1, column 1)."),
    (
        "'a' * 10**9",
        None,
        {},
        "The result would have 1,000,000,000 characters or items, more than the limit of 100,000"
        " (line 1, column 5). Build a smaller value.",
    ),
    (
        "matches(code, '(ab')",
        None,
        None,
        "The pattern is not valid: missing ), unterminated subpattern at character 1 (line 1, column 15)."
        " Check the regular expression.",
    ),
]
IDS = [source for source, *_ in CASES]
QUOTED = re.compile(r"“[^”]*”")


def _fail(source, names, context) -> ExpressionError:
    with pytest.raises(ExpressionError) as caught:
        expression = compile_expression(source, names=names)
        if context is not None:
            expression.evaluate(context)
    return caught.value


@pytest.mark.parametrize(("source", "names", "context", "english"), CASES, ids=IDS)
def test_the_english_message_is_unchanged_and_the_chinese_has_no_english_words(source, names, context, english):
    error = _fail(source, names, context)
    chinese = error.localized("zh-CN")
    assert (error.message, error.localized("en")) == (english, english)
    assert re.findall(r"[A-Za-z]+", QUOTED.sub("", chinese)) == []
    assert "第 1 行" in chinese


def test_a_chinese_message_keeps_quoted_names_as_written_and_says_where_in_chinese():
    error = _fail("urgncy == '紧急'", ["urgency"], None)
    assert error.localized("zh-CN") == "未知的名称“urgncy”(第 1 行,第 1 列)。您是想写“urgency”吗?"
    assert (error.reason, error.hint) == ("Unknown name 'urgncy'", "Did you mean 'urgency'?")


def test_kinds_of_value_are_words_of_the_readers_language():
    error = _fail("'水电' + 1", None, {})
    assert error.localized("zh-CN") == "无法对文本和整数做加法(第 1 行,第 6 列)。请用“str()”把数字转成文本。"


def test_a_pickled_error_still_speaks_both_languages():
    error = _fail("total / 0", None, {"total": 1})
    copy = pickle.loads(pickle.dumps(error))
    assert (str(copy), copy.localized("zh-CN")) == (str(error), error.localized("zh-CN"))
    assert copy.localized("zh-CN") == "除数为零(第 1 行,第 7 列)。请先检查除数:“a / b if b else 0”。"


def test_a_package_problem_about_an_expression_reads_in_the_readers_language():
    error = _fail("urgncy == '紧急'", ["urgency"], None)
    found = expression_problem("/flows/0/edges/1/condition", error)
    assert found.message == error.message
    assert found.code == "expression_unknown_name"
    assert localize(found, "en") == found
    chinese = localize(found, "zh-CN")
    assert (chinese.pointer, chinese.code) == (found.pointer, found.code)
    assert chinese.message == error.localized("zh-CN")


def test_every_code_the_sandbox_names_is_in_the_catalog():
    package = Path(compile_expression.__code__.co_filename).parent
    source = "\n".join(path.read_text(encoding="utf-8") for path in package.glob("*.py"))
    named = set(re.findall(r"""phrase\(\s*"(expression\.[\w.]+)\"""", source))
    families = {
        "what": r"""(?:_needs|needs)\([^,]+,\s*"(\w+)\"""",
        "verb": r"""_apply\([^,]+,\s*"(\w+)\"""",
        "pattern": r"""_bad\(\s*"(\w+)\"""",
        "feature": r"""_refused\(\s*"(\w+)\"""",
    }
    for family, call in families.items():
        named |= {f"expression.{family}.{name}" for name in re.findall(call, source)}
    assert len(named) > 100
    assert sorted(code for code in named if code not in CATALOG) == []


def test_a_package_with_a_misspelt_condition_is_explained_in_chinese():
    broken = jsonpatch.apply_patch(
        example_package(), [{"op": "replace", "path": "/flows/0/edges/1/condition", "value": "statuss == '异常'"}]
    )

    (found,) = package_problems(broken)
    chinese = localize(found, "zh-CN")

    assert (found.pointer, found.code) == ("/flows/0/edges/1/condition", "expression_unknown_name")
    assert found.message == "Unknown name 'statuss' (line 1, column 1). Did you mean 'status'?"
    assert chinese.message == "未知的名称“statuss”(第 1 行,第 1 列)。您是想写“status”吗?"
