"""The dashboard and report pages (SQLite and PostgreSQL) over the five hand-counted tickets of
``tests/reports_app.py``: widgets drawn in the page's language and formats, filters carried in the
address, KPI cards compared with the previous period (numbers worked out by hand), drill-down into
the list page with the filters shown, widgets refused one by one, exports, and plotly served locally.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import re
from datetime import UTC, datetime
from html import unescape
from urllib.parse import parse_qsl, urlsplit

import pytest
from openpyxl import load_workbook

from engine.services.report_views import duration, formatted
from tests.reports_app import APP, PASSWORD, load, reports_package

COUNT = {"id": "tickets", "agg": "count", "label": {"zh-CN": "工单数", "en": "Tickets"}}
PAGE_REPORTS = [
    {
        "id": "per_community",
        "name": {"zh-CN": "各小区工单", "en": "Tickets per community"},
        "source": {"form": "ticket"},
        "rows": [{"id": "community", "field": "room.building.community"}],
        "measures": [COUNT],
        "chart": {"type": "pie", "x": "community", "y": ["tickets"], "donut": True},
    },
    {
        "id": "amounts_month",
        "name": {"zh-CN": "每月金额", "en": "Amounts per month"},
        "source": {"form": "ticket"},
        "rows": [{"id": "month", "field": "due_at", "bucket": "month"}],
        "columns": [{"id": "urgent", "field": "urgent"}],
        "measures": [{"id": "amount", "agg": "sum", "field": "amount", "format": "money"}],
        "chart": {"type": "pivot"},
    },
    {
        "id": "recent",
        "name": {"zh-CN": "近31天工单", "en": "Tickets in the last 31 days"},
        "source": {"form": "ticket"},
        "filters": [{"field": "due_at", "op": "within_last", "value": "P31D"}],
        "measures": [COUNT],
        "chart": {"type": "kpi", "y": ["tickets"]},
    },
    {
        "id": "communities",
        "name": {"zh-CN": "小区", "en": "Communities"},
        "source": {"form": "community"},
        "rows": [{"field": "name"}],
        "measures": [COUNT],
        "chart": {"type": "table"},
    },
]
BOARD = {
    "id": "pages",
    "name": {"zh-CN": "运营看板", "en": "Operations"},
    "filters": [
        {
            "id": "community",
            "field": "room.building.community",
            "kind": "select",
            "label": {"zh-CN": "小区", "en": "Community"},
        },
        {"id": "period", "field": "due_at", "kind": "date_range", "label": {"zh-CN": "日期", "en": "Dates"}},
    ],
    "widgets": [
        {"id": "pie", "report": "per_community", "x": 0, "y": 0, "w": 12, "h": 6},
        {"id": "kpi", "report": "recent", "x": 12, "y": 0, "w": 6, "h": 3},
        {"id": "pivot", "report": "amounts_month", "x": 0, "y": 6, "w": 24, "h": 6},
        {"id": "places", "report": "communities", "x": 18, "y": 0, "w": 6, "h": 3},
    ],
}
NOW = datetime(2026, 1, 31, 16, 30, tzinfo=UTC)  # 2026-02-01 00:30 in Shanghai


class Session:
    def __init__(self, app, login: str, locale: str = "zh-CN"):
        self.client = app.test_client()
        self.client.environ_base["HTTP_ACCEPT_LANGUAGE"] = locale
        token = re.search(r'name="csrf_token" value="([^"]+)"', self.client.get("/login").get_data(as_text=True))
        answer = self.client.post("/login", data={"login": login, "password": PASSWORD, "csrf_token": token.group(1)})
        assert answer.status_code == 302

    def get(self, url: str, **kwargs):
        return self.client.get(url, **kwargs)

    def model(self, url: str) -> dict:
        answer = self.client.get(url)
        assert answer.status_code == 200, answer.get_data(as_text=True)[:500]
        found = re.search(
            r'<script type="application/json" id="model">(.*?)</script>', answer.get_data(as_text=True), re.S
        )
        return json.loads(found.group(1))


@pytest.fixture
def site(client, app):
    package = reports_package()
    package["reports"] += copy.deepcopy(PAGE_REPORTS)
    package["dashboards"].append(copy.deepcopy(BOARD))
    package["permissions"] += [
        {"role": "boss", "form": form, "actions": ["read", "export"]}
        for form in ("ticket", "community", "building", "room")
    ]
    package["roles"].append({"id": "boss", "name": {"zh-CN": "经理", "en": "Manager"}})
    assert client.post("/api/v1/apps", json=package).status_code == 201, "installed"
    ids = load(client)
    services = app.extensions["trellis"]
    services.reports.clock = lambda: NOW
    services.directory.create_user("boss", PASSWORD, roles=[(APP, "boss")])
    services.directory.create_user("agent", PASSWORD, roles=[(APP, "agent")], communities=[ids["c1"]])
    return app, ids


def widgets(model: dict) -> dict[str, dict]:
    return {w["id"]: w for w in model["widgets"]}


def test_the_board_draws_each_widget_in_the_pages_language_with_previous_period_and_drills(site):
    app, ids = site
    boss = Session(app, "boss")
    page = boss.get(f"/apps/{APP}/dashboards/pages?lang=zh-CN")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "运营看板" in html and 'src="/assets/plotly.min.js"' in html
    assert f'href="/apps/{APP}/reports/per_community?board=pages&amp;lang=zh-CN"' in html  # the title opens the report

    found = widgets(boss.model(f"/apps/{APP}/dashboards/pages?lang=zh-CN"))
    pie = found["pie"]["figure"]["data"][0]
    assert (pie["type"], pie["labels"], pie["values"], pie["hole"]) == (
        "pie",
        ["一区", "二区", "（空）"],
        [2, 2, 1],
        0.45,
    )
    first = dict(parse_qsl(urlsplit(pie["customdata"][0]).query))
    assert urlsplit(pie["customdata"][0]).path == f"/apps/{APP}/forms/ticket/records"
    assert first == {"room.building.community__eq": str(ids["c1"]), "lang": "zh-CN"}
    # the last 31 days before 2026-02-01 00:30 in Shanghai: t1 (exactly on the edge), t2, t3; the 31 before: t4
    assert {k: found["kpi"]["kpi"][k] for k in ("value", "trend", "change")} == {
        "value": "3",
        "trend": "up",
        "change": "+200.0%",
    }
    assert found["kpi"]["kpi"]["previous"] == "上期 1"
    pivot = found["pivot"]["pivot"]
    assert pivot["columns"] == ["否", "是"] and pivot["corner"] == ["到期时间"]
    assert [row["labels"] for row in pivot["rows"]] == [["2025-12"], ["2026-01"], ["2026-02"], ["（空）"]]
    assert [c["text"] for c in pivot["rows"][1]["cells"]] == ["¥50.00", "¥100.00"]
    assert pivot["rows"][1]["total"]["text"] == "¥150.00"
    assert [c["text"] for c in pivot["totals"]["cells"]] == ["¥70.00", "¥130.00"]
    assert pivot["totals"]["total"]["text"] == "¥200.00"
    assert pivot["rows"][1]["cells"][1]["heat"] == 1
    assert found["places"]["table"]["rows"][0]["cells"] == ["一区", "1"]


def test_filters_are_carried_in_the_address_and_narrow_every_widget(site):
    app, ids = site
    boss = Session(app, "boss", "en")
    url = f"/apps/{APP}/dashboards/pages?community={ids['c1']}&period__from=2026-01-01&period__to=2026-01-31&lang=en"
    model = boss.model(url)
    assert model["query"] == [
        ("community", str(ids["c1"])),
        ("period__from", "2026-01-01"),
        ("period__to", "2026-01-31"),
    ] or model["query"] == [["community", str(ids["c1"])], ["period__from", "2026-01-01"], ["period__to", "2026-01-31"]]
    community = model["filters"][0]
    assert community["value"] == str(ids["c1"])
    assert {o["label"] for o in community["options"]} == {"一区", "二区"}  # the names, not the ids
    found = widgets(model)
    assert found["pie"]["figure"]["data"][0]["values"] == [2]
    # 1-31 January (t1, t2 in community 1) against the 31 days before it (t4 is in community 2: none)
    assert found["kpi"]["kpi"]["value"] == "2"
    assert found["kpi"]["kpi"]["previous"] == "Previous period 0"
    assert found["kpi"]["kpi"]["trend"] == "up" and found["kpi"]["kpi"]["change"] == "+2"  # from 0: no percentage
    assert "community=" in found["pie"]["href"] and "period__from=2026-01-01" in found["pie"]["href"]
    assert found["pie"]["exports"]["csv"].startswith(f"/apps/{APP}/reports/per_community/export.csv?community=")


def test_a_drill_lands_on_the_list_page_with_the_filters_shown_as_names(site):
    app, ids = site
    boss = Session(app, "boss")
    found = widgets(boss.model(f"/apps/{APP}/dashboards/pages?lang=zh-CN"))
    month = found["pivot"]["pivot"]["rows"][1]["cells"][1]["drill"]  # January 2026, urgent: t1
    listed = boss.get(month)
    html = unescape(listed.get_data(as_text=True))
    assert listed.status_code == 200
    assert re.findall(r'data-record="(\d+)"', html) == [str(ids["t1"])]
    chips = re.findall(r'<span class="chip active-filter"[^>]*>(.*?)</span>', html, re.S)
    text = " ".join(" ".join(c.split()) for c in chips)
    assert "到期时间 ≥ 2026-01-01 00:00" in text and "到期时间 < 2026-02-01 00:00" in text and "紧急 = 是" in text
    pie = found["pie"]["figure"]["data"][0]["customdata"][0]
    html = unescape(boss.get(pie).get_data(as_text=True))
    assert "小区 = 一区" in " ".join(html.split())
    assert sorted(re.findall(r'data-record="(\d+)"', html)) == sorted([str(ids["t1"]), str(ids["t2"])])


def test_a_widget_over_an_unreadable_form_is_refused_alone_and_a_board_of_nothing_is_403(site, app):
    app, ids = site
    agent = Session(app, "agent")
    found = widgets(agent.model(f"/apps/{APP}/dashboards/pages?lang=zh-CN"))
    assert found["places"]["message"] == "您没有查看此图表数据的权限。"
    assert "href" not in found["places"] and "table" not in found["places"]
    assert found["pie"]["figure"]["data"][0]["values"] == [2]  # the agent's own community only
    html = agent.get(f"/apps/{APP}/dashboards/pages?lang=zh-CN").get_data(as_text=True)
    assert "/reports/communities" not in html
    assert agent.get(f"/apps/{APP}/reports/communities?lang=zh-CN").status_code == 403
    package_roles = app.extensions["trellis"]
    package_roles.directory.create_user("nobody", PASSWORD)
    nobody = Session(app, "nobody")
    assert nobody.get(f"/apps/{APP}/dashboards/pages?lang=zh-CN", headers={"Accept": "text/html"}).status_code == 403


def test_the_report_page_shows_the_chart_rows_totals_and_exports(site):
    app, ids = site
    boss = Session(app, "boss", "en")
    model = boss.model(f"/apps/{APP}/reports/per_community?board=pages&community={ids['c2']}&lang=en")
    assert model["board"]["href"] == f"/apps/{APP}/dashboards/pages?community={ids['c2']}&lang=en"
    table = model["widget"]["table"]
    assert table["header"] == ["room.building.community", "Tickets"] or table["header"][1] == "Tickets"
    assert [row["cells"] for row in table["rows"]] == [["二区", "2"]]
    assert table["totals"]["cells"] == ["Total", "2"]
    csv_file = boss.get(model["exports"]["csv"])
    assert csv_file.status_code == 200 and csv_file.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(csv_file.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[1:] == [["二区", "2"], ["Total", "2"]]
    xlsx = boss.get(model["exports"]["xlsx"])
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    assert [[c.value for c in row] for row in sheet.iter_rows()][1:] == [["二区", 2], ["Total", 2]]
    standalone = boss.model(f"/apps/{APP}/reports/recent?lang=en")  # a report of the board, filters included
    assert [f["id"] for f in standalone["filters"]] == ["community", "period"]
    elsewhere = boss.model(f"/apps/{APP}/reports/communities?board=pages&community={ids['c1']}&lang=en")
    assert elsewhere["filters"][0]["options"] == []  # the board's filter reaches no column of this report's form
    assert [row["cells"] for row in elsewhere["widget"]["table"]["rows"]] == [["一区", "1"], ["二区", "1"]]


def test_plotly_is_served_from_the_package_with_caching(site):
    app, _ = site
    answer = app.test_client().get("/assets/plotly.min.js")
    assert answer.status_code == 200
    assert answer.mimetype == "text/javascript" and "max-age=604800" in answer.headers["Cache-Control"]
    assert answer.headers.get("ETag")
    again = app.test_client().get("/assets/plotly.min.js", headers={"If-None-Match": answer.headers["ETag"]})
    assert again.status_code == 304


@pytest.mark.parametrize(
    ("value", "kind", "locale", "shown"),
    [
        (7500, "duration", "zh-CN", "2小时5分"),
        (7500, "duration", "en", "2 h 5 min"),
        (45, "duration", "en", "45 s"),
        (93600, "duration", "zh-CN", "1天2小时"),
        (1234, "money", "en", "¥1,234.00"),
        (0.123, "percent", "zh-CN", "12.3%"),
        (1234567, "number", "en", "1,234,567"),
        (3.25, "number", "en", "3.25"),
        (None, "number", "en", "—"),
    ],
)
def test_formats(value, kind, locale, shown):
    assert formatted(value, kind, locale) == shown
    assert duration(60, "zh-CN") == "1分"
