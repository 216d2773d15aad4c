"""trellis validate walks every relation path of every expression over the forms, and says where it breaks."""

from __future__ import annotations

import pytest

from engine.packages.messages import localize
from engine.packages.validation import package_problems
from tests.relation_paths_app import package


def _found(document):
    return [(p.pointer, p.code, p.message) for p in package_problems(document)]


def test_the_estate_app_with_paths_three_deep_everywhere_validates():
    assert package_problems(package()) == []


def test_an_unknown_field_at_the_third_step_is_named_at_the_formula():
    document = package()
    document["forms"][3]["fields"][3]["expression"] = "room.building.comunity.name"

    assert _found(document) == [
        (
            "/forms/3/fields/3/expression",
            "form.path.unknown_field",
            "'room.building.comunity.name': form 'building' has no field 'comunity'",
        )
    ]


def test_a_step_through_a_plain_field_is_refused_in_a_flow_condition():
    document = package()
    document["flows"][0]["edges"][1]["condition"] = "room.name.length > 3"

    assert _found(document) == [
        (
            "/flows/0/edges/1/condition",
            "form.path.not_relation",
            "'room.name.length': 'name' is not a relation, so 'length' cannot be read through it",
        )
    ]


def test_a_multi_relation_used_as_one_record_is_refused_in_a_dispatch_table():
    document = package()
    document["flows"][0]["nodes"][3]["assignee"]["table"][0]["when"] = "room.neighbours.name == '102'"

    assert _found(document) == [
        (
            "/flows/0/nodes/3/assignee/table/0/when",
            "form.path.multiple",
            "'room.neighbours.name': 'neighbours' holds several records and cannot be read as one to reach 'name'",
        )
    ]


@pytest.mark.parametrize(
    ("place", "pointer"),
    [
        (lambda d, s: d["forms"][3]["fields"][4].update(default_expr=s), "/forms/3/fields/4/default_expr"),
        (lambda d, s: d["forms"][3]["fields"][5].update(visible_when=s), "/forms/3/fields/5/visible_when"),
        (lambda d, s: d["forms"][3]["rules"][0].update(check=s), "/forms/3/rules/0/check"),
        (
            lambda d, s: d["forms"][3]["fields"][6]["fields"][1].update(expression=s.replace("room", "place")),
            "/forms/3/fields/6/fields/1/expression",
        ),
        (lambda d, s: d["flows"][0]["nodes"][1].update(set={"contact": s}), "/flows/0/nodes/1/set/contact"),
        (
            lambda d, s: d["flows"][0]["nodes"][3].update(
                timers=[{"id": "t", "after": "PT1H", "action": "notify", "when": s}]
            ),
            "/flows/0/nodes/3/timers/0/when",
        ),
        (
            lambda d, s: d.update(
                automations=[
                    {
                        "id": "a",
                        "trigger": {"type": "record_created", "form": "ticket"},
                        "condition": s,
                        "actions": [{"type": "set_fields", "set": {"contact": s}}],
                    }
                ]
            ),
            "/automations/0/actions/0/set/contact",
        ),
        (
            lambda d, s: d.update(
                reports=[
                    {
                        "id": "r",
                        "name": "r",
                        "source": {"form": "ticket"},
                        "measures": [{"id": "n", "agg": "count", "where": s}],
                    }
                ]
            ),
            "/reports/0/measures/0/where",
        ),
    ],
)
def test_every_place_an_expression_lives_has_its_paths_checked(place, pointer):
    document = package()
    place(document, "room.building.floor")

    found = [(p.pointer, p.code) for p in package_problems(document)]
    assert found[-1] == (pointer, "form.path.unknown_field")
    assert {code for _, code in found} == {"form.path.unknown_field"}


def test_a_path_problem_reads_in_chinese():
    document = package()
    document["forms"][3]["fields"][3]["expression"] = "room.name.x"

    problem = localize(package_problems(document)[0], "zh-CN")

    assert problem.message == "“room.name.x”:“name”不是关联字段,无法经由它读取“x”"


def test_attributes_of_values_and_methods_at_the_end_of_a_path_are_not_relation_steps():
    document = package()
    document["forms"][3]["fields"][3]["expression"] = "f'{room.building.name.upper()}{room.created_at.year}'"

    assert package_problems(document) == []


def test_a_derived_relation_must_lead_to_a_record_of_its_own_target():
    document = package()
    document["forms"][3]["fields"][1]["derived_from"] = "room.building.community"
    document["forms"][3]["fields"][2]["derived_from"] = "room.name"

    assert _found(document) == [
        (
            "/forms/3/fields/1/derived_from",
            "form.derived_target",
            "'room.building.community' leads to a record of form 'community', but this relation points at form "
            "'building'",
        ),
        (
            "/forms/3/fields/2/derived_from",
            "form.derived_not_relation",
            "'room.name' does not end at a single relation; a derived relation needs a path to a record of 'community'",
        ),
    ]


def test_a_derived_relation_that_is_not_a_path_is_refused_by_the_schema():
    document = package()
    document["forms"][3]["fields"][1]["derived_from"] = "room.building if room else None"

    assert [p.pointer for p in package_problems(document)] == ["/forms/3/fields/1/derived_from"]


def test_a_derived_relation_holding_many_records_is_refused():
    document = package()
    document["forms"][3]["fields"][1]["multiple"] = True

    assert [(p.pointer, p.code) for p in package_problems(document)] == [
        ("/forms/3/fields/1/derived_from", "form.derived_multiple")
    ]


@pytest.mark.parametrize(
    ("expression", "found"),
    [
        (
            "len([v for v in visits if v.place.building.nme])",
            ("form.path.unknown_field", "'visits.*.place.building.nme': form 'building' has no field 'nme'"),
        ),
        (
            "len([v for v in visits if v.plce])",
            ("form.path.unknown_row_field", "'visits.*.plce': the rows of 'visits' have no field 'plce'"),
        ),
        (
            "len([r for r in room.neighbours if r.name])",
            (
                "form.path.multiple",
                "'room.neighbours.*.name': 'neighbours' holds several records and cannot be read as one to reach "
                "'name'",
            ),
        ),
    ],
)
def test_paths_through_loop_variables_are_walked_too(expression, found):
    document = package()
    document["forms"][3]["fields"][7]["expression"] = expression

    assert _found(document) == [("/forms/3/fields/7/expression", *found)]
