"""docs/flows.md stays true: every package it shows validates, and what it says is refused is refused."""

import copy
import json
import re
from pathlib import Path

from engine.packages import package_problems

DOC = Path(__file__).resolve().parents[2] / "docs" / "flows.md"


def examples() -> list[dict]:
    blocks = re.findall(r"```json\n(.*?)\n```", DOC.read_text(encoding="utf-8"), re.S)
    return [json.loads(block) for block in blocks]


def test_every_package_the_page_shows_is_valid():
    packages = [found for found in examples() if "format" in found]
    assert packages
    assert [package_problems(found) for found in packages] == [[] for _ in packages]


def _leak_package() -> dict:
    return copy.deepcopy(next(found for found in examples() if found.get("id") == "leak_watch"))


def test_a_calendar_expression_naming_no_field_is_refused_at_its_pointer():
    package = _leak_package()
    package["flows"][0]["nodes"][1]["timers"][0]["business_hours"] = "urgncy == '一般'"
    assert [p.pointer for p in package_problems(package)] == ["/flows/0/nodes/1/timers/0/business_hours"]


def test_a_calendar_that_is_neither_a_boolean_nor_an_expression_is_refused_at_its_pointer():
    package = _leak_package()
    package["flows"][0]["nodes"][1]["timers"][0]["business_hours"] = 3
    assert [p.pointer for p in package_problems(package)] == ["/flows/0/nodes/1/timers/0/business_hours"]


def test_a_timer_node_may_choose_its_calendar_too_and_a_bad_choice_is_refused():
    package = _leak_package()
    flow = package["flows"][0]
    flow["nodes"].insert(1, {"id": "cool_off", "type": "timer", "after": "PT2H", "business_hours": "urgency == '一般'"})
    flow["edges"][0]["target"] = "cool_off"
    flow["edges"].append({"id": "e0", "source": "cool_off", "target": "repair"})
    assert package_problems(package) == []
    flow["nodes"][1]["business_hours"] = "urgency = 1"
    assert [p.pointer for p in package_problems(package)] == ["/flows/0/nodes/1/business_hours"]


def test_an_idempotency_key_that_names_no_field_or_calls_nothing_is_refused_at_its_pointer():
    misspelt, unconnected = _leak_package(), _leak_package()
    misspelt["flows"][0]["nodes"][2]["idempotency_key"] = "order_nr"
    del unconnected["flows"][0]["nodes"][2]["connector"]
    assert [p.pointer for p in package_problems(misspelt)] == ["/flows/0/nodes/2/idempotency_key"]
    assert [(p.pointer, p.message) for p in package_problems(unconnected)] == [
        ("/flows/0/nodes/2", "'connector' is a dependency of 'idempotency_key'")
    ]


def test_the_steps_that_carry_data_example_is_a_valid_package():
    section = DOC.read_text(encoding="utf-8").split("## Steps that carry data", 1)[1].split("\n## ", 1)[0]
    (example,) = [json.loads(block) for block in re.findall(r"```json\n(.*?)\n```", section, re.S)]

    assert package_problems(example) == []
    node = example["flows"][0]["nodes"][1]
    assert (node["type"], node["collect"], node["field_permissions"]["opinions"]) == ("approval", "all", "required")
