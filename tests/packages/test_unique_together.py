"""`trellis validate` checks each form's unique_together rules and points at the offending item."""

import json
import re

import pytest

from engine.packages import package_problems
from engine.packages.messages import localize
from tests.docs.test_app_format_doc import DOC
from tests.unique_together_app import package


def _found(problems) -> list[tuple[str, str]]:
    return [(p.pointer, p.code) for p in problems]


def test_the_rule_validates_and_the_documented_snippet_is_accepted():
    snippet = re.search(r'"unique_together": (\[\[.*?\]\])', DOC.read_text(encoding="utf-8"))
    assert snippet is not None

    assert package_problems(package(unique_together=json.loads(snippet.group(1)))) == []


@pytest.mark.parametrize(
    ("rules", "expected"),
    [
        ([["community", "cod"]], [("/forms/1/unique_together/0/1", "ref.unknown")]),
        ([["community", "photos"]], [("/forms/1/unique_together/0/1", "form.unique_together_no_column")]),
        ([["basics", "code"]], [("/forms/1/unique_together/0/0", "form.unique_together_no_column")]),
        ([["code", "parts"]], [("/forms/1/unique_together/0/1", "form.unique_together_no_column")]),
        ([["code", "code"]], [("/forms/1/unique_together/0/1", "form.unique_together_repeated")]),
        ([["code"]], [("/forms/1/unique_together/0", "form.unique_together_too_few")]),
        (
            [["code", "community"], ["community", "code"]],
            [("/forms/1/unique_together/1", "form.unique_together_duplicate")],
        ),
        ([[]], [("/forms/1/unique_together/0", "schema.too_short")]),
        ([], [("/forms/1/unique_together", "schema.too_short")]),
        ([["a", "b", "c", "d", "e", "f", "g", "h", "i"]], [("/forms/1/unique_together/0", "schema.too_long")]),
        ("community,code", [("/forms/1/unique_together", "schema.type")]),
        ([["community", 7]], [("/forms/1/unique_together/0/1", "schema.type")]),
        ([["community", "Code!"]], [("/forms/1/unique_together/0/1", "schema.pattern")]),
    ],
)
def test_bad_rules_are_refused_at_their_pointer(rules, expected):
    assert _found(package_problems(package(unique_together=rules))) == expected


def test_the_messages_say_what_to_do_in_both_languages():
    (lone,) = package_problems(package(unique_together=[["code"]]))
    (flat,) = package_problems(package(unique_together=[["community", "photos"]]))

    assert lone.message == (
        'a uniqueness rule needs at least two fields (here: code); for one field, mark that field "unique" instead'
    )
    assert localize(lone, "zh-CN").message == (
        "组合唯一规则至少需要两个字段(此处:code);单个字段请改为在该字段上设置“unique”"
    )
    assert flat.message == (
        "field 'photos' (image) keeps no single value in the form's table, so it cannot be part of "
        "a uniqueness rule; use fields that hold one value each"
    )
    assert localize(flat, "zh-CN").message.startswith("字段“photos”(image)在表单的表中没有单一取值")


def test_an_unknown_field_suggests_the_near_one():
    (found,) = package_problems(package(unique_together=[["comunity", "code"]]))

    assert found.message == "unknown field 'comunity' (did you mean 'community'?)"
