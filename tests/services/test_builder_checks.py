"""The designer's helpers as services: an expression is refused exactly as publish refuses it, located
in its text; completions offer the form's fields, the next hop of a relation path, the functions and
``user.*``; view-as judges a real record with the permission code for someone holding one role."""

from __future__ import annotations

import copy

import pytest

from engine.errors import NotFoundError, PermissionDeniedError
from engine.expressions import AGGREGATE_NAMES, HELPER_NAMES
from engine.i18n import CATALOG
from engine.packages.messages import localize
from engine.packages.validation import PackageInvalidError, package_problems
from engine.principal import Principal
from engine.services.builder_expressions import expression_report, functions
from tests.i18n.test_catalog import CJK
from tests.row_rules_app import APP, package

BUILDER = Principal(id="maker", app_roles={APP: frozenset({"builder"})})
END_USER = Principal(id="agent1", app_roles={APP: frozenset({"agent"})})
TICKET_FIELDS = 10  # the ticket form's first field is /forms/3/fields/0


def _with_formula(source: str) -> dict:
    document = package()
    document["forms"][3]["fields"].append(
        {"id": "total", "type": "formula", "label": {"zh-CN": "合计", "en": "Total"}, "expression": source}
    )
    return document


@pytest.mark.parametrize(
    ("source", "start", "end"),
    [
        ("amount + amout", 9, 14),  # an unknown field: the sandbox's did-you-mean
        ("room.buildin.name", 5, 12),  # a relation path that does not walk: the step it cannot take
        ("room.building.community.nope", 24, 28),
    ],
)
@pytest.mark.parametrize("locale", ["en", "zh-CN"])
def test_a_problem_is_the_one_publish_reports_placed_in_the_text(source, start, end, locale):
    document = _with_formula(source)
    pointer = f"/forms/3/fields/{TICKET_FIELDS + 1}/expression"
    published = [localize(p, locale).as_dict() for p in package_problems(document)]
    report = expression_report(document, "ticket", "formula", source, locale, pointer=pointer)
    assert [{k: p[k] for k in ("pointer", "code", "message")} for p in report["problems"]] == published
    assert (report["problems"][0]["start"], report["problems"][0]["end"]) == (start, end)


def test_a_valid_expression_has_no_problem_and_publish_agrees():
    document = _with_formula("room.building.community.name")
    assert package_problems(document) == []
    assert expression_report(document, "ticket", "formula", "room.building.community.name", "en")["problems"] == []


def test_a_row_rule_is_held_to_the_row_rule_shapes():
    document = package("len(title) > 3")
    published = [localize(p, "en").as_dict() for p in package_problems(document)]
    pointer = f"/permissions/{len(document['permissions']) - 1}/rows"
    report = expression_report(document, "ticket", "row_rule", "len(title) > 3", "en", pointer=pointer)
    assert [{k: p[k] for k in ("pointer", "code", "message")} for p in report["problems"]] == published
    assert report["problems"][0]["code"] == "permission.rows_unsupported"


def test_completions_after_a_relation_list_the_target_forms_fields():
    report = expression_report(package(), "ticket", "formula", "room.", "zh-CN")
    room_fields = {"building", "parent", "number", "area"}
    assert room_fields <= {c["label"] for c in report["completions"]}
    assert {c["type"] for c in report["completions"]} == {"path"}
    building = next(c for c in report["completions"] if c["label"] == "building")
    assert building["detail"] == "楼栋 · 房间" and building["path"] == "room.building"
    deeper = expression_report(package(), "ticket", "formula", "room.building.na", "en")
    assert [c["label"] for c in deeper["completions"]] == ["name"]
    assert (deeper["from"], deeper["to"]) == (14, 16)


def test_completions_at_the_top_offer_fields_with_labels_and_functions():
    report = expression_report(package(), "ticket", "visible_when", "amount > 3 and ", "zh-CN")
    by_label = {c["label"]: c for c in report["completions"]}
    assert by_label["secret"] == {"label": "secret", "type": "field", "detail": "内部备注"}
    assert by_label["round"]["type"] == "function" and CJK.search(by_label["round"]["detail"])
    assert by_label["round"]["signature"] == "round(value, digits)"
    assert "related_count" in by_label  # a form's own expression may count related records
    assert "user" not in by_label  # only a default reads the acting person


def test_row_rules_offer_user_names_and_only_the_clocks():
    report = expression_report(package(), "ticket", "row_rule", "", "en")
    labels = {c["label"]: c["type"] for c in report["completions"]}
    assert {"user.id", "user.name", "user.groups", "user.communities"} <= set(labels)
    assert [c["label"] for c in report["completions"] if c["type"] == "function"] == ["now", "today"]
    after = expression_report(package(), "ticket", "row_rule", "created_by == user.", "en")
    assert [c["label"] for c in after["completions"]] == ["id", "name", "groups", "communities"]


def test_every_function_of_the_language_is_described_in_both_languages():
    described = {c["label"] for c in functions("formula", "en")}
    assert described == set(HELPER_NAMES | AGGREGATE_NAMES)
    for name in described:
        assert f"builder_checks.function.{name}" in CATALOG


def test_an_unknown_form_is_not_found():
    with pytest.raises(NotFoundError) as raised:
        expression_report(package(), "tickets", "formula", "1", "en")
    assert raised.value.code == "not_found"


# -- through the service, on both back-ends ----------------------------------------------------------


@pytest.fixture
def estate(services):
    services.apps.import_package(package(), actor="tests")
    records = services.records
    admin = Principal(id="admin", is_admin=True)
    community = records.create(admin, APP, "community", {"name": "一区"})[0]["id"]
    building = records.create(admin, APP, "building", {"community": community, "name": "1栋"})[0]["id"]
    room = records.create(admin, APP, "room", {"building": building, "number": "101"})[0]["id"]
    ticket = records.create(admin, APP, "ticket", {"title": "漏水", "room": room, "secret": "内部"})[0]["id"]
    return services, community, ticket


def test_the_service_checks_against_the_current_version_without_a_draft(estate):
    services, _, _ = estate
    body = {"expression": "room.buildin", "form": "ticket", "kind": "condition"}
    report = services.builder_checks.check_expression(BUILDER, APP, body, "en")
    assert [p["code"] for p in report["problems"]] == ["form.path.unknown_field"]


def test_end_users_may_not_use_the_designer(estate):
    services, _, ticket = estate
    checks = services.builder_checks
    with pytest.raises(PermissionDeniedError):
        checks.check_expression(END_USER, APP, {"expression": "1", "form": "ticket", "kind": "formula"}, "en")
    with pytest.raises(PermissionDeniedError):
        checks.view_as(END_USER, APP, {"role": "agent", "form": "ticket", "record_id": ticket}, "en")


def test_view_as_hides_a_field_and_leaves_out_a_record_its_row_rule_excludes(estate):
    services, _, ticket = estate
    seen = services.builder_checks.view_as(BUILDER, APP, {"role": "agent", "form": "ticket"}, "zh-CN")
    assert seen["can"] == {"read": True, "create": True, "update": True, "delete": False}
    assert seen["fields"]["secret"] == "hidden" and seen["fields"]["title"] == "edit"
    assert seen["rows"] == "rule: 房间 › 楼栋 › 小区属于查看者负责的小区"
    assert seen["rows_text"] == "满足“房间 › 楼栋 › 小区属于查看者负责的小区”的记录"
    # a role holding only that role covers no community: the ticket is not shown
    excluded = services.builder_checks.view_as(
        BUILDER, APP, {"role": "agent", "form": "ticket", "record_id": ticket}, "en"
    )
    assert excluded["record"] is None and excluded["visible"] is False
    assert excluded["reason"] == "Role “Agent” does not see this record: its row rule leaves it out."
    assert excluded["rows_text"] == "the records where Room › Building › Community is one of the viewer's communities"
    assert excluded["can"]["read"] is False
    in_chinese = services.builder_checks.view_as(
        BUILDER, APP, {"role": "agent", "form": "ticket", "record_id": ticket}, "zh-CN"
    )
    assert in_chinese["reason"] == "角色“客服”看不到这条记录：行规则把它排除了。"


def test_view_as_with_a_draft_uses_the_drafts_permissions_over_the_real_record(estate):
    services, _, ticket = estate
    draft = copy.deepcopy(package())
    draft["permissions"][0].pop("rows")  # the agent now reads every ticket, still without the note
    seen = services.builder_checks.view_as(
        BUILDER, APP, {"role": "agent", "form": "ticket", "record_id": ticket, "document": draft}, "en"
    )
    assert seen["visible"] is True and seen["rows"] == "all"
    assert seen["rows_text"] == "every record"
    assert seen["record"]["data"]["title"] == "漏水"
    assert "secret" not in seen["record"]["data"]
    assert seen["fields"]["secret"] == "hidden"
    in_chinese = services.builder_checks.view_as(
        BUILDER, APP, {"role": "agent", "form": "ticket", "document": draft}, "zh-CN"
    )
    assert in_chinese["rows_text"] == "全部记录"


def test_an_invalid_draft_is_refused_with_pointers(estate):
    services, _, _ = estate
    draft = package()
    draft["forms"][3]["fields"][0]["type"] = "txt"
    with pytest.raises(PackageInvalidError) as raised:
        services.builder_checks.preview_form(BUILDER, APP, {"document": draft, "form": "ticket"}, "en")
    assert raised.value.problems[0].pointer.startswith("/forms/3/fields/0")


def test_a_sub_table_column_reads_its_row_and_paths_from_it():
    from tests.relation_paths_app import PACKAGE as VISITS

    document = copy.deepcopy(VISITS)
    visits = document["forms"][3]["fields"][6]
    visits["fields"][1]["expression"] = "place.buildin"
    published = [localize(p, "en").as_dict() for p in package_problems(document)]
    pointer = "/forms/3/fields/6/fields/1/expression"
    report = expression_report(document, "ticket", "formula", "place.buildin", "en", pointer=pointer, table="visits")
    assert [{k: p[k] for k in ("pointer", "code", "message")} for p in report["problems"]] == published
    assert (report["problems"][0]["start"], report["problems"][0]["end"]) == (6, 13)
    top = expression_report(document, "ticket", "formula", "", "en", table="visits")["completions"]
    assert [c["label"] for c in top if c["type"] == "field"] == ["place", "place_area"]
    assert "related_count" not in {c["label"] for c in top}  # no aggregate on a row
    after = expression_report(document, "ticket", "formula", "place.", "en", table="visits")["completions"]
    assert {"name", "building", "neighbours"} <= {c["label"] for c in after}
    with pytest.raises(NotFoundError):
        expression_report(document, "ticket", "formula", "1", "en", table="room")
