"""The whitelisted helpers: null-safe, exact with money, and clear when given the wrong thing."""

import re
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from engine.expressions import (
    ExpressionError,
    ExpressionRuntimeError,
    ExpressionSyntaxError,
    ForbiddenConstructError,
    compile_expression,
    parse_duration,
)

CHINA = timezone(timedelta(hours=8))


def run(source: str, **context: object) -> object:
    return compile_expression(source).evaluate(context)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("len(None)", 0),
        ("len('张伟')", 2),
        ("len({'a': 1})", 1),
        ("sum([1, None, 2])", 3),
        ("sum([])", 0),
        ("sum([0.5, 1.25])", Decimal("1.75")),
        ("sum([duration('PT1H'), duration('PT30M')], duration('PT0S'))", timedelta(hours=1, minutes=30)),
        ("min(3, 1, 2)", 1),
        ("max([None, 4, 2])", 4),
        ("min([])", None),
        ("max(None)", None),
        ("max('苹果', '香蕉')", "香蕉"),
        ("abs(-2.5)", Decimal("2.5")),
        ("abs(None)", None),
        ("round(2.5)", 3),
        ("round(-2.5)", -3),
        ("round(0.125, 2)", Decimal("0.13")),
        ("round(1234, -2)", 1200),
        ("round(None)", None),
        ("any([])", False),
        ("any(None)", False),
        ("all(None)", True),
        ("all(x > 0 for x in [1, 2])", True),
        ("sorted([3, None, 1], reverse=True)", [3, 1, None]),
        ("sorted(['b', 'A', 'c'], key=lower)", ["A", "b", "c"]),
        ("sorted(['ccc', 'a', 'bb'], key=len)", ["a", "bb", "ccc"]),
        ("sorted({'b': 1, 'a': 2})", ["a", "b"]),
        ("sum(range(3, 0, -1))", 6),
        ("int('1,280.5')", 1280),
        ("int(-2.7)", -2),
        ("int(None)", None),
        ("float('1.5')", 1.5),
        ("str(None)", ""),
        ("str(12)", "12"),
        ("str(2.50)", "2.50"),
        ("bool('')", False),
        ("coalesce(None, None)", None),
        ("coalesce(None, '', 'x')", ""),
        ("contains(None, '漏水')", False),
        ("contains('Kitchen tap', 'tap')", True),
        ("contains(['a', 'b'], 'b')", True),
        ("startswith(None, 'x')", False),
        ("startswith(13812345678, '138')", True),
        ("endswith('report.PDF', ['.pdf', '.PDF'])", True),
        ("upper(None)", None),
        ("lower('ÀB')", "àb"),
        ("strip('\\t 张伟 \\n')", "张伟"),
        ("'  Acme '.strip()", "Acme"),
        ("'Acme'.startswith('Ac')", True),
    ],
)
def test_helper(source, expected):
    result = run(source)
    assert result == expected
    assert type(result) is type(expected)


def test_round_keeps_the_kind_of_number_and_rounds_half_away_from_zero():
    assert run("round(x, 2)", x=2.675) == 2.68
    assert run("round(x, 2)", x=Decimal("2.345")) == Decimal("2.35")
    assert run("round(x)", x=Decimal("-0.5")) == -1


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("len(5)", "len() needs text or a list, not a whole number (line 1, column 1)."),
        (
            "sum(['a', 'b'])",
            "Cannot add a whole number and text (line 1, column 1). Use str() to turn a number into text.",
        ),
        ("sum([[1]], [])", "sum() needs a number to start from, not a list (line 1, column 1)."),
        ("sum(5)", "sum() needs a list, not a whole number (line 1, column 1)."),
        ("max(1, 'a')", "max() cannot compare a whole number with the other values (line 1, column 1)."),
        ("sorted([1, 'a'])", "sorted() cannot compare these values with each other (line 1, column 1)."),
        ("sorted([1], key=x)", "sorted(key=...) must name a helper such as lower or len (line 1, column 1)."),
        ("round('a')", "round() needs a number and a whole number of digits, not text (line 1, column 1)."),
        ("round(1.5, 1000)", "round() can keep at most 100 digits (line 1, column 1)."),
        ("int('abc')", "int() cannot read 'abc' as a number (line 1, column 1)."),
        ("float([1])", "float() needs a number or number text, not a list (line 1, column 1)."),
        ("range(1.5)", "range() needs one to three whole numbers (line 1, column 1)."),
        ("range(1, 2, 0)", "range() step cannot be zero (line 1, column 1)."),
        ("lower([1])", "lower() needs text, not a list (line 1, column 1)."),
        ("contains(5, 'a')", "contains() needs text or a list, not a whole number (line 1, column 1)."),
        ("matches('a', 5)", "matches() needs a pattern written as text, not a whole number (line 1, column 1)."),
    ],
)
def test_a_helper_given_the_wrong_thing_says_what_it_needs(source, message):
    with pytest.raises(ExpressionRuntimeError) as caught:
        run(source, x=1)
    assert str(caught.value) == message


# -- dates and times -----------------------------------------------------------------------------------


def test_now_is_aware_and_today_is_its_date():
    moment = run("now()")
    assert isinstance(moment, datetime) and moment.tzinfo is not None
    assert run("today() == now().date()") is True


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("days_between('2024-05-01', '2024-05-03')", 2),
        ("days_between('2024-05-03', '2024-05-01')", -2),
        ("days_between(start, end)", 1),
        ("days_between(None, end)", None),
        ("hours_between(start, end)", Decimal("25.5")),
        ("hours_between('2024-05-01T08:00', '2024-05-01T08:20')", Decimal("1") / 3),
        ("hours_between(None, end)", None),
        ("add_days('2024-02-28', 1)", date(2024, 2, 29)),
        ("add_days(start, -1.5)", datetime(2024, 4, 29, 20, 30, tzinfo=CHINA)),
        ("add_days(None, 1)", None),
        ("add_days('2024-05-03', -1.5)", date(2024, 5, 2)),
        ("add_hours(start, 1.5)", datetime(2024, 5, 1, 10, 0, tzinfo=CHINA)),
        ("add_hours('2024-05-01', 2).hour", 2),
        ("duration('P1DT12H')", timedelta(days=1, hours=12)),
        ("duration('-PT30M')", timedelta(minutes=-30)),
        ("duration(None)", None),
        ("end - start > duration('PT24H')", True),
        ("start + duration('PT4H') < end", True),
    ],
)
def test_date_helper(source, expected):
    start = datetime(2024, 5, 1, 8, 30, tzinfo=CHINA)
    end = datetime(2024, 5, 2, 10, 0, tzinfo=CHINA)
    assert run(source, start=start, end=end) == expected


def test_add_hours_from_a_date_counts_from_midnight_server_time():
    result = run("add_hours(d, 2)", d=date(2024, 5, 1))
    assert result.tzinfo is not None and (result.hour, result.minute) == (2, 0)


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (
            "days_between('yesterday', '2024-05-01')",
            "days_between() needs a date or date-time, not text"
            " (line 1, column 1). Write dates in ISO format, like"
            " '2024-05-01' or '2024-05-01T08:30'.",
        ),
        ("add_days('2024-05-01', 'x')", "add_days() needs a number to add, not text (line 1, column 1)."),
        ("add_days('9999-12-31', 1)", "add_days() would go beyond the years 1-9999 (line 1, column 1)."),
        (
            "add_days('2024-05-01', 10**12)",
            "add_days() cannot add 1000000000000: the date would be out of range (line 1, column 1).",
        ),
        (
            "duration('P1M')",
            "'P1M' is not an ISO-8601 duration (line 1, column 1)."
            " Years and months have no fixed length: write days, e.g. 'P30D'.",
        ),
        (
            "duration('4 hours')",
            "'4 hours' is not an ISO-8601 duration (line 1, column 1)."
            " Write it like 'PT4H' (4 hours), 'P1DT12H' or 'P2W'.",
        ),
    ],
)
def test_date_helpers_explain_bad_input(source, message):
    with pytest.raises(ExpressionRuntimeError) as caught:
        run(source)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("PT15M", timedelta(minutes=15)),
        ("PT4H", timedelta(hours=4)),
        ("P3D", timedelta(days=3)),
        ("P2W", timedelta(weeks=2)),
        ("PT1.5S", timedelta(seconds=1.5)),
        ("p1dt2h", timedelta(days=1, hours=2)),
    ],
)
def test_iso_durations_parse_for_timers_too(text, expected):
    assert parse_duration(text) == expected


# -- matches() -----------------------------------------------------------------------------------------

PATTERNS = [
    (r"^1[3-9]\d{9}$", ["13812345678", "12812345678", "1381234567", "138123456789"]),
    (r"^[\w.+-]+@[\w-]+\.[\w.]+$", ["ops@acme.example", "ab@c", "@c.com", "a b@c.com"]),
    (r"漏水|渗水", ["厨房漏水了", "墙面渗水", "没有问题"]),
    (r"(?i)kitchen\s+tap", ["KITCHEN  Tap leaking", "kitchentap"]),
    (r"\bcat\b", ["a cat here", "concatenate", "cat"]),
    (r"(a+)+$", ["aaaa", "aaab", "b"]),
    (r"colou?r|[Gg]r[ae]y", ["color", "colour", "grey", "Gray", "colr"]),
    (r"[^a-c\d]", ["abc123", "abcd"]),
    (r"(?m)^x$", ["a\nx\nb", "ax"]),
    (r"a{2,3}b", ["ab", "aab", "xaaaab"]),
    (r"^$", ["", "a"]),
    (r"(?s)a.b", ["a\nb"]),
    (r"a.b", ["a\nb", "a.b"]),
    (r"\Aab\Z", ["ab", "ab\n"]),
    (r"a{,2}b|[\b]", ["b", "\b"]),
    (r"[\u4e00-\u9fff]{2}", ["张伟", "A张"]),
    (r"(?P<area>\d{3})-\d{4}", ["010-1234", "01-1234"]),
    (r"x*?y", ["xxy", "xx"]),
]


@pytest.mark.parametrize(("pattern", "texts"), PATTERNS)
def test_matches_agrees_with_python_re_search(pattern, texts):
    expression = compile_expression("matches(text, pattern)")
    for text in texts:
        assert expression.evaluate({"text": text, "pattern": pattern}) == bool(re.search(pattern, text)), text


@pytest.mark.parametrize(
    ("pattern", "text", "expected"),
    [
        (r"^\d+$", "١٢٣", False),  # \d is 0-9, as in the browser's RegExp (Python's re: any decimal digit)
        (r"^\w+$", "张伟", False),  # \w is [0-9A-Za-z_]; write [\u4e00-\u9fa5] for Chinese
        (r"^[\u4e00-\u9fa5]{2,4}$", "张伟", True),
        (r"^1[3-9]\d{9}$", "13812345678\n", False),  # $ is the end of the text, not before a final new line
        (r"(?m)^x$", "a\nx\nb", True),
    ],
)
def test_matches_follows_re2_and_the_browser_where_python_differs(pattern, text, expected):
    assert run("matches(text, pattern)", text=text, pattern=pattern) is expected


def test_a_refused_pattern_feature_is_named_with_what_is_supported():
    with pytest.raises(ForbiddenConstructError) as caught:
        compile_expression(r"matches(text, '(a)\\1')")
    assert str(caught.value) == (
        "Patterns cannot use backreferences (line 1, column 15)."
        " matches() supports classes, groups, | and repetition; see docs/expressions.md."
    )


@pytest.mark.parametrize(
    ("pattern", "error", "reason"),
    [
        ("(?=a)", ForbiddenConstructError, "Patterns cannot use look-ahead (?=...)"),
        ("(?!a)", ForbiddenConstructError, "Patterns cannot use negative look-ahead (?!...)"),
        ("(?<=a)b", ForbiddenConstructError, "Patterns cannot use look-behind (?<=...)"),
        ("(?P=x)", ForbiddenConstructError, "Patterns cannot use backreferences"),
        ("a*+", ForbiddenConstructError, "Patterns cannot use possessive repetition (*+, ++, ?+)"),
        ("(?>a)", ForbiddenConstructError, "Patterns cannot use atomic groups (?>...)"),
        ("(?(1)a|b)", ForbiddenConstructError, "Patterns cannot use conditional groups (?(...)...)"),
        (
            "a(?i)b",
            ForbiddenConstructError,
            "Patterns cannot use flags other than (?i), (?s) and (?m) at the start of the pattern",
        ),
        ("(ab", ExpressionSyntaxError, "The pattern is not valid: missing ), unterminated subpattern at character 1"),
        ("[a-", ExpressionSyntaxError, "The pattern is not valid: unterminated character set at character 1"),
        ("*a", ExpressionSyntaxError, "The pattern is not valid: nothing to repeat at character 1"),
        ("a**", ExpressionSyntaxError, "The pattern is not valid: multiple repeat at character 3"),
        (
            "a{3,1}",
            ExpressionSyntaxError,
            "The pattern is not valid: min repeat greater than max repeat at character 3",
        ),
        ("[z-a]", ExpressionSyntaxError, "The pattern is not valid: bad character range at character 2"),
        ("\\q", ExpressionSyntaxError, "The pattern is not valid: bad escape \\q at character 1"),
        ("a)", ExpressionSyntaxError, "The pattern is not valid: unbalanced parenthesis at character 2"),
    ],
)
def test_a_written_pattern_is_checked_when_compiling(pattern, error, reason):
    with pytest.raises(error) as caught:
        compile_expression(f"matches(text, {pattern!r})")
    assert caught.value.reason == reason
    assert (caught.value.line, caught.value.column) == (1, 15)


def test_a_pattern_from_a_field_is_checked_when_evaluated():
    with pytest.raises(ForbiddenConstructError) as caught:
        run("matches(x, p)", x="aa", p="(a)\\1")
    assert (caught.value.line, caught.value.column) == (1, 1)


@pytest.mark.parametrize("source", ["matches(None, 'a')", "matches('', 'a')"])
def test_matches_on_empty_text_is_false(source):
    assert run(source) is False


def test_every_failure_of_a_helper_is_an_expression_error():
    for source in ["len(1)", "round('x')", "duration(1)", "matches('a', '(')", "int(1e999 * 1e999 * 1e999 * 1e999)"]:
        with pytest.raises(ExpressionError):
            run(source)
