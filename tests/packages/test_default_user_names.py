"""`trellis validate` lets a default read the acting person (`user.id` ...) and refuses what `user` lacks."""

import pytest

from engine.packages import package_problems
from engine.packages.messages import localize
from tests.cascading_app import package

INSPECTION = 4


def _problems(field: int, expression: str, key: str = "default_expr", child: int | None = None):
    changed = package()
    target = changed["forms"][INSPECTION]["fields"][field]
    if child is not None:
        target = target["fields"][child]
    target[key] = expression
    return package_problems(changed)


@pytest.mark.parametrize(
    "expression", ["user.id", "user.name", "user.communities[0]", "len(user.groups)", "today()", "now()"]
)
def test_a_default_may_read_the_acting_person_and_the_clock(expression):
    assert _problems(5, expression) == []


def test_an_unknown_user_attribute_is_refused_at_its_pointer_in_either_language():
    (found,) = _problems(0, "user.nope")

    assert (found.pointer, found.code) == (f"/forms/{INSPECTION}/fields/0/default_expr", "form.unknown_user_attribute")
    assert found.message == (
        "'user.nope' is not known (line 1, column 1); a default may read user.id, user.name, user.groups, "
        "user.communities"
    )
    assert localize(found, "zh-CN").message == (
        "“user.nope”未知(第 1 行第 1 列);默认值可读取 user.id, user.name, user.groups, user.communities"
    )


def test_a_near_miss_is_named():
    (found,) = _problems(0, "coalesce(user.nme, '')")

    assert "(line 1, column 10) (did you mean 'name'?)" in found.message


def test_an_unknown_user_attribute_in_a_sub_table_default_is_refused_at_its_pointer():
    found = _problems(6, "user.login", child=1)

    assert [(p.pointer, p.code) for p in found] == [
        (f"/forms/{INSPECTION}/fields/6/fields/1/default_expr", "form.unknown_user_attribute")
    ]


def test_user_is_a_name_of_defaults_only():
    found = _problems(5, "user.id == 'x'", key="visible_when")

    assert [(p.pointer, p.code) for p in found] == [
        (f"/forms/{INSPECTION}/fields/5/visible_when", "expression_unknown_name")
    ]
