"""Every task and instance action in memory: what it does, and how it refuses (403, 409, 422 in words)."""

from __future__ import annotations

from typing import Any

import pytest

from engine.errors import ConflictError, InvalidTransitionError, PermissionDeniedError, SubmissionError
from engine.flows import actions
from engine.principal import SYSTEM
from tests.flows.memory import (
    ADMIN,
    ANN,
    BOB,
    BOSS,
    OWNER,
    START,
    Flow,
    approval,
    end,
    gateway,
    person,
    task,
)

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
    assert refused.value.message == "return only to an earlier step this record has been through"
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


def test_a_failed_instance_retried_by_an_administrator_runs_its_stopped_step_again():
    flow = Flow(
        [START, gateway("gw", "exclusive"), task("one"), end()],
        [("start", "gw"), ("gw", "one", "amount > 10"), ("one", "end")],
        record={"amount": 0},
    )
    assert flow.status == "failed"
    with pytest.raises(PermissionDeniedError):
        flow.step(ANN, actions.retry)
    flow.step(ADMIN, actions.retry)  # nothing corrected yet: it stops at the same step with the same error
    assert (flow.status, flow.entered().count("gw")) == ("failed", 2)

    flow.record["amount"] = 50
    flow.step(ADMIN, actions.retry)
    assert (flow.status, flow.waiting_at, flow.state.error) == ("running", ["one"], None)
    assert "retried" in flow.kinds()
    with pytest.raises(ConflictError):
        flow.step(ADMIN, actions.retry)  # only a failed instance is retried


def test_a_failed_instance_may_be_cancelled_but_a_cancelled_one_not_retried():
    flow = Flow(
        [START, gateway("gw", "exclusive"), task("one"), end()],
        [("start", "gw"), ("gw", "one", "amount > 10"), ("one", "end")],
        record={"amount": 0},
    )
    assert flow.status == "failed"
    flow.step(ADMIN, lambda run: actions.cancel(run, reason="wrong bill"))
    assert flow.status == "cancelled"
    with pytest.raises(ConflictError):
        flow.step(ADMIN, actions.retry)


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
