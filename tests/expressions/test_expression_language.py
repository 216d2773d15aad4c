"""The expression language: what builders write in conditions and formulas, and what they get."""

import pickle
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from engine.errors import EngineError
from engine.errors import ExpressionError as EngineExpressionError
from engine.expressions import (
    RESERVED_NAMES,
    Expression,
    ExpressionError,
    ExpressionRuntimeError,
    ExpressionSyntaxError,
    ForbiddenConstructError,
    LimitExceededError,
    UnknownNameError,
    compile_expression,
)

CHINA = timezone(timedelta(hours=8))
ORDER = {
    "repair_type": "水电",
    "urgency": "紧急",
    "owner_name": "张伟",
    "total_cost": Decimal("2680.00"),
    "rating": None,
    "created_at": datetime(2024, 5, 1, 8, 30, tzinfo=CHINA),
    "parts_used": [
        {"name": "水龙头", "qty": 2, "unit_price": Decimal("35.50")},
        {"name": "PVC pipe", "qty": 3, "unit_price": Decimal("12.00")},
    ],
    "user": {"id": 7, "groups": ["水电组"]},
}


def run(source: str, context: dict | None = None):
    return compile_expression(source).evaluate(ORDER if context is None else context)


# -- the API -------------------------------------------------------------------------------------


def test_a_branch_condition_compiles_once_and_evaluates_against_a_record():
    rule = compile_expression("repair_type == '水电' and urgency in ('紧急', '非常紧急')")
    assert isinstance(rule, Expression)
    assert rule.evaluate(ORDER) is True
    assert rule.evaluate({**ORDER, "urgency": "一般"}) is False


def test_names_are_the_fields_an_expression_reads_not_its_helpers_or_loop_variables():
    formula = compile_expression("sum(p.qty * p.unit_price for p in parts_used) * (1 + tax_rate)")
    assert formula.names == frozenset({"parts_used", "tax_rate"})


def test_a_loop_variable_shadows_a_field_of_the_same_name_only_inside_the_loop():
    assert compile_expression("[qty for qty in range(3)] + [qty]").names == frozenset({"qty"})
    assert compile_expression("[x for x in x]").names == frozenset({"x"})


def test_compiled_expressions_are_cached_by_source():
    assert compile_expression("total_cost > 2000") is compile_expression("total_cost > 2000")


def test_known_names_catch_a_misspelt_field_at_compile_time():
    with pytest.raises(UnknownNameError) as caught:
        compile_expression("urgncy == '紧急'", names=["urgency", "repair_type"])
    assert str(caught.value) == "Unknown name 'urgncy' (line 1, column 1). Did you mean 'urgency'?"
    assert caught.value.code == "expression_unknown_name"
    assert (caught.value.line, caught.value.column) == (1, 1)
    assert caught.value.details == {"name": "urgncy", "line": 1, "column": 1}


def test_an_unknown_name_without_a_near_miss_lists_the_known_fields():
    with pytest.raises(UnknownNameError) as caught:
        compile_expression("repair_type == '水电' and zzz", names=["repair_type", "urgency"])
    assert str(caught.value) == "Unknown name 'zzz' (line 1, column 25). Known fields: repair_type, urgency."


def test_known_names_accept_an_expression_reading_only_those_fields():
    assert compile_expression("urgency == '紧急'", names={"urgency"}).names == {"urgency"}


def test_a_field_missing_from_the_context_is_an_unknown_name_at_its_position():
    with pytest.raises(UnknownNameError) as caught:
        run("urgency == '紧急' and floor > 3")
    assert str(caught.value) == (
        "Unknown name 'floor' (line 1, column 21)."
        " The data given to the expression has no such field; check the spelling."
    )


def test_every_error_is_an_engine_expression_error_with_its_own_code():
    classes = [
        ExpressionSyntaxError,
        ForbiddenConstructError,
        UnknownNameError,
        LimitExceededError,
        ExpressionRuntimeError,
    ]
    assert all(issubclass(cls, EngineExpressionError) and issubclass(cls, EngineError) for cls in classes)
    assert ExpressionError is EngineExpressionError
    assert len({cls.code for cls in classes}) == 5


def test_an_error_survives_pickling_between_processes():
    with pytest.raises(ExpressionRuntimeError) as caught:
        run("total_cost / 0")
    copy = pickle.loads(pickle.dumps(caught.value))
    assert type(copy) is ExpressionRuntimeError
    assert (str(copy), copy.line, copy.column, copy.code) == (str(caught.value), 1, 12, "expression_runtime")


def test_helper_and_builtin_names_are_reserved_for_form_fields():
    assert {"sum", "now", "matches", "type", "getattr", "open"} <= RESERVED_NAMES
    assert "urgency" not in RESERVED_NAMES


def test_id_reads_the_record_s_id_and_is_no_function():
    """``id`` is every record's system field, read like one; the host builtin of that name stays out of reach."""
    assert compile_expression("id in (3, 5)", names=["id"]).evaluate({"id": 5}) is True
    assert compile_expression("id == user.id", names=["id", "user"]).evaluate({"id": 7, "user": {"id": 7}}) is True
    with pytest.raises(UnknownNameError) as caught:
        compile_expression("id(urgency)")
    assert caught.value.code == "expression_unknown_name" and "id" in str(caught.value)


# -- syntax ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (
            "total_cost >",
            "The expression is incomplete (line 1, column 13)."
            " Something is missing at the end, such as a value after an operator.",
        ),
        (
            "(total_cost",
            "Invalid expression: '(' was never closed (line 1, column 1)."
            " Check for a missing quote, bracket or operator.",
        ),
        (
            "urgency == '紧急",
            "Invalid expression: unterminated string literal (detected at line 1)"
            " (line 1, column 12). Check for a missing quote, bracket or operator.",
        ),
        ("'水电' +* 3", "Invalid expression (line 1, column 7). Check for a missing quote, bracket or operator."),
        ("", "The expression is empty (line 1, column 1). Write a condition or a formula."),
    ],
)
def test_syntax_errors_say_where_and_what_to_check(source, message):
    with pytest.raises(ExpressionSyntaxError) as caught:
        compile_expression(source)
    assert str(caught.value) == message


def test_leading_spaces_are_tolerated_and_positions_still_count_them():
    assert run("  total_cost > 2000") is True
    with pytest.raises(ExpressionRuntimeError) as caught:
        run("  total_cost / 0")
    assert caught.value.column == 14


def test_positions_count_characters_not_bytes_in_chinese_text():
    with pytest.raises(ExpressionRuntimeError) as caught:
        run("'水电' + 1")
    assert (caught.value.line, caught.value.column) == (1, 6)


def test_an_expression_may_span_lines_inside_brackets():
    assert run("(repair_type == '水电'\n and urgency == '紧急')") is True


def test_wrong_arguments_to_a_helper_are_reported_when_compiling():
    with pytest.raises(ExpressionSyntaxError) as caught:
        compile_expression("days_between(created_at)")
    assert str(caught.value) == (
        "Wrong arguments for days_between(): missing a required argument: 'end' (line 1, column 1)."
        " Use days_between(start, end)."
    )


def test_calling_something_that_is_not_a_helper_suggests_the_nearest_helper():
    with pytest.raises(UnknownNameError) as caught:
        compile_expression("summ(p.qty for p in parts_used)")
    assert str(caught.value) == "Unknown function 'summ' (line 1, column 1). Did you mean 'sum'?"


# -- values and operators --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("1 + 2 * 3", 7),
        ("(1 + 2) * 3", 9),
        ("-5 + +2", -3),
        ("7 // 2", 3),
        ("7 % 3", 1),
        ("2 ** 10", 1024),
        ("1 < 2 <= 2 < 3", True),
        ("not (1 == 2)", True),
        ("None is None", True),
        ("'紧急' in ('紧急', '非常紧急')", True),
        ("'urgent' not in ['low', 'normal']", True),
        ("'加急' if urgency == '紧急' else '普通'", "加急"),
        ("rating or 5", 5),
        ("[1, 2] + [3]", [1, 2, 3]),
        ("{'a': 1}['a']", 1),
        ("{1, 2} | {3}", {1, 2, 3}),
        ("'ab' * 3", "ababab"),
        ("owner_name + '先生'", "张伟先生"),
        ("f'{owner_name}：{total_cost:,.2f} 元'", "张伟：2,680.00 元"),
        ("f'{1 + 1}'", "2"),
        ("'Kitchen tap'[:7]", "Kitchen"),
        ("'13812345678'[-4:]", "5678"),
        ("user['groups'][0]", "水电组"),
        ("True + True", 2),
    ],
)
def test_operators_work_as_in_python(source, expected):
    assert run(source) == expected


def test_money_stays_decimal_in_a_sub_table_formula():
    total = run("sum(p.qty * p.unit_price for p in parts_used)")
    assert total == Decimal("107.00") and isinstance(total, Decimal)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("total_cost * 1.06", Decimal("2840.8000")),
        ("total_cost - 0.01", Decimal("2679.99")),
        ("0.1 + 0.2", Decimal("0.3")),
        ("7 / 2", Decimal("3.5")),
        ("10 / 4", Decimal("2.5")),
        ("round(1 / 3, 4)", Decimal("0.3333")),
        ("2 ** -1", Decimal("0.5")),
        ("1.10", Decimal("1.10")),
        ("1_000.5", Decimal("1000.5")),
        ("2e3", Decimal("2E+3")),
    ],
)
def test_numbers_written_with_a_point_and_divisions_are_exact_decimals(source, expected):
    result = run(source)
    assert result == expected and isinstance(result, Decimal)
    assert str(result) == str(expected)


def test_a_float_meeting_money_becomes_the_decimal_it_prints_as():
    context = {"rate": 0.1, "price": Decimal("100")}
    assert run("price * rate", context) == Decimal("10.0")
    assert run("rate + price", context) == Decimal("100.1")
    assert run("price > rate", context) is True


def test_a_float_compared_with_a_written_decimal_compares_as_it_prints():
    context = {"rate": 0.1}
    assert [run(source, context) for source in ("rate == 0.1", "rate != 0.1", "rate > 0.1", "0.1 <= rate")] == [
        True,
        False,
        False,
        True,
    ]


def test_floats_among_themselves_stay_floats():
    assert run("a * b + 1", {"a": 0.5, "b": 3.0}) == 2.5


def test_decimal_literals_compare_exactly_with_decimal_division():
    assert run("1 / 10 == 0.1") is True
    assert run("total_cost / 4 == 670") is True


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("total_cost / 0", "Division by zero (line 1, column 12). Check the divisor first: a / b if b else 0."),
        (
            "owner_name + 1",
            "Cannot add text and a whole number (line 1, column 12). Use str() to turn a number into text.",
        ),
        (
            "rating * 2",
            "Cannot multiply an empty value (None) (line 1, column 8)."
            " A field may be empty: use coalesce(field, 0) to give it a default.",
        ),
        (
            "rating <= 2",
            "Cannot compare an empty value (None) (line 1, column 8)."
            " A field may be empty: use coalesce(field, 0) to give it a default.",
        ),
        ("owner_name < 3", "Cannot compare text with a whole number (line 1, column 12)."),
        ("created_at < today()", "Cannot compare a date-time with a date (line 1, column 12)."),
        (
            "'x' in rating",
            "Cannot look inside an empty value (None) (line 1, column 5)."
            " A field may be empty: use coalesce(field, 0) to give it a default.",
        ),
        ("-owner_name", "Cannot use - on text (line 1, column 1)."),
        ("{[1]: 2}", "A list cannot be a key or a set member (line 1, column 1)."),
        (
            "'%s 元' % total_cost",
            "Text formatting with % is not supported (line 1, column 8)."
            " Build text with + and str(), or with an f-string like f'{amount} 元'.",
        ),
    ],
)
def test_runtime_errors_speak_business_language(source, message):
    with pytest.raises(ExpressionError) as caught:
        run(source)
    assert str(caught.value) == message


# -- records, rows and empty values ----------------------------------------------------------------


def test_fields_of_records_and_rows_read_with_a_dot_or_brackets():
    assert run("user.id == 7 and user['id'] == 7") is True
    assert run("[p.name for p in parts_used if p.qty > 2]") == ["PVC pipe"]
    assert run("parts_used[0].unit_price") == Decimal("35.50")


@pytest.mark.parametrize(
    "source",
    ["user.phone", "user['phone']", "parts_used[9]", "parts_used[9].qty", "rating.value", "rating[0]", "user.a.b.c"],
)
def test_reading_what_is_not_there_gives_none(source):
    assert run(source) is None


def test_coalesce_gives_a_default_for_an_empty_field():
    assert run("coalesce(rating, 5) >= 3") is True
    assert run("rating is not None and rating <= 2") is False


def test_dates_offer_their_parts_and_durations_their_length():
    assert run("created_at.year == 2024 and created_at.month == 5 and created_at.hour == 8") is True
    assert run("created_at.date()") == date(2024, 5, 1)
    assert run("(add_days(created_at, 2) - created_at).days") == 2


def test_comparing_naive_and_aware_date_times_takes_the_naive_one_as_server_time():
    naive = datetime(2024, 5, 1, 8, 30)
    assert run("opened < closed", {"opened": naive, "closed": naive.astimezone() + timedelta(hours=1)}) is True
    assert run("closed - opened", {"opened": naive, "closed": naive.astimezone()}) == timedelta(0)


# -- comprehensions ---------------------------------------------------------------------------------


def test_comprehensions_build_lists_sets_and_dicts():
    assert run("[p.qty for p in parts_used]") == [2, 3]
    assert run("{p.qty > 2 for p in parts_used}") == {False, True}
    assert run("{p.name: p.qty for p in parts_used}") == {"水龙头": 2, "PVC pipe": 3}
    assert run("[a * b for a in range(3) for b in range(a)]") == [0, 0, 2]
    assert run("[n for n, q in [('a', 1), ('b', 2)] if q > 1]") == ["b"]


def test_looping_over_an_empty_field_loops_zero_times():
    assert run("sum(p.qty for p in parts_used)", {"parts_used": None}) == 0


def test_a_generator_or_a_helper_is_not_a_result():
    with pytest.raises(ExpressionRuntimeError) as caught:
        run("(p.qty for p in parts_used)")
    assert str(caught.value) == (
        "The result is a generator, not a value (line 1, column 1). Call the helper, or wrap the generator"
        " in sum(), any(), all(), min(), max() or sorted()."
    )
    with pytest.raises(ExpressionRuntimeError):
        run("[len]")
