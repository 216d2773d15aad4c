"""Subflows and timer nodes persisted: a parent waits for its child; a wait until a date field fires on time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from engine.principal import LOCAL_ADMIN
from engine.services.apps import AppService
from engine.services.directory import DirectoryService
from engine.storage.flows import FlowService
from engine.storage.records import RecordStore

APP = "nested"


def _edges(pairs: list[tuple[str, str]]) -> list[dict]:
    return [{"id": f"{s}_{t}", "source": s, "target": t} for s, t in pairs]


PACKAGE = {
    "format": "trellis.app/1",
    "id": APP,
    "version": "0.1.0",
    "name": "Nested",
    "roles": [{"id": "clerk", "name": "Clerk"}],
    "forms": [
        {
            "id": "job",
            "name": "Job",
            "fields": [
                {"id": "title", "type": "text", "label": "Title"},
                {"id": "remind_at", "type": "datetime", "label": "Remind at"},
                {"id": "checked", "type": "checkbox", "label": "Checked"},
            ],
        }
    ],
    "flows": [
        {
            "id": "main",
            "name": "Main",
            "form": "job",
            "nodes": [
                {"id": "start", "type": "start"},
                {"id": "inspect", "type": "subflow", "flow": "inspection"},
                {"id": "passed", "type": "exclusive_gateway"},
                {"id": "wait", "type": "timer", "until_field": "remind_at"},
                {"id": "remind", "type": "user_task", "assignee": {"type": "role", "role": "clerk"}},
                {"id": "failed", "type": "end", "status": "failed_inspection"},
                {"id": "end", "type": "end", "status": "done"},
            ],
            "edges": [
                *_edges([("start", "inspect"), ("inspect", "passed"), ("wait", "remind"), ("remind", "end")]),
                {"id": "ok", "source": "passed", "target": "wait", "condition": "outcome == 'passed'"},
                {"id": "ko", "source": "passed", "target": "failed", "default": True},
            ],
        },
        {
            "id": "inspection",
            "name": "Inspection",
            "form": "job",
            "start_on": "manual",
            "nodes": [
                {"id": "start", "type": "start"},
                {
                    "id": "check",
                    "type": "user_task",
                    "assignee": {"type": "role", "role": "clerk"},
                    "field_permissions": {"checked": "required"},
                },
                {"id": "verdict", "type": "exclusive_gateway"},
                {"id": "good", "type": "end", "status": "passed"},
                {"id": "bad", "type": "end", "status": "rejected"},
            ],
            "edges": [
                *_edges([("start", "check"), ("check", "verdict")]),
                {"id": "v_good", "source": "verdict", "target": "good", "condition": "checked"},
                {"id": "v_bad", "source": "verdict", "target": "bad", "default": True},
            ],
        },
    ],
    "permissions": [{"role": "clerk", "form": "job", "actions": ["create", "read", "update"]}],
}


class Clock:
    now = datetime(2026, 5, 4, 2, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def shop(database):
    AppService(database).import_package(PACKAGE, actor="test")
    records = RecordStore(database)
    clock = Clock()
    flows = FlowService(database, records, clock=clock)
    DirectoryService(database).create_user("kim", "a-long-password", roles=[(APP, "clerk")], user_id="kim")
    kim = DirectoryService(database).principal_for("kim")
    return records, flows, clock, kim


def _instances(flows, record_id):
    """The parent (main) first, then its child (inspection): both start in the same moment."""
    found = [flows.instance(LOCAL_ADMIN, i) for i in flows.instances_of(APP, "job", record_id)]
    return sorted(found, key=lambda instance: instance["flow_id"] != "main")


def test_the_parent_waits_for_its_subflow_and_reads_its_end_status(shop):
    records, flows, clock, kim = shop
    remind = (clock.now + timedelta(hours=3)).isoformat()
    record, _ = records.create(kim, APP, "job", {"title": "boiler", "remind_at": remind})
    parent, child = _instances(flows, record["id"])
    assert (parent["flow_id"], parent["status"], parent["nodes"]) == ("main", "running", ["inspect"])
    task = next(t for t in child["tasks"] if t["status"] == "open")
    flows.act(kim, task["id"], "complete", {"data": {"checked": True}})
    parent, child = _instances(flows, record["id"])
    assert (child["status"], child["end_status"]) == ("completed", "passed")
    assert parent["outcomes"]["inspect"] == "passed" and parent["nodes"] == ["wait"]


def test_a_wait_until_a_date_field_fires_when_it_is_due(shop):
    records, flows, clock, kim = shop
    remind = (clock.now + timedelta(hours=3)).isoformat()
    record, _ = records.create(kim, APP, "job", {"title": "boiler", "remind_at": remind})
    child = _instances(flows, record["id"])[1]
    flows.act(kim, child["tasks"][0]["id"], "complete", {"data": {"checked": True}})
    clock.now += timedelta(hours=2)
    assert flows.fire_due() == 0
    clock.now += timedelta(hours=2)
    assert flows.fire_due() == 1
    parent = _instances(flows, record["id"])[0]
    assert [t["node"] for t in parent["tasks"] if t["status"] == "open"] == ["remind"]


def test_a_failed_subflow_takes_the_parents_other_branch(shop):
    records, flows, _clock, kim = shop
    record, _ = records.create(kim, APP, "job", {"title": "boiler"})
    child = _instances(flows, record["id"])[1]
    flows.act(kim, child["tasks"][0]["id"], "complete", {"data": {"checked": False}})
    parent = _instances(flows, record["id"])[0]
    assert (parent["status"], parent["end_status"]) == ("completed", "failed_inspection")


def test_a_wait_without_a_date_goes_straight_on(shop):
    records, flows, _clock, kim = shop
    record, _ = records.create(kim, APP, "job", {"title": "boiler"})
    child = _instances(flows, record["id"])[1]
    flows.act(kim, child["tasks"][0]["id"], "complete", {"data": {"checked": True}})
    parent = _instances(flows, record["id"])[0]
    assert [t["node"] for t in parent["tasks"] if t["status"] == "open"] == ["remind"]
