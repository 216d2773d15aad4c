"""trellis validate on aggregates across records: every id a related_count/sum/min/max names is
checked, and each mistake is refused at the expression's JSON pointer."""

import pytest

from engine.packages import package_problems
from tests.sign_up_app import package

RULE = "/forms/1/rules/0/check"
TAKEN = "/forms/0/fields/2/expression"


def _with_rule(check: str) -> dict:
    changed = package()
    changed["forms"][1]["rules"][0]["check"] = check
    return changed


def _with_taken(expression: str) -> dict:
    changed = package()
    changed["forms"][0]["fields"][2]["expression"] = expression
    return changed


def _found(document: dict) -> list[tuple[str, str, str]]:
    return [(p.pointer, p.code, p.message) for p in package_problems(document)]


def test_the_sign_up_app_is_valid():
    assert package_problems(package()) == []


@pytest.mark.parametrize(
    ("expression", "code", "message"),
    [
        (
            "related_sum('registraton', 'event', 'seats')",
            "form.aggregate_unknown_form",
            "related_sum('registraton', 'event', 'seats'): unknown form 'registraton' (did you mean 'registration'?)",
        ),
        (
            "related_count('registration', 'evnt')",
            "form.aggregate_unknown_field",
            "related_count('registration', 'evnt'): form 'registration' has no field 'evnt' (did you mean 'event'?)",
        ),
        (
            "related_count('registration', 'name')",
            "form.aggregate_not_relation",
            "related_count('registration', 'name'): field 'name' of form 'registration' is not a relation; "
            "name the relation field that points at the record",
        ),
        (
            "related_count('event', 'name')",
            "form.aggregate_not_relation",
            "related_count('event', 'name'): field 'name' of form 'event' is not a relation; "
            "name the relation field that points at the record",
        ),
        (
            "related_sum('registration', 'event', 'name')",
            "form.aggregate_not_numeric",
            "related_sum('registration', 'event', 'name'): field 'name' of form 'registration' is not a number; "
            "related_sum() reads number fields only",
        ),
        (
            "related_max('registration', 'event', 'size')",
            "form.aggregate_unknown_field",
            "related_max('registration', 'event', 'size'): form 'registration' has no field 'size'",
        ),
    ],
)
def test_a_wrong_id_is_refused_at_the_formula(expression, code, message):
    assert _found(_with_taken(expression)) == [(TAKEN, code, message)]


def test_a_relation_to_another_form_is_refused_naming_both_forms():
    changed = package()
    changed["forms"].append(
        {"id": "venue", "name": "场地", "fields": [{"id": "name", "type": "text", "label": "名称"}]}
    )
    changed["forms"][1]["fields"].append({"id": "venue", "type": "relation", "target": "venue", "label": "场地"})
    changed["forms"][0]["fields"][2]["expression"] = "related_count('registration', 'venue')"

    assert _found(changed) == [
        (
            TAKEN,
            "form.aggregate_wrong_target",
            "related_count('registration', 'venue'): field 'venue' of form 'registration' points at form 'venue', "
            "not at 'event'",
        )
    ]


def test_of_must_name_a_relation_field_of_the_form():
    found = _found(_with_rule("related_count('registration', 'event', of=name) < 3"))

    assert found == [
        (
            RULE,
            "form.aggregate_of_not_relation",
            "related_count('registration', 'event', of=name): of=name must name a single relation field of form "
            "'registration'",
        )
    ]


def test_of_must_be_a_field_of_the_form():
    found = _found(_with_rule("related_count('registration', 'event', of=evnt) < 3"))

    assert [(pointer, code) for pointer, code, _ in found] == [(RULE, "expression_unknown_name")]


def test_ids_must_be_written_out():
    found = _found(_with_rule("related_count(name, 'event', of=event) < 3"))

    assert [(pointer, code) for pointer, code, _ in found] == [(RULE, "expression_syntax")]
    assert found[0][2].startswith("related_count() needs the form and field ids written out in quotes")


def test_an_aggregate_in_a_flow_condition_is_refused_where_it_would_never_be_computed():
    changed = package()
    changed["flows"] = [
        {
            "id": "confirm",
            "name": "确认",
            "form": "registration",
            "nodes": [{"id": "start", "type": "start"}, {"id": "end", "type": "end"}],
            "edges": [
                {
                    "id": "e1",
                    "source": "start",
                    "target": "end",
                    "condition": "related_count('registration', 'event', of=event) > 0",
                }
            ],
        }
    ]

    assert _found(changed) == [
        (
            "/flows/0/edges/0/condition",
            "form.aggregate_not_here",
            "related_count('registration', 'event', of=event): aggregates across records are computed for a form's "
            "own fields and rules only, not here",
        )
    ]


def test_an_aggregate_in_a_sub_table_row_is_refused():
    changed = package()
    changed["forms"][0]["fields"].append(
        {
            "id": "sessions",
            "type": "subtable",
            "label": "场次",
            "fields": [
                {"id": "hall", "type": "text", "label": "会场"},
                {
                    "id": "booked",
                    "type": "formula",
                    "label": "已订",
                    "expression": "related_count('registration', 'event')",
                },
            ],
        }
    )

    assert [(p, c) for p, c, _ in _found(changed)] == [
        ("/forms/0/fields/7/fields/1/expression", "form.aggregate_not_here")
    ]


def test_the_refusal_reads_in_chinese():
    from engine.packages.messages import localize

    [found] = package_problems(_with_taken("related_sum('registration', 'event', 'name')"))

    assert localize(found, "zh-CN").message == (
        "related_sum('registration', 'event', 'name'):表单“registration”的字段“name”不是数字;"
        "“related_sum()”只能读取数字字段"
    )
