"""Boundary timers that start a path of their own (non-interrupting ``route``), and the interrupting
kind beside them: run in memory, saved and restored between every step the way storage does."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from unittest.mock import ANY

import pytest
from sqlalchemy import select

from engine.flows import actions
from engine.flows.migration import apply_plan, plan_instance
from engine.flows.spec import compile_flow
from engine.packages import package_problems
from engine.packages.messages import localize
from engine.principal import LOCAL_ADMIN, SYSTEM
from engine.services.apps import AppService
from engine.services.directory import DirectoryService
from engine.services.flows import FlowService
from engine.services.records import RecordService
from engine.storage import Database
from engine.storage.catalog import AppCatalog
from engine.storage.tables import OutboxRow
from tests.flows.memory import ANN, BOSS, FIELDS, START, Clock, Flow, approval, definition, end, package, task

ESCALATE = {"id": "escalate", "after": "PT2H", "action": "route", "interrupting": False, "edge": "warn"}
NOTIFY_BOSS = {"id": "tell_boss", "type": "notify", "to": {"type": "role", "role": "boss"}, "message": "Overdue"}


def _escalation(*path: dict[str, Any], timer: dict[str, Any] = ESCALATE, holder: dict[str, Any] | None = None) -> Flow:
    """start → handle → end, and the timer's edge ``warn`` from handle into ``path`` (which ends at path_end)."""
    ids = [node["id"] for node in path]
    edges: list[tuple[Any, ...]] = [("start", "handle"), ("handle", "end"), ("handle", ids[0], {"id": "warn"})]
    edges += [(a, b) for a, b in zip(ids, ids[1:], strict=False)]
    return Flow([START, holder or task("handle", timers=[timer]), *path, end()], edges)


def test_a_non_interrupting_timer_keeps_the_task_open_and_runs_its_own_path():
    flow = _escalation(NOTIFY_BOSS, end("path_end"))
    handle = flow.task("handle")

    assert flow.fire("escalate")

    assert flow.task("handle").id == handle.id  # the same task, still open, still the clerk's
    assert flow.status == "running"
    assert flow.waiting_at == ["handle"]
    assert [e.payload["to"] for e in flow.effects if e.topic == "notify"] == [[["role", "boss"]]]
    assert flow.entered()[-2:] == ["tell_boss", "path_end"]
    started = next(e for e in flow.events if e.kind == "path_started")
    assert (started.node, started.task, started.details["edge"]) == ("handle", handle.id, "warn")


def test_the_path_s_end_does_not_end_the_instance_the_main_path_does():
    flow = _escalation(NOTIFY_BOSS, end("path_end", status="escalated"))
    flow.fire("escalate")

    flow.do(ANN, "complete", "handle")

    assert (flow.status, flow.state.end_status) == ("completed", "completed")


def test_completing_the_task_first_cancels_its_boundary_timer():
    flow = _escalation(NOTIFY_BOSS, end("path_end"))
    (timer,) = flow.state.timers.values()

    flow.do(ANN, "complete", "handle")

    assert flow.status == "completed"
    assert flow.state.timers == {}
    assert not flow.step(SYSTEM, lambda run: actions.fire_timer(run, timer.id))
    assert [e for e in flow.effects if e.topic == "notify"] == []
    assert "path_started" not in flow.kinds()


def test_the_instance_finishes_when_the_last_of_both_paths_ends():
    flow = _escalation(task("look_in", "boss"), end("path_end"))
    flow.fire("escalate")
    assert sorted(t.node for t in flow.open()) == ["handle", "look_in"]

    flow.do(ANN, "complete", "handle")  # the main path ends; the supervisor still has work
    assert (flow.status, flow.waiting_at) == ("running", ["look_in"])

    flow.do(BOSS, "complete", "look_in")
    assert flow.status == "completed"


def test_the_path_may_finish_before_the_main_path_too():
    flow = _escalation(task("look_in", "boss"), end("path_end"))
    flow.fire("escalate")

    flow.do(BOSS, "complete", "look_in")
    assert (flow.status, flow.waiting_at) == ("running", ["handle"])
    flow.do(ANN, "complete", "handle")
    assert flow.status == "completed"


def test_a_terminating_end_on_the_path_ends_the_whole_instance():
    flow = _escalation(NOTIFY_BOSS, end("path_end", terminate=True, status="cancelled"))

    flow.fire("escalate")

    assert flow.status == "cancelled"
    assert [t.status for t in flow.tasks.values()] == ["cancelled"]


def test_an_interrupting_timer_cancels_the_task_and_moves_its_token_along_the_edge():
    flow = _escalation(task("look_in", "boss"), end("path_end"), timer={**ESCALATE, "interrupting": True})
    handle = flow.task("handle")

    flow.fire("escalate")

    assert flow.tasks[handle.id].status == "cancelled"
    assert flow.waiting_at == ["look_in"]
    assert "path_started" not in flow.kinds()
    flow.do(BOSS, "complete", "look_in")
    assert flow.status == "completed"


def test_an_approval_holds_a_non_interrupting_timer_while_its_signers_vote():
    holder = approval("handle", "countersign", ["ann", "bob"], timers=[ESCALATE])
    flow = _escalation(NOTIFY_BOSS, end("path_end"), holder=holder)

    flow.fire("escalate")

    assert len(flow.open("handle")) == 2
    assert [e.payload["to"] for e in flow.effects if e.topic == "notify"] == [[["role", "boss"]]]


# -- what validation refuses, at the pointer of the part to change -----------------------------------
def _problems(timer: dict[str, Any], node: dict[str, Any] | None = None) -> list[tuple[str, str]]:
    raw = definition(
        [START, node or task("handle", timers=[timer]), NOTIFY_BOSS, end(), end("path_end")],
        [("start", "handle"), ("handle", "end"), ("handle", "tell_boss", {"id": "warn"}), ("tell_boss", "path_end")],
    )
    return [(p.pointer, p.code) for p in package_problems(package(raw))]


TIMER = "/flows/0/nodes/1/timers/0"


def test_the_escalation_drawing_validates():
    assert _problems(ESCALATE) == []


@pytest.mark.parametrize(
    ("timer", "expected"),
    [
        ({"edge": None}, [(TIMER, "flow.timer_route_needs_edge")]),
        ({"edge": "nowhere"}, [(f"{TIMER}/edge", "ref.unknown")]),
        ({"edge": "start_handle"}, [(f"{TIMER}/edge", "flow.timer_edge_elsewhere")]),
        ({"action": "notify"}, [(f"{TIMER}/edge", "flow.timer_edge_not_route")]),
        (
            {"action": "notify", "edge": None, "interrupting": True},
            [(f"{TIMER}/interrupting", "flow.timer_cannot_interrupt")],
        ),
        ({"action": "complete", "edge": None}, [(f"{TIMER}/interrupting", "flow.timer_must_interrupt")]),
        ({"after": "P1M"}, [(f"{TIMER}/after", "expression_runtime")]),
        ({"after": None, "until_field": "deadline", "offset": "-P2M"}, [(f"{TIMER}/offset", "expression_runtime")]),
        ({"after": "PT2X"}, [(f"{TIMER}/after", "schema.pattern")]),
    ],
    ids=["no-edge", "unknown-edge", "edge-elsewhere", "edge-on-notify", "interrupting-notify", "complete-left-open",
         "months", "offset-months", "not-a-duration"],
)  # fmt: skip
def test_a_timer_that_could_not_run_as_written_is_refused_where_it_is_wrong(timer, expected):
    written = {key: value for key, value in {**ESCALATE, **timer}.items() if value is not None}

    assert _problems(written) == expected


def test_the_timer_s_edge_must_not_be_the_task_s_only_way_out():
    raw = definition(
        [START, task("handle", timers=[ESCALATE]), end()],
        [("start", "handle"), ("handle", "end", {"id": "warn"})],
    )

    found = [(p.pointer, p.code) for p in package_problems(package(raw))]

    assert found == [(f"{TIMER}/edge", "flow.timer_edge_only_way")]


def test_only_a_node_that_holds_tasks_holds_timers():
    gateway = {"id": "handle", "type": "exclusive_gateway", "timers": [ESCALATE]}

    assert _problems(ESCALATE, gateway) == [("/flows/0/nodes/1/timers", "schema.unknown_property")]


def test_a_refusal_reads_in_both_languages():
    raw = definition(
        [START, task("handle", timers=[{**ESCALATE, "action": "notify"}]), NOTIFY_BOSS, end(), end("path_end")],
        [("start", "handle"), ("handle", "end"), ("handle", "tell_boss", {"id": "warn"}), ("tell_boss", "path_end")],
    )
    (found,) = package_problems(package(raw))

    assert found.message == "timer 'escalate' does 'notify', which takes no edge; remove 'edge' or use action 'route'"
    assert localize(found, "zh-CN").message == "定时器“escalate”的动作“notify”不走连线;请去掉“edge”或改用动作“route”"


# -- persisted: armed, the server restarts, then it fires (SQLite and PostgreSQL) --------------------
PERSISTED = "escalating"
PERSISTED_NODES = [
    START,
    {"id": "handle", "type": "user_task", "assignee": {"type": "users", "users": ["ann"]}, "timers": [ESCALATE]},
    NOTIFY_BOSS,
    {"id": "look_in", "type": "user_task", "assignee": {"type": "users", "users": ["boss"]}},
    end(),
    end("path_end"),
]
PERSISTED_EDGES = [("start", "handle"), ("handle", "end"), ("handle", "tell_boss", {"id": "warn"})]
PERSISTED_EDGES += [("tell_boss", "look_in"), ("look_in", "path_end")]


class Server:
    """The services a process builds at start, on a database that outlives it."""

    def __init__(self, url: str, clock: Clock):
        self.database = Database(url)
        self.records = RecordService(self.database, AppCatalog())
        self.flows = FlowService(self.database, self.records, clock=clock)
        self.records.on_create.append(self.flows.record_created)
        self.people = {login: DirectoryService(self.database).principal_for(login) for login in ("ann", "boss")}

    def open_tasks(self, instance_id: str) -> dict[str, str]:
        found = self.flows.instance(LOCAL_ADMIN, instance_id)["tasks"]
        return {t["node"]: t["id"] for t in found if t["status"] == "open"}

    def status(self, instance_id: str) -> str:
        return str(self.flows.instance(LOCAL_ADMIN, instance_id)["status"])

    def stop(self) -> None:
        self.database.dispose()


@pytest.fixture
def first_server(database, database_url) -> Server:
    app = {**package(definition(PERSISTED_NODES, PERSISTED_EDGES)), "id": PERSISTED}
    AppService(database).import_package(app, actor="test")
    directory = DirectoryService(database)
    for login in ("ann", "boss"):
        directory.create_user(login, "a-long-password", roles=[(PERSISTED, "clerk")], user_id=login)
    return Server(database_url, Clock())


def test_a_boundary_path_armed_before_a_restart_fires_after_it(first_server, database_url):
    clock = first_server.flows.clock
    record, _ = first_server.records.create(first_server.people["ann"], PERSISTED, "ticket", {"note": "leak"})
    (instance_id,) = first_server.flows.instances_of(PERSISTED, "ticket", record["id"])
    handle = first_server.open_tasks(instance_id)["handle"]
    first_server.stop()

    clock.now += timedelta(hours=2)
    second = Server(database_url, clock)
    assert second.flows.fire_due() == 1
    assert second.open_tasks(instance_id) == {"handle": handle, "look_in": ANY}
    with second.database.transaction() as session:
        told = session.scalars(select(OutboxRow.payload).where(OutboxRow.topic == "flow.notify")).all()
    assert [(p["node"], p["to"], p["message"]) for p in told] == [("tell_boss", [["role", "boss"]], "Overdue")]
    second.stop()

    third = Server(database_url, clock)
    assert third.flows.fire_due() == 0  # fired once, never again
    tasks = third.open_tasks(instance_id)
    third.flows.act(third.people["ann"], tasks["handle"], "complete", {}, locale="en")
    assert third.status(instance_id) == "running"  # the supervisor's path is still live
    third.flows.act(third.people["boss"], tasks["look_in"], "complete", {}, locale="en")
    assert third.status(instance_id) == "completed"
    third.stop()


def test_a_task_done_before_the_deadline_leaves_nothing_to_fire_after_a_restart(first_server, database_url):
    clock = first_server.flows.clock
    record, _ = first_server.records.create(first_server.people["ann"], PERSISTED, "ticket", {"note": "leak"})
    (instance_id,) = first_server.flows.instances_of(PERSISTED, "ticket", record["id"])
    first_server.flows.act(first_server.people["ann"], first_server.open_tasks(instance_id)["handle"], "complete", {})
    first_server.stop()

    clock.now += timedelta(hours=3)
    second = Server(database_url, clock)
    assert second.flows.fire_due() == 0
    assert second.status(instance_id) == "completed"
    second.stop()


# -- migration: the path's token is a token like any other --------------------------------------------
def test_a_live_path_migrates_by_the_node_map_like_any_branch():
    flow = _escalation(task("look_in", "boss"), end("path_end"))
    flow.fire("escalate")
    renamed = definition(
        [START, task("handle", timers=[ESCALATE]), task("supervisor_look", "boss"), end(), end("path_end")],
        [("start", "handle"), ("handle", "end"), ("handle", "supervisor_look", {"id": "warn"})]
        + [("supervisor_look", "path_end")],
    )
    new = compile_flow(renamed, fields=[f["id"] for f in FIELDS])

    unmapped = plan_instance(flow.spec, new, flow.state, {})
    mapped = plan_instance(flow.spec, new, flow.state, {"look_in": "supervisor_look"})

    assert unmapped.as_dict()["problems"] == [
        "a token at 'look_in' would be stranded: the new version has no node 'look_in'; map it, e.g. look_in=<new node>"
    ]
    assert mapped.ok
    apply_plan(flow.state, mapped, new, {"look_in": "supervisor_look"}, 2, "root", at=flow.clock.now)
    assert sorted(t.node for t in flow.state.tokens) == ["handle", "supervisor_look"]
    assert sorted(t.node for t in flow.state.open_tasks()) == ["handle", "supervisor_look"]
