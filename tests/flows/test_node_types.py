"""Every node type, run in memory through the interpreter (saved and restored between steps like storage does)."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

from engine.flows import actions
from engine.flows.assignment import Assigner, GroupFacts, Member
from engine.flows.environment import Environment, MemoryDirectory
from engine.flows.interpreter import MAX_STEPS, Run
from engine.flows.spec import compile_flow
from engine.flows.state import OPEN, PENDING, Effect, Event, InstanceState, Task, Token, new_id
from engine.packages.validation import check_package
from engine.principal import SYSTEM, Principal

# -- an instance run in memory, saved and restored between steps like storage does -------------
APP = "patterns"
FIELDS = [
    {"id": "amount", "type": "number", "label": "Amount"},
    {"id": "note", "type": "text", "label": "Note"},
    {"id": "deadline", "type": "datetime", "label": "Deadline"},
    {"id": "rounds", "type": "number", "label": "Rounds"},
]
ROLES = ("clerk", "boss", "lead")
CLERKS = ["ann", "bob", "cat"]
DEFAULT = {"default": True}
START = {"id": "start", "type": "start"}


def person(pid: str, *roles: str, admin: bool = False) -> Principal:
    return Principal(pid, pid, {APP: frozenset(roles)}, is_admin=admin)


ANN, BOB, CAT = (person(p, "clerk") for p in CLERKS)
BOSS, LEA, OWNER, STRANGER = person("boss", "boss"), person("lea", "lead"), person("owner"), person("eve")
ADMIN = person("root", admin=True)


def task(node_id: str, role: str = "clerk", **extra: Any) -> dict[str, Any]:
    return {"id": node_id, "type": "user_task", "assignee": {"type": "role", "role": role}, **extra}


def approval(node_id: str, mode: str, users: list[str], **extra: Any) -> dict[str, Any]:
    return {"id": node_id, "type": "approval", "mode": mode, "assignee": {"type": "users", "users": users}, **extra}


def gateway(node_id: str, kind: str) -> dict[str, Any]:
    return {"id": node_id, "type": f"{kind}_gateway"}


def script(node_id: str, **assign: str) -> dict[str, Any]:
    return {"id": node_id, "type": "script_task", "assign": assign}


def end(node_id: str = "end", **extra: Any) -> dict[str, Any]:
    return {"id": node_id, "type": "end", **extra}


def package(definition: dict[str, Any]) -> dict[str, Any]:
    return {
        "format": "trellis.app/1",
        "id": APP,
        "version": "0.1.0",
        "name": "Patterns",
        "roles": [{"id": r, "name": r} for r in ROLES],
        "forms": [{"id": "ticket", "name": "Ticket", "fields": FIELDS}],
        "flows": [definition],
        "permissions": [{"role": "clerk", "form": "ticket", "actions": ["create", "read", "update"]}],
        "connectors": [{"id": "erp", "name": "ERP", "type": "finance", "config": {"url": "https://erp.example/post"}}],
    }


def definition(nodes: list[dict[str, Any]], edges: list[tuple[Any, ...]]) -> dict[str, Any]:
    """Edges as ``(source, target)``, ``(source, target, "condition")`` or ``(source, target, {...})``."""
    found = []
    for source, target, *rest in edges:
        extra = rest[0] if rest else {}
        if isinstance(extra, str):
            extra = {"condition": extra}
        found.append({"id": f"{source}_{target}", "source": source, "target": target, **extra})
    return {"id": "f", "name": "F", "form": "ticket", "nodes": nodes, "edges": found}


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # a Monday, 09:00 in Shanghai

    def __call__(self) -> datetime:
        return self.now


class Flow:
    """One instance in memory. After every step its state is saved and restored the way storage does
    (only open tasks and pending timers come back; variables and tokens go through JSON), and a step
    that raises leaves the state exactly as before, like a rolled-back transaction."""

    def __init__(
        self,
        nodes: list[dict[str, Any]],
        edges: list[tuple[Any, ...]],
        record: dict[str, Any] | None = None,
        *,
        clerks: list[str] = CLERKS,
    ):
        raw = definition(nodes, edges)
        check_package(package(raw))  # every flow here is one an app could publish
        self.spec = compile_flow(raw, fields=[f["id"] for f in FIELDS])
        self.clock = Clock()
        self.record: dict[str, Any] = {"created_by": "owner", **{f["id"]: None for f in FIELDS}, **(record or {})}
        directory = MemoryDirectory(
            roles={"clerk": list(clerks), "boss": ["boss"], "lead": ["lea"]},
            groups={"team": GroupFacts("g1", "team", "lea", (Member("ann"), Member("bob")))},
        )
        self.env = Environment(Assigner(APP, directory), self.clock)
        self.state = InstanceState(new_id(), APP, 1, "f", "ticket", 1, "owner", self.clock.now)
        self.tasks: dict[str, Task] = {}  # every task the instance ever had
        self.events: list[Event] = []
        self.effects: list[Effect] = []
        self.step(SYSTEM, lambda run: run.start())

    def step(self, actor: Principal, act: Callable[[Run], Any]) -> Any:
        before, record = copy.deepcopy(self.state), dict(self.record)
        try:
            result = act(Run(self.spec, self.state, self.env, self.record, actor))
        except Exception:
            self.state, self.record = before, record
            raise
        self._save()
        return result

    def _save(self) -> None:
        s = self.state
        self.tasks.update(s.tasks)
        self.events += s.events
        self.effects += s.effects
        self.state = replace(
            s,
            variables=json.loads(json.dumps(s.variables)),
            tokens=[Token.load(t) for t in json.loads(json.dumps(s.dump_tokens()))],
            tasks={i: t for i, t in s.tasks.items() if t.status == OPEN},
            timers={i: t for i, t in s.timers.items() if t.status == PENDING},
            lock_version=s.lock_version + 1,
            events=[],
            effects=[],
            record_changes={},
            new_tasks=set(),
            changed_tasks=set(),
            new_timers=set(),
            changed_timers=set(),
        )

    # -- acting ------------------------------------------------------------------------------
    def do(self, who: Principal, action: str, where: str | Task, *args: Any, **kwargs: Any) -> Task:
        target = where if isinstance(where, Task) else self.task(where)
        act = ACTIONS[action]
        return self.step(who, lambda run: act(run, target.id, *args, **kwargs))  # type: ignore[no-any-return]

    def fire(self, spec_id: str) -> bool:
        timer = next(t for t in self.state.timers.values() if t.spec == spec_id)
        self.clock.now = max(self.clock.now, timer.due_at)
        return self.step(SYSTEM, lambda run: actions.fire_timer(run, timer.id))  # type: ignore[no-any-return]

    # -- looking -----------------------------------------------------------------------------
    @property
    def status(self) -> str:
        return self.state.status

    @property
    def waiting_at(self) -> list[str]:
        return sorted(t.node for t in self.state.tokens)

    def open(self, node: str | None = None) -> list[Task]:
        return sorted(self.state.open_tasks(node), key=lambda t: (t.node, t.position))

    def task(self, node: str) -> Task:
        found = self.open(node)
        assert len(found) == 1, f"expected one open task at {node}, found {found}"
        return found[0]

    def entered(self) -> list[str]:
        return [e.node or "" for e in self.events if e.kind == "entered"]

    def kinds(self) -> list[str]:
        return [e.kind for e in self.events]


def _note(action: str) -> Callable[..., Task]:
    return lambda run, task_id, **details: actions.note(run, task_id, action, details)


ACTIONS: dict[str, Callable[..., Any]] = {
    "claim": actions.claim,
    "complete": actions.complete,
    "approve": partial(actions.decide, approve=True),
    "reject": partial(actions.decide, approve=False),
    "return": actions.return_to,
    "transfer": actions.transfer,
    "delegate": partial(actions.transfer, delegate=True),
    "add_signer": actions.add_signer,
    "hand_back": actions.hand_back,
    "save": _note("save"),
    "check_in": _note("check_in"),
}


def test_every_registered_node_type_has_a_test_here():
    from engine.flows.nodes import NODE_TYPES

    tested = {"start", "end", "user_task", "approval", "exclusive_gateway", "parallel_gateway"}
    tested |= {"inclusive_gateway", "service_task", "script_task", "notify", "timer", "subflow"}
    assert set(NODE_TYPES.keys()) == tested


def test_start_and_end_complete_an_instance_with_the_end_status():
    flow = Flow([START, task("a"), end(status="closed")], [("start", "a"), ("a", "end")])
    flow.do(ANN, "complete", "a")
    assert (flow.status, flow.state.end_status, flow.state.tokens) == ("completed", "closed", [])


def test_user_task_waits_for_a_candidate_and_records_its_outcome():
    flow = Flow(
        [START, task("a", outcomes=[{"id": "yes"}, {"id": "no"}]), end()],
        [("start", "a"), ("a", "end")],
    )
    a = flow.task("a")
    assert [(c.kind, c.value) for c in a.candidates] == [("role", "clerk")]
    flow.do(ANN, "complete", a, outcome="no", comment="not now")
    done = flow.tasks[a.id]
    assert (done.status, done.outcome, done.comment, done.completed_by) == ("completed", "no", "not now", "ann")
    assert flow.state.variables["outcomes"] == {"a": "no"}


def test_exclusive_gateway_takes_the_first_true_condition_in_order():
    flow = Flow(
        [START, gateway("gw", "exclusive"), task("one"), task("two"), end()],
        [("start", "gw"), ("gw", "one", "amount > 10"), ("gw", "two", "amount > 1"), ("one", "end"), ("two", "end")],
        record={"amount": 50},
    )
    assert flow.waiting_at == ["one"]


def test_exclusive_gateway_without_a_true_branch_or_default_fails_the_instance_visibly():
    flow = Flow(
        [START, gateway("gw", "exclusive"), task("one"), task("two"), end()],
        [("start", "gw"), ("gw", "one", "amount > 10"), ("gw", "two", "amount > 1"), ("one", "end"), ("two", "end")],
        record={"amount": 0},
    )
    assert flow.status == "failed"
    assert flow.state.error == (
        "at 'gw' no condition is true and there is no default branch; "
        "add a default branch to the gateway or correct the record"
    )
    assert [(e.kind, e.node) for e in flow.events][-1] == ("failed", "gw")


def test_parallel_join_with_three_branches_fires_once_after_the_last():
    flow = Flow(
        [START, gateway("split", "parallel"), task("a"), task("b"), task("c"), gateway("join", "parallel"), task("d")]
        + [end()],
        [("start", "split")]
        + [("split", n) for n in "abc"]
        + [(n, "join") for n in "abc"]
        + [("join", "d"), ("d", "end")],
    )
    for node in ("c", "a"):
        flow.do(ANN, "complete", node)
        assert flow.open("d") == []
    flow.do(ANN, "complete", "b")
    assert flow.waiting_at == ["d"]
    assert [e.details for e in flow.events if e.kind == "joined"] == [{"branches": 3}]


def test_inclusive_join_waits_for_exactly_the_started_branches():
    nodes = [START, gateway("split", "inclusive"), task("a"), task("b"), task("c"), gateway("join", "inclusive")]
    edges = [
        ("start", "split"),
        ("split", "a", "amount > 1"),
        ("split", "b", "amount > 10"),
        ("split", "c", "amount > 100"),
        ("a", "join"),
        ("b", "join"),
        ("c", "join"),
        ("join", "end"),
    ]
    flow = Flow([*nodes, end()], edges, record={"amount": 50})  # a and b start, c does not
    flow.do(ANN, "complete", "b")
    assert flow.waiting_at == ["a", "join"]
    flow.do(ANN, "complete", "a")
    assert flow.status == "completed"


def test_service_task_sets_fields_and_queues_a_connector_call_in_the_outbox():
    node = {"id": "svc", "type": "service_task", "set": {"note": "'posted'"}, "connector": "erp", "operation": "post"}
    node["mapping"] = {"total": "amount * 2"}
    flow = Flow([START, node, end()], [("start", "svc"), ("svc", "end")], record={"amount": 21})
    assert flow.record["note"] == "posted"
    (effect,) = flow.effects
    assert (effect.topic, effect.payload["connector"], effect.payload["data"]) == ("connector", "erp", {"total": 42})


def test_script_task_writes_fields_and_keeps_other_names_as_variables():
    node = script("calc", rounds="(rounds or 0) + 1", doubled="amount * 2")
    flow = Flow([START, node, end()], [("start", "calc"), ("calc", "end")], record={"amount": 4})
    assert flow.record["rounds"] == 1
    assert flow.state.variables["vars"] == {"doubled": 8}


def test_notify_sends_to_the_resolved_people_through_the_outbox():
    node = {"id": "tell", "type": "notify", "to": {"type": "role", "role": "boss"}, "message": {"en": "Look"}}
    flow = Flow([START, node, end()], [("start", "tell"), ("tell", "end")])
    (effect,) = flow.effects
    assert (effect.topic, effect.payload["to"], effect.payload["message"]) == (
        "notify",
        [["role", "boss"]],
        {"en": "Look"},
    )
    assert flow.status == "completed"


def test_timer_node_waits_for_its_duration_then_goes_on():
    flow = Flow(
        [START, {"id": "wait", "type": "timer", "after": "PT2H"}, task("a"), end()],
        [("start", "wait"), ("wait", "a"), ("a", "end")],
    )
    (timer,) = flow.state.timers.values()
    assert timer.due_at == flow.clock.now + timedelta(hours=2)
    assert flow.waiting_at == ["wait"]
    assert flow.fire("wait")
    assert flow.waiting_at == ["a"]


def test_timer_node_with_until_field_waits_until_the_date_in_the_record():
    deadline = datetime(2026, 3, 5, 8, 0, tzinfo=UTC)
    nodes = [START, {"id": "wait", "type": "timer", "until_field": "deadline"}, task("a"), end()]
    flow = Flow(nodes, [("start", "wait"), ("wait", "a"), ("a", "end")], record={"deadline": deadline})
    assert [t.due_at for t in flow.state.timers.values()] == [deadline]
    past = Flow(
        nodes, [("start", "wait"), ("wait", "a"), ("a", "end")], record={"deadline": datetime(2020, 1, 1, tzinfo=UTC)}
    )
    assert past.waiting_at == ["a"]  # a date already passed does not wait


def test_subflow_waits_for_the_child_and_goes_on_with_its_end_status():
    node = {"id": "child", "type": "subflow", "flow": "f"}
    flow = Flow(
        [START, node, gateway("gw", "exclusive"), task("redo"), end()],
        [
            ("start", "child"),
            ("child", "gw"),
            ("gw", "redo", "outcome == 'rejected'"),
            ("gw", "end", DEFAULT),
            ("redo", "end"),
        ],
    )
    (effect,) = flow.effects
    assert (effect.topic, effect.payload["flow"]) == ("subflow", "f")
    assert flow.waiting_at == ["child"]
    flow.step(SYSTEM, lambda run: actions.resume(run, effect.payload["token"], "rejected"))
    assert flow.waiting_at == ["redo"]


def _approval_flow(mode: str, users: list[str], **extra: Any) -> Flow:
    return Flow(
        [
            START,
            approval("sign", mode, users, **extra),
            gateway("result", "exclusive"),
            end("ok"),
            end("no", status="rejected"),
        ],
        [("start", "sign"), ("sign", "result"), ("result", "no", "outcome == 'rejected'"), ("result", "ok", DEFAULT)],
    )


def test_sequential_approval_asks_one_signer_after_another_in_order():
    flow = _approval_flow("sequential", ["ann", "bob", "cat"])
    order = []
    for who in (ANN, BOB, CAT):
        current = flow.task("sign")
        order.append(current.assignee)
        flow.do(who, "approve", current)
    assert order == ["ann", "bob", "cat"]
    assert flow.state.end_status == "completed"


def test_sequential_approval_stops_at_the_first_rejection():
    flow = _approval_flow("sequential", ["ann", "bob", "cat"])
    flow.do(ANN, "reject", flow.task("sign"))
    assert (flow.status, flow.state.end_status) == ("completed", "rejected")
    assert [t.assignee for t in flow.tasks.values()] == ["ann"]


def test_countersign_rejects_on_the_first_no_by_default():
    flow = _approval_flow("countersign", ["ann", "bob", "cat"])
    flow.do(BOB, "reject", flow.open("sign")[1])
    assert flow.state.end_status == "rejected"
    assert sorted(t.status for t in flow.tasks.values()) == ["cancelled", "cancelled", "completed"]


def test_countersign_with_pass_ratio_half_fails_early_once_half_cannot_be_reached():
    flow = _approval_flow("countersign", ["ann", "bob", "cat"], pass_ratio=0.5)  # needs 2 of 3
    ann, bob, _ = flow.open("sign")
    flow.do(ANN, "reject", ann)
    assert flow.status == "running"
    flow.do(BOB, "reject", bob)  # only 1 approval is still possible
    assert flow.state.end_status == "rejected"


def test_or_sign_takes_the_first_decision_and_cancels_the_others():
    flow = _approval_flow("or_sign", ["ann", "bob", "cat"])
    flow.do(CAT, "approve", flow.open("sign")[2])
    assert flow.state.end_status == "completed"
    reasons = [e.details["reason"] for e in flow.events if e.kind == "task_cancelled"]
    assert reasons == ["decided: approved", "decided: approved"]


def test_approval_outcome_is_visible_to_the_next_condition():
    flow = _approval_flow("or_sign", ["ann"])
    flow.do(ANN, "reject", flow.task("sign"))
    assert flow.state.variables["outcome"] == "rejected"
    assert flow.entered()[-1] == "no"


def test_a_loop_that_never_waits_is_stopped_after_max_steps():
    flow = Flow(
        [START, script("spin", note="'again'"), gateway("gw", "exclusive"), end()],
        [("start", "spin"), ("spin", "gw"), ("gw", "spin", "note == 'again'"), ("gw", "end", DEFAULT)],
    )
    assert flow.status == "failed"
    assert flow.state.error == f"the flow looped {MAX_STEPS} times without waiting for anyone; check its loops"
