"""Flow actions persisted through FlowService where the database matters: races and rollbacks."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from sqlalchemy import func, select

from engine.errors import ConflictError, SubmissionError
from engine.principal import LOCAL_ADMIN
from engine.services.apps import AppService
from engine.services.directory import DirectoryService
from engine.storage.flows import FlowService
from engine.storage.records import RecordStore
from engine.storage.tables import FlowEventRow

APP = "persist"
NODES = [
    {"id": "start", "type": "start"},
    {"id": "split", "type": "parallel_gateway"},
    {"id": "a", "type": "user_task", "assignee": {"type": "users", "users": ["ann"]}},
    {"id": "b", "type": "user_task", "assignee": {"type": "users", "users": ["bob"]}},
    {"id": "join", "type": "parallel_gateway"},
    {"id": "stamp", "type": "service_task", "set": {"note": "stamp"}},
    {"id": "c", "type": "user_task", "assignee": {"type": "users", "users": ["ann"]}},
    {"id": "end", "type": "end"},
]
EDGES = [("start", "split"), ("split", "a"), ("split", "b"), ("a", "join"), ("b", "join"), ("join", "stamp")]
EDGES += [("stamp", "c"), ("c", "end")]
PACKAGE = {
    "format": "trellis.app/1",
    "id": APP,
    "version": "0.1.0",
    "name": "Persistence",
    "roles": [{"id": "clerk", "name": "Clerk"}],
    "forms": [
        {
            "id": "ticket",
            "name": "Ticket",
            "fields": [
                {"id": "note", "type": "text", "label": "Note", "max_length": 10},
                {"id": "stamp", "type": "text", "label": "Stamp", "max_length": 50},
            ],
        }
    ],
    "flows": [
        {
            "id": "f",
            "name": "F",
            "form": "ticket",
            "nodes": NODES,
            "edges": [{"id": f"{s}_{t}", "source": s, "target": t} for s, t in EDGES],
        }
    ],
    "permissions": [{"role": "clerk", "form": "ticket", "actions": ["create", "read", "update"]}],
}


class Desk:
    def __init__(self, database: Any):
        AppService(database).import_package(PACKAGE, actor="test")
        self.database = database
        self.records = RecordStore(database)
        self.flows = FlowService(database, self.records)
        directory = DirectoryService(database)
        for login in ("ann", "bob"):
            directory.create_user(login, "a-long-password", roles=[(APP, "clerk")], user_id=login)
        self.people = {login: directory.principal_for(login) for login in ("ann", "bob")}

    def start(self, stamp: str = "ok") -> str:
        record, _ = self.records.create(self.people["ann"], APP, "ticket", {"note": "new", "stamp": stamp})
        return self.flows.instances_of(APP, "ticket", record["id"])[-1]

    def instance(self, instance_id: str) -> dict[str, Any]:
        return self.flows.instance(LOCAL_ADMIN, instance_id)

    def open_task(self, instance_id: str, node: str) -> dict[str, Any]:
        (task,) = [t for t in self.instance(instance_id)["tasks"] if t["node"] == node and t["status"] == "open"]
        return task

    def events(self, instance_id: str) -> list[tuple[str, str | None]]:
        with self.flows.session() as session:
            rows = session.scalars(
                select(FlowEventRow).where(FlowEventRow.instance_id == instance_id).order_by(FlowEventRow.id)
            )
            return [(e.kind, e.node_id) for e in rows]


@pytest.fixture
def desk(database) -> Desk:
    return Desk(database)


def test_two_parallel_branches_completed_at_once_join_exactly_once(desk):
    instance_id = desk.start()
    a, b = desk.open_task(instance_id, "a"), desk.open_task(instance_id, "b")
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def complete(who: str, task_id: str) -> None:
        barrier.wait()
        for _ in range(5):  # a clean 409 is allowed; the retry must then succeed
            try:
                desk.flows.act(desk.people[who], task_id, "complete", {})
            except ConflictError:
                outcomes[who] = "retried"
                continue
            outcomes.setdefault(who, "done")
            return
        outcomes[who] = "gave up"

    threads = [threading.Thread(target=complete, args=args) for args in (("ann", a["id"]), ("bob", b["id"]))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert "gave up" not in outcomes.values()
    assert [kind for kind, _ in desk.events(instance_id)].count("joined") == 1
    assert desk.open_task(instance_id, "c")["assignee"] == "ann"
    assert desk.instance(instance_id)["nodes"] == ["c"]


def test_a_record_write_failing_after_the_interpreter_moved_leaves_everything_as_before(desk):
    instance_id = desk.start(stamp="longer than the ten characters a note may have")
    desk.flows.act(desk.people["bob"], desk.open_task(instance_id, "b")["id"], "complete", {})
    before = desk.instance(instance_id)
    events = desk.events(instance_id)
    a = desk.open_task(instance_id, "a")
    # completing "a" fires the join, then "stamp" copies a value into note that its max_length refuses
    with pytest.raises(SubmissionError) as refused:
        desk.flows.act(desk.people["ann"], a["id"], "complete", {})
    assert list(refused.value.field_errors) == ["note"]
    assert desk.instance(instance_id) == before
    assert desk.events(instance_id) == events
    with desk.flows.session() as session:
        assert session.scalar(select(func.count()).select_from(FlowEventRow)) == len(events)
