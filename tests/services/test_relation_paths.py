"""Relation paths at run time: records read through relations three deep, loaded in batches, bounded by the reader."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event

from engine.errors import SubmissionError
from engine.forms import relation_paths
from engine.principal import SYSTEM
from engine.storage.related_records import StoredRelations
from tests.relation_paths_app import PACKAGE


@pytest.fixture
def estate(services):
    services.apps.import_package(PACKAGE, actor="system")
    d = services.directory
    people = {
        "boss": d.principal_for(d.create_user("boss", "Secret-pass-1", admin=True)),
        "owner": d.principal_for(d.create_user("liu", "Secret-pass-1", roles=[("estate", "owner")])),
    }
    east_worker = d.create_user("wang", "Secret-pass-1", roles=[("estate", "staff")])
    d.create_group("东区组", leader=east_worker)
    d.add_member("东区组", east_worker)
    d.create_group("西区组", leader=d.create_user("zhou", "Secret-pass-1", roles=[("estate", "staff")]))
    boss = people["boss"]

    def make(form: str, data: dict) -> int:
        record, _ = services.records.create(boss, "estate", form, data)
        return int(record["id"])

    east = make("community", {"name": "东区"})
    west = make("community", {"name": "西区"})
    closed = make("community", {"name": "旧区", "closed": True})
    b1, b2, b3 = (
        make("building", {"name": n, "community": c}) for n, c in (("1栋", east), ("2栋", west), ("3栋", closed))
    )
    rooms = {
        "east": make("room", {"name": "101", "building": b1}),
        "west": make("room", {"name": "201", "building": b2}),
        "closed": make("room", {"name": "301", "building": b3}),
    }
    ids = {"east": east, "west": west, "b1": b1, "b2": b2, "worker": east_worker}
    return services, people, rooms, ids


@contextmanager
def selects(services, *forms: str) -> Iterator[dict[str, int]]:
    """Count the SELECTs reading each form's own table while the block runs."""
    counts = {form: 0 for form in forms}
    patterns = {form: re.compile(rf'FROM "?estate__{form}"?(?![\w"])') for form in forms}

    def seen(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001
        if statement.lstrip().upper().startswith("SELECT"):
            for form, pattern in patterns.items():
                counts[form] += len(pattern.findall(statement)) > 0

    event.listen(services.database.engine, "before_cursor_execute", seen)
    try:
        yield counts
    finally:
        event.remove(services.database.engine, "before_cursor_execute", seen)


def test_a_room_alone_fills_building_community_formula_and_default(estate):
    services, people, rooms, ids = estate

    record, _ = services.records.create(people["boss"], "estate", "ticket", {"room": rooms["east"]})

    data = record["data"]
    assert (data["building"], data["community"]) == (ids["b1"], ids["east"])
    assert (data["area"], data["contact"]) == ("东区", "东区物业")


def test_moving_a_ticket_to_another_room_derives_its_building_and_community_again(estate):
    services, people, rooms, ids = estate
    record, _ = services.records.create(people["boss"], "estate", "ticket", {"room": rooms["east"]})

    moved = services.records.update(
        people["boss"], "estate", "ticket", record["id"], {"room": rooms["west"]}, expected_version=1
    )

    assert (moved["data"]["building"], moved["data"]["community"], moved["data"]["area"]) == (
        ids["b2"],
        ids["west"],
        "西区",
    )


def test_a_derived_relation_sent_with_another_record_is_refused_by_name_not_replaced(estate):
    """The building follows from the room: a submission naming the room's own building is fine, one naming
    another building contradicts its room and is refused at the building, in the reader's language."""
    services, people, rooms, ids = estate
    boss = people["boss"]

    agreed, _ = services.records.create(boss, "estate", "ticket", {"room": rooms["east"], "building": ids["b1"]})
    with pytest.raises(SubmissionError) as english:
        services.records.create(boss, "estate", "ticket", {"room": rooms["east"], "building": ids["b2"]}, locale="en")
    with pytest.raises(SubmissionError) as chinese:
        services.records.update(boss, "estate", "ticket", agreed["id"], {"building": ids["b2"]}, expected_version=1)

    assert agreed["data"]["building"] == ids["b1"]
    assert english.value.field_errors == {
        "building": ["楼栋: the chosen 房间 belongs to another 楼栋; choose the matching one or leave 楼栋 empty"]
    }
    assert chinese.value.field_errors == {"building": ["楼栋:所选房间不属于该楼栋;请选择相符的楼栋或留空"]}


def test_a_derived_relation_whose_path_reaches_nothing_keeps_the_value_sent(estate):
    services, people, _, ids = estate

    record, _ = services.records.create(people["boss"], "estate", "ticket", {"building": ids["b2"]})

    assert (record["data"]["building"], record["data"]["community"]) == (ids["b2"], ids["west"])


def test_a_rule_reads_three_levels_deep(estate):
    services, people, rooms, _ = estate

    with pytest.raises(SubmissionError) as caught:
        services.records.create(people["boss"], "estate", "ticket", {"room": rooms["closed"]}, locale="en")

    assert caught.value.field_errors == {"room": ["That community is closed"]}


def test_visible_when_reads_through_relations_in_the_preview(estate):
    services, people, rooms, _ = estate

    east = services.records.preview(people["boss"], "estate", "ticket", {"room": rooms["east"]})
    west = services.records.preview(people["boss"], "estate", "ticket", {"room": rooms["west"]})

    assert (east["visible"]["gate_code"], west["visible"]["gate_code"]) == (True, False)
    assert east["formulas"]["area"] == "东区"


def test_records_the_person_may_not_read_read_as_empty(estate):
    services, people, rooms, ids = estate

    record, _ = services.records.create(people["owner"], "estate", "ticket", {"room": rooms["east"]})

    # the owner reads rooms (so the room's building id) but only buildings they created:
    # the building's own fields read as empty, and nothing past it is reached
    data = record["data"]
    assert (data["building"], data["community"], data["area"], data["contact"]) == (ids["b1"], None, None, None)


def test_a_reader_whose_row_rules_follow_paths_reads_the_records_they_cover(estate):
    """Which grants cover a related record is judged with the path values its rules read, as on a plain
    read: a warden of the east reads the east room through ``building.community``, so its building and
    community are derived for them (and nothing of the west is)."""
    services, _, rooms, ids = estate
    package = copy.deepcopy(PACKAGE)
    package["roles"].append({"id": "warden", "name": "片区管家"})
    package["permissions"] += [
        {"role": "warden", "form": "ticket", "actions": ["create", "read"]},
        {"role": "warden", "form": "room", "actions": ["read"], "rows": "building.community in user.communities"},
        {"role": "warden", "form": "building", "actions": ["read"], "rows": "community in user.communities"},
        {"role": "warden", "form": "community", "actions": ["read"], "rows": "id in user.communities"},
    ]
    services.apps.import_package(package, actor="system")
    d = services.directory
    warden = d.principal_for(
        d.create_user("he", "Secret-pass-1", roles=[("estate", "warden")], communities=[ids["east"]])
    )

    east, _ = services.records.create(warden, "estate", "ticket", {"room": rooms["east"]})
    west, _ = services.records.create(warden, "estate", "ticket", {"room": rooms["west"]})

    assert (east["data"]["building"], east["data"]["community"], east["data"]["area"]) == (
        ids["b1"],
        ids["east"],
        "东区",
    )
    assert (west["data"]["building"], west["data"]["community"]) == (None, None)


def test_a_flow_condition_and_a_dispatch_table_read_through_relations(estate):
    services, people, rooms, ids = estate
    east, _ = services.records.create(people["boss"], "estate", "ticket", {"room": rooms["east"]})
    west, _ = services.records.create(people["boss"], "estate", "ticket", {"room": rooms["west"]})

    to_east = services.flows.start(people["boss"], "estate", "route", east["id"])
    to_west = services.flows.start(people["boss"], "estate", "route", west["id"])

    assert [(t["node"], t["assignee"]) for t in to_east["tasks"]] == [("east", ids["worker"])]
    assert [t["node"] for t in to_west["tasks"]] == ["west"]
    stamped = services.records.get(people["boss"], "estate", "ticket", west["id"])
    assert stamped["data"]["contact"] == "2栋管家"  # a service task's ``set`` reads through the room


def test_sub_table_rows_load_each_level_with_one_query(estate):
    services, people, rooms, _ = estate
    visits = [{"place": rooms[name]} for name in ("east", "west", "closed") * 4]  # 12 rows, 3 rooms

    with selects(services, "room", "building", "community") as counts:
        record, _ = services.records.create(
            people["boss"], "estate", "ticket", {"room": rooms["east"], "visits": visits}
        )

    assert [row["place_area"] for row in record["data"]["visits"][:3]] == ["东区", "西区", "旧区"]
    assert record["data"]["east_visits"] == "4"  # a form-level formula reads through every row's room
    # one query per level for all the rows (the top-level paths and the derived relations find
    # their records loaded already), and one per form to check that the linked records exist
    assert counts == {"room": 2, "building": 2, "community": 2}


def test_many_records_load_one_query_per_form_and_level(services, estate):
    services, people, rooms, _ = estate
    app = services.records.compiled_app("estate")
    ticket = app.form("ticket").spec
    contexts = [{"room": rooms[name]} for name in ("east", "west", "closed") * 20]
    paths = {("room", "building", "community", "name"), ("room", "building", "name"), ("room", "name")}

    with selects(services, "room", "building", "community") as counts:
        with services.database.transaction() as session:
            relation_paths.relate(ticket.fields, contexts, paths, StoredRelations(session, app))

    assert counts == {"room": 1, "building": 1, "community": 1}
    assert {c["room"].field("building").field("community").field("name") for c in contexts} == {"东区", "西区", "旧区"}


def test_a_deleted_related_record_reads_as_empty(estate):
    services, people, rooms, _ = estate
    services.records.delete(SYSTEM, "estate", "room", rooms["west"])
    app = services.records.compiled_app("estate")
    context = {"room": rooms["west"]}

    with services.database.transaction() as session:
        relation_paths.relate(app.form("ticket").spec.fields, [context], {PATH_TUPLE}, StoredRelations(session, app))

    assert context["room"] == rooms["west"] and context["room"].field("building") is None


PATH_TUPLE = ("room", "building", "community", "name")
