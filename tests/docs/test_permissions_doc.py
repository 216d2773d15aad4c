"""docs/app-format.md's row rule example stays true: it validates and its rules become the shapes it shows."""

import json
import re
from pathlib import Path

from engine.forms.permissions import AppPermissions
from engine.forms.row_rules import USER_COMMUNITIES, Cmp, In, IsTrue, Not
from engine.packages import package_problems

DOC = Path(__file__).resolve().parents[2] / "docs" / "app-format.md"


def example_package() -> dict:
    section = DOC.read_text(encoding="utf-8").split("### Row rules", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```json\n(.*?)\n```", section, re.S)
    assert block is not None, "the row rules section has no json block"
    return json.loads(block.group(1))


def test_the_row_rule_example_is_a_valid_package():
    assert package_problems(example_package()) == []


def test_the_example_rules_read_paths_comparisons_and_the_clock():
    grants = AppPermissions.from_definition(example_package()).grants
    assert grants[0].rows == In("room.building.community", USER_COMMUNITIES)
    finance = grants[2].rows
    assert [type(part) for part in finance.operands] == [Cmp, Not, Cmp]  # type: ignore[union-attr]
    assert finance.operands[1] == Not(IsTrue("billed"))  # type: ignore[union-attr]
