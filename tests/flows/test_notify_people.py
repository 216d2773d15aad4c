"""Who hears about a task in their notifications: the new holder of a task passed on, escalated, or back
at a step people worked on before (a return, a reopening) - in memory, saved and restored between steps."""

from __future__ import annotations

from engine.i18n import texts
from tests.flows.memory import ANN, BOB, START, Flow, end, gateway, person, task

TWO_STEPS = (
    [START, task("first"), task("second"), end()],
    [("start", "first"), ("first", "second"), ("second", "end")],
)


def _notes(flow: Flow) -> list[dict]:
    return [e.payload for e in flow.effects if e.topic == "notify"]


def test_a_transferred_task_tells_its_new_holder():
    flow = Flow(*TWO_STEPS)
    flow.do(ANN, "claim", "first")
    passed = flow.do(ANN, "transfer", "first", "bob")
    [note] = _notes(flow)
    assert (note["to"], note["task"], note["message"]) == (
        [["user", "bob"]],
        passed.id,
        texts("flow.notify.task_passed"),
    )


def test_a_delegated_task_tells_the_delegate():
    flow = Flow(*TWO_STEPS)
    flow.do(ANN, "claim", "first")
    flow.do(ANN, "delegate", "first", "cat")
    assert [n["to"] for n in _notes(flow)] == [[["user", "cat"]]]


def test_a_handed_back_job_tells_the_person_it_goes_to():
    node = {"id": "first", "type": "user_task", "actions": ["claim", "hand_back", "complete"]}
    node["assignee"] = {"type": "dispatch", "table": [{"group": "team"}], "strategy": "round_robin"}
    flow = Flow([START, node, end()], [("start", "first"), ("first", "end")])
    holder = flow.task("first").assignee
    flow.do(person(holder or ""), "hand_back", "first")
    now = flow.task("first")
    [note] = _notes(flow)
    assert (note["to"], note["task"]) == ([["user", now.assignee]], now.id)
    assert note["message"] == texts("flow.notify.task_passed")


def test_a_task_returned_to_an_earlier_step_tells_the_people_of_that_step():
    flow = Flow(*TWO_STEPS)
    flow.do(ANN, "complete", "first")
    assert _notes(flow) == []  # reaching a step the first time is the inbox's news, not a notification
    flow.do(BOB, "return", "second", "first")
    again = flow.task("first")
    [note] = _notes(flow)
    assert (note["to"], note["task"], note["node"]) == ([["role", "clerk"]], again.id, "first")
    assert note["message"] == texts("flow.notify.task_back")
    assert note["message"]["en"] == "A task is back for you to work on again"


def test_a_step_reached_again_along_a_loop_tells_its_holder():
    fix = task("fix", assignee={"type": "users", "users": ["bob"]})
    check = task("check", outcomes=[{"id": "redo"}, {"id": "ok"}])
    flow = Flow(
        [START, fix, check, gateway("verdict", "exclusive"), end()],
        [
            ("start", "fix"),
            ("fix", "check"),
            ("check", "verdict"),
            ("verdict", "fix", "outcome == 'redo'"),
            ("verdict", "end", {"default": True}),
        ],
    )
    flow.do(BOB, "complete", "fix")
    flow.do(ANN, "complete", "check", outcome="redo")
    [note] = _notes(flow)
    assert (note["to"], note["task"]) == ([["user", "bob"]], flow.task("fix").id)


def test_an_escalation_tells_the_people_it_goes_to():
    timers = [{"id": "late", "after": "PT1H", "action": "escalate", "to": {"type": "role", "role": "boss"}}]
    flow = Flow([START, task("first", timers=timers), end()], [("start", "first"), ("first", "end")])
    assert flow.fire("late")
    [note] = _notes(flow)
    assert (note["to"], note["task"]) == ([["role", "boss"]], flow.task("first").id)
    assert note["message"] == texts("flow.notify.task_escalated")
