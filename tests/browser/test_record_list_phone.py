"""A record list on a phone: each record a card, searched from the box at the top."""

import json
import urllib.request

from tests.browser.conftest import screenshot
from tests.conftest import ADMIN_LOGIN, ADMIN_PASSWORD, PROPERTY_APP


def _post(live_server, path: str, body: bytes) -> None:
    request = urllib.request.Request(
        f"{live_server}{path}",
        data=body,
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {live_server.token}"},
    )
    urllib.request.urlopen(request, timeout=30).close()


def test_a_phone_shows_the_searched_records_as_cards(live_server, phone):
    _post(live_server, "/api/v1/apps", PROPERTY_APP.read_bytes())
    for code, name in [("V-1", "角阀"), ("T-1", "生料带"), ("V-2", "三角阀")]:
        part = {"code": code, "name": name, "unit_price": "9.50"}
        _post(live_server, "/api/v1/apps/property_repair/forms/spare_part/records", json.dumps(part).encode())

    phone.goto(f"{live_server}/apps/property_repair/forms/spare_part/records")
    phone.fill("#login", ADMIN_LOGIN)
    phone.fill("#password", ADMIN_PASSWORD)
    phone.click("button.submit")
    phone.wait_for_selector("table.records")
    phone.fill('form.filters input[name="q"]', "角阀")
    phone.click(".actions button[type=submit]")
    phone.wait_for_url("**q=**")
    path = screenshot(phone, "record-list-phone")

    rows = phone.locator("tr[data-record]")
    assert rows.count() == 2
    assert not phone.locator("table.records thead").is_visible()  # cards: no header row on a phone
    first = rows.nth(0).bounding_box()
    assert first is not None and first["width"] > 300  # a card spans the screen
    assert "三角阀" in rows.nth(0).inner_text() and "角阀" in rows.nth(1).inner_text()
    assert path.stat().st_size > 10_000
