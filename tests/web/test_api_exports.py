"""The export API over HTTP: file names, headers, filters from the query string, and problems."""

import io
from datetime import datetime
from urllib.parse import quote
from zoneinfo import ZoneInfo

import openpyxl
import pytest

BASE = "/api/v1/apps/property_repair/forms"


@pytest.fixture
def api(client, installed_property_app):
    return client


@pytest.fixture
def parts(api) -> None:
    for code, name, price in [("V-1", "角阀", "35.50"), ("T-1", "生料带", "2"), ("K-1", "管卡", "0.80")]:
        response = api.post(f"{BASE}/spare_part/records", json={"code": code, "name": name, "unit_price": price})
        assert response.status_code == 201


def _today() -> str:
    return datetime.now(ZoneInfo("Asia/Shanghai")).strftime("%Y%m%d")


def test_csv_download_has_a_utf8_file_name_filters_and_the_asked_language(api, parts):
    response = api.get(
        f"{BASE}/spare_part/export.csv?unit_price__ge=2&sort=code&limit=1&cursor=ignored",
        headers={"Accept-Language": "en-US,en;q=0.9"},
    )

    assert response.status_code == 200
    assert response.is_streamed
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == (
        f"attachment; filename=\"spare_part-{_today()}.csv\"; filename*=UTF-8''Spare%20part-{_today()}.csv"
    )
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")
    lines = body.decode("utf-8-sig").split("\r\n")
    assert lines[0] == "ID,Code,Name,Unit,Unit price,Stock,Created at,Created by,Updated at"
    assert [line.split(",")[1:5] for line in lines[1:-1]] == [
        ["T-1", "生料带", "", "2.00"],
        ["V-1", "角阀", "", "35.50"],
    ]


def test_xlsx_download_opens_with_chinese_headers_and_name(api, parts):
    response = api.get(f"{BASE}/spare_part/export.xlsx?lang=zh-CN&code__in=V-1,T-1&sort=-code")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response.headers["Content-Length"] == str(len(response.get_data()))
    assert response.headers["Content-Disposition"].endswith(f"filename*=UTF-8''{quote('备件')}-{_today()}.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.get_data()))["备件"]
    rows = [row[1:5] for row in sheet.iter_rows(values_only=True)]
    assert rows == [("备件编码", "备件名称", "单位", "单价"), ("V-1", "角阀", None, 35.5), ("T-1", "生料带", None, 2)]


def test_errors_are_problems_never_a_half_sent_file(api):
    unknown = api.get(f"{BASE}/nope/export.csv")
    bad_filter = api.get(f"{BASE}/spare_part/export.xlsx?media=1")
    bad_sort = api.get(f"{BASE}/spare_part/export.csv?sort=-nope")

    assert [(r.status_code, r.mimetype, r.json["detail"]) for r in (unknown, bad_filter, bad_sort)] == [
        (404, "application/problem+json", "app 'property_repair' has no form 'nope'"),
        (400, "application/problem+json", "cannot filter on 'media'; filter on a field with single values"),
        (
            400,
            "application/problem+json",
            "cannot sort by 'nope'; sort by id, created_at, updated_at or a field with single values",
        ),
    ]
