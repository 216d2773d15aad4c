"""Workflow Patterns (WCP) the flow engine supports, each shown on a small flow run in memory.

docs/flows.md lists every control-flow pattern with its status; each supported one has a test here.
"""

from __future__ import annotations

from typing import Any

import pytest

from engine.flows import actions
from tests.flows.memory import (
    ADMIN,
    ANN,
    BOB,
    BOSS,
    CAT,
    DEFAULT,
    LEA,
    START,
    Flow,
    approval,
    end,
    gateway,
    person,
    script,
    task,
)


# -- WCP-1 … WCP-5: basic control flow -----------------------------------------------------------
def test_wcp01_sequence_runs_tasks_one_after_another():
    flow = Flow([START, task("a"), task("b"), end()], [("start", "a"), ("a", "b"), ("b", "end")])
    assert flow.waiting_at == ["a"]
    flow.do(ANN, "complete", "a")
    assert flow.waiting_at == ["b"]
    flow.do(BOB, "complete", "b")
    assert flow.status == "completed"
    assert flow.entered() == ["start", "a", "b", "end"]


PARALLEL = (
    [START, gateway("split", "parallel"), task("a"), task("b"), gateway("join", "parallel"), task("c"), end()],
    [("start", "split"), ("split", "a"), ("split", "b"), ("a", "join"), ("b", "join"), ("join", "c"), ("c", "end")],
)


def test_wcp02_parallel_split_opens_every_branch_at_once():
    flow = Flow(*PARALLEL)
    assert [t.node for t in flow.open()] == ["a", "b"]


def test_wcp03_synchronization_waits_for_every_branch_then_goes_on_once():
    flow = Flow(*PARALLEL)
    flow.do(ANN, "complete", "b")
    assert flow.waiting_at == ["a", "join"]
    assert flow.open("c") == []
    flow.do(ANN, "complete", "a")
    assert flow.waiting_at == ["c"]
    assert flow.kinds().count("joined") == 1
    flow.do(ANN, "complete", "c")
    assert flow.status == "completed"


CHOICE = (
    [START, gateway("gw", "exclusive"), task("big", "boss"), task("small"), gateway("merge", "exclusive"), task("file")]
    + [end()],
    [
        ("start", "gw"),
        ("gw", "big", "amount > 1000"),
        ("gw", "small", DEFAULT),
        ("big", "merge"),
        ("small", "merge"),
        ("merge", "file"),
        ("file", "end"),
    ],
)


@pytest.mark.parametrize(("amount", "branch"), [(5000, "big"), (80, "small")])
def test_wcp04_exclusive_choice_takes_the_one_branch_whose_condition_holds(amount, branch):
    flow = Flow(*CHOICE, record={"amount": amount})
    assert flow.waiting_at == [branch]
    assert "big" not in flow.entered() or "small" not in flow.entered()


@pytest.mark.parametrize(("amount", "branch", "who"), [(5000, "big", BOSS), (80, "small", ANN)])
def test_wcp05_simple_merge_continues_from_whichever_branch_ran(amount, branch, who):
    flow = Flow(*CHOICE, record={"amount": amount})
    flow.do(who, "complete", branch)
    assert flow.waiting_at == ["file"]
    flow.do(ANN, "complete", "file")
    assert flow.status == "completed"
    assert flow.entered().count("file") == 1


# -- WCP-6, 7: multi-choice and the synchronizing merge ------------------------------------------
MULTI = (
    [START, gateway("split", "inclusive"), task("finance", "boss"), task("legal", "lead"), task("desk")]
    + [gateway("join", "inclusive"), end()],
    [
        ("start", "split"),
        ("split", "finance", "amount > 100"),
        ("split", "legal", "note == 'contract'"),
        ("split", "desk", DEFAULT),
        ("finance", "join"),
        ("legal", "join"),
        ("desk", "join"),
        ("join", "end"),
    ],
)


@pytest.mark.parametrize(
    ("record", "started"),
    [
        ({"amount": 500, "note": "contract"}, ["finance", "legal"]),
        ({"amount": 500, "note": "x"}, ["finance"]),
        ({"amount": 5, "note": "x"}, ["desk"]),
    ],
)
def test_wcp06_multi_choice_starts_every_branch_whose_condition_holds(record, started):
    flow = Flow(*MULTI, record=record)
    assert [t.node for t in flow.open()] == started


def test_wcp07_structured_synchronizing_merge_waits_for_exactly_the_started_branches():
    flow = Flow(*MULTI, record={"amount": 500, "note": "contract"})
    flow.do(LEA, "complete", "legal")
    assert flow.status == "running"
    assert flow.waiting_at == ["finance", "join"]
    flow.do(BOSS, "complete", "finance")
    assert flow.status == "completed"
    assert flow.kinds().count("joined") == 1


# -- WCP-8, 9: multi-merge and discriminator -----------------------------------------------------
def test_wcp08_multi_merge_runs_what_follows_once_per_arriving_branch():
    # a node with two unconditional outgoing edges splits implicitly (no join is required of it)
    flow = Flow(
        [START, script("fork", note="'forked'"), task("a"), task("b"), gateway("merge", "exclusive"), task("c"), end()],
        [("start", "fork"), ("fork", "a"), ("fork", "b"), ("a", "merge"), ("b", "merge"), ("merge", "c"), ("c", "end")],
    )
    flow.do(ANN, "complete", "a")
    assert [t.node for t in flow.open()] == ["b", "c"]
    flow.do(ANN, "complete", "b")
    first, second = flow.open("c")
    flow.do(ANN, "complete", first)
    assert flow.status == "running"
    flow.do(ANN, "complete", second)
    assert flow.status == "completed"
    assert flow.entered().count("c") == 2


def test_wcp09_structured_discriminator_modelled_with_a_counter_passes_only_the_first_branch():
    flow = Flow(
        [
            START,
            script("fork", note="'forked'"),
            task("a"),
            task("b"),
            script("arrive", arrived="(instance.variables.arrived or 0) + 1"),
        ]
        + [gateway("first", "exclusive"), task("c"), end(), end("ignored")],
        [
            ("start", "fork"),
            ("fork", "a"),
            ("fork", "b"),
            ("a", "arrive"),
            ("b", "arrive"),
            ("arrive", "first"),
            ("first", "c", "instance.variables.arrived == 1"),
            ("first", "ignored", DEFAULT),
            ("c", "end"),
        ],
    )
    flow.do(ANN, "complete", "b")
    assert [t.node for t in flow.open()] == ["a", "c"]
    flow.do(ANN, "complete", "a")
    assert [t.node for t in flow.open()] == ["c"]
    assert flow.entered().count("c") == 1
    flow.do(ANN, "complete", "c")
    assert flow.status == "completed"


# -- WCP-10, 11, 21: cycles, implicit termination, structured loops -----------------------------
def test_wcp10_arbitrary_cycle_goes_back_to_an_earlier_node():
    flow = Flow(
        [
            START,
            task("draft"),
            task("review", "boss", outcomes=[{"id": "ok"}, {"id": "redo"}]),
            gateway("gw", "exclusive"),
        ]
        + [end()],
        [
            ("start", "draft"),
            ("draft", "review"),
            ("review", "gw"),
            ("gw", "draft", "outcome == 'redo'"),
            ("gw", "end", DEFAULT),
        ],
    )
    flow.do(ANN, "complete", "draft")
    flow.do(BOSS, "complete", "review", outcome="redo")
    assert flow.waiting_at == ["draft"]
    flow.do(ANN, "complete", "draft")
    flow.do(BOSS, "complete", "review", outcome="ok")
    assert flow.status == "completed"
    assert flow.entered().count("draft") == 2


def test_wcp11_implicit_termination_ends_the_instance_when_nothing_is_left_to_do():
    flow = Flow(
        [START, script("fork", note="'forked'"), task("a"), task("b"), end("end_a"), end("end_b")],
        [("start", "fork"), ("fork", "a"), ("fork", "b"), ("a", "end_a"), ("b", "end_b")],
    )
    flow.do(ANN, "complete", "a")
    assert flow.status == "running"
    flow.do(ANN, "complete", "b")
    assert flow.status == "completed"


def test_wcp21_structured_loop_repeats_its_body_while_the_condition_holds():
    flow = Flow(
        [START, script("body", rounds="(rounds or 0) + 1"), gateway("again", "exclusive"), task("done"), end()],
        [
            ("start", "body"),
            ("body", "again"),
            ("again", "body", "rounds < 3"),
            ("again", "done", DEFAULT),
            ("done", "end"),
        ],
    )
    assert flow.record["rounds"] == 3
    assert flow.entered().count("body") == 3
    assert flow.waiting_at == ["done"]


# -- WCP-12 … 15, 26, 27, 34 … 36: multiple instances --------------------------------------------
def test_wcp12_multiple_instances_without_synchronization():
    # each pass of the loop forks one more "visit" task; nothing waits for them to finish
    flow = Flow(
        [START, script("spawn", spawned="(instance.variables.spawned or 0) + 1"), gateway("more", "exclusive")]
        + [task("visit"), task("wrap_up", "boss"), end(), end("visited")],
        [
            ("start", "spawn"),
            ("spawn", "visit"),
            ("spawn", "more"),
            ("more", "spawn", "instance.variables.spawned < rounds"),
            ("more", "wrap_up", DEFAULT),
            ("visit", "visited"),
            ("wrap_up", "end"),
        ],
        record={"rounds": 3},
    )
    assert [t.node for t in flow.open()] == ["visit", "visit", "visit", "wrap_up"]
    flow.do(BOSS, "complete", "wrap_up")
    assert flow.status == "running"
    for visit in flow.open("visit"):
        flow.do(ANN, "complete", visit)
    assert flow.status == "completed"


def _signed(approval_node: dict[str, Any]) -> Flow | Any:
    return (
        [START, approval_node, gateway("result", "exclusive"), end("approved"), end("rejected", status="rejected")],
        [
            ("start", "sign"),
            ("sign", "result"),
            ("result", "rejected", "outcome == 'rejected'"),
            ("result", "approved", DEFAULT),
        ],
    )


def test_wcp13_multiple_instances_with_design_time_knowledge_countersign():
    flow = Flow(*_signed(approval("sign", "countersign", ["ann", "bob", "cat"])))
    signers = flow.open("sign")
    assert [t.assignee for t in signers] == ["ann", "bob", "cat"]
    flow.do(ANN, "approve", signers[0])
    flow.do(BOB, "approve", signers[1])
    assert flow.status == "running"
    flow.do(CAT, "approve", signers[2])
    assert (flow.status, flow.state.end_status) == ("completed", "completed")
    assert flow.state.variables["outcomes"] == {"sign": "approved"}


@pytest.mark.parametrize("clerks", [["ann", "bob"], ["ann", "bob", "cat", "dan"]])
def test_wcp14_multiple_instances_with_run_time_knowledge_one_task_per_role_holder(clerks):
    node = {"id": "sign", "type": "approval", "mode": "countersign", "assignee": {"type": "role", "role": "clerk"}}
    flow = Flow(*_signed(node), clerks=clerks)
    assert sorted(t.assignee or "" for t in flow.open("sign")) == sorted(clerks)
    for signer in flow.open("sign"):
        flow.do(person(signer.assignee or ""), "approve", signer)
    assert flow.status == "completed"


def test_wcp15_multiple_instances_without_a_priori_knowledge_add_signer_while_running():
    flow = Flow(*_signed(approval("sign", "countersign", ["ann", "bob"])))
    ann, bob = flow.open("sign")
    flow.do(ANN, "approve", ann)
    flow.do(BOB, "add_signer", bob, "cat")
    flow.do(BOB, "approve", bob)
    assert flow.status == "running"  # the added signer is waited for too
    flow.do(CAT, "approve", flow.task("sign"))
    assert flow.status == "completed"


def test_wcp26_cancel_multiple_instance_activity_by_a_boundary_timer():
    node = approval(
        "sign",
        "countersign",
        ["ann", "bob", "cat"],
        timers=[{"id": "late", "after": "PT2H", "action": "route", "edge": "late"}],
    )
    nodes, edges = _signed(node)
    flow = Flow([*nodes, task("chase", "boss")], [*edges, ("sign", "chase", {"id": "late"}), ("chase", "rejected")])
    flow.do(ANN, "approve", flow.open("sign")[0])
    flow.fire("late")
    assert [t.status for t in flow.tasks.values() if t.node == "sign"] == ["completed", "cancelled", "cancelled"]
    assert flow.waiting_at == ["chase"]


def test_wcp27_complete_multiple_instance_activity_by_a_boundary_timer():
    node = approval(
        "sign", "countersign", ["ann", "bob", "cat"], timers=[{"id": "enough", "after": "P1D", "action": "complete"}]
    )
    flow = Flow(*_signed(node))
    flow.do(ANN, "approve", flow.open("sign")[0])
    flow.fire("enough")  # the timer moved to bob's task when ann voted: bob's task completes, cat's is withdrawn
    assert [t.status for t in flow.tasks.values()] == ["completed", "completed", "cancelled"]
    assert flow.status == "completed"
    assert flow.state.variables["votes"] == {}
    assert [e.details["reason"] for e in flow.events if e.kind == "task_cancelled"] == ["timed out"]


def test_wcp35_cancelling_partial_join_for_multiple_instances_pass_ratio():
    flow = Flow(*_signed(approval("sign", "countersign", ["ann", "bob", "cat", "lea"], pass_ratio=0.5)))
    ann, bob, _, _ = flow.open("sign")
    flow.do(ANN, "approve", ann)
    assert flow.status == "running"
    flow.do(BOB, "approve", bob)
    assert (flow.status, flow.state.variables["outcomes"]["sign"]) == ("completed", "approved")
    assert sorted(t.status for t in flow.tasks.values()) == ["cancelled", "cancelled", "completed", "completed"]


def test_wcp36_dynamic_partial_join_counts_signers_added_while_running():
    flow = Flow(*_signed(approval("sign", "countersign", ["ann", "bob"], pass_ratio=0.6)))
    ann, bob = flow.open("sign")
    flow.do(ANN, "add_signer", ann, "cat")  # 3 signers now: 0.6 of 3 needs 2 approvals, not 2 of 2
    flow.do(ANN, "approve", ann)
    assert flow.status == "running"
    flow.do(CAT, "approve", flow.open("sign")[-1])
    assert flow.status == "completed"
    assert [t.status for t in flow.tasks.values() if t.assignee == "bob"] == ["cancelled"]


# -- WCP-16: deferred choice ----------------------------------------------------------------------
OFFER = (
    [START, task("offer", timers=[{"id": "expire", "after": "PT1H", "action": "route", "edge": "timeout"}])]
    + [task("handle"), task("expired", "boss"), end()],
    [
        ("start", "offer"),
        ("offer", "handle"),
        ("offer", "expired", {"id": "timeout"}),
        ("handle", "end"),
        ("expired", "end"),
    ],
)


def test_wcp16_deferred_choice_taken_by_a_person_before_the_deadline():
    flow = Flow(*OFFER)
    flow.do(ANN, "complete", "offer")
    assert flow.waiting_at == ["handle"]
    assert flow.state.timers == {}


def test_wcp16_deferred_choice_taken_by_the_deadline_before_anyone_acts():
    flow = Flow(*OFFER)
    assert flow.fire("expire")
    assert flow.waiting_at == ["expired"]
    assert flow.open("offer") == []


# -- WCP-19, 20, 43: cancellation and termination ------------------------------------------------
def test_wcp19_cancel_task_an_interrupting_timer_withdraws_the_waiting_task():
    flow = Flow(*OFFER)
    offer = flow.task("offer")
    flow.fire("expire")
    assert flow.tasks[offer.id].status == "cancelled"
    assert ("task_cancelled", "offer") in [(e.kind, e.node) for e in flow.events]


def test_wcp20_cancel_case_an_administrator_cancels_the_whole_instance():
    flow = Flow(*PARALLEL)
    flow.step(ADMIN, lambda run: actions.cancel(run, reason="duplicate"))
    assert (flow.status, flow.state.end_status) == ("cancelled", "cancelled")
    assert [t.status for t in flow.tasks.values()] == ["cancelled", "cancelled"]
    assert flow.state.tokens == []


def test_wcp43_explicit_termination_ends_the_instance_and_cancels_other_branches():
    flow = Flow(
        [START, script("fork", note="'forked'"), task("a"), task("b"), end("stop", terminate=True), end()],
        [("start", "fork"), ("fork", "a"), ("fork", "b"), ("a", "stop"), ("b", "end")],
    )
    flow.do(ANN, "complete", "a")
    assert flow.status == "completed"
    assert [t.status for t in flow.tasks.values() if t.node == "b"] == ["cancelled"]
