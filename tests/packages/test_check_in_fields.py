"""A check-in's ``time`` and ``location`` name fields that exist and can take the server's moment and
the phone's place; anything else is refused at validate with its pointer."""

import copy

import pytest

from engine.packages import package_problems

POINTER = "/flows/0/nodes/5/check_in"


def _with_check_in(property_package: dict, check_in: dict) -> dict:
    package = copy.deepcopy(property_package)
    flow = next(f for f in package["flows"] if f["id"] == "repair")
    node = next(n for n in flow["nodes"] if n["id"] == "repair")
    node["check_in"] = check_in
    return package


@pytest.mark.parametrize(
    "check_in",
    [
        {"time": "checked_in_at", "location": "check_in_location"},
        {"time": "closed_at"},
        {"location": "check_in_location"},
        {},
    ],
)
def test_fields_that_take_a_moment_and_a_place_validate(property_package, check_in):
    assert package_problems(_with_check_in(property_package, check_in)) == []


@pytest.mark.parametrize(
    "check_in, expected",
    [
        ({"time": "nope"}, [(f"{POINTER}/time", "ref.unknown")]),
        ({"location": "check_in_locaton"}, [(f"{POINTER}/location", "ref.unknown")]),
        ({"time": "order_no"}, [(f"{POINTER}/time", "flow.check_in_time")]),  # a serial number: the server's
        ({"time": "reported_at"}, [(f"{POINTER}/time", "flow.check_in_time")]),  # a stamp of its own
        ({"time": "rating"}, [(f"{POINTER}/time", "flow.check_in_time")]),
        ({"time": "parts_used"}, [(f"{POINTER}/time", "flow.check_in_time")]),  # a sub-table
        ({"location": "description"}, [(f"{POINTER}/location", "flow.check_in_location")]),
        ({"location": "checked_in_at"}, [(f"{POINTER}/location", "flow.check_in_location")]),
        ({"location": "staff_section"}, [(f"{POINTER}/location", "flow.check_in_location")]),  # stores nothing
    ],
)
def test_a_field_that_cannot_take_the_stamp_is_refused_with_its_pointer(property_package, check_in, expected):
    found = package_problems(_with_check_in(property_package, check_in))

    assert [(p.pointer, p.code) for p in found] == expected


def test_the_refusal_says_what_to_name_instead(property_package):
    (found,) = package_problems(_with_check_in(property_package, {"location": "description"}))

    assert found.message == "field 'description' cannot hold the place of a check-in; name a location field"
