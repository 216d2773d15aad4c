"""Permissions of the property app (role x action x field), row rules in memory and as SQL,
combination across roles, API-token scopes, and refusing rules the engine cannot enforce."""

from __future__ import annotations

import copy
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.errors import DefinitionError
from engine.expressions import compile_expression
from engine.forms.permissions import ACTIONS, MODE_RANK, AppPermissions, row_rule_problems
from engine.forms.row_rule_parser import parse_row_rule
from engine.forms.row_rules import (
    USER_COMMUNITIES,
    USER_GROUPS,
    USER_ID,
    And,
    Const,
    Eq,
    In,
    IsTrue,
    Not,
    Or,
    RowRule,
    RowRuleError,
    UserAttr,
    bind,
)
from engine.forms.spec import FormSpec
from engine.principal import PUBLIC, Principal

ROOT = Path(__file__).resolve().parents[2]
DOCUMENT = json.loads((ROOT / "apps" / "property_repair.json").read_text(encoding="utf-8"))
APP = DOCUMENT["id"]
PERMISSIONS = AppPermissions.from_definition(DOCUMENT)
ROLES = [role["id"] for role in DOCUMENT["roles"]]
FORMS = [form["id"] for form in DOCUMENT["forms"]]
REPAIR_ORDER = FormSpec.from_definition(APP, next(f for f in DOCUMENT["forms"] if f["id"] == "repair_order"))
FORM_SPECS = {form["id"]: FormSpec.from_definition(APP, form) for form in DOCUMENT["forms"]}
OWNER_HIDDEN = {
    "accepted_by",
    "team",
    "settled_cost",
    "group_leader",
    "parts_used",
    "total_cost",
    "chargeable",
    "reopen_count",
    "check_in_location",
}


def person(*roles: str, **extra: Any) -> Principal:
    return Principal(id=extra.pop("id", "u1"), app_roles={APP: frozenset(roles)}, **extra)


def access(principal: Principal, form: str = "repair_order") -> Any:
    return PERMISSIONS.effective(principal, APP, form)


# --- the matrix: role x action ------------------------------------------------------------

ALLOWED = {
    ("owner", "repair_order"): {"create", "read"},
    ("agent", "repair_order"): {"create", "read", "update"},
    ("agent_supervisor", "repair_order"): {"create", "read", "update", "export"},
    ("technician", "repair_order"): {"read", "update"},
    ("group_leader", "repair_order"): {"read", "update"},
    ("engineering_head", "repair_order"): {"read", "export"},
    ("project_manager", "repair_order"): {"read", "export"},
    ("finance", "repair_order"): {"read", "export"},
    ("finance_head", "repair_order"): {"read", "export"},
    ("admin", "repair_order"): set(ACTIONS),
    ("owner", "complaint"): {"create", "read"},
    ("agent", "complaint"): {"create", "read", "update"},
    ("agent_supervisor", "complaint"): {"create", "read", "update", "export"},
    ("group_leader", "complaint"): {"read"},
    ("engineering_head", "complaint"): {"read"},
    ("project_manager", "complaint"): {"read", "export"},
    ("admin", "complaint"): set(ACTIONS),
    ("owner", "kb_article"): {"read"},
    ("agent", "kb_article"): {"create", "read", "update"},
    ("agent_supervisor", "kb_article"): {"create", "read", "update", "delete"},
    ("agent", "community"): {"read"},
    ("agent", "building"): {"read"},
    ("agent", "room"): {"read"},
    ("agent", "spare_part"): {"read"},
    ("agent_supervisor", "community"): {"read"},
    ("agent_supervisor", "building"): {"read"},
    ("agent_supervisor", "room"): {"read"},
    ("agent_supervisor", "spare_part"): {"read"},
    ("technician", "community"): {"read"},
    ("technician", "building"): {"read"},
    ("technician", "room"): {"read"},
    ("technician", "spare_part"): {"read"},
    ("group_leader", "community"): {"read"},
    ("group_leader", "building"): {"read"},
    ("group_leader", "room"): {"read"},
    ("group_leader", "spare_part"): {"read"},
    ("engineering_head", "community"): {"read"},
    ("engineering_head", "building"): {"read"},
    ("engineering_head", "room"): {"read"},
    ("engineering_head", "spare_part"): {"read"},
    ("finance", "community"): {"read"},
    ("finance", "building"): {"read"},
    ("finance", "room"): {"read"},
    ("finance", "spare_part"): {"read"},
    ("finance_head", "community"): {"read"},
    ("finance_head", "building"): {"read"},
    ("finance_head", "room"): {"read"},
    ("finance_head", "spare_part"): {"read"},
    ("project_manager", "community"): {"read"},
    ("project_manager", "building"): {"read"},
    ("project_manager", "room"): {"read"},
    ("project_manager", "spare_part"): {"read"},
    ("admin", "community"): set(ACTIONS),
    ("admin", "building"): set(ACTIONS),
    ("admin", "room"): set(ACTIONS),
    ("admin", "spare_part"): set(ACTIONS),
    ("admin", "kb_article"): set(ACTIONS),
    ("owner", "room"): {"read"},
    ("owner", "community"): {"read"},
    ("owner", "building"): {"read"},
    ("technician", "kb_article"): {"read"},
    ("group_leader", "kb_article"): {"read"},
    ("engineering_head", "kb_article"): {"read"},
    ("finance", "kb_article"): {"read"},
    ("finance_head", "kb_article"): {"read"},
    ("project_manager", "kb_article"): {"read"},
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("action", ACTIONS)
def test_each_role_may_do_exactly_what_its_grants_say(role, form, action):
    expected = action in ALLOWED.get((role, form), set())
    assert access(person(role), form).allows(action) is expected


@pytest.mark.parametrize("form", FORMS)
def test_an_administrator_may_do_everything_on_every_form(form):
    admin = Principal(id="root", is_admin=True)
    result = access(admin, form)
    assert [a for a in ACTIONS if result.allows(a)] == list(ACTIONS)
    assert result.row_filter is None
    assert {result.field_mode(f.id) for f in REPAIR_ORDER.fields} == {"editable"}


def test_a_person_without_roles_in_the_app_gets_nothing():
    stranger = Principal(id="u9", app_roles={"other_app": frozenset({"owner"})})
    result = access(stranger)
    assert result.actions == frozenset()
    assert result.visible_fields(REPAIR_ORDER.fields) == []


def test_an_anonymous_visitor_holds_only_the_public_roles():
    visitor = Principal(id="public", anonymous=True, app_roles={APP: frozenset({"agent"})})
    assert PERMISSIONS.public_roles == frozenset({"owner"})
    assert access(visitor).actions == frozenset({"create", "read"})
    assert access(PUBLIC, "kb_article").actions == frozenset({"read"})


def test_an_anonymous_visitor_reads_no_ticket_through_created_by():
    # the tracking link (engine/tracking.py) is how an anonymous owner sees a ticket, not rows
    result = access(PUBLIC)
    assert result.bound_filter() == Const(False)
    assert not result.allows("read", {"created_by": "public"})
    assert not result.allows("read", {"created_by": None})


def test_a_signed_in_person_does_not_hold_public_roles_unless_assigned():
    assert access(person("technician")).allows("create") is False


def test_unknown_actions_are_refused_loudly():
    with pytest.raises(ValueError) as caught:
        access(person("owner")).allows("destroy")
    assert str(caught.value) == "unknown action 'destroy'; expected one of create, read, update, delete, export"


def test_permissions_of_another_app_are_refused():
    with pytest.raises(ValueError):
        PERMISSIONS.effective(person("owner"), "hr", "repair_order")


# --- the matrix: role x field ---------------------------------------------------------------

FIELD_MATRIX = [
    ("owner", "accepted_by", "hidden"),
    ("owner", "team", "hidden"),
    ("owner", "group_leader", "hidden"),
    ("owner", "parts_used", "hidden"),
    ("owner", "total_cost", "hidden"),
    ("owner", "chargeable", "hidden"),
    ("owner", "reopen_count", "hidden"),
    ("owner", "check_in_location", "hidden"),
    ("owner", "description", "editable"),
    ("agent", "parts_used", "editable"),
    ("agent", "accepted_by", "editable"),
    ("agent", "total_cost", "read_only"),
    ("technician", "chargeable", "read_only"),
    ("technician", "phone", "read_only"),
    ("technician", "result", "editable"),
    ("technician", "parts_used", "editable"),
    ("group_leader", "result", "editable"),
    ("group_leader", "rating", "read_only"),
    ("project_manager", "total_cost", "read_only"),
    ("finance", "total_cost", "read_only"),
    ("finance", "parts_used", "read_only"),
    ("finance", "phone", "hidden"),
    ("admin", "chargeable", "editable"),
    ("agent_supervisor", "description", "editable"),
    ("engineering_head", "total_cost", "read_only"),
    ("finance_head", "total_cost", "read_only"),
]


@pytest.mark.parametrize(("role", "field", "mode"), FIELD_MATRIX)
def test_each_role_sees_each_field_as_its_grant_says(role, field, mode):
    assert access(person(role)).field_mode(field) == mode


def test_an_owner_never_receives_the_fields_hidden_from_owners():
    visible = {spec.id for spec in access(person("owner")).visible_fields(REPAIR_ORDER.fields)}
    assert visible.isdisjoint(OWNER_HIDDEN)
    assert visible == {spec.id for spec in REPAIR_ORDER.fields} - OWNER_HIDDEN


def test_visible_fields_keep_the_form_order():
    visible = access(person("owner")).visible_fields(REPAIR_ORDER.fields)
    assert [f.id for f in visible] == [f.id for f in REPAIR_ORDER.fields if f.id not in OWNER_HIDDEN]


# --- row rules of the property app, in memory ------------------------------------------------

ROW_CASES = [
    # role, principal extras, record, expected
    ("owner", {}, {"created_by": "u1"}, True),
    ("owner", {}, {"created_by": "u2"}, False),
    ("owner", {}, {"created_by": None}, False),
    ("technician", {}, {"worker": "u1", "created_by": "u7"}, True),
    ("technician", {}, {"worker": "u2", "created_by": "u1"}, False),
    ("technician", {}, {"worker": None}, False),
    ("group_leader", {}, {"group_leader": "u1"}, True),
    ("group_leader", {}, {"group_leader": "u2"}, False),
    ("group_leader", {}, {"group_leader": None}, False),
    ("project_manager", {"communities": frozenset({1, 2})}, {"community": 2}, True),
    ("project_manager", {"communities": frozenset({1, 2})}, {"community": 3}, False),
    ("project_manager", {"communities": frozenset({1})}, {"community": None}, False),
    ("agent", {}, {"created_by": "u2", "worker": None}, True),
    ("finance", {}, {"chargeable": True}, True),
    ("finance", {}, {"chargeable": False}, False),
]


@pytest.mark.parametrize(("role", "extras", "record", "expected"), ROW_CASES)
def test_each_row_rule_of_the_property_app(role, extras, record, expected):
    principal = person(role, **extras)
    result = access(principal)
    assert result.allows("read", record) is expected
    rule = result.row_filter
    assert (rule is None or rule.matches(record, principal)) is expected
    bound = result.bound_filter()
    assert (bound is None or bound.matches(record, principal)) is expected


@pytest.mark.parametrize(("published", "expected"), [(True, True), (False, False), (None, False)])
def test_owners_read_only_published_articles(published, expected):
    assert access(PUBLIC, "kb_article").allows("read", {"published": published}) is expected
    assert access(person("agent"), "kb_article").allows("read", {"published": published}) is True


def test_row_filters_are_the_written_rules():
    assert access(person("owner")).row_filter == Eq("created_by", USER_ID)
    assert access(person("technician")).row_filter == Eq("worker", USER_ID)
    assert access(person("group_leader")).row_filter == Eq("group_leader", USER_ID)
    assert access(person("project_manager")).row_filter == In("community", USER_COMMUNITIES)
    assert access(person("agent")).row_filter is None


def test_bound_filters_carry_the_principals_values():
    manager = person("project_manager", communities=frozenset({2, 1}))
    assert access(manager).bound_filter() == In("community", (1, 2))
    assert access(person("project_manager")).bound_filter() == Const(False)
    assert access(person("owner", id="u5")).bound_filter() == Eq("created_by", "u5")


# --- several roles ---------------------------------------------------------------------------


def test_grants_of_several_roles_join_their_rows_with_or():
    both = person("technician", "group_leader")
    result = access(both)
    assert result.row_filter == Or((Eq("worker", USER_ID), Eq("group_leader", USER_ID)))
    assert result.allows("read", {"worker": "u1", "group_leader": "u9"})
    assert result.allows("read", {"worker": "u2", "group_leader": "u1"})
    assert not result.allows("read", {"worker": "u2", "group_leader": "u2"})


def test_each_action_keeps_the_rows_of_the_grants_giving_it():
    both = person("technician", "finance")
    result = access(both)
    assert result.rows_for("update") == Eq("worker", USER_ID)
    assert not result.allows("update", {"worker": "u2", "chargeable": True})
    assert result.rows_for("delete") == Const(False)


def test_a_grant_without_rows_opens_every_row():
    result = access(person("owner", "agent"))
    assert result.row_filter is None
    assert result.allows("read", {"created_by": "someone else"})


def test_the_most_generous_field_mode_wins_across_roles():
    assert access(person("owner", "agent")).field_mode("parts_used") == "editable"
    assert access(person("owner", "finance")).field_mode("parts_used") == "read_only"
    assert access(person("technician", "agent")).field_mode("chargeable") == "editable"


def test_field_modes_for_one_record_count_only_the_grants_covering_it():
    both = person("owner", "technician")
    own_ticket = {"created_by": "u1", "worker": "u2"}
    assigned = {"created_by": "u7", "worker": "u1"}
    result = access(both)
    assert result.field_mode("parts_used") == "editable"
    assert result.field_mode("parts_used", own_ticket) == "hidden"
    assert result.field_mode("parts_used", assigned) == "editable"
    assert result.field_mode("parts_used", {"created_by": "u7", "worker": "u7"}) == "hidden"
    assert "parts_used" not in {f.id for f in result.visible_fields(REPAIR_ORDER.fields, own_ticket)}


def test_a_role_that_may_only_create_reveals_no_field_on_existing_records():
    document = copy.deepcopy(DOCUMENT)
    document["roles"].append({"id": "reporter", "name": "Reporter"})
    document["permissions"].append({"role": "reporter", "form": "repair_order", "actions": ["create"]})
    permissions = AppPermissions.from_definition(document)
    result = permissions.effective(person("owner", "reporter"), APP, "repair_order")
    assert result.field_mode("parts_used", {"created_by": "u1"}) == "hidden"
    assert result.field_mode("parts_used", action="create") == "editable"
    assert permissions.effective(person("reporter"), APP, "repair_order").visible_fields(REPAIR_ORDER.fields) == []


def test_rows_do_not_limit_creating_a_record():
    assert access(PUBLIC).allows("create", {"created_by": None})
    assert not access(person("technician")).allows("create", {"worker": "u1"})


def test_redact_drops_the_values_hidden_on_that_record():
    both = person("owner", "technician")
    record = {"id": 7, "created_by": "u1", "worker": "u2", "description": "漏水", "parts_used": [], "reopen_count": 1}
    assert access(both).redact(record) == {"id": 7, "created_by": "u1", "worker": "u2", "description": "漏水"}
    assert access(both).redact({**record, "worker": "u1"}) == {**record, "worker": "u1"}
    assert access(person("group_leader")).redact(record) == {}


def test_rows_showing_a_field_are_the_rows_of_the_grants_that_do_not_hide_it():
    assert access(person("owner", "technician")).rows_showing("parts_used") == Eq("worker", USER_ID)
    assert access(person("owner")).rows_showing("parts_used") == Const(False)
    assert access(person("owner")).rows_showing("description") == Eq("created_by", USER_ID)
    assert access(person("owner", "agent")).rows_showing("parts_used") is None


# --- API tokens ------------------------------------------------------------------------------


def token(*scopes: str, roles: tuple[str, ...] = ("agent",), admin: bool = False) -> Principal:
    return person(*roles, scopes=frozenset(scopes), is_admin=admin)


@pytest.mark.parametrize(
    ("scopes", "expected"),
    [
        ((f"app:{APP}:read",), {"read"}),
        ((f"app:{APP}:write",), {"create", "update"}),
        ((f"app:{APP}:read", f"app:{APP}:write"), {"create", "read", "update"}),
        (("admin",), {"create", "read", "update"}),
        (("app:other:read", "app:other:write"), set()),
        ((), set()),
    ],
)
def test_token_scopes_only_take_away(scopes, expected):
    assert set(access(token(*scopes)).actions) == expected


def test_an_administrators_read_token_only_reads():
    result = access(token(f"app:{APP}:read", roles=(), admin=True))
    assert set(result.actions) == {"read", "export"}
    assert result.field_mode("description") == "read_only"


def test_a_read_token_edits_no_field():
    result = access(token(f"app:{APP}:read"))
    assert {result.field_mode(f.id) for f in REPAIR_ORDER.fields} == {"read_only"}


def test_a_token_keeps_the_row_rules_of_its_roles():
    result = access(token(f"app:{APP}:read", roles=("technician",)))
    assert result.row_filter == Eq("worker", USER_ID)
    assert not result.allows("read", {"worker": "u2"})


# --- parsing: shapes allowed and refused -----------------------------------------------------

PARSED = [
    ("created_by == user.id", Eq("created_by", USER_ID)),
    ("user.id == worker", Eq("worker", USER_ID)),
    ("dispatch_group in user.groups", In("dispatch_group", USER_GROUPS)),
    ("community in user.communities", In("community", USER_COMMUNITIES)),
    ("repair_type == '水电'", Eq("repair_type", "水电")),
    ("rating == 5", Eq("rating", 5)),
    ("area_m2 == -1.5", Eq("area_m2", -1.5)),
    ("chargeable == False", Eq("chargeable", False)),
    ("urgency in ('紧急', '非常紧急')", In("urgency", ("紧急", "非常紧急"))),
    ("published", IsTrue("published")),
    ("not published", Not(IsTrue("published"))),
    ("worker != user.id", Not(Eq("worker", USER_ID))),
    ("id not in (1, 2)", Not(In("id", (1, 2)))),
    ("True", Const(True)),
    (
        "published and (worker == user.id or community in user.communities)",
        And((IsTrue("published"), Or((Eq("worker", USER_ID), In("community", USER_COMMUNITIES))))),
    ),
]


@pytest.mark.parametrize(("source", "tree"), PARSED)
def test_allowed_shapes_become_predicate_trees(source, tree):
    assert parse_row_rule(source) == tree


REFUSED = [
    (
        "total_cost + 1 > 2000",
        "'total_cost + 1' computes a value; rows compares fields with fixed values, the user and the clock only",
    ),
    (
        "total_cost > 2 * 1000",
        "'2 * 1000' computes a value; rows compares fields with fixed values, the user and the clock only",
    ),
    (
        "worker == created_by",
        "'created_by' is neither user.id, user.name, today(), now() nor a text, number, True or False",
    ),
    ("community == user.communities", "'user.communities' is a set; compare with 'in', not '=='"),
    ("worker in user.id", "'user.id' is one value; compare with '==', not 'in'"),
    (
        "worker == user.email",
        "'user.email' is not a user value rows may read (user.id, user.name, user.groups, user.communities)",
    ),
    ("len(worker) == 1", "'len(worker)' calls a function; rows may call only now() and today()"),
    ("deadline > date(2026, 1, 1)", "'date(2026, 1, 1)' calls a function; rows may call only now() and today()"),
    ("deadline >= today(1)", "'today(1)' passes arguments; now() and today() take none"),
    ("rating > True", "'True' is neither a text, a number, today() nor now(); only those have an order"),
    (
        "worker is None",
        "'worker is None' compares with an operator rows does not allow (use ==, !=, <, <=, >, >=, in, not in)",
    ),
    ("worker == None", "'None' is neither user.id, user.name, today(), now() nor a text, number, True or False"),
    ("1 < rating < 3", "'1 < rating < 3' chains comparisons; join them with 'and'"),
    ("user", "'user' is the user, not a condition"),
    ("user.id", "'user.id' is the user, not a condition"),
    ("published if worker else True", "'published if worker else True' is not an allowed shape"),
]


@pytest.mark.parametrize(("source", "detail"), REFUSED)
def test_other_shapes_are_refused_with_the_offending_part(source, detail):
    with pytest.raises(RowRuleError) as caught:
        parse_row_rule(source)
    assert caught.value.detail == detail


CREW = {  # a form whose fields hold several values each
    "id": "crew",
    "name": "班组",
    "fields": [
        {"id": "communities", "type": "relation", "target": "community", "multiple": True, "label": "小区"},
        {"id": "repair_types", "type": "multiselect", "label": "类型", "options": [{"value": "水电"}]},
    ],
}


def with_rows(*rows: tuple[str, str]) -> dict[str, Any]:
    document = copy.deepcopy(DOCUMENT)
    for form, source in rows:
        document["permissions"].append({"role": "agent", "form": form, "actions": ["read"], "rows": source})
    return document


def test_the_property_app_has_no_row_rule_problems():
    assert row_rule_problems(DOCUMENT) == []


def test_unsupported_rules_are_reported_with_their_pointer():
    count = len(DOCUMENT["permissions"])
    problems = row_rule_problems(with_rows(("repair_order", "total_cost * 2 > 2000"), ("room", "owner_name")))
    assert [(p.pointer, p.code) for p in problems] == [
        (f"/permissions/{count}/rows", "permission.rows_unsupported"),
        (f"/permissions/{count + 1}/rows", "permission.rows_field"),
    ]
    assert problems[0].message == (
        "'total_cost * 2' computes a value; rows compares fields with fixed values, the user and the clock only; "
        "rows allows only: field == user.id (or user.name), field in user.groups, field in user.communities, "
        "field == 'text' (or a number, True, False, today(), now()), field in ('a', 'b'), field != ..., "
        "field < value (<=, >, >=: a number, text, date or time, today(), now()), field not in ..., "
        "a yes/no field alone (published), a path through relations (room.building.community), "
        "not X, X and Y, X or Y"
    )
    assert problems[1].message == (
        "'owner_name' is not a yes/no field; compare it; rows can only test fields stored in the form's own table"
    )


@pytest.mark.parametrize(
    ("form", "source", "field"),
    [
        ("repair_order", "parts_used == 'x'", "parts_used"),  # a sub-table
        ("crew", "communities in user.communities", "communities"),  # a multiple relation
        ("crew", "repair_types == '水电'", "repair_types"),  # a multiselect
        ("repair_order", "community == user.id", "community"),  # a relation is not a user
    ],
)
def test_rules_on_fields_without_a_single_column_are_refused(form, source, field):
    document = with_rows((form, source))
    document["forms"].append(CREW)
    problems = row_rule_problems(document)
    assert [(p.code, p.params["field"]) for p in problems] == [("permission.rows_field", field)]


def test_malformed_text_and_unknown_names_are_left_to_the_expression_checks():
    assert row_rule_problems(with_rows(("repair_order", "worker =="), ("repair_order", "wroker == user.id"))) == []


def test_an_app_with_an_unsupported_rule_is_refused_when_compiled():
    with pytest.raises(DefinitionError) as caught:
        AppPermissions.from_definition(with_rows(("repair_order", "total_cost * 2 > 2000")))
    assert [p.pointer for p in caught.value.problems] == [f"/permissions/{len(DOCUMENT['permissions'])}/rows"]


# --- properties: never more than the grants; memory and SQL agree --------------------------

principals = st.builds(
    lambda roles, anonymous, scopes, who, groups, communities: Principal(
        id=who,
        app_roles={APP: frozenset(roles)},
        anonymous=anonymous,
        scopes=scopes,
        groups=frozenset(groups),
        communities=frozenset(communities),
    ),
    st.sets(st.sampled_from(ROLES)),
    st.booleans(),
    st.none() | st.sets(st.sampled_from([f"app:{APP}:read", f"app:{APP}:write", "admin", "app:x:read"])).map(frozenset),
    st.sampled_from(["u1", "u2"]),
    st.sets(st.sampled_from(["g1", "g2"])),
    st.sets(st.sampled_from([1, 2])),
)
records = st.fixed_dictionaries(
    {
        "created_by": st.sampled_from(["u1", "u2", None]),
        "worker": st.sampled_from(["u1", "u2", None]),
        "dispatch_group": st.sampled_from(["g1", "g2", None]),
        "group_leader": st.sampled_from(["u1", "u2", None]),
        "chargeable": st.sampled_from([True, False, None]),
        "community": st.sampled_from([1, 2, None]),
        "published": st.sampled_from([True, False, None]),
    }
)


def _oracle_rows(source: str | None, record: dict[str, Any], principal: Principal) -> bool:
    """The grant's rule run by the expression sandbox itself, a reading independent of row_rules."""
    if source is None:
        return True
    user = {
        "id": "<nobody>" if principal.anonymous else principal.id,
        "groups": sorted(principal.groups),
        "communities": sorted(principal.communities),
    }
    return bool(compile_expression(source).evaluate({**record, "user": user}))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(principal=principals, record=records, form=st.sampled_from(FORMS))
def test_no_principal_gets_more_than_the_union_of_its_roles_grants(principal, record, form):
    held = PERMISSIONS.public_roles if principal.anonymous else principal.roles_in(APP)
    grants = [g for g in DOCUMENT["permissions"] if g["form"] == form and g["role"] in held]
    result = PERMISSIONS.effective(principal, APP, form)
    assert result.actions <= {a for g in grants for a in g["actions"]}
    for action in ACTIONS:
        if result.allows(action, record):
            assert any(
                action in g["actions"] and (action == "create" or _oracle_rows(g.get("rows"), record, principal))
                for g in grants
            ), action
    for spec in FORM_SPECS[form].fields:
        if grants and all(g.get("fields", {}).get(spec.id) == "hidden" for g in grants):
            assert result.field_mode(spec.id) == "hidden"
        if not grants:
            assert result.field_mode(spec.id) == "hidden"
        declared = [g.get("fields", {}).get(spec.id, "editable") for g in grants]
        assert MODE_RANK[result.field_mode(spec.id, record)] <= max((MODE_RANK[m] for m in declared), default=0)


FIELDS = {"owner": ["u1", "u2"], "n": [1, 2, 3], "flag": [True, False]}
atoms = st.one_of(
    st.builds(Eq, st.just("owner"), st.sampled_from(["u1", "u2", USER_ID])),
    st.builds(Eq, st.just("n"), st.sampled_from([1, 2, 3])),
    st.builds(Eq, st.just("flag"), st.booleans()),
    st.builds(
        In, st.just("owner"), st.just(USER_GROUPS) | st.lists(st.sampled_from(["u1", "u2"]), max_size=2).map(tuple)
    ),
    st.builds(
        In, st.just("n"), st.just(USER_COMMUNITIES) | st.lists(st.sampled_from([1, 2, 3]), max_size=2).map(tuple)
    ),
    st.builds(IsTrue, st.just("flag")),
    st.builds(Const, st.booleans()),
)
rules = st.recursive(
    atoms,
    lambda inner: st.one_of(
        st.builds(Not, inner),
        st.lists(inner, min_size=2, max_size=3).map(lambda xs: And(tuple(xs))),
        st.lists(inner, min_size=2, max_size=3).map(lambda xs: Or(tuple(xs))),
    ),
    max_leaves=8,
)
rule_principals = st.builds(
    lambda who, anonymous, groups, communities: Principal(
        id=who, anonymous=anonymous, groups=frozenset(groups), communities=frozenset(communities)
    ),
    st.sampled_from(["u1", "u2"]),
    st.booleans(),
    st.sets(st.sampled_from(["u1", "u2"])),
    st.sets(st.sampled_from([1, 2])),
)
rule_records = st.fixed_dictionaries({name: st.sampled_from([*values, None]) for name, values in FIELDS.items()})
DATABASE = sqlite3.connect(":memory:")


def to_sql(rule: RowRule) -> tuple[str, list[Any]]:
    """The plain translation the storage layer is told to write (see engine/forms/row_rules.py)."""
    if isinstance(rule, Eq):
        assert not isinstance(rule.value, UserAttr) and rule.value is not None
        return f"{rule.field} = ?", [rule.value]
    if isinstance(rule, In):
        assert isinstance(rule.values, tuple) and rule.values
        return f"{rule.field} IN ({', '.join('?' for _ in rule.values)})", list(rule.values)
    if isinstance(rule, IsTrue):
        return f"{rule.field} = TRUE", []
    if isinstance(rule, Const):
        return ("TRUE" if rule.value else "FALSE"), []
    if isinstance(rule, Not):
        inner, params = to_sql(rule.operand)
        return f"NOT ({inner})", params
    parts = [to_sql(operand) for operand in rule.operands]
    joiner = " AND " if isinstance(rule, And) else " OR "
    return joiner.join(f"({sql})" for sql, _ in parts), [p for _, params in parts for p in params]


def _const_only_at_the_top(rule: RowRule, top: bool = True) -> bool:
    if isinstance(rule, Const):
        return top
    if isinstance(rule, Not):
        return _const_only_at_the_top(rule.operand, False)
    if isinstance(rule, And | Or):
        return all(_const_only_at_the_top(r, False) for r in rule.operands)
    return True


@settings(max_examples=400, deadline=None)
@given(rule=rules, principal=rule_principals, record=rule_records)
def test_bound_rules_select_in_sql_exactly_what_matches_in_memory(rule, principal, record):
    expected = rule.matches(record, principal)
    bound = bind(rule, principal)
    assert _const_only_at_the_top(bound)
    assert bound.matches(record, Principal(id="someone else")) is expected
    where, params = to_sql(bound)
    row = DATABASE.execute(
        f"SELECT count(*) FROM (SELECT ? AS owner, ? AS n, ? AS flag) WHERE {where}",
        [record["owner"], record["n"], record["flag"], *params],
    ).fetchone()
    assert bool(row[0]) is expected
