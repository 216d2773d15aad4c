"""Every JSON example in the documentation that declares forms is a valid piece of a package.

An example holding ``"forms"`` (a cascading picker, a default reading the acting person ...) is
completed with the package's required keys and validated like an imported app, so a documented
key or shape that the engine refuses fails here.
"""

import json
import re
from pathlib import Path

import pytest

from engine.packages import package_problems

DOCS = Path(__file__).resolve().parents[2] / "docs"
PAGES = ("app-format.md", "expressions.md", "flows.md")


def _examples() -> list[tuple[str, dict]]:
    found = []
    for page in PAGES:
        text = (DOCS / page).read_text(encoding="utf-8")
        for n, block in enumerate(re.findall(r"```json\n(.*?)\n\s*```", text, re.S)):
            try:
                parsed = json.loads(block)
            except json.JSONDecodeError:
                continue  # a fragment ("unique_together": [...]) shows one key, not a document
            if isinstance(parsed, dict) and "forms" in parsed:
                found.append((f"{page}#{n}", parsed))
    return found


EXAMPLES = _examples()


def test_the_cascading_picker_and_acting_person_examples_are_found():
    assert {where.split("#")[0] for where, _ in EXAMPLES} >= {"app-format.md", "expressions.md"}


@pytest.mark.parametrize(("where", "example"), EXAMPLES, ids=[where for where, _ in EXAMPLES])
def test_the_documented_forms_validate(where, example):
    package = {"format": "trellis.app/1", "id": "doc_example", "version": "1.0.0", "name": where, **example}

    assert package_problems(package) == []
