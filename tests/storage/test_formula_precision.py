"""A numeric formula answers at its declared ``precision``, the same after a re-read from SQLite and
PostgreSQL, in the history, in exports and in what a flow condition reads."""

import copy
import io
from decimal import Decimal

import openpyxl
import pytest

from engine.expressions.compiler import compile_expression
from engine.packages import package_problems
from engine.principal import LOCAL_ADMIN
from engine.services.apps import AppService
from engine.services.exports import ExportService
from engine.services.records import RecordService
from engine.storage.catalog import AppCatalog
from engine.storage.record_queries import ListQuery
from tests.docs.test_app_format_doc import example_package

APP = "property_repair"
THIRD = {"id": "third", "type": "formula", "label": "三分之一", "expression": "unit_price / 3", "precision": 2}
DEFAULT = {"id": "third_exact", "type": "formula", "label": "默认", "expression": "unit_price / 3"}
TENTH = {
    "id": "tenth",
    "type": "formula",
    "label": "十分之一",
    "expression": "unit_price / 10",
    "result_type": "money",
    "precision": 0,
}


def _spare_part_fields(package: dict) -> list:
    return next(f for f in package["forms"] if f["id"] == "spare_part")["fields"]


@pytest.fixture
def records(database, property_package) -> RecordService:
    package = copy.deepcopy(property_package)
    _spare_part_fields(package).extend([THIRD, DEFAULT, TENTH])
    AppService(database).import_package(package, actor="test")
    return RecordService(database, AppCatalog())


@pytest.fixture
def part(records) -> dict:
    created, _ = records.create(LOCAL_ADMIN, APP, "spare_part", {"code": "V-1", "name": "角阀", "unit_price": "35.50"})
    return created


def test_a_number_formula_answers_at_its_precision(part):
    data = part["data"]

    assert (data["third"], data["third_exact"], data["tenth"]) == ("11.83", "11.833333", "4")


def test_a_re_read_answers_the_same_places_on_both_back_ends(records, part):
    again = records.get(LOCAL_ADMIN, APP, "spare_part", part["id"])

    assert (again["data"]["third"], again["data"]["tenth"]) == ("11.83", "4")


def test_the_history_keeps_the_declared_places(records, part):
    records.update(LOCAL_ADMIN, APP, "spare_part", part["id"], {"unit_price": "1"}, expected_version=1)

    history = records.history(LOCAL_ADMIN, APP, "spare_part", part["id"])

    changes = [h["changes"].get("third") for h in history]
    assert changes[-1] == ["11.83", "0.33"]


def test_a_flow_condition_reads_the_rounded_number(records, part):
    form = records.compiled_form(APP, "spare_part")
    with records.rows.transaction() as session:
        values = records.flow_record(session, form, part["id"])

    assert values["third"] == Decimal("11.83")
    assert compile_expression("third > 11.83").evaluate(values) is False
    assert compile_expression("third == 11.83 and tenth == 4").evaluate(values) is True


def test_an_export_cell_is_a_number_with_the_declared_decimals(records, part):
    download = ExportService(records).xlsx(LOCAL_ADMIN, APP, "spare_part", ListQuery(), locale="zh-CN")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(download.chunks))).active
    header, row = list(sheet.iter_rows(max_row=2))
    cells = dict(zip([c.value for c in header], row, strict=True))

    assert (cells["三分之一"].value, cells["三分之一"].number_format) == (11.83, "0.00")
    assert (cells["十分之一"].value, cells["十分之一"].number_format) == (4, "0")


@pytest.mark.parametrize("result_type", ["text", "boolean", "date", "datetime"])
def test_precision_on_a_result_that_is_not_a_number_is_refused_with_its_pointer(result_type):
    package = copy.deepcopy(example_package())
    package["forms"][0]["fields"].append(
        {"id": "shown", "type": "formula", "expression": "None", "result_type": result_type, "precision": 2}
    )
    position = len(package["forms"][0]["fields"]) - 1

    found = package_problems(package)

    assert [(p.pointer, p.code) for p in found] == [(f"/forms/0/fields/{position}/precision", "form.formula_precision")]


@pytest.mark.parametrize("precision", [-1, 11, "2", 1.5, None, True])
def test_a_precision_that_is_not_a_small_whole_number_is_refused(precision):
    package = copy.deepcopy(example_package())
    package["forms"][0]["fields"].append({"id": "shown", "type": "formula", "expression": "1", "precision": precision})

    found = package_problems(package)

    assert [p.pointer for p in found] == [f"/forms/0/fields/{len(package['forms'][0]['fields']) - 1}/precision"]


@pytest.mark.parametrize("places, shown", [(2, "11.83"), (0, "12"), (8, "11.83333300")])
def test_a_later_version_may_declare_a_precision_on_a_formula_that_holds_values(
    database, property_package, places, shown
):
    package = copy.deepcopy(property_package)
    _spare_part_fields(package).append(DEFAULT)
    apps = AppService(database)
    apps.import_package(package, actor="test")
    records = RecordService(database, AppCatalog())
    part, _ = records.create(LOCAL_ADMIN, APP, "spare_part", {"code": "V-1", "name": "角阀", "unit_price": "35.50"})
    _spare_part_fields(package)[-1] = {**DEFAULT, "precision": places}

    result = apps.import_package(package, actor="test")

    assert result.version == 2
    assert records.get(LOCAL_ADMIN, APP, "spare_part", part["id"])["data"]["third_exact"] == shown


def test_the_records_api_answers_the_declared_places_over_http(client, property_package):
    package = copy.deepcopy(property_package)
    _spare_part_fields(package).extend([THIRD, DEFAULT, TENTH])
    assert client.post("/api/v1/apps", json=package).status_code in (200, 201)
    url = f"/api/v1/apps/{APP}/forms/spare_part/records"

    created = client.post(url, json={"code": "V-1", "name": "角阀", "unit_price": 35.5})
    read = client.get(f"{url}/{created.json['id']}")

    assert created.status_code == 201, created.json
    for answer in (created.json["data"], read.json["data"]):
        assert (answer["third"], answer["third_exact"], answer["tenth"]) == ("11.83", "11.833333", "4")
        assert Decimal(answer["third"]) == Decimal("11.83")


def test_a_number_formula_without_declared_places_answers_without_padding(records):
    whole, _ = records.create(LOCAL_ADMIN, APP, "spare_part", {"code": "V-3", "name": "阀芯", "unit_price": "36"})
    hundred, _ = records.create(LOCAL_ADMIN, APP, "spare_part", {"code": "V-4", "name": "泵", "unit_price": "300"})

    assert (whole["data"]["third_exact"], hundred["data"]["third_exact"]) == ("12", "100")
