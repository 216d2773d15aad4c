"""The records API's filters that drill-down addresses use: relation paths, ``notin``, the hour of
the day and the weekday in the company's time zone, and a key given twice (a range)."""

from __future__ import annotations

import pytest

from tests.reports_app import BASE, load, reports_package

TICKETS = f"{BASE}/forms/ticket/records"


@pytest.fixture
def estate(client):
    assert client.post("/api/v1/apps", json=reports_package()).status_code == 201
    return client, load(client)


def titles(response):
    assert response.status_code == 200, response.json
    return sorted(item["data"]["title"] for item in response.json["items"])


def test_a_relation_path_filters_through_its_links(estate):
    client, ids = estate
    assert titles(client.get(TICKETS, query_string={"room.building.community": ids["c1"]})) == ["t1", "t2"]
    assert titles(client.get(TICKETS, query_string={"room.building.community__isnull": "true"})) == ["t5"]
    assert titles(client.get(TICKETS, query_string={"room.building.community__notin": str(ids["c1"])})) == [
        "t3",
        "t4",
        "t5",
    ]
    assert titles(client.get(TICKETS, query_string={"room.building.name__contains": "9"})) == ["t3", "t4"]


def test_notin_keeps_the_empty_values(estate):
    client, _ = estate
    assert titles(client.get(TICKETS, query_string={"worker_name__notin": "王,李"})) == ["t4", "t5"]


def test_hour_and_weekday_read_shanghai_time(estate):
    client, _ = estate
    assert titles(client.get(TICKETS, query_string={"due_at__hour": "0"})) == ["t1", "t3"]
    assert titles(client.get(TICKETS, query_string={"due_at__weekday": "4"})) == ["t1"]


def test_a_key_given_twice_filters_twice(estate):
    client, _ = estate
    range_ = [("due_at__ge", "2025-12-31T16:00:00Z"), ("due_at__lt", "2026-01-31T16:00:00Z")]
    assert titles(client.get(f"{TICKETS}?{'&'.join(f'{k}={v}' for k, v in range_)}")) == ["t1", "t2"]
    assert titles(client.get(f"{TICKETS}?stars__ge=3&stars__ge=4")) == ["t1", "t3"]


@pytest.mark.parametrize(
    "args",
    [
        {"room.nothing": "1"},
        {"room.building.community": "one"},
        {"title__hour": "3"},
        {"due_at__hour": "noon"},
        {"due_at__weekday": "x"},
        {"room.building.community__zz": "1"},
        {"tags.x": "1"},
    ],
)
def test_garbage_filters_are_400(estate, args):
    client, _ = estate
    assert client.get(TICKETS, query_string=args).status_code == 400
