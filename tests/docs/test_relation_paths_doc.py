"""The relation path and derived relation examples of the docs are packages that validate."""

import json
import re
from pathlib import Path

import pytest

from engine.packages import package_problems

DOCS = Path(__file__).resolve().parents[2] / "docs"


def _example(document: str, heading: str) -> dict:
    text = (DOCS / document).read_text(encoding="utf-8")
    section = text.split(heading, 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```json\n(.*?)\n```", section, re.S)
    assert block is not None, f"{heading} in {document} has no json block"
    return json.loads(block.group(1))


@pytest.mark.parametrize(
    ("document", "heading"),
    [("expressions.md", "## Relation paths"), ("app-format.md", "### Derived relations")],
)
def test_the_documented_relation_paths_validate(document, heading):
    assert package_problems(_example(document, heading)) == []
