"""A KPI's change against the previous period, over HTTP on both back-ends, against numbers worked out
by hand on the five tickets of ``tests/reports_app.py`` (due_at in Shanghai: t4 2025-12-31 23:59,
t1 2026-01-01 00:30, t2 2026-01-31 23:59, t3 2026-02-01 00:00; t5 none)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.reports_app import BASE, load, reports_package

KPI = {
    "name": "k",
    "source": {"form": "ticket"},
    "measures": [{"id": "tickets", "agg": "count"}],
    "chart": {"type": "kpi"},
}


@pytest.fixture
def estate(client, app):
    assert client.post("/api/v1/apps", json=reports_package()).status_code == 201
    ids = load(client)
    app.extensions["trellis"].reports.clock = lambda: datetime(2026, 1, 31, 16, 30, tzinfo=UTC)  # Feb 1 00:30 local
    return client, ids


def kpi(client, definition, **args):
    answer = client.post(f"{BASE}/reports/preview", json={**KPI, **definition}, query_string=args)
    assert answer.status_code == 200, answer.json
    return answer.json["kpi"]


def test_within_last_compares_with_the_same_length_just_before(estate):
    client, _ = estate
    # the last 31 days: from 2025-12-31T16:30Z (t1 exactly on the edge), t2, t3; the 31 days before: t4
    found = kpi(client, {"filters": [{"field": "due_at", "op": "within_last", "value": "P31D"}]})
    assert (found["value"], found["previous"], found["change"], found["trend"]) == (3, 1, 2.0, "up")
    assert found["previous_window"] == {"from": "2025-11-30T16:30:00+00:00", "to": "2025-12-31T16:30:00+00:00"}
    # the last day: t2 (15:59Z) and t3 (16:00Z) on 31 January; the day before: nothing
    day = kpi(client, {"filters": [{"field": "due_at", "op": "within_last", "value": "P1D"}]})
    assert (day["value"], day["previous"], day["change"], day["trend"]) == (2, 0, None, "up")


def test_a_chosen_range_compares_with_the_equal_range_before_it(estate):
    client, _ = estate
    # January in Shanghai (t1, t2) against the 31 days before it (t4): +100%
    january = kpi(client, {}, due_at__ge="2026-01-01T00:00:00+08:00", due_at__lt="2026-02-01T00:00:00+08:00")
    assert (january["value"], january["previous"], january["change"], january["trend"]) == (2, 1, 1.0, "up")
    # 23:00 on 31 January to 01:00 on 1 February (t2, t3) against 21:00-23:00 (none)
    two_hours = kpi(client, {}, due_at__ge="2026-01-31T23:00:00+08:00", due_at__lt="2026-02-01T01:00:00+08:00")
    assert (two_hours["value"], two_hours["previous"]) == (2, 0)
    # a sum: January's amounts (t1 100 + t2 50) against December's (t4: none, so nothing to sum)
    amounts = kpi(
        client,
        {"measures": [{"id": "amount", "agg": "sum", "field": "amount"}]},
        due_at__ge="2026-01-01T00:00:00+08:00",
        due_at__lt="2026-02-01T00:00:00+08:00",
    )
    assert (amounts["value"], amounts["previous"], amounts["change"], amounts["trend"]) == (150, None, None, None)


def test_the_dashboards_date_range_gives_its_kpi_widget_the_previous_range(estate):
    client, ids = estate
    board = client.get(
        f"{BASE}/dashboards/overview", query_string={"period__from": "2026-01-01", "period__to": "2026-01-31"}
    )
    urgent = board.json["widgets"][1]
    # urgent tickets in January (t1) against the 31 days before (t4 is not urgent)
    assert (urgent["kpi"]["value"], urgent["kpi"]["previous"], urgent["kpi"]["trend"]) == (1, 0, "up")
    assert urgent["kpi"]["previous_window"]["to"].startswith("2026-01-01T00:00:00+08:00")
    same = client.get(
        f"{BASE}/dashboards/overview", query_string={"period__from": "2026-02-01", "period__to": "2026-02-01"}
    )
    # 1 February (t3, urgent) against 31 January (t2, not urgent)
    assert (same.json["widgets"][1]["kpi"]["value"], same.json["widgets"][1]["kpi"]["previous"]) == (1, 0)
    whole = client.get(f"{BASE}/dashboards/overview").json["widgets"][1]["kpi"]
    assert (whole["value"], whole["previous"], whole["trend"]) == (2, None, None)  # no window: nothing to compare
