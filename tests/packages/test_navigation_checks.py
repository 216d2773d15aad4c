"""`trellis validate` refuses a menu (`navigation`) that cannot work, each problem at its JSON pointer."""

import copy
import json

import pytest

from engine.i18n import translate
from engine.packages import package_problems
from engine.packages.navigation import Entry, Group, generated_menu, menu, navigation_problems
from tests.conftest import PROPERTY_APP

DOCUMENT = json.loads(PROPERTY_APP.read_text(encoding="utf-8"))


def _with(*entries: object) -> list[tuple[str, str]]:
    changed = copy.deepcopy(DOCUMENT)
    changed["navigation"] = list(entries)
    return [(p.pointer, p.code) for p in package_problems(changed)]


def item(**target: object) -> dict:
    return {"id": "e", "label": {"zh-CN": "菜单", "en": "Menu"}, **target}


def test_the_property_apps_menu_is_valid():
    assert package_problems(DOCUMENT) == []
    assert _with() == []  # an empty menu is a menu


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        (item(list="repair_ordr"), [("/navigation/0/list", "ref.unknown")]),
        (item(new="nope"), [("/navigation/0/new", "ref.unknown")]),
        (item(knowledge_base="room"), [("/navigation/0/knowledge_base", "nav.not_knowledge_base")]),
        (item(dashboard="service"), [("/navigation/0/dashboard", "ref.unknown")]),
        (item(view="open_tickets"), [("/navigation/0/view", "ref.unknown")]),  # this package has no views
        (item(tasks="everything"), [("/navigation/0/tasks", "schema.enum")]),
        (item(), [("/navigation/0", "nav.no_target")]),
        (item(list="room", new="room"), [("/navigation/0", "nav.many_targets")]),
        ({"id": "e", "list": "room"}, [("/navigation/0", "nav.no_label")]),
        (item(list="room", roles=["agnt"]), [("/navigation/0/roles/0", "ref.unknown")]),
        (item(new="repair_order", roles=["agent", "technician"]), [("/navigation/0/roles/1", "nav.role_cannot_open")]),
        (item(list="spare_part", roles=["owner"]), [("/navigation/0/roles/0", "nav.role_cannot_open")]),
        (item(dashboard="service_efficiency", roles=["agent"]), [("/navigation/0/roles/0", "nav.role_cannot_open")]),
        (item(knowledge_base="kb_article", roles=["owner"]), []),  # owners read the published articles
        (item(tasks="overdue", roles=["technician"]), []),
        ({"id": "g", "items": [item(list="room")]}, [("/navigation/0/items", "nav.group_without_label")]),
        (
            {"id": "g", "group": "G", "list": "room", "items": [item(list="room")]},
            [("/navigation/0/list", "nav.group_with_target")],
        ),
        ({"id": "g", "group": "G", "items": []}, [("/navigation/0/items", "schema.too_short")]),
        ({"id": "g", "group": "G"}, [("/navigation/0/group", "nav.group_without_items")]),
        (
            {"id": "g", "group": "G", "items": [{"id": "h", "group": "H", "items": []}]},
            [("/navigation/0/items/0", "schema.unknown_property"), ("/navigation/0/items/0", "schema.required")],
        ),
        (
            {"id": "g", "group": "G", "roles": ["technician"], "items": [item(new="kb_article")]},
            [("/navigation/0/items/0/roles/0", "nav.role_cannot_open")],
        ),
    ],
)
def test_a_menu_that_cannot_work_is_refused_with_its_pointer(entry, expected):
    found = _with(entry)

    assert [(p, c) for p, c in found if not c.startswith("schema.")] == [
        (p, c) for p, c in expected if not c.startswith("schema.")
    ]
    assert {c for _, c in found if c.startswith("schema.")} <= {c for _, c in expected}
    assert bool(found) == bool(expected)


def test_ids_are_unique_across_groups():
    found = _with(item(list="room"), {"id": "g", "group": "G", "items": [item(new="room")]})

    assert found == [("/navigation/1/items/0/id", "ref.duplicate_id")]


def test_tasks_need_flows():
    changed = copy.deepcopy(DOCUMENT)
    changed["flows"] = []
    changed["navigation"] = [item(tasks="mine")]
    changed.pop("automations", None)

    assert ("/navigation/0/tasks", "nav.no_flows") in [(p.pointer, p.code) for p in package_problems(changed)]


@pytest.mark.parametrize(
    "garbage",
    [
        None,
        3,
        "menu",
        {"id": "e"},
        [None],
        [3],
        ["x"],
        [[]],
        [{}],
        [{"id": 7, "label": "x", "list": "room"}],
        [{"id": "e", "label": {"fr": "menu"}, "list": "room"}],
        [{"id": "e", "label": "x", "list": ["room"]}],
        [{"id": "e", "label": "x", "tasks": None}],
        [{"id": "e", "label": "x", "roles": "agent", "list": "room"}],
        [{"id": "e", "label": "x", "list": "room", "icon": "home"}],
        [{"id": "E!", "label": "x", "list": "room"}],
    ],
)
def test_garbage_is_refused_at_the_navigation_never_a_crash(garbage):
    changed = copy.deepcopy(DOCUMENT)
    changed["navigation"] = garbage

    found = package_problems(changed)

    assert found and all(p.pointer.startswith("/navigation") for p in found)


def test_a_view_is_checked_against_the_packages_views_and_their_roles():
    document = copy.deepcopy(DOCUMENT)
    document["views"] = [{"id": "open_tickets", "form": "repair_order", "roles": ["agent"]}]
    document["navigation"] = [item(view="open_tickets", roles=["agent", "agent_supervisor"]), item(view="opn")]
    document["navigation"][1]["id"] = "f"

    found = [(p.pointer, p.code) for p in navigation_problems(document)]

    assert found == [("/navigation/0/roles/1", "nav.role_cannot_open"), ("/navigation/1/view", "ref.unknown")]


def test_every_problem_speaks_both_languages():
    document = copy.deepcopy(DOCUMENT)
    document["navigation"] = [item(new="repair_order", roles=["technician"]), item()]
    for found in navigation_problems(document):
        chinese = translate(found.code, "zh-CN", **found.params)
        english = translate(found.code, "en", **found.params)
        assert chinese != english and not any("\u4e00" <= ch <= "\u9fff" for ch in english)


def test_without_navigation_a_menu_is_generated_from_the_package():
    plain = {k: v for k, v in DOCUMENT.items() if k != "navigation"}
    found = menu(plain)

    assert found == generated_menu(plain)
    assert [g.id for g in found if isinstance(g, Group)] == ["tasks", "lists", "new", "knowledge_base", "dashboards"]
    tasks = found[0]
    assert isinstance(tasks, Group) and [e.target for e in tasks.items] == ["mine", "group", "overdue"]
    new = next(g for g in found if isinstance(g, Group) and g.id == "new")
    assert new.items[-2] == Entry(
        "new_repair_order", {"zh-CN": "新建报修单", "en": "New: Repair order"}, "new", "repair_order"
    )
    assert generated_menu({"forms": []}) == []  # nothing declared, nothing offered
