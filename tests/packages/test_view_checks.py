"""`trellis validate` refuses a list view (`views`) that could not open, at its JSON pointer."""

import copy
import json

import pytest

from engine.packages import package_problems
from tests.conftest import PROPERTY_APP

DOCUMENT = json.loads(PROPERTY_APP.read_text(encoding="utf-8"))
VIEW = {"id": "v", "form": "repair_order", "name": {"zh-CN": "视图", "en": "View"}, "roles": ["agent"]}


def _problems(**change: object) -> list[tuple[str, str]]:
    changed = copy.deepcopy(DOCUMENT)
    changed["views"] = [{**VIEW, **change}]
    changed.pop("navigation")  # the app's menu opens its own views, which this one replaces
    return [(p.pointer, p.code) for p in package_problems(changed)]


def test_the_property_apps_views_are_valid_and_a_package_without_views_still_is():
    without = copy.deepcopy(DOCUMENT)
    del without["views"]
    del without["navigation"]  # its menu opens the views

    assert package_problems(DOCUMENT) == []
    assert package_problems(without) == []
    assert [v["id"] for v in DOCUMENT["views"]] == ["my_orders", "to_dispatch", "overdue", "all_orders"]


def test_a_minimal_view_is_valid():
    assert _problems() == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"form": "repair_ordr"}, [("/views/0/form", "ref.unknown")]),
        ({"roles": ["agnet"]}, [("/views/0/roles/0", "ref.unknown")]),
        ({"roles": ["agent", "owner"], "form": "spare_part"}, [("/views/0/roles/1", "view.role_cannot_read")]),
        ({"columns": ["order_no", "ownr_name"]}, [("/views/0/columns/1", "ref.unknown")]),
        ({"columns": ["room.building.comunity"]}, [("/views/0/columns/0", "view.path")]),
        ({"columns": ["urgency.building"]}, [("/views/0/columns/0", "view.path")]),
        ({"columns": ["parts_used"]}, [("/views/0/columns/0", "view.not_single")]),
        ({"sort": "-nope"}, [("/views/0/sort", "ref.unknown")]),
        ({"sort": "room.building"}, [("/views/0/sort", "schema.pattern")]),
        ({"filters": {"nope": 1}}, [("/views/0/filters/nope", "ref.unknown")]),
        ({"filters": {"room.building.nope": 1}}, [("/views/0/filters/room.building.nope", "view.path")]),
        ({"filters": {"urgency__like": "x"}}, [("/views/0/filters/urgency__like", "view.operator")]),
        ({"filters": {"_step": "dispatch"}}, [("/views/0/filters/_step", "ref.unknown")]),
        ({"filters": {"_step__ge": "accept"}}, [("/views/0/filters/_step__ge", "view.operator")]),
        ({"filters": {"_overdue": "soon"}}, [("/views/0/filters/_overdue", "view.flow_value")]),
        ({"filters": {"_state": "stuck"}}, [("/views/0/filters/_state", "view.flow_value")]),
        ({"filters": {"_stage": "x"}}, [("/views/0/filters/_stage", "ref.unknown")]),
        # finance may not read the phone number: a view for finance cannot filter on it
        (
            {"roles": ["agent", "finance"], "filters": {"phone__contains": "138"}},
            [("/views/0/filters/phone__contains", "view.filter_hidden")],
        ),
        # owners may not read the team
        ({"roles": ["owner"], "filters": {"team": "水电维修组"}}, [("/views/0/filters/team", "view.filter_hidden")]),
        ({"name": ""}, [("/views/0/name", "schema.text")]),
        ({"filters": {"Bad Key": 1}}, [("/views/0/filters", "schema.pattern")]),
        ({"filters": {"urgency": {"a": 1}}}, [("/views/0/filters/urgency", "schema.invalid")]),
        ({"columns": []}, [("/views/0/columns", "schema.too_short")]),
        ({"colour": "red"}, [("/views/0/colour", "schema.unknown_property")]),
    ],
)
def test_a_view_that_cannot_open_is_refused_with_its_pointer(change, expected):
    assert _problems(**change) == expected


def test_view_ids_are_unique_across_the_package():
    changed = copy.deepcopy(DOCUMENT)
    changed["views"].append({**VIEW, "id": "overdue"})

    found = [(p.pointer, p.code) for p in package_problems(changed)]

    assert found == [("/views/4/id", "ref.duplicate_id")]


@pytest.mark.parametrize("garbage", [None, 3, "views", [1], [{}], {"id": "v"}, [{"id": "V!", "form": 1, "name": 2}]])
def test_garbage_views_are_problems_not_crashes(garbage):
    changed = copy.deepcopy(DOCUMENT)
    changed["views"] = garbage

    found = package_problems(changed)

    assert found and all(p.pointer.startswith("/views") for p in found)
