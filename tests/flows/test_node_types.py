"""Every node type, run in memory through the interpreter (saved and restored between steps like storage does)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from engine.flows import actions
from engine.flows.interpreter import MAX_STEPS
from engine.principal import SYSTEM
from tests.flows.memory import (
    ANN,
    BOB,
    CAT,
    DEFAULT,
    START,
    Flow,
    approval,
    end,
    gateway,
    script,
    task,
)


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


def test_an_approval_dispatched_by_a_table_reads_its_conditions_and_fills_its_write_fields():
    """A dispatch rule picks an approval's signer as it picks a task's holder: the first row whose
    ``when`` holds (not merely the first row), and the chosen person and group land in ``write``."""
    rule = {
        "type": "dispatch",
        "table": [{"when": "amount > 100", "group": "board"}, {"group": "team"}],
        "strategy": "round_robin",
        "write": {"worker": "note"},
    }
    sign = {"id": "sign", "type": "approval", "mode": "or_sign", "assignee": rule}
    flow = Flow([START, sign, end()], [("start", "sign"), ("sign", "end")], {"amount": 5})

    chosen = flow.task("sign").assignee

    assert chosen in ("ann", "bob")
    assert flow.record["note"] == chosen
    created = [e for e in flow.events if e.kind == "task_created"]
    assert [e.details["group"] for e in created] == ["team"]


def test_a_dispatch_whose_choice_the_record_would_refuse_fails_the_instance_with_the_reason():
    """The person a dispatch writes must fit the field (a leader without the field's role does not): the
    step then has nobody to go to, and the instance fails there with the record's reason, no task made."""
    rule = {"type": "dispatch", "table": [{"group": "team"}], "write": {"worker": "note"}}
    nodes = [START, task("first"), {"id": "sign", "type": "approval", "mode": "or_sign", "assignee": rule}, end()]
    flow = Flow(nodes, [("start", "first"), ("first", "sign"), ("sign", "end")])
    flow.env.check_writes = lambda writes: f"Note: {writes['note']} is not a guard"

    flow.do(ANN, "complete", "first")

    assert flow.status == "failed"
    assert flow.state.error is not None and "is not a guard" in flow.state.error and "'sign'" in flow.state.error
    assert flow.open("sign") == [] and flow.record["note"] is None


def test_a_loop_that_never_waits_is_stopped_after_max_steps():
    flow = Flow(
        [START, script("spin", note="'again'"), gateway("gw", "exclusive"), end()],
        [("start", "spin"), ("spin", "gw"), ("gw", "spin", "note == 'again'"), ("gw", "end", DEFAULT)],
    )
    assert flow.status == "failed"
    assert flow.state.error == f"the flow looped {MAX_STEPS} times without waiting for anyone; check its loops"
