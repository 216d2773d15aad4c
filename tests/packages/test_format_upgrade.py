"""The package format's upgrade chain: old formats reach the current one step by step, golden files pin the result."""

import copy
import json
from pathlib import Path

import pytest

from engine.packages import CURRENT_FORMAT, FormatChain, dumps, package_problems, upgrade_package
from engine.registry import DuplicateKeyError

GOLDEN = Path(__file__).resolve().parent / "golden"


def renamed(mapping: dict, old: str, new: str) -> dict:
    """``mapping`` with the key ``old`` called ``new``, in the same place (diffs stay readable)."""
    return {(new if key == old else key): value for key, value in mapping.items()}


def titles_become_names_and_labels(document: dict) -> dict:
    """The toy step of these tests: format 0 called a form's name and a field's label ``title``."""
    for index, form in enumerate(document.get("forms", [])):
        form["fields"] = [renamed(field, "title", "label") for field in form.get("fields", [])]
        document["forms"][index] = renamed(form, "title", "name")
    return document


def golden_chain() -> FormatChain:
    chain = FormatChain(CURRENT_FORMAT)
    chain.step("trellis.app/0", CURRENT_FORMAT, "forms' and fields' 'title' became 'name' and 'label'")(
        titles_become_names_and_labels
    )
    return chain


def read(name: str) -> dict:
    return json.loads((GOLDEN / name).read_text(encoding="utf-8"))


def test_a_package_of_the_current_format_is_returned_as_it_is(property_package):
    upgraded, steps = upgrade_package(property_package)

    assert upgraded is property_package
    assert steps == []


def test_an_old_package_upgrades_to_its_golden_file():
    old = read("trellis.app-0.json")
    before = copy.deepcopy(old)

    upgraded, steps = golden_chain().upgrade(old)

    assert dumps(upgraded) == (GOLDEN / "trellis.app-0.upgraded.json").read_text(encoding="utf-8")
    assert [(s.source, s.target) for s in steps] == [("trellis.app/0", "trellis.app/1")]
    assert old == before  # the caller's document is never changed
    assert package_problems(upgraded) == []


def test_steps_run_one_after_another_up_to_the_current_format():
    chain = FormatChain("trellis.app/3")
    chain.step("trellis.app/2", "trellis.app/3", "b")(lambda d: {**d, "trail": [*d["trail"], "2->3"]})
    chain.step("trellis.app/1", "trellis.app/2", "a")(lambda d: {**d, "trail": [*d["trail"], "1->2"]})

    upgraded, steps = chain.upgrade({"format": "trellis.app/1", "trail": []})

    assert upgraded == {"format": "trellis.app/3", "trail": ["1->2", "2->3"]}
    assert [s.summary for s in steps] == ["a", "b"]
    assert [s.source for s in chain.steps()] == ["trellis.app/1", "trellis.app/2"]


@pytest.mark.parametrize("found", ["trellis.app/2", "trellis.app/01", "trellis.app", 1, None, ["x"]])
def test_a_format_with_no_way_up_is_left_for_the_structure_checks(found):
    document = {"format": found, "id": "x"}

    upgraded, steps = golden_chain().upgrade(document)

    assert upgraded is document
    assert steps == []


def test_no_older_format_has_a_step_yet():
    document = {"format": "trellis.app/0", "id": "x"}

    assert upgrade_package(document) == (document, [])


def test_a_gap_in_the_chain_leaves_the_document_as_it_is():
    chain = FormatChain("trellis.app/3")
    chain.step("trellis.app/1", "trellis.app/2", "a")(lambda d: d)
    document = {"format": "trellis.app/1"}

    assert chain.upgrade(document) == (document, [])


def test_a_newer_format_is_refused_at_its_pointer():
    found = package_problems({"format": "trellis.app/2", "id": "x", "version": "1.0.0", "name": "X"})

    assert [p.line() for p in found] == ["/format: must be 'trellis.app/1'"]


def test_a_format_has_one_step():
    chain = golden_chain()

    with pytest.raises(DuplicateKeyError) as caught:
        chain.step("trellis.app/0", CURRENT_FORMAT, "again")(titles_become_names_and_labels)

    assert (
        caught.value.message == "package format upgrade from 'trellis.app/0' is already registered; pick another name"
    )


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("trellis.app/1", "trellis.app/1"),
        ("trellis.app/1", "trellis.app/0"),
        ("trellis.app/0", "trellis.app/2"),
        ("v0", "trellis.app/1"),
    ],
)
def test_a_step_goes_forward_within_the_known_formats(source, target):
    with pytest.raises(ValueError) as caught:
        golden_chain().step(source, target, "x")(lambda d: d)

    assert str(caught.value) == f"a format step goes forward up to trellis.app/1: {source} -> {target}"
