"""The property dashboard in a real browser: manager01 opens it from the home page, narrows it to one
community (the address changes, the numbers change), clicks a slice of the repair-type pie, lands on
the ticket list with the filters shown, opens a ticket and sees its flow timeline; the same board on
a phone (390 × 844) is one column."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import Browser

from tests.browser.conftest import screenshot
from tests.conftest import PROPERTY_APP, ROOT

DEMO = ROOT / "apps" / "property_repair.demo.json"
TICKETS = 300  # a few months of the demo year: every widget has numbers, the load stays short
PIE = '[data-widget="types"] .chart'


def _seed(live_server, tmp_path: Path, database_url: str) -> str:
    """The property app and a trimmed demo (its people, places and first tickets); the demo password."""
    request = urllib.request.Request(
        f"{live_server}/api/v1/apps",
        data=PROPERTY_APP.read_bytes(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {live_server.token}"},
    )
    urllib.request.urlopen(request, timeout=60).close()
    document = json.loads(DEMO.read_text(encoding="utf-8"))
    orders = document["records"]["repair_order"]
    document["records"]["repair_order"] = orders[:TICKETS] + [o for o in orders[TICKETS:] if o.get("_start_flows")]
    document["users"] = [u for u in document["users"] if u["login"] != "admin"]  # the server's own administrator
    folder = tmp_path / "demo"
    folder.mkdir()
    (folder / "property_repair.demo.json").write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    env = {**os.environ, "TRELLIS_DATABASE_URL": database_url, "TRELLIS_INSTANCE_DIR": str(tmp_path / "instance")}
    env.pop("TRELLIS_REDIS_URL", None)
    script = Path(sys.executable).with_name("trellis")
    seeded = subprocess.run(
        [str(script), "seed-demo", str(folder)], env=env, capture_output=True, text=True, timeout=600
    )
    assert seeded.returncode == 0, seeded.stderr
    return str(document["password"])


def _pie_total(page) -> float:
    return float(page.evaluate(f"() => document.querySelector('{PIE}').data[0].values.reduce((a, b) => a + b, 0)"))


def test_a_manager_filters_the_dashboard_and_drills_into_a_ticket(
    live_server, browser: Browser, tmp_path, database_url
):
    password = _seed(live_server, tmp_path, database_url)
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server}/?lang=zh-CN")
    page.fill("#login", "manager01")
    page.fill("#password", password)
    page.click("button.submit")
    page.click('[data-entry="service_dashboard"]')
    page.wait_for_selector(f"{PIE} .main-svg")
    page.wait_for_selector(".kpi-value")
    assert "/dashboards/service_efficiency" in page.url
    before = _pie_total(page)
    assert before > 0
    screenshot(page, "dashboard_desktop")
    with page.expect_download() as saved:  # the whole board as one PNG, composed in the browser
        page.click("#export-png")
    image = Path(saved.value.path()).read_bytes()
    assert image.startswith(b"\x89PNG") and len(image) > 10_000

    options = page.locator('select[name="community"] option')
    assert options.count() >= 3  # every community, by name
    chosen = options.nth(1)
    name, value = chosen.inner_text(), chosen.get_attribute("value")
    page.select_option('select[name="community"]', value)
    page.wait_for_function("value => location.search.includes('community=' + value)", arg=value)
    page.wait_for_function(
        f"total => document.querySelector('{PIE}').data[0].values.reduce((a, b) => a + b, 0) !== total", arg=before
    )
    assert parse_qs(urlsplit(page.url).query)["community"] == [value]
    assert 0 < _pie_total(page) < before

    page.locator(f"{PIE} g.slice path.surface").first.click()
    page.wait_for_url("**/forms/repair_order/records?**")
    chips = page.locator(".active-filter").all_inner_texts()
    assert any(name in chip for chip in chips), chips  # the community by its name, not its id
    assert any("报修类型" in chip for chip in chips), chips
    assert page.locator("tr[data-record]").count() > 0
    screenshot(page, "dashboard_drill_list")
    page.locator("tr[data-record] td a").first.click()
    page.wait_for_selector("#timeline")
    assert page.locator("#timeline").is_visible()

    phone = browser.new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
        storage_state=context.storage_state(),
    ).new_page()
    phone.goto(f"{live_server}/apps/property_repair/dashboards/service_efficiency?lang=zh-CN")
    phone.wait_for_selector(f"{PIE} .main-svg")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    lefts = phone.evaluate("[...document.querySelectorAll('.widget')].map(w => w.getBoundingClientRect().left)")
    assert len(set(round(x) for x in lefts)) == 1  # one column
    screenshot(phone, "dashboard_phone")
    context.close()
