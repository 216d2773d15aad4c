"""Every registered field type: valid values are cleaned as documented, invalid ones refused with
their message, and the type's JSON Schema (what clients check) agrees with the server."""

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest
from jsonschema import Draft202012Validator

from engine.forms.spec import FieldSpec
from engine.forms.types import FIELD_TYPES, FieldValueError
from engine.packages.schema_assembly import form_schema

OPTIONS = [{"value": "水电"}, {"value": "门窗"}, {"value": "其他"}]
ATTACHMENT = "0123456789abcdef0123456789abcdef"
# three days ahead at noon: a future moment whose test id stays the same while the workers collect
FUTURE = (datetime.now(UTC) + timedelta(days=3)).replace(hour=12, minute=0, second=0, microsecond=0)

# type: (definition extras, [(valid input, cleaned)], [(invalid input, error code)])
CASES = {
    "text": ({"max_length": 5}, [(" 王女士 ", "王女士")], [(42, "wrong_type"), ("x" * 6, "too_long")]),
    "textarea": ({}, [("多行\n文本", "多行\n文本")], [(["a"], "wrong_type"), ("x" * 10_001, "too_long")]),
    "number": (
        {"min": 0, "max": 100, "precision": 1},
        [(12.5, Decimal("12.5")), ("7", Decimal("7.0"))],
        [
            ("abc", "not_number"),
            (True, "not_number"),
            (-1, "below_min"),
            (101, "above_max"),
            (1.25, "precision"),
            ("NaN", "not_number"),
            ("1e999", "above_max"),
        ],
    ),
    "money": ({}, [("35.5", Decimal("35.50")), (0.1, Decimal("0.10"))], [("1.005", "precision"), ({}, "not_number")]),
    "mobile": (
        {},
        [("13812345678", "13812345678"), ("+86 138-1234-5678", "13812345678")],
        [("12345", "invalid"), ("23812345678", "invalid"), (13812345678, "wrong_type")],
    ),
    "email": ({}, [("a@b.cn", "a@b.cn")], [("not-an-email", "invalid")]),
    "select": ({"options": OPTIONS}, [("水电", "水电")], [("漏水", "not_an_option"), (1, "not_an_option")]),
    "radio": ({"options": OPTIONS}, [("门窗", "门窗")], [("", "not_an_option")]),
    "multiselect": (
        {"options": OPTIONS, "max_count": 2},
        [(["水电", "门窗"], ["水电", "门窗"])],
        [
            ("水电", "not_a_list"),
            (["水电", "水电"], "repeated"),
            (["水电", "门窗", "其他"], "too_many"),
            (["火"], "not_an_option"),
        ],
    ),
    "checkbox": ({}, [(True, True), (False, False)], [("true", "not_boolean"), (1, "not_boolean")]),
    "date": (
        {"min": "2020-01-01"},
        [("2026-03-01", date(2026, 3, 1))],
        [("2026-13-01", "not_date"), ("2019-12-31", "before_min"), (20260301, "not_date")],
    ),
    "datetime": (
        {"not_in_past": True},
        [(FUTURE.isoformat(), FUTURE)],
        [("2020-01-01T09:00", "in_past"), ("tomorrow", "not_datetime")],
    ),
    "time": ({}, [("09:30", time(9, 30))], [("25:00", "not_time"), ("09:30+08:00", "not_time")]),
    "image": (
        {"max_count": 1},
        [([ATTACHMENT], [ATTACHMENT])],
        [(["../etc"], "not_attachments"), ([ATTACHMENT, "f" * 32], "too_many")],
    ),
    "file": ({}, [([ATTACHMENT, ATTACHMENT], [ATTACHMENT])], [(ATTACHMENT, "not_attachments")]),
    "location": (
        {},
        [({"lat": 30.25, "lng": 120.17, "address": "杭州"}, {"lat": 30.25, "lng": 120.17, "address": "杭州"})],
        [
            ({"lat": 91, "lng": 0}, "not_location"),
            ({"lat": 1, "lng": 2, "x": 1}, "not_location"),
            ({"lat": True, "lng": 2}, "not_location"),
        ],
    ),
    "relation": ({"target": "room"}, [(7, 7)], [("7", "not_id"), (0, "not_id"), (2**64, "not_id")]),
    "user": ({}, [("zhang.san", "zhang.san"), (12, "12")], [("bad name!", "not_principal"), ([], "not_principal")]),
    "group": ({"multiple": True}, [(["g1", "g2"], ["g1", "g2"])], [("g1", "not_principal")]),
    "rating": ({}, [(5, 5)], [(0, "stars"), (6, "stars"), (4.5, "stars"), (True, "stars")]),
    "subtable": (
        {"fields": [{"id": "qty", "type": "number"}], "max_rows": 2},
        [([{"qty": 1}], [{"qty": 1}])],
        [({"qty": 1}, "not_rows"), ([{"qty": 1}] * 3, "too_many_rows"), ([1], "not_rows")],
    ),
}
COMPUTED = {"formula", "serial", "created_at", "updated_at", "created_by", "updated_by"}
LAYOUT = {"section"}


def _spec(kind: str, extras: dict) -> FieldSpec:
    return FieldSpec.from_definition({"id": "f", "type": kind, "label": "字段", **extras})


def test_every_registered_type_has_cases_or_is_system_filled():
    assert set(FIELD_TYPES.keys()) == set(CASES) | COMPUTED | LAYOUT


def test_every_schema_field_type_is_registered():
    enum = form_schema()["$defs"]["field"]["properties"]["type"]["enum"]
    assert sorted(enum) == FIELD_TYPES.keys()


@pytest.mark.parametrize(("kind", "raw", "cleaned"), [(k, v, c) for k, (_, ok, _) in CASES.items() for v, c in ok])
def test_valid_values_are_cleaned(kind, raw, cleaned):
    assert FIELD_TYPES.get(kind).clean(_spec(kind, CASES[kind][0]), raw) == cleaned


@pytest.mark.parametrize(("kind", "raw", "code"), [(k, v, c) for k, (_, _, bad) in CASES.items() for v, c in bad])
def test_invalid_values_are_refused_with_a_message(kind, raw, code):
    kind_ = FIELD_TYPES.get(kind)
    with pytest.raises(FieldValueError) as caught:
        kind_.clean(_spec(kind, CASES[kind][0]), raw)
    assert caught.value.code == code
    for locale in ("zh-CN", "en"):
        assert kind_.message(code, locale)


@pytest.mark.parametrize(("kind", "raw"), [(k, v) for k, (_, ok, _) in CASES.items() for v, _ in ok])
def test_the_client_schema_accepts_what_the_server_accepts(kind, raw):
    schema = FIELD_TYPES.get(kind).value_schema(_spec(kind, CASES[kind][0]))
    assert Draft202012Validator(schema).is_valid(raw)


STRUCTURAL = {
    "wrong_type",
    "not_number",
    "not_a_list",
    "not_boolean",
    "not_attachments",
    "not_location",
    "not_id",
    "not_principal",
    "stars",
    "not_rows",
    "not_an_option",
    "repeated",
    "too_many",
    "too_many_rows",
    "below_min",
    "above_max",
}


@pytest.mark.parametrize(
    ("kind", "raw"), [(k, v) for k, (_, _, bad) in CASES.items() for v, c in bad if c in STRUCTURAL and k != "number"]
)
def test_the_client_schema_refuses_structural_mistakes_too(kind, raw):
    schema = FIELD_TYPES.get(kind).value_schema(_spec(kind, CASES[kind][0]))
    assert not Draft202012Validator(schema).is_valid(raw)


@pytest.mark.parametrize("kind", sorted(CASES))
def test_dump_gives_json_back(kind):
    import json

    extras, ok, _ = CASES[kind]
    spec = _spec(kind, extras)
    kind_ = FIELD_TYPES.get(kind)
    dumped = kind_.dump(spec, kind_.clean(spec, ok[0][0]))
    assert json.loads(json.dumps(dumped)) == dumped


def test_mobile_message_reads_as_the_issue_asks():
    mobile = FIELD_TYPES.get("mobile")
    assert mobile.message("invalid", "zh-CN").format(label="联系电话") == "联系电话格式不正确"
