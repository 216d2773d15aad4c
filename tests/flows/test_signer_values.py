"""Approval steps carry data (domain): a signer's values are kept on their own task, a draft never
decides, and the node's ``collect`` says what a decision writes to the record."""

from __future__ import annotations

import pytest

from engine.errors import ConflictError, InvalidTransitionError
from engine.flows import actions
from engine.flows.nodes import kind_of
from tests.flows.memory import ANN, BOB, START, Flow, approval, end, task

EDGES = [("start", "sign"), ("sign", "end")]


def _sign(mode: str = "countersign", **extra: object) -> Flow:
    node = approval("sign", mode, ["ann", "bob"], field_permissions={"note": "required"}, **extra)
    return Flow([START, node, end()], EDGES)


def test_each_signer_keeps_their_own_values_on_their_task_and_a_draft_does_not_decide():
    flow = _sign()
    ann, bob = flow.open("sign")

    flow.step(ANN, lambda run: actions.keep_values(run, ann.id, {"note": "初稿"}))
    flow.do(ANN, "save", ann)
    flow.step(BOB, lambda run: actions.keep_values(run, bob.id, {"note": "同意"}))
    flow.do(BOB, "approve", bob)

    assert (flow.tasks[ann.id].data, flow.tasks[bob.id].data) == ({"note": "初稿"}, {"note": "同意"})
    assert (flow.tasks[ann.id].status, flow.status) == ("open", "running")


def test_values_are_kept_only_on_an_open_task():
    flow = _sign("or_sign")
    ann, _ = flow.open("sign")
    flow.do(ANN, "approve", ann)

    with pytest.raises(ConflictError):
        flow.step(ANN, lambda run: actions.keep_values(run, ann.id, {"note": "晚了"}))

    assert flow.tasks[ann.id].data == {}


@pytest.mark.parametrize(
    "collect, action, before, expected",
    [
        (None, "approve", "旧意见", {"note": "同意"}),  # last, the default: the latest value
        ("last", "reject", None, {"note": "同意"}),
        ("all", "approve", None, {"note": "李工: 同意"}),
        ("all", "reject", "王队: 不同意", {"note": "王队: 不同意\n李工: 同意"}),
        ("all", "save", "王队: 不同意", {}),  # a draft writes nothing
        ("last", "save", None, {}),
    ],
)
def test_collect_says_what_a_decision_writes_to_the_record(collect, action, before, expected):
    flow = _sign(**({"collect": collect} if collect else {}))
    node = flow.spec.node("sign")

    written = kind_of(node).record_values(node, action, {"note": "同意"}, {"note": before}, "李工")

    assert written == expected


def test_an_empty_opinion_adds_no_line():
    flow = _sign(collect="all")
    node = flow.spec.node("sign")

    assert kind_of(node).record_values(node, "approve", {"note": None}, {"note": "王队: 同意"}, "李工") == {}


def test_save_is_offered_where_a_signer_has_fields_to_fill():
    with_fields = _sign().spec.node("sign")
    without = Flow([START, approval("sign", "or_sign", ["ann"]), end()], EDGES).spec.node("sign")
    user_task = Flow([START, task("sign"), end()], EDGES).spec.node("sign")

    assert kind_of(with_fields).offers(with_fields, "save") is True
    assert kind_of(without).offers(without, "save") is False
    assert [kind_of(user_task).offers(user_task, a) for a in ("save", "check_in", "approve")] == [True, True, False]


def test_saving_where_nothing_can_be_filled_is_refused_by_name():
    flow = Flow([START, approval("sign", "or_sign", ["ann"]), end()], EDGES)

    with pytest.raises(InvalidTransitionError) as refused:
        flow.do(ANN, "save", flow.task("sign"))

    assert refused.value.message == "'sign' does not offer 'save'"
