"""The estate app of the row rule tests with reports over its tickets, and five tickets whose
numbers the report tests compute by hand (times chosen across month, year and time-zone edges)."""

from __future__ import annotations

import copy
from typing import Any

from tests.row_rules_app import APP, package

BASE = f"/api/v1/apps/{APP}"
PASSWORD = "reports-pass-1"

#: (room, due_at in UTC, amount, stars, urgent, worker); Shanghai is UTC+8
TICKETS = [
    ("home", "2025-12-31T16:30:00Z", 100, 5, True, "王"),  # 2026-01-01 00:30 in Shanghai: January, 2026
    ("home", "2026-01-31T15:59:00Z", 50, 3, False, "王"),  # 2026-01-31 23:59 in Shanghai
    ("away", "2026-01-31T16:00:00Z", 30, 4, True, "李"),  # 2026-02-01 00:00 in Shanghai: February
    ("away", "2025-12-31T15:59:00Z", None, None, False, "张"),  # 2025-12-31 23:59 in Shanghai
    (None, None, 20, 1, False, None),
]

COUNT = {"id": "tickets", "agg": "count"}

REPORTS: list[dict[str, Any]] = [
    {
        "id": "by_community",
        "name": {"zh-CN": "各小区工单", "en": "Tickets per community"},
        "source": {"form": "ticket"},
        "rows": [{"id": "community", "field": "room.building.community"}],
        "measures": [COUNT, {"id": "amount", "agg": "sum", "field": "amount"}],
        "chart": {"type": "bar", "x": "community", "y": ["tickets"]},
    },
    {
        "id": "secrets",
        "name": "secrets",
        "source": {"form": "ticket"},
        "rows": [{"field": "secret"}],
        "measures": [COUNT],
    },
    {
        "id": "urgent_today",
        "name": "urgent",
        "source": {"form": "ticket"},
        "filters": [{"field": "urgent", "op": "eq", "value": True}],
        "measures": [COUNT],
        "chart": {"type": "kpi", "y": ["tickets"]},
    },
]

DASHBOARDS = [
    {
        "id": "overview",
        "name": "overview",
        "filters": [
            {"id": "community", "field": "room.building.community", "kind": "select"},
            {"id": "period", "field": "due_at", "kind": "date_range"},
        ],
        "widgets": [{"id": "a", "report": "by_community"}, {"id": "b", "report": "urgent_today"}],
    }
]


def reports_package() -> dict[str, Any]:
    copied = copy.deepcopy(package())
    copied["reports"] = copy.deepcopy(REPORTS)
    copied["dashboards"] = copy.deepcopy(DASHBOARDS)
    # a field of a form a path goes through, hidden from agents
    hidden = {"role": "agent", "form": "building", "actions": ["read"], "fields": {"name": "hidden"}}
    copied["permissions"].append(hidden)
    return copied


def load(client: Any) -> dict[str, int]:
    """The estate and its five tickets, through the records API; returns the ids by name."""

    def make(form: str, **data: Any) -> int:
        response = client.post(f"{BASE}/forms/{form}/records", json=data)
        assert response.status_code == 201, response.json
        return int(response.json["id"])

    ids = {"c1": make("community", name="一区"), "c2": make("community", name="二区")}
    ids["home"] = make("room", building=make("building", community=ids["c1"], name="1栋"), number="101")
    ids["away"] = make("room", building=make("building", community=ids["c2"], name="9栋"), number="901")
    for n, (room, due_at, amount, stars, urgent, worker) in enumerate(TICKETS):
        data = {"title": f"t{n + 1}", "urgent": urgent, "secret": "x"}
        for key, value in (
            ("room", ids.get(room or "")),
            ("due_at", due_at),
            ("amount", amount),
            ("stars", stars),
            ("worker_name", worker),
        ):
            if value is not None:
                data[key] = value
        ids[f"t{n + 1}"] = make("ticket", **data)
    return ids
