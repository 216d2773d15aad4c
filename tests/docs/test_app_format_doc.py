"""docs/app-format.md stays true: its example validates and it names every key the schemas allow."""

import json
import re
from pathlib import Path

from engine.packages import package_problems
from engine.packages.schema_assembly import assembled_schemas
from engine.schemas import SCHEMA_FILES, load_schema

DOC = Path(__file__).resolve().parents[2] / "docs" / "app-format.md"


def example_package() -> dict:
    text = DOC.read_text(encoding="utf-8")
    section = text.split("## A small complete example", 1)[1]
    block = re.search(r"```json\n(.*?)\n```", section, re.S)
    assert block is not None, "the example section has no json block"
    return json.loads(block.group(1))


def _property_names(node: object, found: set[str]) -> set[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "properties" and isinstance(value, dict):
                found.update(value)
            _property_names(value, found)
    elif isinstance(node, list):
        for item in node:
            _property_names(item, found)
    return found


def test_the_documented_example_is_a_valid_package():
    assert package_problems(example_package()) == []


def test_the_document_names_every_key_of_the_schemas():
    text = DOC.read_text(encoding="utf-8")
    keys: set[str] = set()
    assembled = assembled_schemas()  # with every field and node type's own keys
    for name in SCHEMA_FILES:
        _property_names(assembled.get(name) or load_schema(name), keys)
    undocumented = sorted(key for key in keys if f"`{key}`" not in text)
    assert undocumented == []


def test_the_document_names_every_field_and_node_type():
    text = DOC.read_text(encoding="utf-8")
    assembled = assembled_schemas()
    field_types = assembled["form.schema.json"]["$defs"]["field"]["properties"]["type"]["enum"]
    node_types = assembled["flow.schema.json"]["$defs"]["node"]["properties"]["type"]["enum"]
    assert [t for t in field_types + node_types if f"`{t}`" not in text] == []


def automations_example() -> dict:
    text = DOC.read_text(encoding="utf-8")
    section = text.split("## Automations and connectors", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```json\n(.*?)\n```", section, re.S)
    assert block is not None, "the automations section has no json block"
    return json.loads(block.group(1))


def test_the_documented_automations_example_is_a_valid_package():
    package = automations_example()

    assert package_problems(package) == []
    assert {a["trigger"]["type"] for a in package["automations"]} >= {"record_created", "flow_event", "schedule"}
