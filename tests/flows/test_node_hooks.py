"""The shared contract of node types: hooks with defaults, so a simple type overrides ``enter`` only."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from engine.errors import InvalidTransitionError
from engine.flows.actions import TASK_ACTIONS
from engine.flows.interpreter import Run
from engine.flows.migration import plan_instance
from engine.flows.nodes import NODE_TYPES, NodeType
from engine.flows.spec import NodeSpec, compile_flow
from engine.flows.state import InstanceState, Token
from engine.i18n import CATALOG
from tests.flows.memory import FIELDS, START, approval, definition, end, task


@pytest.mark.parametrize("name", NODE_TYPES.keys())
def test_every_node_type_keeps_the_shared_contract(name: str):
    kind = NODE_TYPES.get(name)
    assert isinstance(kind, NodeType)
    assert kind.default_actions <= set(TASK_ACTIONS)
    assert all(code in CATALOG for code in kind.refused_actions.values())
    here = NodeSpec("n", name, None, {"mode": "countersign"}, "/flows/0/nodes/0")
    assert kind.migration_problems(here, here, InstanceState("i", "a", 1, "f", "t", 1, "u", datetime.now(UTC))) == []


class Toy(NodeType):
    def enter(self, run: Run, node: NodeSpec, token: Token) -> None:
        run.leave(token, run.choose(node, first_only=False))


def test_a_node_type_that_only_enters_gets_every_other_hook_from_the_base():
    toy, node = Toy(), NodeSpec("toy", "toy", None, {}, "/flows/0/nodes/1")
    state = InstanceState("i", "a", 1, "f", "t", 1, "u", datetime.now(UTC))
    assert (toy.default_actions, toy.migration_problems(node, node, state)) == (frozenset(), [])
    toy.refuse(None, node, "approve")  # type: ignore[arg-type]  # refuses nothing of its own
    with pytest.raises(InvalidTransitionError) as refused:
        toy.add_signer(None, node, None, ())  # type: ignore[arg-type]
    assert refused.value.message == "signers can only be added to an approval step"


def test_a_node_offers_its_type_s_actions_unless_its_definition_lists_them():
    raw = definition(
        [START, task("a"), approval("b", "or_sign", ["ann"]), task("c", actions=["complete"]), end()],
        [("start", "a"), ("a", "b"), ("b", "c"), ("c", "end")],
    )
    spec = compile_flow(raw, fields=[f["id"] for f in FIELDS])
    assert "complete" in spec.node("a").actions and "approve" not in spec.node("a").actions
    assert "approve" in spec.node("b").actions and "complete" not in spec.node("b").actions
    assert spec.node("c").actions == {"complete"}
    assert spec.node("start").actions == frozenset()


def test_an_approval_refuses_a_migration_that_changes_how_votes_are_counted():
    def spec(mode: str):  # type: ignore[no-untyped-def]
        raw = definition([START, approval("sign", mode, ["ann", "bob"]), end()], [("start", "sign"), ("sign", "end")])
        return compile_flow(raw, fields=[f["id"] for f in FIELDS])

    state = InstanceState("i", "a", 1, "f", "t", 1, "u", datetime.now(UTC), tokens=[Token("t1", "sign", "waiting")])
    plan = plan_instance(spec("countersign"), spec("or_sign"), state, {})
    assert plan.as_dict()["problems"] == [
        "'sign' collects countersign votes and 'sign' or_sign ones: the votes cast so far would be lost"
    ]
    assert plan_instance(spec("countersign"), spec("countersign"), state, {}).ok
