"""Whole-record validation: conditions, formulas in dependency order, rules, and the compiled schema."""

from decimal import Decimal

import pytest
from jsonschema import Draft202012Validator

from engine.errors import DefinitionError, SubmissionError
from engine.forms.json_schema import condition_schema, form_json_schema
from engine.forms.spec import FormSpec
from engine.forms.validation import FormValidator


def _form(*fields: dict, rules: tuple = ()) -> FormSpec:
    return FormSpec.from_definition(
        "demo", {"id": "order", "name": "工单", "fields": list(fields), "rules": list(rules)}
    )


URGENCY = {"id": "urgency", "type": "select", "label": "紧急程度", "options": [{"value": "一般"}, {"value": "紧急"}]}
REASON = {"id": "reason", "type": "textarea", "label": "加急原因", "required_when": "urgency == '紧急'"}
HIDDEN_NOTE = {"id": "note", "type": "text", "label": "备注", "required": True, "visible_when": "urgency == '紧急'"}


def _errors(validator: FormValidator, data: dict, locale: str = "zh-CN") -> dict:
    with pytest.raises(SubmissionError) as caught:
        validator.validate(data, locale=locale)
    return caught.value.field_errors


def test_required_when_applies_only_when_its_condition_holds():
    validator = FormValidator(_form(URGENCY, REASON))

    assert validator.validate({"urgency": "一般"})["reason"] is None
    assert _errors(validator, {"urgency": "紧急"}) == {"reason": ["请填写加急原因"]}


def test_a_hidden_field_is_not_required():
    validator = FormValidator(_form(URGENCY, HIDDEN_NOTE))

    assert validator.validate({"urgency": "一般"})["note"] is None
    assert _errors(validator, {"urgency": "紧急"}, "en") == {"note": ["备注 is required"]}


def test_formulas_run_in_dependency_order_whatever_their_order_in_the_form():
    validator = FormValidator(
        _form(
            {"id": "total", "type": "formula", "expression": "subtotal + fee", "result_type": "money"},
            {"id": "subtotal", "type": "formula", "expression": "qty * price", "result_type": "money"},
            {"id": "qty", "type": "number", "precision": 0},
            {"id": "price", "type": "money"},
            {"id": "fee", "type": "money", "default": "5"},
        )
    )

    values = validator.validate({"qty": 3, "price": "19.90"})

    assert (values["subtotal"], values["total"]) == (Decimal("59.70"), Decimal("64.70"))


def test_formulas_that_depend_on_each_other_in_a_circle_are_refused():
    with pytest.raises(DefinitionError) as caught:
        FormValidator(
            _form(
                {"id": "a", "type": "formula", "expression": "b + 1"},
                {"id": "b", "type": "formula", "expression": "a + 1"},
            )
        )
    assert caught.value.message == "formulas depend on each other in a circle: a → b → a"


def test_a_formula_that_fails_names_its_field():
    validator = FormValidator(
        _form(
            {"id": "qty", "type": "number"},
            {"id": "per_unit", "type": "formula", "label": "单价", "expression": "100 / qty"},
        )
    )
    errors = _errors(validator, {"qty": 0}, "en")
    assert list(errors) == ["per_unit"]
    assert errors["per_unit"][0].startswith("单价 could not be computed: ")


def test_subtable_rows_are_validated_and_computed_row_by_row():
    validator = FormValidator(
        _form(
            {
                "id": "lines",
                "type": "subtable",
                "label": "明细",
                "fields": [
                    {"id": "qty", "type": "number", "label": "数量", "required": True, "min": 1},
                    {"id": "price", "type": "money", "label": "单价"},
                    {"id": "amount", "type": "formula", "expression": "qty * (price or 0)", "result_type": "money"},
                ],
            },
            {"id": "total", "type": "formula", "expression": "sum(l.amount for l in lines)", "result_type": "money"},
        )
    )

    values = validator.validate({"lines": [{"qty": 2, "price": "1.5"}, {"qty": 1}]})
    assert [r["amount"] for r in values["lines"]] == [Decimal("3.00"), Decimal("0.00")]
    assert values["total"] == Decimal("3.00")
    assert _errors(validator, {"lines": [{"qty": 2}, {"price": 1}, {"qty": 0}]}) == {
        "lines/1/qty": ["请填写数量"],
        "lines/2/qty": ["数量不能小于 1"],
    }


def test_rules_across_fields_name_their_field():
    validator = FormValidator(
        _form(
            {"id": "start", "type": "date", "label": "开始"},
            {"id": "end", "type": "date", "label": "结束"},
            rules=(
                {
                    "id": "order",
                    "check": "end is None or start is None or end >= start",
                    "message": {"zh-CN": "结束日期不能早于开始日期", "en": "End must not be before start"},
                    "fields": ["end"],
                },
            ),
        )
    )

    assert _errors(validator, {"start": "2026-03-02", "end": "2026-03-01"}, "en") == {
        "end": ["End must not be before start"]
    }


def test_defaults_from_literals_and_expressions():
    validator = FormValidator(
        _form(
            {"id": "status", "type": "select", "options": [{"value": "新建"}, {"value": "完成"}], "default": "新建"},
            {"id": "copies", "type": "number", "default_expr": "1 + 1"},
        )
    )
    values = validator.validate({})
    assert (values["status"], values["copies"]) == ("新建", Decimal("2"))


def test_garbage_is_a_submission_error_not_a_crash():
    validator = FormValidator(_form(URGENCY, REASON))
    for garbage in (None, [], "text", 5, {"urgency": {"$gt": ""}}, {"urgency": float("nan")}, {1: 2}):
        with pytest.raises(SubmissionError):
            validator.validate(garbage)


def test_the_compiled_schema_has_if_then_for_simple_conditions():
    spec = _form(URGENCY, REASON, {"id": "name", "type": "text", "required": True})
    schema = form_json_schema(spec)
    checker = Draft202012Validator(schema)

    assert schema["required"] == ["name"]
    assert schema["allOf"] == [
        {
            "if": {"properties": {"urgency": {"const": "紧急"}}, "required": ["urgency"]},
            "then": {"required": ["reason"], "properties": {"reason": {"not": {"type": "null"}}}},
        }
    ]
    assert checker.is_valid({"name": "x", "urgency": "一般"})
    assert not checker.is_valid({"name": "x", "urgency": "紧急"})
    assert not checker.is_valid({"name": "x", "colour": "red"})


def test_complex_conditions_stay_annotations_for_the_server():
    assert condition_schema("len(name) > 3") is None
    assert condition_schema("a == 1 and b in ('x', 'y')") == {
        "allOf": [
            {"properties": {"a": {"const": 1}}, "required": ["a"]},
            {"properties": {"b": {"enum": ["x", "y"]}}, "required": ["b"]},
        ]
    }


def test_the_property_repair_forms_compile(property_package):
    for form in property_package["forms"]:
        spec = FormSpec.from_definition("property_repair", form)
        FormValidator(spec)
        Draft202012Validator.check_schema(form_json_schema(spec))
