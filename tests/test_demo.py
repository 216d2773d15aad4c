"""`trellis seed-demo`: demo records from a data file, loaded once, with references and back-dating."""

import json
from datetime import UTC, datetime

from engine.demo import load_demo
from engine.principal import LOCAL_ADMIN
from engine.services.apps import AppService
from engine.services.records import RecordService
from engine.storage.catalog import AppCatalog
from engine.storage.record_queries import ListQuery
from tests.conftest import ROOT

DEMO = {
    "app": "property_repair",
    "records": {
        "community": [{"_key": "c", "name": "阳光花园"}],
        "building": [{"_key": "b", "community": "@c", "name": "1栋"}],
        "room": [{"_key": "r", "building": "@b", "room_no": "101"}],
        "repair_order": [
            {
                "_created_at": "2026-01-05T09:30:00+08:00",
                "owner_name": "王女士",
                "phone": "13812345678",
                "room": "@r",
                "repair_type": "水电",
                "description": "漏水",
            }
        ],
    },
}


def test_demo_records_load_once_with_references_and_dates(database, property_package, tmp_path):
    AppService(database).import_package(property_package, actor="test")
    records = RecordService(database, AppCatalog())
    path = tmp_path / "property_repair.demo.json"
    path.write_text(json.dumps(DEMO, ensure_ascii=False), encoding="utf-8")

    assert load_demo(records, path) == {"community": 1, "building": 1, "room": 1, "repair_order": 1}
    assert load_demo(records, path) == {}

    order = records.list_records(LOCAL_ADMIN, "property_repair", "repair_order", ListQuery())["items"][0]
    assert datetime.fromisoformat(order["created_at"]) == datetime(2026, 1, 5, 1, 30, tzinfo=UTC)
    room = records.get(LOCAL_ADMIN, "property_repair", "room", order["data"]["room"])
    assert room["data"]["room_no"] == "101"


def test_the_bundled_demo_file_refers_only_to_earlier_keys():
    document = json.loads((ROOT / "apps" / "property_repair.demo.json").read_text(encoding="utf-8"))
    keys: set[str] = set()
    dangling = []

    def walk(value, where):
        if isinstance(value, str) and value.startswith("@") and value[1:] not in keys:
            dangling.append((where, value))
        elif isinstance(value, list | dict):
            for item in value.values() if isinstance(value, dict) else value:
                walk(item, where)

    for form, rows in document["records"].items():
        for n, row in enumerate(rows):
            walk({k: v for k, v in row.items() if not k.startswith("_")}, f"{form}[{n}]")
            keys.add(row.get("_key", ""))
    assert dangling == []
    assert len(document["records"]["repair_order"]) >= 1000
    assert len(document["records"]["room"]) >= 500 and len(document["records"]["kb_article"]) >= 20


def test_the_teams_are_kept_in_one_place_the_directory():
    """Dispatch reads the directory's groups; the app keeps no second list of teams to keep in step."""
    app = json.loads((ROOT / "apps" / "property_repair.json").read_text(encoding="utf-8"))
    demo = json.loads((ROOT / "apps" / "property_repair.demo.json").read_text(encoding="utf-8"))
    groups = {group["name"] for group in demo["groups"]}
    repair = next(node for node in app["flows"][0]["nodes"] if node["id"] == "repair")
    dispatched = {row["group"] for row in repair["assignee"]["table"]}

    assert "repair_group" not in {form["id"] for form in app["forms"]} | set(demo["records"])
    assert dispatched <= groups
    assert {order["team"] for order in demo["records"]["repair_order"] if "team" in order} == dispatched


def test_history_may_name_the_demo_people_who_are_created_before_it(services, property_package, tmp_path):
    """User fields accept only people who exist, so the people come before the first record naming them."""
    services.apps.import_package(property_package, actor="test")
    history = {**DEMO["records"]["repair_order"][0], "accepted_by": "agent01", "team": "水电维修组"}
    demo = {
        **DEMO,
        "password": "demo-password",
        "users": [
            {"login": "agent01", "roles": ["agent"]},
            {"login": "pm01", "roles": ["project_manager"], "communities": ["@c"]},
        ],
        "groups": [{"name": "水电维修组", "leader": "pm01"}],
        "records": {**DEMO["records"], "repair_order": [history]},
    }
    path = tmp_path / "property_repair.demo.json"
    path.write_text(json.dumps(demo, ensure_ascii=False), encoding="utf-8")

    counts = load_demo(services.records, path, directory=services.directory)

    assert counts == {"community": 1, "building": 1, "room": 1, "users": 2, "groups": 1, "repair_order": 1}
    order = services.records.list_records(LOCAL_ADMIN, "property_repair", "repair_order", ListQuery())["items"][0]
    assert (order["data"]["accepted_by"], order["data"]["team"]) == ("agent01", "水电维修组")
