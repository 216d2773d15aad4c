"""An app's ``time_zone`` decides report buckets, dashboard date ranges and the records API's ``hour``
filter (SQLite and PostgreSQL): the five tickets of ``tests/reports_app.py`` read in New York
(UTC-5 in winter) instead of Shanghai (UTC+8), each number worked out by hand.

due_at in UTC -> New York: t1 2025-12-31 16:30 -> 12-31 11:30 · t2 2026-01-31 15:59 -> 01-31 10:59 ·
t3 2026-01-31 16:00 -> 01-31 11:00 · t4 2025-12-31 15:59 -> 12-31 10:59 · t5 none. In Shanghai t1 is
already 1 January and t3 1 February.
"""

from __future__ import annotations

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
