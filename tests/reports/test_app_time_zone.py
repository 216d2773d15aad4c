"""An app's ``time_zone`` decides report buckets, dashboard date ranges and the records API's ``hour``
filter (SQLite and PostgreSQL): the five tickets of ``tests/reports_app.py`` read in New York
(UTC-5 in winter) instead of Shanghai (UTC+8), each number worked out by hand.

due_at in UTC -> New York: t1 2025-12-31 16:30 -> 12-31 11:30 · t2 2026-01-31 15:59 -> 01-31 10:59 ·
t3 2026-01-31 16:00 -> 01-31 11:00 · t4 2025-12-31 15:59 -> 12-31 10:59 · t5 none. In Shanghai t1 is
already 1 January and t3 1 February.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from engine.packages.validation import package_problems
from tests.reports_app import BASE, load, reports_package

TICKETS = {"id": "tickets", "agg": "count"}


@pytest.fixture
def new_york(client):
    package = {**reports_package(), "time_zone": "America/New_York"}
    assert client.post("/api/v1/apps", json=package).status_code == 201
    return client, load(client)


def preview(client, definition, **args):
    body = {"name": "p", "source": {"form": "ticket"}, **definition}
    return client.post(f"{BASE}/reports/preview", json=body, query_string=args)


def rows_of(response, *keys):
    assert response.status_code == 200, response.json
    return [tuple(row.get(key) for key in keys) for row in response.json["rows"]]


def assert_drills_exact(client, answer):
    for row in answer["rows"]:
        listed = client.get(row["drill"] + "&limit=200")
        assert listed.status_code == 200, (row["drill"], listed.json)
        assert len(listed.json["items"]) == row["tickets"], row["drill"]


@pytest.mark.parametrize(
    ("bucket", "expected"),
    [
        ("month", [("2025-12", 2), ("2026-01", 2), (None, 1)]),
        ("year", [("2025", 2), ("2026", 2), (None, 1)]),
        ("day", [("2025-12-31", 2), ("2026-01-31", 2), (None, 1)]),
        ("hour_of_day", [(10, 2), (11, 2), (None, 1)]),
        ("weekday", [(3, 2), (6, 2), (None, 1)]),
    ],
)
def test_buckets_are_read_in_the_app_zone_and_drill_to_their_records(new_york, bucket, expected):
    client, _ = new_york
    answer = preview(client, {"rows": [{"id": "at", "field": "due_at", "bucket": bucket}], "measures": [TICKETS]})
    assert rows_of(answer, "at", "tickets") == expected
    assert_drills_exact(client, answer.json)


def test_the_records_api_hour_filter_and_the_dashboard_date_range_use_the_app_zone(new_york):
    client, _ = new_york
    listed = client.get(f"{BASE}/forms/ticket/records", query_string={"due_at__hour": "11"})
    assert sorted(item["data"]["title"] for item in listed.json["items"]) == ["t1", "t3"]
    board = client.get(
        f"{BASE}/dashboards/overview", query_string={"period__from": "2026-01-31", "period__to": "2026-01-31"}
    )
    assert board.status_code == 200
    assert board.json["widgets"][0]["totals"]["tickets"] == 2  # t2 and t3: both 31 January in New York


def test_an_unknown_zone_is_refused_at_validation_with_its_pointer():
    problems = package_problems({**reports_package(), "time_zone": "Mars/Olympus"})
    assert [p.pointer for p in problems] == ["/time_zone"]


@pytest.mark.parametrize(
    ("zone", "period", "expected"),
    [
        ("America/New_York", "day", ["t2", "t3"]),  # now: 31 January 12:00 there
        ("America/New_York", "month", ["t2", "t3"]),
        ("America/New_York", "year", ["t2", "t3"]),
        ("Asia/Shanghai", "day", ["t3"]),  # now: 1 February 01:00 there
        ("Asia/Shanghai", "month", ["t3"]),
        ("Asia/Shanghai", "year", ["t1", "t2", "t3"]),
    ],
)
def test_a_current_filter_is_the_calendar_period_holding_now_in_the_app_zone(client, app, zone, period, expected):
    package = {**reports_package(), "time_zone": zone}
    assert client.post("/api/v1/apps", json=package).status_code == 201
    load(client)
    app.extensions["trellis"].reports.clock = lambda: datetime(2026, 1, 31, 17, 0, tzinfo=UTC)
    answer = preview(
        client,
        {
            "rows": [{"field": "title"}],
            "measures": [TICKETS],
            "filters": [{"field": "due_at", "op": "current", "value": period}],
        },
    )
    assert rows_of(answer, "title", "tickets") == [(title, 1) for title in expected]
    assert_drills_exact(client, answer.json)
    whole = preview(client, {"measures": [TICKETS], "filters": [{"field": "due_at", "op": "current", "value": period}]})
    listed = client.get(whole.json["rows"][0]["drill"] + "&limit=200")
    assert sorted(item["data"]["title"] for item in listed.json["items"]) == expected


def test_a_current_filter_needs_a_date_field_and_a_calendar_period():
    package = reports_package()
    package["reports"].append(
        {
            "id": "bad",
            "name": "bad",
            "source": {"form": "ticket"},
            "filters": [
                {"field": "title", "op": "current", "value": "month"},
                {"field": "due_at", "op": "current", "value": "hour_of_day"},
            ],
            "measures": [TICKETS],
        }
    )
    assert [p.pointer for p in package_problems(package)] == [
        "/reports/3/filters/0/value",
        "/reports/3/filters/1/value",
    ]
