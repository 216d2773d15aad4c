"""Relation paths in the forms domain: walking them over definitions, and loading what they reach level by level."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

import pytest

from engine.forms.relation_paths import PathEnd, PathFault, relate, walk
from engine.forms.spec import FormSpec
from engine.forms.validation import FormValidator
from tests.relation_paths_app import PACKAGE

FORMS = {f["id"]: FormSpec.from_definition("estate", f) for f in PACKAGE["forms"]}
TICKET = FORMS["ticket"]


class Records:
    """``RelatedRecords`` in memory, noting every load."""

    def __init__(self, rows: Mapping[str, Mapping[int, Mapping[str, Any]]]):
        self.rows = rows
        self.loads: list[tuple[str, tuple[int, ...]]] = []

    def form(self, form_id: str) -> FormSpec | None:
        return FORMS.get(form_id)

    def load(self, form_id: str, ids: Collection[int], reads: Collection[str]) -> Mapping[int, Mapping[str, Any]]:
        self.loads.append((form_id, tuple(ids)))
        return {i: self.rows[form_id][i] for i in ids if i in self.rows.get(form_id, {})}


def records() -> Records:
    return Records(
        {
            "community": {1: {"id": 1, "name": "东区", "closed": False}, 2: {"id": 2, "name": "旧区", "closed": True}},
            "building": {10: {"id": 10, "name": "1栋", "community": 1}, 20: {"id": 20, "name": "3栋", "community": 2}},
            "room": {100: {"id": 100, "name": "101", "building": 10}, 200: {"id": 200, "name": "301", "building": 20}},
        }
    )


def fields_of(form_id: str):  # type: ignore[no-untyped-def]
    return FORMS[form_id].fields if form_id in FORMS else None


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (("room", "building", "community", "name"), PathEnd(None)),
        (("room", "building", "community"), PathEnd("community")),
        (("room", "created_at", "year"), PathEnd(None)),
        (("room", "neighbours"), PathEnd("room", multiple=True)),
        (("room", "building", "floor"), PathFault("unknown_field", 2, "floor", "building")),
        (("room", "name", "x"), PathFault("not_relation", 2, "x", "name")),
        (("room", "neighbours", "name"), PathFault("multiple", 2, "name", "neighbours")),
        (("area", "upper"), PathEnd(None)),
        (("id", "x"), PathFault("not_relation", 1, "x", "id")),
        (("user", "communities"), None),
        (("visits", "*", "place", "building", "name"), PathEnd(None)),
        (("visits", "*", "plce"), PathFault("unknown_row_field", 2, "plce", "visits")),
        (("room", "neighbours", "*", "name"), PathFault("multiple", 3, "name", "neighbours")),
    ],
)
def test_walking_a_path_over_the_forms(path, expected):
    assert walk(path, TICKET.fields, fields_of) == expected


def test_each_level_of_many_records_is_one_load_per_form():
    related = records()
    contexts: list[dict[str, Any]] = [{"room": 100}, {"room": 200}, {"room": 100}, {"room": None}, {"room": 999}]

    relate(TICKET.fields, contexts, {("room", "building", "community", "name")}, related)

    assert related.loads == [("room", (100, 200, 999)), ("building", (10, 20)), ("community", (1, 2))]
    assert [c["room"] and c["room"].field("building").field("community").field("name") for c in contexts[:3]] == [
        "东区",
        "旧区",
        "东区",
    ]
    assert contexts[3]["room"] is None and contexts[4]["room"].field("building") is None


def test_rows_of_a_sub_table_are_read_through_with_one_load_per_level_for_all_rows():
    related = records()
    rows = [{"place": 100}, {"place": 200}, {"place": 100}]
    context: dict[str, Any] = {"visits": rows}

    relate(TICKET.fields, [context], {("visits", "*", "place", "building", "name")}, related)

    assert related.loads == [("room", (100, 200)), ("building", (10, 20))]
    assert [r["place"].field("building").field("name") for r in context["visits"]] == ["1栋", "3栋", "1栋"]
    assert rows == [{"place": 100}, {"place": 200}, {"place": 100}]  # the caller's rows are left as they were


def test_formula_default_visibility_and_rule_read_three_levels_deep():
    validator = FormValidator(TICKET)
    related = records()

    values = validator.validate({"room": 100}, related=related)
    preview = validator.preview({"room": 100}, related=related)

    assert (values["building"], values["community"], values["area"], values["contact"]) == (10, 1, "东区", "东区物业")
    assert preview["visible"]["gate_code"] is True


def test_a_rule_through_relations_refuses_the_record():
    from engine.errors import SubmissionError

    with pytest.raises(SubmissionError) as caught:
        FormValidator(TICKET).validate({"room": 200}, locale="en", related=records())

    assert caught.value.field_errors == {"room": ["That community is closed"]}


def test_without_records_to_read_paths_read_as_empty_instead_of_failing():
    values = FormValidator(TICKET).validate({"room": 100})

    assert (values["room"], values["building"], values["area"]) == (100, None, None)
