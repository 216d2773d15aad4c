"""Row rules with real shapes (domain core): comparisons, the acting person, the clock and relation
paths are read into trees, checked against the forms at validate time (naming the part, at
``/permissions/<i>/rows``), typed to the fields, and bound to a principal and a moment."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from engine.forms.permissions import AppPermissions
from engine.forms.row_rule_parser import parse_row_rule
from engine.forms.row_rules import (
    NOW,
    TODAY,
    USER_COMMUNITIES,
    USER_ID,
    USER_NAME,
    And,
    Clock,
    Cmp,
    Const,
    Eq,
    In,
    IsTrue,
    Not,
    Or,
    bind,
    paths_of,
)
from engine.packages import package_problems
from engine.packages.messages import localize
from engine.principal import PUBLIC, Principal
from tests.row_rules_app import APP, PACKAGE, package

FIRST_EXTRA = len(PACKAGE["permissions"])  # the pointer index of package()'s first extra grant
AT = datetime(2026, 1, 1, 17, 0, tzinfo=UTC)  # already 2 January in Asia/Shanghai

PARSED = [
    ("amount > 0", Cmp("amount", ">", 0)),
    ("amount <= 12.5", Cmp("amount", "<=", 12.5)),
    ("0 < amount", Cmp("amount", ">", 0)),  # a value first reads as the field first, the order flipped
    ("'2026-01-01' >= deadline", Cmp("deadline", "<=", "2026-01-01")),
    ("deadline >= today()", Cmp("deadline", ">=", TODAY)),
    ("due_at < now()", Cmp("due_at", "<", NOW)),
    ("deadline == today()", Eq("deadline", TODAY)),
    ("worker_name == user.name", Eq("worker_name", USER_NAME)),
    ("title not in ('a', 'b')", Not(In("title", ("a", "b")))),
    ("room.building.community in user.communities", In("room.building.community", USER_COMMUNITIES)),
    ("room.building.active", IsTrue("room.building.active")),
    ("not room.building.active", Not(IsTrue("room.building.active"))),
    (
        "amount > 0 and (urgent or created_by == user.id)",
        And((Cmp("amount", ">", 0), Or((IsTrue("urgent"), Eq("created_by", USER_ID))))),
    ),
]


@pytest.mark.parametrize(("source", "tree"), PARSED)
def test_comparisons_clocks_user_values_and_paths_become_trees(source, tree):
    assert parse_row_rule(source) == tree


def test_the_paths_of_a_rule_are_its_dotted_names():
    rule = parse_row_rule("room.building.community in user.communities or room.area > 50 or amount > 0")
    assert paths_of(rule) == {"room.building.community", "room.area"}


# --- validate: what cannot be translated is refused, naming the part, at the rule's pointer -----

REFUSED = [
    (
        "room.floor.community in user.communities",
        "permission.rows_path",
        "'room.floor.community': form 'room' has no field 'floor'; a path in rows follows single relations to a field",
    ),
    (
        "title.length > 3",
        "permission.rows_path",
        "'title.length': 'title' is not a relation, so the path cannot go on; "
        "a path in rows follows single relations to a field",
    ),
    (
        "rooms.building.community in user.communities",
        "permission.rows_path",
        "'rooms.building.community': 'rooms' holds several records, so the path cannot go on through it; "
        "a path in rows follows single relations to a field",
    ),
    (
        "amount > 'lots'",
        "permission.rows_value",
        "'amount' holds a number with 2 decimal places: it cannot hold 'lots'",
    ),
    ("stars == 4.5", "permission.rows_value", "'stars' holds a whole number: it cannot hold 4.5"),
    ("deadline > '2026-13-01'", "permission.rows_value", "'deadline' holds date: it cannot hold '2026-13-01'"),
    (
        "deadline > now()",
        "permission.rows_value",
        "'deadline' holds date: it cannot be compared with now() "
        "(today() compares with dates and date-times, now() with date-times)",
    ),
    ("urgent > 0", "permission.rows_value", "'urgent' holds boolean: it has no order; compare it with == or in"),
    (
        "room.building > 3",
        "permission.rows_value",
        "'room.building' holds a link to 'building': it has no order; compare it with == or in",
    ),
    (
        "title in user.communities",
        "permission.rows_value",
        "'title' holds text of up to 200 characters: "
        "user.communities holds record ids; compare it with a relation or a whole-number field",
    ),
    (
        "amount == user.name",
        "permission.rows_value",
        "'amount' holds a number with 2 decimal places: user.name is text; compare it with a text field",
    ),
    (
        "room.building == user.id",
        "permission.rows_field",
        "'room.building' does not hold a user; user.id is a user; "
        "rows can only test fields stored in the form's own table",
    ),
    (
        "tags == '水'",
        "permission.rows_field",
        "'tags' holds several values or none; rows can only test fields stored in the form's own table",
    ),
]


@pytest.mark.parametrize(("source", "code", "message"), REFUSED)
def test_a_rule_storage_cannot_translate_is_refused_at_validate_naming_the_part(source, code, message):
    problems = package_problems(package(source))
    assert [(p.pointer, p.code, p.message) for p in problems] == [(f"/permissions/{FIRST_EXTRA}/rows", code, message)]


@pytest.mark.parametrize(
    ("source", "part"),
    [
        ("len(title) > 3", "'len(title)' calls a function"),
        ("amount * 2 > 10", "'amount * 2' computes a value"),
        ("amount > -amount", "'-amount' computes a value"),
        ("deadline > add_days(today(), 3)", "'add_days(today(), 3)' calls a function"),
    ],
)
def test_calls_and_arithmetic_are_refused_naming_the_part(source, part):
    problems = package_problems(package(source))
    assert [(p.pointer, p.code) for p in problems] == [
        (f"/permissions/{FIRST_EXTRA}/rows", "permission.rows_unsupported")
    ]
    assert problems[0].message.startswith(part)


def test_a_refusal_reads_in_chinese_too():
    problem = package_problems(package("title.length > 3"))[0]
    assert localize(problem, "zh-CN").message == (
        "“title.length”:“title”不是关联字段,路径无法继续;“rows”中的路径只能经由单个关联字段到达字段"
    )


def test_an_unknown_first_name_is_left_to_the_expression_checks():
    problems = package_problems(package("nosuch > 1"))
    assert [(p.pointer, p.code) for p in problems] == [(f"/permissions/{FIRST_EXTRA}/rows", "expression_unknown_name")]


def test_every_allowed_shape_of_the_estate_app_validates():
    sources = [source for source, _ in PARSED if "created_by" not in source] + ["room.parent.building.active"]
    assert package_problems(package(*sources)) == []


# --- typing: literals become what the field holds ------------------------------------------------


def test_literals_are_typed_to_the_fields_they_are_compared_with():
    rules = ("amount > 0", "deadline >= '2026-01-01'", "due_at >= today()", "due_at < '2026-01-01T08:00:00+08:00'")
    grants = AppPermissions.from_definition(package(*rules)).grants[FIRST_EXTRA:]
    assert [grant.rows for grant in grants] == [
        Cmp("amount", ">", Decimal("0")),
        Cmp("deadline", ">=", date(2026, 1, 1)),
        Cmp("due_at", ">=", Clock("day_start")),  # today() against a moment: the first moment of today
        Cmp("due_at", "<", datetime(2026, 1, 1, 0, 0, tzinfo=UTC)),
    ]


# --- binding: the person and the clock --------------------------------------------------------------


def test_today_is_the_date_in_the_company_zone_and_a_moments_today_starts_at_its_midnight():
    assert bind(Cmp("deadline", ">=", TODAY), Principal(id="u1"), AT) == Cmp("deadline", ">=", date(2026, 1, 2))
    assert bind(Cmp("due_at", ">=", Clock("day_start")), Principal(id="u1"), AT) == Cmp(
        "due_at", ">=", datetime(2026, 1, 1, 16, 0, tzinfo=UTC)
    )
    assert bind(Cmp("due_at", "<", NOW), Principal(id="u1"), AT) == Cmp("due_at", "<", AT)


def test_a_rule_on_the_clock_matches_in_memory_as_it_binds():
    rule = Cmp("deadline", ">=", TODAY)
    assert rule.matches({"deadline": date(2999, 1, 1)}, Principal(id="u1"))
    assert not rule.matches({"deadline": date(2000, 1, 1)}, Principal(id="u1"))
    assert rule.truth({"deadline": None}, Principal(id="u1")) is None


def test_user_name_is_the_persons_name_and_nobody_has_one_when_anonymous():
    rule = Eq("worker_name", USER_NAME)
    assert bind(rule, Principal(id="u1", name="李师傅")) == Eq("worker_name", "李师傅")
    assert bind(rule, PUBLIC) == Const(False)
    assert bind(rule, Principal(id="u1")) == Const(False)  # no name: matches no record
    assert rule.matches({"worker_name": "李师傅"}, Principal(id="u1", name="李师傅"))


def test_a_path_is_read_from_the_records_dotted_key():
    rule = In("room.building.community", USER_COMMUNITIES)
    agent = Principal(id="a", communities=frozenset({1}))
    assert rule.matches({"room": 5, "room.building.community": 1}, agent)
    assert rule.truth({"room": 5, "room.building.community": None}, agent) is None  # a broken link: unknown
    assert not rule.matches({"room": 5, "room.building.community": 2}, agent)


# --- writes: admits says whether a record in its new state lies within the writer's rows ------------


def test_admits_judges_a_new_state_against_the_rows_of_the_action():
    permissions = AppPermissions.from_definition(package())
    agent = Principal(id="a", app_roles={APP: frozenset({"agent"})}, communities=frozenset({1}))
    access = permissions.effective(agent, APP, "ticket")
    assert access.admits("create", {"room": 3, "room.building.community": 1})
    assert not access.admits("create", {"room": 3, "room.building.community": 2})
    assert not access.admits("update", {"room": None, "room.building.community": None})
    admin = permissions.effective(Principal(id="root", is_admin=True), APP, "ticket")
    assert admin.admits("create", {"room.building.community": 2})
    assert access.paths == {"room.building.community"}
