"""Every JSON example in the format documents is true: a package validates, a part is in a package.

A fenced ``json`` block is either a package (with ``format``, or only its ``forms`` and what
they need, completed with the package's required keys), which must validate, or a part of one,
announced on the line before it with ``<!-- part of tests/apps/visitor.json -->`` (a package
file, or a test module whose ``PACKAGE`` is one). A part must be found in that package - an
object whose keys all appear with the same values in some object of the package, or a list equal
to one of its lists - and the package must validate; the apps in ``tests/apps/`` are also run
end to end by their own tests. So an example can't drift from what the engine runs.
"""

import importlib
import json
import re
import textwrap
from pathlib import Path
from typing import Any

import pytest

from engine.packages import package_problems

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = ("docs/app-format.md", "docs/expressions.md", "docs/flows.md")  # bpmn.md: its own test
BLOCK = re.compile(
    r"^(?:[ ]*<!-- part of (?P<source>[\w./-]+) -->\n)?"  # which package the example is a part of
    r"(?P<indent>[ ]*)```json\n(?P<body>.*?)\n(?P=indent)```$",
    re.S | re.M,
)


def examples() -> list[tuple[str, str | None, str]]:
    found = []
    for document in DOCUMENTS:
        text = (ROOT / document).read_text(encoding="utf-8")
        for match in BLOCK.finditer(text):
            line = text.count("\n", 0, match.start("body"))
            body = textwrap.dedent(match.group("body"))
            found.append((f"{document}:{line}", match.group("source"), body))
    return found


def _contains(whole: Any, part: Any) -> bool:
    if _matches(whole, part):
        return True
    if isinstance(whole, dict):
        return any(_contains(value, part) for value in whole.values())
    if isinstance(whole, list):
        return any(_contains(item, part) for item in whole)
    return False


def _matches(node: Any, part: Any) -> bool:
    if isinstance(part, dict):
        return isinstance(node, dict) and all(key in node and node[key] == value for key, value in part.items())
    return node == part


def _package(source: str) -> dict:
    """A package file, or the ``PACKAGE`` of a test module that builds one in Python."""
    if source.endswith(".py"):
        module = importlib.import_module(source.removesuffix(".py").replace("/", "."))
        return module.PACKAGE
    return json.loads((ROOT / source).read_text(encoding="utf-8"))


def _parse(body: str) -> Any:
    """The example's JSON; ``"key": value`` alone is read as the object holding it."""
    try:
        return json.loads(body)
    except json.JSONDecodeError:
        return json.loads("{" + body + "}")


@pytest.mark.parametrize(("where", "source", "body"), examples(), ids=[where for where, *_ in examples()])
def test_each_json_example_is_a_valid_package_or_a_part_of_one(where: str, source: str | None, body: str):
    example = _parse(body)
    if source is None:
        assert isinstance(example, dict) and ("format" in example or "forms" in example), (
            f"{where}: a part of a package says which one: <!-- part of tests/apps/<file>.json -->"
        )
        package = {"format": "trellis.app/1", "id": "doc_example", "version": "1.0.0", "name": where, **example}
        assert package_problems(package) == []
        return
    package = _package(source)
    assert package_problems(package) == [], f"{source} does not validate"
    assert _contains(package, example), f"{where}: this example is not in {source}"


def test_the_documents_hold_examples():
    assert len(examples()) >= 3


def test_an_example_that_drifted_from_its_package_is_caught():
    package = _package("tests/unique_together_app.py")

    assert _contains(package, {"unique_together": [["community", "code"]]})
    assert not _contains(package, {"unique_together": [["community", "name"]]})
    assert not _contains(package, {"id": "equipment", "title_field": "name"})
