"""docs/flows.md stays true: every app package it shows as an example validates."""

import json
import re
from pathlib import Path

from engine.packages import package_problems

DOC = Path(__file__).resolve().parents[2] / "docs" / "flows.md"


def _packages(text: str) -> list[dict]:
    blocks = [json.loads(block) for block in re.findall(r"```json\n(.*?)\n```", text, re.S)]
    return [block for block in blocks if isinstance(block, dict) and "format" in block]


def test_the_steps_that_carry_data_example_is_a_valid_package():
    section = DOC.read_text(encoding="utf-8").split("## Steps that carry data", 1)[1].split("\n## ", 1)[0]
    (example,) = _packages(section)

    assert package_problems(example) == []
    node = example["flows"][0]["nodes"][1]
    assert (node["type"], node["collect"], node["field_permissions"]["opinions"]) == ("approval", "all", "required")


def test_every_package_the_document_shows_validates():
    found = _packages(DOC.read_text(encoding="utf-8"))

    assert found
    assert [package_problems(example) for example in found] == [[] for _ in found]
