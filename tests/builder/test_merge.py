"""Three-way merge of package documents: the company's edits and the newer bundled package."""

import copy
import json
from pathlib import Path

from engine.builder.merge import merge

BUNDLED = json.loads((Path(__file__).resolve().parents[2] / "apps" / "property_repair.json").read_text("utf-8"))


def _fields(document, position=0):
    return document["forms"][position]["fields"]


def test_edits_on_both_sides_to_different_elements_are_both_kept():
    ours, theirs = copy.deepcopy(BUNDLED), copy.deepcopy(BUNDLED)
    _fields(ours).append({"id": "mine", "type": "text", "label": "M"})
    _fields(theirs).insert(1, {"id": "theirs", "type": "text", "label": "T"})
    theirs["version"] = "0.2.0"

    result = merge(BUNDLED, ours, theirs, "en")

    assert result.conflicts == []
    assert [f["id"] for f in _fields(result.document)] == ["name", "theirs", "city", "address", "manager", "mine"]
    assert result.document["version"] == "0.2.0"
    assert list(result.document) == list(BUNDLED)


def test_nothing_changed_merges_to_the_same_document():
    assert merge(BUNDLED, BUNDLED, BUNDLED, "en").document == BUNDLED


def test_the_same_value_changed_differently_is_a_conflict_and_ours_is_kept():
    ours, theirs = copy.deepcopy(BUNDLED), copy.deepcopy(BUNDLED)
    _fields(ours)[1]["max_length"] = 60
    _fields(theirs)[1]["max_length"] = 80

    result = merge(BUNDLED, ours, theirs, "zh-CN")

    assert _fields(result.document)[1]["max_length"] == 60
    assert [c.as_dict() for c in result.conflicts] == [
        {
            "area": "field",
            "path": "/forms/0/fields/1/max_length",
            "label": "小区 › 城市",
            "detail": "贵公司的版本和新的内置版本都修改了这里",
        }
    ]


def test_a_removed_element_the_company_changed_is_kept_as_a_conflict():
    ours, theirs = copy.deepcopy(BUNDLED), copy.deepcopy(BUNDLED)
    _fields(ours)[2]["max_length"] = 300
    del _fields(theirs)[2]

    result = merge(BUNDLED, ours, theirs, "en")

    assert [f["id"] for f in _fields(result.document)] == [f["id"] for f in _fields(BUNDLED)]
    assert [(c.path, c.reason) for c in result.conflicts] == [("/forms/0/fields/2", "builder.conflict.removed_changed")]


def test_removed_by_the_bundle_and_untouched_by_the_company_goes():
    theirs = copy.deepcopy(BUNDLED)
    del _fields(theirs)[2]

    result = merge(BUNDLED, copy.deepcopy(BUNDLED), theirs, "en")

    assert result.document == theirs and result.conflicts == []
