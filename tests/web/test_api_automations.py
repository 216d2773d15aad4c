"""``GET /api/v1/apps/<app>/automations/runs``: administrators and the app's builders read the run log; nobody
else; garbage is a 400."""

from __future__ import annotations

import pytest

from tests.services.automation_app import drain, package

RUNS = "/api/v1/apps/plant/automations/runs"


@pytest.fixture
def plant(app, client):
    services = app.extensions["trellis"]
    services.apps.import_package(package(), actor="system")
    for result in ("正常", "异常", "正常"):
        response = client.post("/api/v1/apps/plant/forms/inspection/records", json={"result": result})
        assert response.status_code == 201
    drain(services)
    return services


def test_an_administrator_pages_through_the_runs_newest_first(plant, client):
    first = client.get(RUNS, query_string={"automation": "fault_to_order", "limit": "2"})
    rest = client.get(RUNS, query_string={"automation": "fault_to_order", "cursor": first.json["next_cursor"]})

    assert first.status_code == rest.status_code == 200
    assert [r["outcome"] for r in first.json["items"] + rest.json["items"]] == ["skipped", "done", "skipped"]
    assert rest.json["next_cursor"] is None
    newest = first.json["items"][0]
    assert (newest["automation"], newest["trigger"], newest["record"]["form"], newest["error"]) == (
        "fault_to_order",
        "record_created",
        "inspection",
        None,
    )
    assert newest["started_at"] <= newest["finished_at"]


def test_without_a_filter_every_automation_of_the_app_is_listed(plant, client):
    response = client.get(RUNS)

    assert {r["automation"] for r in response.json["items"]} == {
        "stamp_equipment",
        "fault_to_order",
        "order_starts_repair",
        "repair_started",
        "repair_task",
    }


def test_a_loop_stop_reads_in_the_readers_language(plant, client):
    made = client.post("/api/v1/apps/plant/forms/counter/records", json={"a": 1}).json
    changed = client.patch(
        f"/api/v1/apps/plant/forms/counter/records/{made['id']}", json={"a": 2}, headers={"If-Match": '"1"'}
    )
    assert changed.status_code == 200
    drain(plant)

    response = client.get(
        RUNS, query_string={"automation": "a_bumps_b", "limit": "1"}, headers={"Accept-Language": "zh-CN"}
    )

    [stopped] = response.json["items"]
    assert stopped["outcome"] == "stopped"
    assert stopped["error"] == (
        f"已停止:自动化“a_bumps_b”在这一串触发中已对 counter:{made['id']} 运行过(a_bumps_b -> b_bumps_a),形成循环"
    )


def test_someone_who_neither_administers_nor_builds_the_app_is_refused(plant, app):
    directory = app.extensions["trellis"].directory
    directory.create_user("ins", "Secret-pass-1", roles=[("plant", "inspector")])
    token, _ = directory.create_token("ins", "tests", ["app:plant:read", "app:plant:write"])
    reader = app.test_client()

    refused = reader.get(RUNS, headers={"Authorization": f"Bearer {token}", "Accept-Language": "en"})
    anonymous = app.test_client().get(RUNS)

    assert refused.status_code == 403
    assert refused.json["detail"] == "only administrators and the builders of app 'plant' may read its automation runs"
    assert anonymous.status_code == 401


@pytest.mark.parametrize(
    ("query", "detail"),
    [
        ({"limit": "0"}, "'limit' must be a whole number from 1 to 200, not '0'"),
        ({"limit": "many"}, "'limit' must be a whole number from 1 to 200, not 'many'"),
        ({"limit": "99999999999999999999"}, "'limit' must be a whole number from 1 to 200, not '99999999999999999999'"),
        ({"limit": "²"}, "'limit' must be a whole number from 1 to 200, not '²'"),
        ({"cursor": "abc"}, "'cursor' must be the next_cursor of an earlier page, not 'abc'"),
        ({"cursor": "-1"}, "'cursor' must be the next_cursor of an earlier page, not '-1'"),
        (
            {"automation": "Robert'); DROP"},
            "'automation' must be an automation id (letters, digits, underscores), not 'Robert'); DROP'",
        ),
    ],
)
def test_garbled_parameters_are_a_400_naming_them(plant, client, query, detail):
    response = client.get(RUNS, query_string=query)

    assert (response.status_code, response.json["code"], response.json["detail"]) == (400, "bad_query", detail)


def test_an_unknown_app_is_a_404(plant, client):
    assert client.get("/api/v1/apps/nowhere/automations/runs").status_code == 404
