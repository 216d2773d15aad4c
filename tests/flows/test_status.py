"""Instance, task, timer and token states: the stored strings, and the one function that moves between them."""

from __future__ import annotations

import pytest

from engine.errors import InvalidTransitionError
from engine.flows.state import InstanceState, Task, Timer, Token
from engine.flows.status import RULES, InstanceStatus, Status, TaskStatus, TimerStatus, TokenState
from tests.flows.memory import ANN, START, Flow, end, task


def test_the_states_are_exactly_the_strings_already_stored():
    assert [s.value for s in InstanceStatus] == ["running", "completed", "cancelled", "failed"]
    assert [s.value for s in TaskStatus] == ["open", "completed", "cancelled"]
    assert [s.value for s in TimerStatus] == ["pending", "fired", "cancelled"]
    assert [s.value for s in TokenState] == ["active", "waiting", "failed"]


@pytest.mark.parametrize("kind", list(RULES), ids=lambda kind: kind.__name__)
def test_every_listed_move_is_allowed_and_every_other_refused(kind: type[Status]):
    _, moves = RULES[kind]
    for current in kind:
        for target in kind:
            if target in moves.get(current, frozenset()):
                assert current.to(target) is target
            else:
                with pytest.raises(InvalidTransitionError):
                    current.to(target)


def test_an_illegal_move_names_both_states():
    with pytest.raises(InvalidTransitionError) as refused:
        TaskStatus.DONE.to("open")
    assert refused.value.message == "a task cannot move from 'completed' to 'open'"
    assert refused.value.localized("zh-CN") == "任务不能从“completed”变为“open”"


def test_a_finished_instance_cannot_fail_afterwards():
    with pytest.raises(InvalidTransitionError) as refused:
        InstanceStatus.COMPLETED.to(InstanceStatus.FAILED)
    assert refused.value.message == "a flow instance cannot move from 'completed' to 'failed'"


def test_stored_strings_come_back_as_states():
    state = InstanceState("i", "a", 1, "f", "t", 1, "u", None, status="failed")  # type: ignore[arg-type]
    found = (
        state.status,
        Task("x", "n", "t", None, status="cancelled").status,  # type: ignore[arg-type]
        Timer("x", "n", "s", None, status="fired").status,  # type: ignore[arg-type]
        Token.load({"id": "x", "node": "n", "state": "waiting"}).state,
    )
    assert found == (InstanceStatus.FAILED, TaskStatus.CANCELLED, TimerStatus.FIRED, TokenState.WAITING)
    assert [type(s) for s in found] == [InstanceStatus, TaskStatus, TimerStatus, TokenState]


def test_a_flow_moves_its_states_through_the_transition_function():
    flow = Flow([START, task("a"), end()], [("start", "a"), ("a", "end")])
    a = flow.task("a")
    assert (flow.state.status, a.status, flow.state.tokens[0].state) == ("running", "open", "waiting")
    flow.do(ANN, "complete", a)
    assert (flow.status, flow.tasks[a.id].status) == (InstanceStatus.COMPLETED, TaskStatus.DONE)
