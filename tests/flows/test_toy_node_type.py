"""A node type is one file: the toy ``stamp`` type (tests/packages/toy_node.py), registered and nothing
else, is validated with the package, compiled, run, saved and restored like a built-in node type."""

from collections.abc import Iterator

import pytest

from engine.errors import DefinitionError
from engine.flows.nodes import NODE_TYPES
from tests.flows.memory import ANN, START, Flow, end, task
from tests.packages.toy_node import StampNode

EDGES = [("start", "stamp"), ("stamp", "a"), ("a", "end")]


@pytest.fixture
def stamp() -> Iterator[StampNode]:
    with NODE_TYPES.scoped("stamp", StampNode()) as kind:
        yield kind


def test_a_flow_with_the_toy_node_type_runs_to_its_end(stamp):
    flow = Flow([START, {"id": "stamp", "type": "stamp", "stamp": "paid"}, task("a"), end()], EDGES)

    assert flow.state.variables["vars"]["stamp"] == "paid"  # entered, and it survived save/restore
    assert flow.waiting_at == ["a"]
    flow.do(ANN, "complete", "a")
    assert flow.status == "completed"
    assert flow.entered() == ["start", "stamp", "a", "end"]


def test_the_toy_node_types_own_keys_are_checked_before_anything_runs(stamp):
    with pytest.raises(DefinitionError) as raised:
        Flow([START, {"id": "stamp", "type": "stamp", "stamp": "x" * 30}, task("a"), end()], EDGES)

    assert [(p.pointer, p.code) for p in raised.value.problems] == [("/flows/0/nodes/1/stamp", "schema.too_long")]


def test_without_its_file_registered_the_type_is_unknown():
    with pytest.raises(DefinitionError) as raised:
        Flow([START, {"id": "stamp", "type": "stamp", "stamp": "paid"}, task("a"), end()], EDGES)

    assert [(p.pointer, p.code) for p in raised.value.problems] == [("/flows/0/nodes/1/type", "schema.enum")]
