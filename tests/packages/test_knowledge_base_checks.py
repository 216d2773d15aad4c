"""`trellis validate` refuses a knowledge base (a form's `knowledge_base`) that cannot work, at its pointer."""

import copy
import json

import pytest

from engine.packages import package_problems
from tests.conftest import PROPERTY_APP

DOCUMENT = json.loads(PROPERTY_APP.read_text(encoding="utf-8"))
KB = next(i for i, form in enumerate(DOCUMENT["forms"]) if form["id"] == "kb_article")
HERE = f"/forms/{KB}/knowledge_base"


def _with(**change: object) -> list[tuple[str, str]]:
    changed = copy.deepcopy(DOCUMENT)
    changed["forms"][KB]["knowledge_base"].update(change)
    return [(p.pointer, p.code) for p in package_problems(changed)]


def test_the_property_apps_knowledge_base_is_valid():
    assert _with() == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"title_field": "titel"}, [(f"{HERE}/title_field", "ref.unknown")]),
        ({"body_field": "published"}, [(f"{HERE}/body_field", "form.knowledge_base_not_text")]),
        ({"search_fields": ["title", "published"]}, [(f"{HERE}/search_fields/1", "form.knowledge_base_not_text")]),
        ({"search_fields": ["title", "tgas"]}, [(f"{HERE}/search_fields/1", "ref.unknown")]),
        ({"published_when": "publishd"}, [(f"{HERE}/published_when", "ref.unknown")]),
        ({"published_when": "len(title) > 3"}, [(f"{HERE}/published_when", "permission.rows_unsupported")]),
        ({"published_when": "published =="}, [(f"{HERE}/published_when", "permission.rows_unsupported")]),
        ({"votes_per_minute": 0}, [(f"{HERE}/votes_per_minute", "schema.range")]),
        ({"pages": 3}, [(f"{HERE}/pages", "schema.unknown_property")]),
    ],
)
def test_a_knowledge_base_that_cannot_work_is_refused_with_its_pointer(change, expected):
    assert _with(**change) == expected


def test_the_refusal_suggests_the_field_meant():
    (found,) = package_problems(_bad_title())
    assert "did you mean 'title'" in found.message


def _bad_title() -> dict:
    changed = copy.deepcopy(DOCUMENT)
    changed["forms"][KB]["knowledge_base"]["title_field"] = "titel"
    return changed
