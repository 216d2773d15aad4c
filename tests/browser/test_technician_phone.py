"""On phones: a technician signs in, accepts the dispatched ticket, checks in and completes it; the
owner watches the tracking page move by itself and rates the repair there."""

from __future__ import annotations

import json
import urllib.request
from datetime import UTC, datetime

from playwright.sync_api import Browser, Page

from tests.browser.conftest import screenshot
from tests.flows import conftest as flow_fixtures
from tests.flows.conftest import APP, Company

company = flow_fixtures.company  # a property company: groups, on-duty technicians, agents, a room

PASSWORD = "a-long-password"


def _phone(browser: Browser, base: str) -> Page:
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, has_touch=True, locale="zh-CN"
    )
    context.grant_permissions(["geolocation"], origin=base)
    context.set_geolocation({"latitude": 30.2741, "longitude": 120.1551, "accuracy": 15})
    return context.new_page()


def _file_a_ticket(base: str, office: Company) -> tuple[int, str]:
    body = {
        "owner_name": "王女士",
        "phone": "13812345678",
        "community": office.community,
        "room": office.room,
        "repair_type": "水电",
        "urgency": "紧急",
        "description": "厨房水管漏水,地面有积水",
    }
    request = urllib.request.Request(
        f"{base}/f/{APP}/repair_order",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Accept-Language": "zh-CN"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        answer = json.loads(response.read())
    return answer["id"], base + answer["tracking_url"]


def test_a_technician_completes_a_ticket_on_a_phone_and_the_owner_rates_it(live_server, browser, company):
    office = company
    office.clock.now = datetime.now(UTC)
    record_id, tracking_url = _file_a_ticket(live_server, office)
    accept = office.open_tasks(record_id, "accept")[0]
    office.act("agent1", accept["id"], "complete", outcome="accept")  # the agent's review, at the desk
    worker = office.open_tasks(record_id, "repair")[0]["assignee"]

    owner = _phone(browser, live_server)
    owner.goto(tracking_url)
    owner.wait_for_selector('#timeline li[data-stage="dispatched"]')
    assert owner.locator("#rating").is_hidden()

    tech = _phone(browser, live_server)
    tech.goto(f"{live_server}/tasks")
    assert "/login" in tech.url
    tech.fill("#login", worker)
    tech.fill("#password", PASSWORD)
    tech.click("button.submit")
    tech.wait_for_selector(".task-item")
    assert tech.locator('.tab.active [data-count="mine"]').inner_text() == "1"
    assert "维修处理" in tech.locator(".task-item").first.inner_text()
    screenshot(tech, "technician-inbox-phone")

    tech.click(".task-item a")
    tech.wait_for_selector('button[data-action="claim"]')
    assert tech.locator("#f-description").inner_text() == "厨房水管漏水,地面有积水"
    # the next SLA deadline (accept within 30 minutes) counts down, second by second
    tech.wait_for_selector(".countdown:not(:empty)")
    first = tech.locator(".countdown").inner_text()
    assert first.startswith("剩余") and "分" in first and "秒" in first, first
    tech.wait_for_function("(before) => document.querySelector('.countdown').textContent !== before", arg=first)
    screenshot(tech, "technician-task-before-accepting-phone")
    tech.click('button[data-action="claim"]')
    tech.wait_for_selector("#f-result")
    tech.wait_for_selector("#flash:not([hidden])")
    assert tech.locator("#flash").inner_text() == "已接单"
    # a short phone layout: the whole task, inputs and buttons included, fits in two screens
    height = tech.evaluate("document.documentElement.scrollHeight")
    print(f"technician task page height at 390x844: {height}px")
    screenshot(tech, "technician-task-accepted-phone")
    assert height <= 2 * 844, height

    tech.click('button[data-action="check_in"]')
    tech.wait_for_selector("#flash:has-text('已签到')")
    assert tech.locator("#flash").inner_text() == "已签到"  # with the location: the phone allowed it
    assert tech.locator("#f-check_in_location").inner_text() == "30.2741, 120.1551"

    tech.click('button[data-action="complete"]')  # the result is required: said next to it, nothing sent on
    tech.wait_for_selector('.field[data-field="result"].invalid')
    assert tech.locator("#e-result").inner_text() == "请填写处理结果"
    tech.fill("#f-result", "更换厨房水龙头及进水软管,试水无渗漏")
    tech.click('.add-row[data-for="parts_used"]')
    row = '[data-field="parts_used"] tbody tr:last-child'
    tech.fill(f"{row} .lookup-box", "水龙")  # a search, not a list of the first rows
    tech.click(f'{row} .lookup-results li:has-text("水龙头")')
    tech.fill(f"{row} input[name='qty']", "2")
    # the unit price comes from the part and the amount and total are computed before anything is saved
    tech.wait_for_selector(f"{row} output[data-cell='amount']:has-text('160')")
    assert tech.locator(f"{row} output[data-cell='unit_price']").inner_text() == "80.00"
    screenshot(tech, "technician-task-filled-phone")
    tech.click('button[data-action="complete"]')
    tech.wait_for_url(f"{live_server}/tasks?lang=zh-CN")
    tech.wait_for_selector("#flash")
    assert tech.locator('[data-count="done"]').inner_text() == "1"
    screenshot(tech, "technician-inbox-after-completing-phone")

    # the owner's page was open all along: it moves on and asks for the rating by itself
    owner.wait_for_selector("#rating:not([hidden])", timeout=20_000)
    stages = owner.locator("#timeline li.reached strong").all_inner_texts()
    assert stages[:4] == ["已提交", "已受理", "已派单", "处理中"]
    screenshot(owner, "owner-tracking-rating-phone")
    owner.click("#rating-form button.submit")  # nothing chosen yet
    owner.wait_for_selector('.field[data-field="fixed"].invalid')
    owner.click('#r-fixed label:has-text("是")')
    owner.click("#r-rating label:nth-child(5)")
    owner.fill("#r-comment", "师傅很快,很专业")
    owner.click("#rating-form button.submit")
    owner.wait_for_selector("#rated:not([hidden])")
    assert owner.locator("#timeline li.reached strong").last.inner_text() == "已完成"
    assert owner.locator("#timeline li.pending").count() == 0
    screenshot(owner, "owner-tracking-rated-phone")

    instance = office.instance_of(record_id)
    assert (instance["status"], instance["end_status"]) == ("completed", "closed")
    owner.context.close()
    tech.context.close()
