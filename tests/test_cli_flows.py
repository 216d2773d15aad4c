"""`trellis flows migrate`: a dry run by default, then --apply; a bad map exits 1 and moves nothing."""

from __future__ import annotations

import copy

import pytest

from engine.cli import main
from engine.principal import LOCAL_ADMIN
from engine.services.apps import AppService
from engine.services.flows import FlowService
from engine.services.records import RecordService
from engine.storage.catalog import AppCatalog

APP = "property_repair"
MIGRATE = ["--lang", "en", "flows", "migrate", APP, "repair"]  # English output, whatever LANG says


@pytest.fixture
def two_versions(database_url, database, property_package, monkeypatch):
    monkeypatch.setenv("TRELLIS_DATABASE_URL", database_url)
    AppService(database).import_package(property_package, actor="test")
    records = RecordService(database, AppCatalog())
    flows = FlowService(database, records)
    records.on_create.append(flows.record_created)
    community, _ = records.create(LOCAL_ADMIN, APP, "community", {"name": "阳光花园"})
    building, _ = records.create(LOCAL_ADMIN, APP, "building", {"community": community["id"], "name": "1栋"})
    room, _ = records.create(LOCAL_ADMIN, APP, "room", {"building": building["id"], "room_no": "101"})
    order = {
        "owner_name": "王",
        "phone": "13812345678",
        "room": room["id"],
        "description": "漏水",
        "repair_type": "水电",
    }
    record, _ = records.create(LOCAL_ADMIN, APP, "repair_order", order)
    changed = copy.deepcopy(property_package)
    for node in changed["flows"][0]["nodes"]:
        if node["id"] == "accept":
            node["id"] = "triage"
    for edge in changed["flows"][0]["edges"]:
        for end in ("source", "target"):
            edge[end] = "triage" if edge[end] == "accept" else edge[end]
    for milestone in changed["flows"][0].get("facts", {}).get("milestones", {}).values():
        milestone["node"] = "triage" if milestone["node"] == "accept" else milestone["node"]
    for view in changed.get("views", []):  # the agents' queue follows its step to its new id
        if view.get("filters", {}).get("_step") == "accept":
            view["filters"]["_step"] = "triage"
    AppService(database).import_package(changed, actor="test")
    return flows, record["id"]


def _version(flows: FlowService, record_id: int) -> int:
    return flows.instance(LOCAL_ADMIN, flows.instances_of(APP, "repair_order", record_id)[0])["app_version"]


def test_a_dry_run_shows_the_moves_and_changes_nothing(two_versions, capsys):
    flows, record_id = two_versions
    code = main([*MIGRATE, "--from", "1", "--to", "2", "--map", "accept=triage"])
    out = capsys.readouterr().out
    assert code == 0 and "accept -> triage" in out and "dry run" in out
    assert _version(flows, record_id) == 1


def test_apply_moves_the_instances(two_versions, capsys):
    flows, record_id = two_versions
    code = main([*MIGRATE, "--from", "1", "--to", "2", "--map", "accept=triage", "--apply"])
    assert code == 0 and "moved from version 1 to 2" in capsys.readouterr().out
    assert _version(flows, record_id) == 2


def test_a_stranding_map_exits_1_naming_the_node(two_versions, capsys):
    flows, record_id = two_versions
    code = main([*MIGRATE, "--from", "1", "--to", "2", "--apply"])
    out = capsys.readouterr().out
    assert code == 1 and "stranded" in out and "nothing moved" in out
    assert _version(flows, record_id) == 1


def test_a_malformed_map_is_a_usage_error(two_versions, capsys):
    assert main([*MIGRATE, "--from", "1", "--to", "2", "--map", "accept"]) == 2
    assert "OLD=NEW" in capsys.readouterr().err
