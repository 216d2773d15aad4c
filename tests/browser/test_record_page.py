"""On a desktop: an agent opens a ticket's record page, sees its sections and timeline, and leaves an
internal comment that stays with the ticket."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.browser.conftest import screenshot
from tests.flows import conftest as flow_fixtures
from tests.flows.conftest import APP

company = flow_fixtures.company  # a property company: groups, on-duty technicians, agents, a room


def test_an_agent_reads_a_ticket_and_leaves_an_internal_comment(live_server, browser, company):
    office = company
    office.clock.now = datetime.now(UTC)
    office.directory.update_user("agent1", {"name": "张敏"})
    record = office.order()
    accept = office.open_tasks(record["id"], "accept")[0]
    office.act("agent1", accept["id"], "complete", outcome="accept")

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server}/apps/{APP}/forms/repair_order/records/{record['id']}")
    page.fill("#login", "agent1")
    page.fill("#password", "a-long-password")
    page.click("button.submit")
    page.wait_for_selector("#record-title")
    assert page.locator("#record-title").inner_text() == record["data"]["order_no"]
    assert "客服受理" in page.locator("#timeline").inner_text()
    page.fill("#comments textarea", "已电话联系业主,明早上门")
    page.click("#comments button[type=submit]")
    page.wait_for_selector("#comments .comments li")
    assert "张敏" in page.locator("#comments .comments").inner_text()
    assert "已电话联系业主,明早上门" in page.locator("#comments .comments").inner_text()
    screenshot(page, "record-page-agent-desktop")
    context.close()
