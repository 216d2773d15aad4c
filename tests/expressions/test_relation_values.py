"""A relation value is its id to every operator, and reads the related record's fields by attribute."""

from __future__ import annotations

import copy
import json
import pickle

import pytest

from engine.expressions import RelatedId, compile_expression

COMMUNITY = RelatedId(3, {"name": "东区", "id": 3})
BUILDING = RelatedId(7, {"name": "1栋", "community": COMMUNITY})
ROOM = RelatedId(5, {"name": "101", "building": BUILDING})


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("room == 5", True),
        ("room != 5", False),
        ("room in (4, 5)", True),
        ("room > 4 and room <= 5", True),
        ("room + 1", 6),
        ("f'{room}'", "5"),
        ("str(room)", "5"),
        ("room.building.community.name", "东区"),
        ("room.building == 7", True),
        ("room.building.community.name + room.name", "东区101"),
        ("room.building.floor", None),
        ("room.building.name.upper()", "1栋"),
    ],
)
def test_a_relation_value_is_the_id_and_the_way_to_its_record(source, expected):
    assert compile_expression(source).evaluate({"room": ROOM}) == expected


def test_a_missing_related_record_reads_as_empty_at_any_depth():
    gone = RelatedId(9, None)

    assert compile_expression("room.building.community.name").evaluate({"room": gone}) is None
    assert compile_expression("coalesce(room.building.name, '-')").evaluate({"room": gone}) == "-"


def test_a_result_is_the_plain_id_never_the_record():
    result = compile_expression("room.building").evaluate({"room": ROOM})

    assert (type(result), result) == (int, 7)


def test_outside_an_expression_it_is_the_id():
    assert json.dumps({"room": ROOM}) == '{"room": 5}'
    assert type(copy.deepcopy(ROOM)) is int and pickle.loads(pickle.dumps(ROOM)) == 5
    assert {ROOM: "x"}[5] == "x"


def test_an_expression_lists_the_longest_paths_it_reads_and_where_they_start():
    expression = compile_expression("room.building.name.lower() == 'a' or room.building.community.id > created_at.year")

    assert expression.paths == {
        ("room", "building", "name"),
        ("room", "building", "community", "id"),
        ("created_at", "year"),
    }
    assert expression.path_positions()[("created_at", "year")] == (1, 67)


def test_a_loop_variable_over_a_field_reads_each_element_of_it():
    expression = compile_expression("[p.qty for p in parts] and [x.y for x in (1, 2)] and len(parts)")

    assert expression.paths == {("parts", "*", "qty")}
