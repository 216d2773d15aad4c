"""On a desktop: a supervisor has the task inbox open when a ticket goes unaccepted for fifteen minutes;
another process fires the timer and delivers the notification, and the bell shows it without a reload."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from engine.storage.tables import FlowTimerRow
from engine.worker import Worker
from tests.browser.conftest import screenshot
from tests.flows import conftest as flow_fixtures

company = flow_fixtures.company  # a property company: agents, a supervisor, technicians, a room


def test_a_supervisor_sees_an_overdue_ticket_arrive_in_the_bell_without_reloading(live_server, browser, company):
    office = company
    office.clock.now = datetime.now(UTC)
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server}/tasks")
    page.fill("#login", "supervisor1")
    page.fill("#password", "a-long-password")
    page.click("button.submit")
    page.wait_for_selector("#bell")
    assert page.locator("#bell-count").is_hidden()  # nothing unread yet
    page.evaluate("window.notReloaded = true")

    record = office.order()  # a ticket nobody accepts; a quarter of an hour later its timer fires elsewhere
    with office.flows.database.transaction() as session:
        session.execute(update(FlowTimerRow).values(due_at=datetime.now(UTC) - timedelta(seconds=1)))
    # this process (or the server's own worker thread, whichever comes first) fires it and delivers
    Worker(office.flows.database, flows=office.flows).run_once()

    page.wait_for_selector("#bell-count:not([hidden])", timeout=15_000)
    assert page.locator("#bell-count").inner_text() == "1"
    assert page.evaluate("window.notReloaded") is True  # the same page: no reload happened
    assert "报修单超过15分钟未受理" in (page.locator("#bell").get_attribute("title") or "")
    screenshot(page, "notification-bell-supervisor-desktop")

    page.click("#bell")  # the list: the message, its ticket, and a way to it
    page.wait_for_selector("#notifications .notice-item.unread")
    item = page.locator("#notifications .notice-item").first.inner_text()
    assert "报修单超过15分钟未受理" in item and record["data"]["order_no"] in item
    screenshot(page, "notification-list-supervisor-desktop")
    page.click("#notifications .notice-item button.open")
    page.wait_for_selector("#record-title")
    assert page.locator("#bell-count").is_hidden()  # opened: read
    context.close()
