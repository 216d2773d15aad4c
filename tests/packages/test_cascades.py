"""`trellis validate` refuses a cascading picker (`filter_by`) that cannot work, at its pointer."""

import pytest

from engine.packages import package_problems
from tests.cascading_app import package

REPAIR = 3  # the repair form: community, building, room, rooms, stops
ROOM = f"/forms/{REPAIR}/fields/2/filter_by"


def _with(change) -> list[tuple[str, str]]:
    changed = package()
    change(changed["forms"][REPAIR]["fields"], changed)
    return [(p.pointer, p.code) for p in package_problems(changed)]


def test_the_cascading_app_is_valid():
    assert package_problems(package()) == []


@pytest.mark.parametrize(
    ("filter_by", "expected"),
    [
        ({"bilding": "building"}, [(f"{ROOM}/bilding", "form.filter_by.unknown_target_field")]),
        ({"building": "bulding"}, [(f"{ROOM}/building", "form.filter_by.unknown_source_field")]),
        ({"building": "room"}, [(f"{ROOM}/building", "form.filter_by.unknown_source_field")]),  # itself
        ({"room_no": "building"}, [(f"{ROOM}/room_no", "form.filter_by.mismatch")]),  # text vs relation
        ({"building": "community"}, [(f"{ROOM}/building", "form.filter_by.mismatch")]),  # another target
        ({"building": "rooms"}, [(f"{ROOM}/building", "form.filter_by.mismatch")]),  # many, not one
    ],
)
def test_a_filter_naming_the_wrong_fields_is_refused_with_its_pointer(filter_by, expected):
    def change(fields, _):
        fields[2]["filter_by"] = filter_by

    assert _with(change) == expected


def test_the_refusal_suggests_the_field_meant():
    changed = package()
    changed["forms"][REPAIR]["fields"][2]["filter_by"] = {"bilding": "building"}

    (found,) = package_problems(changed)

    assert (
        found.message == "the related form has no field 'bilding' to narrow the choices by (did you mean 'building'?)"
    )


@pytest.mark.parametrize("filter_by", [{}, "building", {"building": 7}, {"Building!": "building"}])
def test_a_malformed_filter_is_refused_by_the_schema(filter_by):
    def change(fields, _):
        fields[2]["filter_by"] = filter_by

    found = _with(change)

    assert found and all(pointer.startswith(ROOM) for pointer, _ in found)


def test_fields_narrowing_each_other_in_a_circle_are_refused():
    def change(fields, document):
        document["forms"][0]["fields"].append({"id": "gate", "type": "relation", "target": "building"})
        fields[0]["filter_by"] = {"gate": "building"}  # the community by its gate building, the building by it

    assert _with(change) == [(f"/forms/{REPAIR}/fields/0/filter_by", "form.filter_by.cycle")]


def test_in_a_sub_table_the_narrowing_field_is_one_of_the_same_row():
    def change(fields, _):
        fields[4]["fields"][1]["filter_by"] = {"building": "community"}  # a field of the form, not of the row

    assert _with(change) == [
        (f"/forms/{REPAIR}/fields/4/fields/1/filter_by/building", "form.filter_by.unknown_source_field")
    ]
