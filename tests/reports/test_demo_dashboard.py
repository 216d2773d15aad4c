"""The property dashboard on the demo data (SQLite and PostgreSQL): demo history that ran its flows
(``_flow`` steps replayed on a back-dated clock) makes every widget show believable numbers.

The demo is trimmed for speed: its people and places, the 40 newest tickets that ran their flows,
20 older plain ones, and the tickets still in progress (created today).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from engine.demo import load_demo
from engine.expressions.dates import COMPANY_ZONE
from engine.services.apps import AppService
from tests.conftest import ROOT

APP = "property_repair"
DEMO = ROOT / "apps" / "property_repair.demo.json"
PACKAGE = ROOT / "apps" / "property_repair.json"
HOUR = 3600


@pytest.fixture
def demo(app, tmp_path):
    services = app.extensions["trellis"]
    AppService(services.database).import_package(json.loads(PACKAGE.read_text(encoding="utf-8")), actor="test")
    document = json.loads(DEMO.read_text(encoding="utf-8"))
    orders = document["records"]["repair_order"]
    ran = sorted((o for o in orders if o.get("_flow")), key=lambda o: o["_created_at"])[-40:]
    plain = [o for o in orders if not o.get("_flow") and not o.get("_start_flows")][:20]
    document["records"]["repair_order"] = plain + ran + [o for o in orders if o.get("_start_flows")]
    trimmed = tmp_path / "property_repair.demo.json"
    trimmed.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    load_demo(services.records, Path(trimmed), directory=services.directory, flows=services.flows)
    client = app.test_client()
    token = services.directory.create_token("admin", "tests", ["admin"])[0]  # the demo's administrator
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return client, len(ran)


def test_every_widget_of_the_dashboard_shows_believable_numbers_on_the_demo(demo):
    client, ran = demo
    board = client.get(f"/api/v1/apps/{APP}/dashboards/service_efficiency")
    assert board.status_code == 200, board.json
    widgets = {w["id"]: w for w in board.json["widgets"]}
    assert set(widgets) == {
        "today",
        "response",
        "arrival",
        "first_time_fix",
        "sla",
        "types",
        "workers",
        "pivot",
        "rating_trend",
        "handling_trend",
    }
    assert widgets["today"]["totals"]["tickets"] >= 6  # the tickets in progress were reported today
    response = widgets["response"]["totals"]["response"]
    assert 5 * 60 <= response <= 3 * HOUR, response  # minutes to a few hours, as the demo's steps say
    assert 15 * 60 <= widgets["arrival"]["totals"]["arrival"] <= 4 * HOUR
    first = widgets["first_time_fix"]["totals"]
    assert 0 < first["closed"] <= ran and 0.6 <= first["first_time_fix"] < 1, first  # some were reopened
    sla = widgets["sla"]["totals"]
    assert sla["closed"] == first["closed"] and 0.5 <= sla["sla_rate"] < 1, sla  # some reviews were late
    assert sum(row["tickets"] for row in widgets["types"]["rows"]) == widgets["types"]["totals"]["tickets"] >= ran
    assert len(widgets["pivot"]["rows"]) >= 3 and widgets["pivot"]["totals"]["tickets"] >= ran
    ratings = [row["avg_rating"] for row in widgets["rating_trend"]["rows"]]
    assert ratings and all(1 <= r <= 5 for r in ratings)
    handling = [row["handling"] for row in widgets["handling_trend"]["rows"] if row["handling"] is not None]
    assert handling and all(30 * 60 <= h <= 2 * 24 * HOUR for h in handling), handling
    if datetime.now(UTC).astimezone(COMPANY_ZONE).day > 3:  # on the first days of a month, little is done in it
        workers = widgets["workers"]["rows"]
        assert workers and all(row["completed"] >= 1 and row["worker"].startswith("worker") for row in workers)
    for widget in widgets.values():
        for row in widget["rows"][:3]:
            assert client.get(row["drill"] + "&limit=200").status_code == 200, row["drill"]


def test_the_per_worker_performance_report_on_the_demo(demo):
    client, ran = demo
    answer = client.get(f"/api/v1/apps/{APP}/reports/worker_performance")
    assert answer.status_code == 200, answer.json
    rows = answer.json["rows"]
    assert rows and sum(row["completed"] for row in rows) == answer.json["totals"]["completed"] <= ran
    for row in rows:
        assert row["worker"].startswith("worker")
        assert row["good_rate"] is None or 0 <= row["good_rate"] <= 1
        assert row["response"] is None or row["response"] > 0
        listed = client.get(row["drill"] + "&limit=200")
        assert {item["data"]["worker"] for item in listed.json["items"]} == {row["worker"]}
