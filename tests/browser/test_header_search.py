"""On a desktop: an agent types a ticket's serial number into the search box of the session bar, lands
on the results holding that ticket, opens it (its record page with the flow's timeline), then finds the
ticket again by a fragment of the caller's phone number."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.browser.conftest import screenshot
from tests.flows import conftest as flow_fixtures

company = flow_fixtures.company  # a property company: groups, on-duty technicians, agents, a room


def test_an_agent_finds_a_ticket_from_the_header_search_box(live_server, browser, company):
    office = company
    office.clock.now = datetime.now(UTC)
    record = office.order(phone="139 8765 4321")
    office.order()  # another ticket, which neither search finds
    accept = office.open_tasks(record["id"], "accept")[0]
    office.act("agent1", accept["id"], "complete", outcome="accept")
    serial = record["data"]["order_no"]

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server}/")
    page.fill("#login", "agent1")
    page.fill("#password", "a-long-password")
    page.click("button.submit")
    box = page.locator("#bar-search")
    assert box.get_attribute("placeholder") == "搜索编号、电话…"
    box.fill(serial)
    box.press("Enter")
    page.wait_for_selector("body[data-page=search]")
    hits = page.locator(".search-group li")
    assert hits.count() == 1
    assert serial in hits.inner_text()
    screenshot(page, "header-search-serial-desktop")

    hits.locator("a").click()
    page.wait_for_selector("#record-title")
    assert page.locator("#record-title").inner_text() == serial
    assert "客服受理" in page.locator("#timeline").inner_text()
    screenshot(page, "header-search-record-desktop")

    page.locator("#bar-search").fill("8765")
    page.locator("#bar-search").press("Enter")
    page.wait_for_selector("body[data-page=search]")
    assert page.locator(".search-group li").count() == 1
    assert serial in page.locator(".search-group li").inner_text()
    screenshot(page, "header-search-phone-desktop")
    context.close()
