"""A node type's own keys come from its class: a toy node type (tests/packages/toy_node.py) is
checked by the package schema like a built-in, without editing flow.schema.json."""

import copy
from collections.abc import Iterator

import pytest

from engine.flows.nodes import NODE_TYPES
from engine.packages import package_problems
from engine.packages.schema_assembly import flow_schema
from tests.docs.test_app_format_doc import example_package
from tests.packages.toy_node import StampNode


@pytest.fixture
def stamp() -> Iterator[StampNode]:
    with NODE_TYPES.scoped("stamp", StampNode()) as kind:
        yield kind


def _package(**node: object) -> dict:
    """The example with its service task replaced by a stamp node (same id, same edges)."""
    package = copy.deepcopy(example_package())
    nodes = package["flows"][0]["nodes"]
    position = next(i for i, n in enumerate(nodes) if n["id"] == "pay")
    nodes[position] = {"id": "pay", "type": "stamp", **node}
    return package


def test_the_toy_node_type_is_listed_and_its_keys_checked(stamp):
    node = flow_schema()["$defs"]["node"]

    assert node["properties"]["type"]["enum"][-1] == "stamp"
    assert {"if": {"properties": {"type": {"const": "stamp"}}}, "then": StampNode.config_schema} in node["allOf"]


def test_a_package_using_the_toy_node_type_validates(stamp):
    assert package_problems(_package(stamp="paid")) == []


def test_a_bad_config_of_the_toy_node_type_is_refused_with_its_pointer(stamp):
    found = package_problems(_package(stamp="x" * 30))

    assert [(p.pointer, p.code) for p in found] == [
        ("/flows/0/nodes/3/stamp", "schema.too_long"),
    ]


def test_a_missing_key_of_the_toy_node_type_is_refused(stamp):
    found = package_problems(_package())

    assert [(p.pointer, p.code) for p in found] == [("/flows/0/nodes/3", "schema.required")]


def test_without_registration_the_node_type_is_unknown():
    found = package_problems(_package(stamp="paid"))

    assert [(p.pointer, p.code) for p in found] == [("/flows/0/nodes/3/type", "schema.enum")]
