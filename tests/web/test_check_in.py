"""到场签到 over HTTP: the server stamps its own clock and the phone's place (with the address text),
and the step needs no editable field for either."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from tests.conftest import PROPERTY_APP
from tests.web.test_api_flows import APP, Api, _order
from tests.web.test_api_flows import api as api  # noqa: F401  (the fixture, re-exported for this module)

SERVER_NOW = datetime(2026, 3, 2, 1, 45, tzinfo=UTC)


@pytest.fixture
def property_package() -> dict:
    """The property app with its check-in fields no longer editable on the repair step."""
    package = json.loads(PROPERTY_APP.read_text(encoding="utf-8"))
    flow = next(f for f in package["flows"] if f["id"] == "repair")
    repair = next(n for n in flow["nodes"] if n["id"] == "repair")
    for field in ("checked_in_at", "check_in_location"):
        repair["field_permissions"].pop(field)
    return package


def _repair_task(api: Api, app) -> tuple[int, str]:
    app.extensions["trellis"].flows.clock = lambda: SERVER_NOW
    record = _order(api)
    task = api.open_tasks(record)[0]
    api.call("agent1", "POST", f"/api/v1/tasks/{task['id']}/complete", {"outcome": "accept"})
    repair = api.open_tasks(record, "repair")[0]
    assert api.call("worker1", "POST", f"/api/v1/tasks/{repair['id']}/claim").status_code == 200
    return record, repair["id"]


def _record(api: Api, record: int) -> dict:
    return api.call("admin", "GET", f"/api/v1/apps/{APP}/forms/repair_order/records/{record}").json["data"]


def test_a_check_in_needs_no_editable_field_and_stamps_the_servers_clock(api, app):
    record, task = _repair_task(api, app)

    response = api.call(
        "worker1",
        "POST",
        f"/api/v1/tasks/{task}/check_in",
        {"time": "2001-01-01T00:00:00Z", "location": {"lat": 30.25, "lng": 120.17}},
    )

    assert response.status_code == 200, response.json
    data = _record(api, record)
    assert datetime.fromisoformat(data["checked_in_at"]) == SERVER_NOW
    assert data["check_in_location"] == {"lat": 30.25, "lng": 120.17, "address": ""}


def test_the_place_keeps_the_address_text_beside_the_coordinates(api, app):
    record, task = _repair_task(api, app)
    place = {"lat": 30.2741, "lng": 120.1551, "address": "杭州市西湖区阳光花园1栋101", "accuracy": 12}

    response = api.call("worker1", "POST", f"/api/v1/tasks/{task}/check_in", {"location": place})

    assert response.status_code == 200, response.json
    assert _record(api, record)["check_in_location"] == {
        "lat": 30.2741,
        "lng": 120.1551,
        "address": "杭州市西湖区阳光花园1栋101",
    }
    flows = api.call("admin", "GET", f"/api/v1/apps/{APP}/forms/repair_order/records/{record}/flows").json
    services = app.extensions["trellis"]
    with services.database.transaction() as session:
        events = services.flows.repository.events(session, flows["items"][-1]["id"])
    (event,) = [e for e in events if e.kind == "checked_in"]
    assert event.details["location"] == {"lat": 30.2741, "lng": 120.1551, "accuracy": 12.0, "address": place["address"]}


def test_the_worker_cannot_type_the_moment_or_the_place(api, app):
    record, task = _repair_task(api, app)

    response = api.call(
        "worker1",
        "POST",
        f"/api/v1/tasks/{task}/check_in",
        {"data": {"checked_in_at": "2001-01-01T00:00:00Z", "check_in_location": {"lat": 1, "lng": 2}}},
    )

    assert response.status_code == 422
    assert sorted(response.json["errors"]) == ["check_in_location", "checked_in_at"]
    assert _record(api, record)["checked_in_at"] is None


@pytest.mark.parametrize(
    "place",
    [
        {"lat": 30.2, "lng": 120.1, "address": "x" * 301},
        {"lat": 30.2, "lng": 120.1, "address": 42},
        {"lat": 91, "lng": 120.1, "address": "北极"},
        {"lat": True, "lng": 120.1},
        {"lat": 30.2, "lng": "east", "address": "<script>"},
    ],
)
def test_a_malformed_place_is_refused_naming_the_field(api, app, place):
    record, task = _repair_task(api, app)

    response = api.call("worker1", "POST", f"/api/v1/tasks/{task}/check_in", {"location": place})

    assert response.status_code == 422, response.json
    assert list(response.json["errors"]) == ["check_in_location"]
    assert _record(api, record)["checked_in_at"] is None
