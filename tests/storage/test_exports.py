"""Exports of the property app's records to CSV and XLSX, on SQLite and PostgreSQL."""

import csv
import io
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from sqlalchemy import select

from engine.errors import NotFoundError, PermissionDeniedError
from engine.principal import LOCAL_ADMIN, Principal
from engine.services.apps import AppService
from engine.services.exports import ExportService, csv_text
from engine.services.records import RecordService
from engine.storage.catalog import AppCatalog
from engine.storage.record_queries import ListQuery, QueryError
from engine.storage.tables import AuditEventRow
from tests.docs.test_app_format_doc import example_package

ADMIN = LOCAL_ADMIN
APP = "property_repair"
SHANGHAI = ZoneInfo("Asia/Shanghai")
ORDER_HEADERS_ZH = [
    "编号",
    "报修单号",
    "业主姓名",
    "联系电话",
    "小区",
    "楼栋",
    "房号",
    "报修类型",
    "紧急程度",
    "问题描述",
    "现场照片/视频",
    "报修时间",
    "期望上门时间",
    "受理客服",
    "驳回原因",
    "派单班组",
    "维修工",
    "班组长",
    "到场签到时间",
    "签到位置",
    "处理结果",
    "使用备件",
    "费用合计",
    "已结算费用",
    "是否收费",
    "完工照片",
    "问题已解决",
    "业主评分",
    "评价",
    "返修次数",
    "关闭时间",
    "创建时间",
    "创建人",
    "更新时间",
]


@pytest.fixture
def records(database, property_package) -> RecordService:
    AppService(database).import_package(property_package, actor="test")
    return RecordService(database, AppCatalog())


@pytest.fixture
def exports(records) -> ExportService:
    return ExportService(records, batch_size=2)  # small batches, so every test crosses a keyset page


@pytest.fixture
def order(records) -> dict:
    """One repair order touching every kind of cell: relations, a sub-table, money, times, files."""
    community, _ = records.create(ADMIN, APP, "community", {"name": "阳光花园"})
    building, _ = records.create(ADMIN, APP, "building", {"community": community["id"], "name": "3栋"})
    room, _ = records.create(ADMIN, APP, "room", {"building": building["id"], "room_no": "1201"})
    valve, _ = records.create(ADMIN, APP, "spare_part", {"code": "V-1", "name": "角阀", "unit_price": "35.50"})
    tape, _ = records.create(ADMIN, APP, "spare_part", {"code": "T-1", "name": "生料带", "unit_price": 2})
    record, _ = records.create(
        ADMIN,
        APP,
        "repair_order",
        {
            "owner_name": '=HYPERLINK("http://evil")',
            "phone": "13812345678",
            "community": community["id"],
            "room": room["id"],
            "repair_type": "水电",
            "description": "厨房水管漏水\n请尽快",
            "media": ["a" * 32, "b" * 32],
            "expected_visit_at": "2099-03-01T09:30",
            "check_in_location": {"lat": 30.27, "lng": 120.15, "address": "杭州市西湖区"},
            "parts_used": [{"part": valve["id"], "qty": 2}, {"part": tape["id"], "qty": 3}],
            "chargeable": True,
        },
    )
    return record


def _csv(exports: ExportService, form: str, query: str = "", **options) -> str:
    return _csv_of(exports, APP, form, query, **options)


def _csv_of(exports: ExportService, app: str, form: str, query: str = "", **options) -> str:
    args = dict(part.split("=", 1) for part in query.split("&") if part)
    raw = b"".join(exports.csv(ADMIN, app, form, ListQuery.from_args(args), **options).chunks)
    assert raw.startswith(b"\xef\xbb\xbf")
    return raw.decode("utf-8-sig")


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def _local(iso: str) -> str:
    return datetime.fromisoformat(iso).astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


def test_csv_shows_what_people_read_under_chinese_headers(exports, records, order):
    text = _csv(exports, "repair_order")

    lines = text.split("\r\n")
    created = _local(order["created_at"])
    assert lines[0].split(",") == ORDER_HEADERS_ZH
    assert lines[1:] == [
        f'{order["id"]},{order["data"]["order_no"]},"\'=HYPERLINK(""http://evil"")",13812345678,阳光花园,3栋,1201,'
        f'水电,一般,"厨房水管漏水\n请尽快",2,{created},2099-03-01 09:30,,,,,,,杭州市西湖区,,角阀×2; 生料带×3,'
        f"77.00,,是,,,,,0,,{created},admin,{created}",
        "",
    ]


def test_csv_joins_the_values_of_a_multiselect_and_a_multiple_relation(database):
    package = example_package()
    package["forms"][0]["fields"] += [
        {"id": "kinds", "type": "multiselect", "label": "类型", "options": [{"value": "水泵"}, {"value": "风机"}]},
        {"id": "spares", "type": "relation", "label": "备用", "target": "device", "multiple": True},
    ]
    AppService(database).import_package(package, actor="test")
    records = RecordService(database, AppCatalog())
    spare, _ = records.create(ADMIN, "inspection", "device", {"code": "D-0", "name": "备用泵"})
    records.create(
        ADMIN,
        "inspection",
        "device",
        {"code": "D-1", "name": "主泵", "kinds": ["水泵", "风机"], "spares": [spare["id"]]},
    )

    rows = _rows(_csv_of(ExportService(records), "inspection", "device"))

    by_code = {row[rows[0].index("编码")]: row for row in rows[1:]}
    assert by_code["D-1"][rows[0].index("类型")] == "水泵、风机"
    assert by_code["D-1"][rows[0].index("备用")] == "备用泵"
    assert (by_code["D-0"][rows[0].index("类型")], by_code["D-0"][rows[0].index("备用")]) == ("", "")


def test_filters_sort_and_batches_apply_and_deleted_records_stay_out(exports, records):
    ids = {}
    for n, price in enumerate(["0", "1.5", "2", "3.25", "4"]):
        part, _ = records.create(ADMIN, APP, "spare_part", {"code": f"C{n}", "name": "件", "unit_price": price})
        ids[n] = part["id"]
    records.delete(ADMIN, APP, "spare_part", ids[2])

    text = _csv(exports, "spare_part", "unit_price__ge=1&sort=-code&deleted=true", locale="en")

    header, *rows = _rows(text)
    assert header == ["ID", "Code", "Name", "Unit", "Unit price", "Stock", "Created at", "Created by", "Updated at"]
    assert [(r[0], r[1], r[4]) for r in rows] == [
        (str(ids[4]), "C4", "4.00"),
        (str(ids[3]), "C3", "3.25"),
        (str(ids[1]), "C1", "1.50"),
    ]


def test_xlsx_cells_are_typed_and_each_subtable_gets_a_sheet(exports, order):
    download = exports.xlsx(ADMIN, APP, "repair_order", ListQuery(), locale="zh-CN")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(download.chunks)))

    main, parts = book["报修单"], book["使用备件"]
    header, row = list(main.iter_rows(max_row=2))
    cells = dict(zip(ORDER_HEADERS_ZH, row, strict=True))
    assert book.sheetnames == ["报修单", "使用备件"]
    assert [c.value for c in header] == ORDER_HEADERS_ZH
    assert all(c.font.b for c in header) and main.freeze_panes == "A2"
    assert main.column_dimensions["J"].width == 40  # 问题描述, a multi-line text
    assert (cells["编号"].value, cells["编号"].number_format) == (order["id"], "0")
    assert (cells["业主姓名"].value, cells["业主姓名"].data_type) == ('=HYPERLINK("http://evil")', "s")
    assert (cells["费用合计"].value, cells["费用合计"].number_format) == (77, "0.00")
    assert (cells["期望上门时间"].value, cells["期望上门时间"].number_format) == (
        datetime(2099, 3, 1, 9, 30),
        "yyyy-mm-dd hh:mm",
    )
    assert (cells["现场照片/视频"].value, cells["是否收费"].value) == (2, "是")
    assert [[c.value for c in r] for r in parts.iter_rows()] == [
        ["报修单编号", "备件", "数量", "单价", "金额"],
        [order["id"], "角阀", 2, 35.5, 71],
        [order["id"], "生料带", 3, 2, 6],
    ]
    assert [c.number_format for c in list(parts.iter_rows())[1]] == ["0", "General", "0", "0.00", "0.00"]


def test_every_export_writes_one_audit_event_with_its_row_count(exports, records, database):
    for code in ("V-1", "T-1", "K-1"):
        records.create(ADMIN, APP, "spare_part", {"code": code, "name": "件", "unit_price": 1})

    exports.xlsx(ADMIN, APP, "spare_part", ListQuery.from_args({"code": "V-1"})).chunks.close()  # built, not sent
    b"".join(exports.csv(ADMIN, APP, "spare_part", ListQuery(), locale="en").chunks)
    aborted = exports.csv(ADMIN, APP, "spare_part", ListQuery.from_args({"sort": "code"})).chunks
    next(aborted), next(aborted)  # the header, then the first batch of two; then the client goes away
    aborted.close()

    with database.transaction() as session:
        events = session.scalars(select(AuditEventRow).where(AuditEventRow.action == "records.export")).all()
        seen = [(e.actor, e.subject_type, e.subject_id, e.details) for e in events]
    subject = ("admin", "form", "property_repair/spare_part")
    assert seen == [
        (
            *subject,
            {
                "format": "xlsx",
                "rows": 1,
                "complete": True,
                "locale": "zh-CN",
                "filters": [["code", "eq", "V-1"]],
                "sort": "-id",
            },
        ),
        (*subject, {"format": "csv", "rows": 3, "complete": True, "locale": "en", "filters": [], "sort": "-id"}),
        (*subject, {"format": "csv", "rows": 2, "complete": False, "locale": "zh-CN", "filters": [], "sort": "code"}),
    ]


def test_unknown_forms_bad_filters_and_strangers_fail_before_any_byte(exports):
    stranger = Principal(id="someone")
    with pytest.raises(NotFoundError) as unknown:
        exports.csv(ADMIN, APP, "repair_ordr", ListQuery())
    with pytest.raises(QueryError) as bad_filter:
        exports.xlsx(ADMIN, APP, "repair_order", ListQuery.from_args({"media": "1"}))
    with pytest.raises(PermissionDeniedError) as denied:
        exports.csv(stranger, APP, "repair_order", ListQuery())

    assert unknown.value.message == "app 'property_repair' has no form 'repair_ordr' (did you mean 'repair_order'?)"
    assert bad_filter.value.message == "cannot filter on 'media'; filter on a field with single values"
    assert denied.value.message == "you may not export records of 'repair_order'"


@pytest.mark.parametrize(
    ("cell", "text"),
    [
        ("=1+1", "'=1+1"),
        ("+86 138", "'+86 138"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("a=b", "a=b"),
        (Decimal("-2.50"), "-2.50"),
        (Decimal("12"), "12"),
        (datetime(2026, 3, 1, 9, 30, 15), "2026-03-01 09:30"),
        (7, "7"),
        (None, ""),
    ],
)
def test_csv_cells_that_a_spreadsheet_would_run_get_an_apostrophe(cell, text):
    assert csv_text(cell) == text
