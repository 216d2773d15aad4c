"""An owner scans the QR code in their building, fills the repair form on a phone, sees a field
error, corrects it and submits — in a real headless Chromium against a real server."""

import io
import json
import urllib.request
from datetime import datetime, timedelta
from urllib.parse import urlencode

import qrcode
from playwright.sync_api import expect

from tests.browser.conftest import screenshot
from tests.conftest import PROPERTY_APP, LiveServer


def _api(base: LiveServer, path: str, body: dict | bytes | None = None) -> dict:
    data = body if isinstance(body, bytes) or body is None else json.dumps(body, ensure_ascii=False).encode()
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {base.token}"}
    request = urllib.request.Request(f"{base}{path}", data=data, headers=headers)
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def _seed(base: LiveServer) -> dict:
    _api(base, "/api/v1/apps", PROPERTY_APP.read_bytes())
    forms = "/api/v1/apps/property_repair/forms"
    community = _api(base, f"{forms}/community/records", {"name": "阳光花园"})["id"]
    building = _api(base, f"{forms}/building/records", {"community": community, "name": "3栋"})["id"]
    room = _api(base, f"{forms}/room/records", {"building": building, "room_no": "1201"})["id"]
    return {"community": community, "building": building, "room": room}


def test_owner_reports_a_repair_through_the_qr_link(live_server, phone):
    place = _seed(live_server)
    link = f"{live_server}/f/property_repair/repair_order?{urlencode(place)}"
    with urllib.request.urlopen(f"{live_server}/f/property_repair/repair_order/qr.png?{urlencode(place)}") as response:
        qr_png = response.read()
    expected = io.BytesIO()
    qrcode.make(link, box_size=10, border=2).save(expected)
    assert qr_png == expected.getvalue(), "the QR code must encode the prefilled public link"

    phone.goto(link)
    assert phone.locator("h1").inner_text() == "报修单"
    expect(phone.locator("#f-room")).to_have_value(
        "1201"
    )  # pre-filled from the QR code (filled in by the page's script)

    phone.fill("#f-owner_name", "王女士")
    phone.fill("#f-phone", "12345")
    phone.click("button.next")
    expect(phone.locator("#e-phone")).to_have_text("联系电话格式不正确")
    screenshot(phone, "repair-form-phone-error")

    phone.fill("#f-phone", "13812345678")
    phone.click("button.next")
    phone.check("input[name=repair_type][value=水电]")
    phone.fill("#f-description", "厨房水管漏水,需要尽快上门")
    phone.click("button.next")

    phone.fill("#f-expected_visit_at", "2020-01-01T09:00")  # in the past: only the server knows "now"
    phone.click("button.submit")
    phone.wait_for_selector("#e-expected_visit_at:not([hidden])")
    assert phone.locator("#e-expected_visit_at").inner_text() == "期望上门时间不能早于当前时间"

    tomorrow = (datetime.now() + timedelta(days=1)).strftime("%Y-%m-%dT10:00")
    phone.fill("#f-expected_visit_at", tomorrow)
    phone.click("button.submit")
    phone.wait_for_selector(".done:not([hidden])")
    title = phone.locator(".done-title").inner_text()
    path = screenshot(phone, "repair-form-phone-submitted")
    phone.click("a.track")
    phone.wait_for_selector(".timeline")
    assert phone.locator(".number").inner_text() == title
    screenshot(phone, "repair-tracking-phone")

    assert title.startswith("BX-")
    assert path.stat().st_size > 10_000
    orders = _api(live_server, "/api/v1/apps/property_repair/forms/repair_order/records")["items"]
    assert [(o["data"]["owner_name"], o["data"]["phone"], o["data"]["room"], o["created_by"]) for o in orders] == [
        ("王女士", "13812345678", place["room"], "public")
    ]
