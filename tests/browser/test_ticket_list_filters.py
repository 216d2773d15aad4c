"""An agent on a desktop filters the ticket list by community (a relation path) and status (the flow step)."""

import json
import urllib.request
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from tests.browser.conftest import screenshot
from tests.conftest import PROPERTY_APP

RECORDS = "/api/v1/apps/property_repair/forms"


def _post(live_server, path: str, body: object) -> dict:
    request = urllib.request.Request(
        f"{live_server}{path}",
        data=json.dumps(body).encode() if not isinstance(body, bytes) else body,
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {live_server.token}"},
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.loads(answer.read() or b"{}")


@pytest.fixture
def desktop(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN")
    page = context.new_page()
    yield page
    context.close()


def test_an_agent_filters_tickets_by_community_and_status(live_server, desktop):
    _post(live_server, "/api/v1/apps", PROPERTY_APP.read_bytes())
    rooms = []
    for name in ("阳光花园", "翠苑"):
        community = _post(live_server, f"{RECORDS}/community/records", {"name": name, "city": "杭州"})
        building = _post(live_server, f"{RECORDS}/building/records", {"community": community["id"], "name": "1栋"})
        room = _post(live_server, f"{RECORDS}/room/records", {"building": building["id"], "room_no": "0101"})
        rooms.append((community["id"], building["id"], room["id"]))
    for n, (community, building, room) in enumerate([rooms[0], rooms[1], rooms[1]]):
        ticket = {
            "owner_name": f"业主{n}",
            "phone": "13812345678",
            "community": community,
            "building": building,
            "room": room,
            "repair_type": "水电",
            "urgency": "一般",
            "description": "水龙头漏水",
        }
        _post(live_server, f"{RECORDS}/repair_order/records", ticket)
    user = {"login": "agent9", "password": "a-long-password", "name": "客服小周", "roles": ["property_repair:agent"]}
    _post(live_server, "/api/v1/users", user)

    desktop.goto(f"{live_server}/apps/property_repair/forms/repair_order/records?view=all_orders")
    desktop.fill("#login", "agent9")
    desktop.fill("#password", "a-long-password")
    desktop.click("button.submit")
    desktop.wait_for_selector("table.records")
    assert desktop.locator("tr[data-record]").count() == 3
    community = desktop.locator('select[name="room.building.community"]')
    community.select_option(label="翠苑")
    desktop.locator('select[name="_step"]').select_option("accept")
    desktop.click(".actions button[type=submit]")
    desktop.wait_for_url("**_step=accept**")
    path = screenshot(desktop, "ticket-list-community-status")

    rows = desktop.locator("tr[data-record]")
    assert rows.count() == 2
    assert all("翠苑" in rows.nth(i).inner_text() for i in range(2))
    assert all("客服受理" in rows.nth(i).inner_text() for i in range(2))
    assert desktop.locator('nav.views a[aria-current="page"]').inner_text() == "全部工单"
    assert path.stat().st_size > 10_000
