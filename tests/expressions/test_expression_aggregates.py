"""Aggregate calls in expressions: found in the syntax tree when compiling, read from the context
when evaluating, never computed by the sandbox itself."""

import pytest

from engine.expressions import RESERVED_NAMES, Aggregate, ExpressionError, compile_expression

CAPACITY_RULE = "related_sum('registration', 'event', 'seats', of=event) <= event.capacity"


def test_compiling_finds_each_aggregate_with_its_ids():
    rule = compile_expression(CAPACITY_RULE)

    assert rule.aggregates == (Aggregate("sum", "registration", "event", "seats", of="event"),)
    assert rule.names == {"event"}  # of= reads the relation field: a formula over it is recomputed with it


def test_the_key_spells_the_call_the_same_way_however_it_was_written():
    written = compile_expression('related_count( "registration","event" ) + related_max("r", "e", "n", of = x)')

    assert [a.key for a in written.aggregates] == [
        "related_count('registration', 'event')",
        "related_max('r', 'e', 'n', of=x)",
    ]


def test_an_aggregate_used_twice_is_listed_once():
    twice = compile_expression("related_count('r', 'e') * 2 + related_count('r', 'e')")

    assert twice.aggregates == (Aggregate("count", "r", "e"),)


def test_evaluating_reads_the_value_computed_beforehand():
    rule = compile_expression(CAPACITY_RULE)
    key = rule.aggregates[0].key

    assert rule.evaluate({"event": {"capacity": 3}, key: 3}) is True
    assert rule.evaluate({"event": {"capacity": 3}, key: 4}) is False


def test_an_aggregate_nobody_computed_fails_with_a_message_naming_the_call():
    with pytest.raises(ExpressionError) as caught:
        compile_expression("related_count('registration', 'event') > 0").evaluate({})

    assert caught.value.code == "expression_runtime"
    assert caught.value.message == (
        "The value of related_count('registration', 'event') was not computed here (line 1, column 1). "
        "Aggregates across records can be used in a form's formulas, conditions and rules."
    )


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (
            "related_count(form_id, 'event')",
            "related_count() needs the form and field ids written out in quotes (line 1, column 1). "
            "For example: related_count('registration', 'event', of=event)",
        ),
        (
            "related_sum('registration', 'event', '')",
            "related_sum() needs the form and field ids written out in quotes (line 1, column 1). "
            "For example: related_sum('registration', 'event', 'seats', of=event)",
        ),
        (
            "related_count('registration', 'event', of=room.building)",
            "of= in related_count() takes the id of a relation field of this record, written as a plain name "
            "(line 1, column 1). For example: related_count('registration', 'event', of=event)",
        ),
        (
            "related_sum('registration', 'event')",
            "Wrong arguments for related_sum(): missing a required argument: 'value' (line 1, column 1). "
            "Use related_sum(form, field, value, of=None).",
        ),
        (
            "related_count('registration', 'event', event)",
            "Wrong arguments for related_count(): too many positional arguments (line 1, column 1). "
            "Use related_count(form, field, of=None).",
        ),
        (
            "1 + relatd_count('r', 'e')",
            "Unknown function 'relatd_count' (line 1, column 5). Did you mean 'related_count'?",
        ),
    ],
)
def test_a_call_that_cannot_be_known_before_running_is_refused_when_compiling(source, message):
    with pytest.raises(ExpressionError) as caught:
        compile_expression(source)

    assert caught.value.message == message


def test_no_field_may_be_named_like_an_aggregate():
    assert {"related_count", "related_sum", "related_min", "related_max"} <= RESERVED_NAMES
