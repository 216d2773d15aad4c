"""The owner's tracking link: the flow's timeline, the rating that completes the owner's task, live updates."""

from __future__ import annotations

import json
import time

import pytest

from engine.principal import LOCAL_ADMIN
from tests.conftest import REDIS_URL
from tests.flows import conftest as flow_fixtures
from tests.flows.conftest import APP, Company
from tests.web import test_task_pages
from tests.web.test_task_pages import Staff

company = flow_fixtures.company  # the property company, shared with the task page tests
office = test_task_pages.office

FORM = "repair_order"


def submit(anonymous_client, office: Company, **extra: object) -> tuple[int, str]:
    """An owner files a ticket through the public link; returns (record id, tracking path)."""
    data = {
        "owner_name": "王女士",
        "phone": "13812345678",
        "community": office.community,
        "room": office.room,
        "repair_type": "水电",
        "urgency": "一般",
        "description": "厨房水管漏水",
        **extra,
    }
    answer = anonymous_client.post(f"/f/{APP}/{FORM}", json=data)
    assert answer.status_code == 201, answer.get_data(as_text=True)
    return answer.json["id"], answer.json["tracking_url"]


def to_rating(office: Company, record_id: int) -> str:
    """Agent review and the repair, done by staff; returns the worker's login."""
    accept = office.open_tasks(record_id, "accept")[0]
    office.act("agent1", accept["id"], "complete", outcome="accept")
    repair = office.open_tasks(record_id, "repair")[0]
    worker = repair["assignee"]
    office.act(worker, repair["id"], "claim")
    office.act(worker, repair["id"], "complete", data={"result": "更换水龙头"})
    return worker


def test_the_tracking_page_shows_the_stages_with_times_and_handlers(app, office, anonymous_client):
    record_id, link = submit(anonymous_client, office)
    office.act("agent1", office.open_tasks(record_id, "accept")[0]["id"], "complete", outcome="accept")
    page = anonymous_client.get(link, headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    worker = office.open_tasks(record_id, "repair")[0]["assignee"]
    assert '<li class="reached" data-stage="accepted"><strong>已受理</strong>' in page
    assert '<li class="reached" data-stage="dispatched"><strong>已派单</strong>' in page
    assert f"处理人:{worker}" in page
    assert (
        '<li class="pending"><strong>处理中</strong>' in page and '<li class="pending"><strong>已完成</strong>' in page
    )
    assert 'id="rating" class="rating" hidden' in page  # nothing to rate yet


def test_the_owner_confirms_and_rates_through_the_tracking_link(app, office, anonymous_client):
    record_id, link = submit(anonymous_client, office)
    to_rating(office, record_id)
    page = anonymous_client.get(link, headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "确认维修结果并评价" in page and 'id="rating" class="rating" hidden' not in page
    assert 'name="fixed" value="true"' in page and 'name="rating" value="5"' in page and 'name="comment"' in page
    answer = anonymous_client.post(f"{link}/rate", json={"data": {"fixed": True, "rating": 5, "comment": "师傅很专业"}})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert answer.json["rating"] is None and answer.json["pending"] == []
    assert [entry["stage"] for entry in answer.json["timeline"]][-1] == "done"
    instance = office.instance_of(record_id)
    assert (instance["status"], instance["end_status"]) == ("completed", "closed")
    data = office.records.get(LOCAL_ADMIN, APP, FORM, record_id)["data"]
    assert (data["fixed"], data["rating"], data["comment"]) == (True, 5, "师傅很专业")
    again = anonymous_client.post(f"{link}/rate", json={"data": {"fixed": True, "rating": 4}})
    assert again.status_code == 409  # rated once; nothing left to complete


def test_a_bad_rating_is_refused_next_to_its_field(app, office, anonymous_client):
    record_id, link = submit(anonymous_client, office)
    to_rating(office, record_id)
    too_many = anonymous_client.post(f"{link}/rate", json={"data": {"fixed": True, "rating": 9}})
    missing = anonymous_client.post(f"{link}/rate", json={"data": {"rating": 4}})
    sneaky = anonymous_client.post(f"{link}/rate", json={"data": {"fixed": True, "rating": 5, "result": "没修"}})
    garbage = anonymous_client.post(f"{link}/rate", data=b"\x00", content_type="application/json")
    assert (too_many.status_code, list(too_many.json["errors"])) == (422, ["rating"])
    assert (missing.status_code, list(missing.json["errors"])) == (422, ["fixed"])
    assert (sneaky.status_code, list(sneaky.json["errors"])) == (422, ["result"])
    assert garbage.status_code == 422
    assert office.open_tasks(record_id, "rate")  # still waiting for a proper answer


def test_a_guessed_or_foreign_token_reaches_nothing(app, office, anonymous_client):
    record_id, link = submit(anonymous_client, office)
    other_id, other_link = submit(anonymous_client, office, owner_name="李先生")
    to_rating(office, record_id)
    prefix, token = link.rsplit("/", 1)
    forged = f"{prefix}/{token[:-1]}{'0' if token[-1] != '0' else '1'}"
    other_form = link.replace(f"/{FORM}/", "/room/")
    for bad in (forged, other_form, f"{prefix}/{'a' * 56}", f"{prefix}/short"):
        assert anonymous_client.get(bad).status_code == 404
        assert anonymous_client.get(f"{bad}/events").status_code == 404
        assert anonymous_client.post(f"{bad}/rate", json={"data": {"fixed": True, "rating": 1}}).status_code == 404
    # another ticket's valid link may not rate this one: it is not waiting, so nothing happens
    refused = anonymous_client.post(f"{other_link}/rate", json={"data": {"fixed": False, "rating": 1}})
    assert refused.status_code == 409
    assert office.open_tasks(record_id, "rate") and office.open_tasks(other_id, "accept")
    # and the link's identity is no key to the staff API
    task_id = office.open_tasks(record_id, "rate")[0]["id"]
    assert anonymous_client.post(f"/api/v1/tasks/{task_id}/complete", json={}).status_code == 401


def _frames(response):
    for chunk in response.response:
        text = chunk.decode() if isinstance(chunk, bytes) else chunk
        if "event: timeline\n" in text:
            yield json.loads(text.split("data: ", 1)[1])


@pytest.mark.parametrize("announced", [True, False], ids=["announced", "polled"])
def test_the_tracking_events_stream_a_change_after_an_action(app, office, anonymous_client, announced):
    """Announced (a staff page's action: Redis pub/sub when configured, else this process) or
    not (another process, here a FlowService of its own): either way the owner's page hears it."""
    app.config["TRELLIS_LIVE_SECONDS"] = 8
    record_id, link = submit(anonymous_client, office)
    response = anonymous_client.get(f"{link}/events", buffered=False, headers={"Accept-Language": "zh-CN"})
    try:
        assert response.mimetype == "text/event-stream"
        assert response.headers["Cache-Control"] == "no-cache, no-store"
        frames = _frames(response)
        first = next(frames)
        assert (first["timeline"], first["rating"]) == ([], None)
        accept = office.open_tasks(record_id, "accept")[0]
        if announced:
            agent = Staff(app, "agent1")
            assert agent.act(accept["id"], "claim").status_code == 200
            assert agent.act(accept["id"], "complete", outcome="accept").status_code == 200
        else:
            office.act("agent1", accept["id"], "complete", outcome="accept")
        second = next(frames)
        assert [entry["label"] for entry in second["timeline"]][:2] == ["已受理", "已派单"]
    finally:
        response.close()


def test_a_full_house_of_streams_asks_the_next_browser_to_come_back_later(app, office, anonymous_client):
    app.config.update(TRELLIS_LIVE_STREAMS=1, TRELLIS_LIVE_SECONDS=3)
    _, link = submit(anonymous_client, office)
    holding = anonymous_client.get(f"{link}/events", buffered=False)
    try:
        next(iter(holding.response))  # the one slot is taken while this stream runs
        turned_away = anonymous_client.get(f"{link}/events")
        assert (turned_away.status_code, turned_away.get_data(as_text=True)) == (200, "retry: 15000\n: busy\n\n")
    finally:
        holding.close()
    again = anonymous_client.get(f"{link}/events", buffered=False)  # the slot is free again once it closed
    try:
        assert next(_frames(again))["rating"] is None
    finally:
        again.close()


if REDIS_URL:

    def test_another_web_process_hears_an_action_through_redis_at_once(app, settings, office, anonymous_client):
        """Two web processes on one database: an action in the second wakes the first's stream via
        Redis pub/sub, long before its own poll (set to a minute here) would have noticed."""
        from engine.web import create_app

        app.config.update(TRELLIS_LIVE_SECONDS=10, TRELLIS_LIVE_POLL_SECONDS=60)
        other = create_app(settings, {"TESTING": True})
        try:
            record_id, link = submit(anonymous_client, office)
            response = anonymous_client.get(f"{link}/events", buffered=False, headers={"Accept-Language": "zh-CN"})
            try:
                frames = _frames(response)
                assert next(frames)["timeline"] == []
                accept = office.open_tasks(record_id, "accept")[0]
                agent = Staff(other, "agent1")
                assert agent.act(accept["id"], "claim").status_code == 200
                assert agent.act(accept["id"], "complete", outcome="accept").status_code == 200
                started = time.monotonic()
                second = next(frames)
                assert time.monotonic() - started < 5
                assert [entry["label"] for entry in second["timeline"]][:2] == ["已受理", "已派单"]
            finally:
                response.close()
        finally:
            other.extensions["trellis"].database.dispose()
