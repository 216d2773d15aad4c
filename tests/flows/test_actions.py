"""Every task and instance action in memory: what it does, and how it refuses (403, 409, 422 in words)."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from functools import partial
from typing import Any

import pytest

from engine.errors import ConflictError, InvalidTransitionError, PermissionDeniedError, SubmissionError
from engine.flows import actions
from engine.flows.assignment import Assigner, GroupFacts, Member
from engine.flows.environment import Environment, MemoryDirectory
from engine.flows.interpreter import Run
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


TWO_STEPS = (
    [START, task("first"), task("second"), end()],
    [("start", "first"), ("first", "second"), ("second", "end")],
)


def test_claim_takes_a_pool_task_and_a_second_claim_gets_a_conflict():
    flow = Flow(*TWO_STEPS)
    flow.do(ANN, "claim", "first")
    assert (flow.task("first").assignee, flow.task("first").touched) == ("ann", True)
    with pytest.raises(ConflictError) as refused:
        flow.do(BOB, "claim", "first")
    assert refused.value.message == "someone else already took this task"
    assert flow.task("first").assignee == "ann"


def test_claim_by_someone_who_is_not_a_candidate_is_refused():
    flow = Flow(*TWO_STEPS)
    with pytest.raises(PermissionDeniedError) as refused:
        flow.do(BOSS, "claim", "first")
    assert refused.value.message == "this task is not yours to work on"


def test_completing_a_task_already_done_is_a_conflict():
    flow = Flow(*TWO_STEPS)
    first = flow.task("first")
    flow.do(ANN, "complete", first)
    done = flow.tasks[first.id]
    flow.state.tasks[done.id] = done  # as if a stale page still held it
    with pytest.raises(ConflictError) as refused:
        flow.do(ANN, "complete", done)
    assert refused.value.message == "this task was already completed (ann); reload to see it"


def test_an_action_the_node_does_not_offer_is_an_invalid_transition():
    flow = Flow([START, task("first", actions=["claim", "complete"]), end()], [("start", "first"), ("first", "end")])
    with pytest.raises(InvalidTransitionError) as refused:
        flow.do(ANN, "transfer", "first", "bob")
    assert refused.value.message == "'first' does not offer 'transfer'"
    with pytest.raises(InvalidTransitionError):
        flow.do(ANN, "approve", "first")


def test_complete_with_an_outcome_the_step_does_not_have_is_refused():
    flow = Flow([START, task("first", outcomes=[{"id": "ok"}]), end()], [("start", "first"), ("first", "end")])
    with pytest.raises(SubmissionError) as refused:
        flow.do(ANN, "complete", "first", outcome="maybe")
    assert refused.value.message == "choose one of: ok"


def test_return_sends_the_ticket_back_to_an_earlier_step():
    flow = Flow(*TWO_STEPS)
    flow.do(ANN, "complete", "first")
    second = flow.task("second")
    flow.do(BOB, "return", second, "first", comment="missing photo")
    assert flow.waiting_at == ["first"]
    assert flow.tasks[second.id].status == "cancelled"


def test_return_to_a_node_never_visited_is_refused():
    flow = Flow(*TWO_STEPS)
    with pytest.raises(SubmissionError) as refused:
        flow.do(ANN, "return", "first", "second")
    assert refused.value.message == "return only to an earlier step this ticket has been through"
    assert refused.value.field_errors == {"to": ["choose one of: (none)"]}
    assert flow.waiting_at == ["first"]


def test_transfer_hands_the_task_over_and_the_previous_holder_loses_it():
    flow = Flow(*TWO_STEPS)
    flow.do(ANN, "claim", "first")
    flow.do(ANN, "transfer", "first", "boss")
    assert flow.task("first").assignee == "boss"
    with pytest.raises(ConflictError):  # still a candidate of the role, but no longer the holder
        flow.do(ANN, "complete", "first")
    flow.do(BOSS, "complete", "first")
    assert flow.waiting_at == ["second"]
    assert flow.effects[-1].payload["to"] == [["user", "boss"]]


def test_delegate_keeps_the_original_holder_able_to_act():
    flow = Flow(*TWO_STEPS)
    flow.do(ANN, "claim", "first")
    flow.do(ANN, "delegate", "first", "boss")
    assert (flow.task("first").assignee, flow.task("first").owner) == ("boss", "ann")
    flow.do(ANN, "complete", "first")
    assert flow.waiting_at == ["second"]


def test_hand_back_redispatches_to_someone_else():
    node = {"id": "first", "type": "user_task", "actions": ["claim", "hand_back", "complete"]}
    node["assignee"] = {"type": "dispatch", "table": [{"group": "team"}], "strategy": "round_robin"}
    flow = Flow([START, node, end()], [("start", "first"), ("first", "end")])
    holder = flow.task("first").assignee
    flow.do(person(holder or ""), "hand_back", "first")
    assert flow.task("first").assignee not in (None, holder)


def test_add_signer_is_only_for_approvals():
    flow = Flow(*TWO_STEPS)
    with pytest.raises(InvalidTransitionError):
        flow.do(ANN, "add_signer", "first", "bob")


def test_add_signer_to_a_sequential_approval_asks_them_next():
    flow = Flow([START, approval("sign", "sequential", ["ann", "bob"]), end()], [("start", "sign"), ("sign", "end")])
    flow.do(ANN, "add_signer", "sign", "cat")
    flow.do(ANN, "approve", "sign")
    assert flow.task("sign").assignee == "cat"


def test_save_and_check_in_note_work_without_finishing():
    flow = Flow(*TWO_STEPS)
    flow.do(ANN, "claim", "first")
    flow.do(ANN, "check_in", "first", location={"lat": 30.2})
    flow.do(ANN, "save", "first", comment="half done")
    assert flow.kinds()[-2:] == ["checked_in", "saved"]
    assert flow.waiting_at == ["first"]


def test_the_submitter_may_withdraw_while_nobody_touched_it():
    flow = Flow(*TWO_STEPS)
    with pytest.raises(PermissionDeniedError):
        flow.step(ANN, actions.withdraw)
    flow.step(OWNER, actions.withdraw)
    assert (flow.status, flow.state.end_status) == ("cancelled", "withdrawn")


def test_withdraw_is_refused_once_someone_works_on_it():
    flow = Flow(*TWO_STEPS)
    flow.do(ANN, "claim", "first")
    with pytest.raises(ConflictError):
        flow.step(OWNER, actions.withdraw)
    assert flow.status == "running"


def test_only_an_administrator_may_cancel_and_only_once():
    flow = Flow(*TWO_STEPS)
    with pytest.raises(PermissionDeniedError):
        flow.step(ANN, lambda run: actions.cancel(run))
    flow.step(ADMIN, lambda run: actions.cancel(run, reason="test"))
    assert flow.status == "cancelled"
    with pytest.raises(ConflictError):
        flow.step(ADMIN, lambda run: actions.cancel(run))


# -- timers on a task: notify, escalate, route, complete -----------------------------------------------
def _timed(timer: dict[str, Any]) -> Flow:
    return Flow(
        [START, task("first", timers=[{"id": "t", "after": "PT30M", **timer}]), task("late", "boss"), end()],
        [("start", "first"), ("first", "end"), ("first", "late", {"id": "timeout"}), ("late", "end")],
    )


def test_boundary_notify_tells_someone_and_keeps_the_task_open():
    flow = _timed({"action": "notify", "to": {"type": "role", "role": "boss"}})
    assert flow.fire("t")
    assert flow.effects[-1].payload["to"] == [["role", "boss"]]
    assert flow.waiting_at == ["first"]


def test_boundary_escalate_reassigns_the_task():
    flow = _timed({"action": "escalate", "to": {"type": "users", "users": ["lea"]}})
    first = flow.task("first")
    flow.fire("t")
    assert (flow.task("first").id, flow.task("first").assignee) == (first.id, "lea")


def test_boundary_route_cancels_the_task_and_leaves_along_its_edge():
    flow = _timed({"action": "route", "edge": "timeout"})
    flow.fire("t")
    assert flow.waiting_at == ["late"]


def test_boundary_complete_finishes_the_task_as_it_stands():
    flow = Flow(
        [START, task("first", timers=[{"id": "t", "after": "PT72H", "action": "complete"}]), end()],
        [("start", "first"), ("first", "end")],
    )
    flow.fire("t")
    assert flow.status == "completed"
    assert [t.completed_by for t in flow.tasks.values()] == ["system"]


def test_an_acceptance_timer_is_dropped_once_the_task_is_claimed():
    flow = _timed({"action": "notify", "until_claimed": True})
    flow.do(ANN, "claim", "first")
    assert flow.state.timers == {}


def test_a_timer_of_a_finished_task_no_longer_fires():
    flow = _timed({"action": "notify"})
    (timer,) = flow.state.timers.values()
    flow.do(ANN, "complete", "first")
    assert not flow.step(SYSTEM, lambda run: actions.fire_timer(run, timer.id))
