"""A field type defined in one file (tests/forms/toy_field.py) works everywhere a built-in does:
the package schema, cleaning, the form renderer, the task page and exports."""

import copy
import csv
import io
from collections.abc import Iterator

import pytest

from engine.errors import SubmissionError
from engine.forms.spec import FieldSpec, FormSpec
from engine.forms.types import FIELD_TYPES
from engine.forms.ui import form_ui
from engine.forms.validation import FormValidator
from engine.packages import package_problems
from engine.principal import LOCAL_ADMIN
from engine.services.apps import AppService
from engine.services.exports import ExportService
from engine.services.records import RecordService
from engine.storage.catalog import AppCatalog
from engine.storage.record_queries import ListQuery
from engine.web.task_pages import _display
from tests.docs.test_app_format_doc import example_package
from tests.forms.toy_field import PercentType

PERCENT = {"id": "progress", "type": "percent", "label": {"zh-CN": "完成度", "en": "Progress"}, "warn_above": 80}


@pytest.fixture
def percent() -> Iterator[PercentType]:
    with FIELD_TYPES.scoped("percent", PercentType()) as kind:
        yield kind


def _package(**extra: object) -> dict:
    package = copy.deepcopy(example_package())
    package["forms"][0]["fields"].append({**PERCENT, **extra})
    return package


def _form() -> FormSpec:
    return FormSpec.from_definition("demo", {"id": "job", "name": "工单", "fields": [PERCENT]})


def test_a_package_using_the_toy_type_validates(percent):
    assert package_problems(_package()) == []


def test_a_bad_config_of_the_toy_type_is_refused_with_its_pointer(percent):
    position = len(example_package()["forms"][0]["fields"])

    found = package_problems(_package(warn_above=500))

    assert [(p.pointer, p.code) for p in found] == [(f"/forms/0/fields/{position}/warn_above", "schema.range")]


def test_the_toy_types_keys_are_refused_on_other_types(percent):
    package = copy.deepcopy(example_package())
    package["forms"][0]["fields"][0]["warn_above"] = 80

    found = package_problems(package)

    assert [(p.pointer, p.code) for p in found] == [("/forms/0/fields/0/warn_above", "schema.unknown_property")]


def test_without_registration_the_type_is_unknown():
    found = package_problems(_package())

    assert [p.code for p in found] == ["schema.enum"]
    assert "percent" not in FIELD_TYPES


def test_records_are_cleaned_and_refused_by_the_toy_type(percent):
    validator = FormValidator(_form())

    assert validator.validate({"progress": 40})["progress"] == 40
    with pytest.raises(SubmissionError) as caught:
        validator.validate({"progress": 140}, locale="en")
    assert caught.value.field_errors == {"progress": ["Progress must be a whole percentage"]}


def test_the_form_renderer_draws_the_toy_type(percent):
    (step,) = form_ui(_form(), "zh-CN")["steps"]
    (field,) = step["fields"]

    assert field["input"] == "number"
    assert (field["min"], field["max"], field["warn_above"]) == (0, 100, 80)
    assert field["messages"] == {"required": "请填写完成度", "invalid": "完成度应为整数百分比"}


def test_the_task_page_shows_the_toy_type(percent):
    spec = FieldSpec.from_definition(PERCENT)

    assert _display(LOCAL_ADMIN, "demo", spec, 40, "zh-CN") == "40%"


def test_exports_write_the_toy_type(percent, database, property_package):
    package = copy.deepcopy(property_package)
    form = next(f for f in package["forms"] if f["id"] == "spare_part")
    form["fields"].append(PERCENT)
    AppService(database).import_package(package, actor="test")
    records = RecordService(database, AppCatalog())
    records.create(
        LOCAL_ADMIN, package["id"], "spare_part", {"code": "P-1", "name": "角阀", "unit_price": "12.5", "progress": 75}
    )

    download = ExportService(records).csv(LOCAL_ADMIN, package["id"], "spare_part", ListQuery(), locale="en")
    text = b"".join(download.chunks).decode("utf-8-sig")

    header, row = list(csv.reader(io.StringIO(text, newline="")))
    assert row[header.index("Progress")] == "75"
