"""Each person's app home in a real browser: an agent at a desk, a technician on a phone (390 × 844)."""

from __future__ import annotations

from datetime import UTC, datetime

from playwright.sync_api import Browser, Page

from tests.browser.conftest import screenshot
from tests.flows import conftest as flow_fixtures
from tests.flows.conftest import Company

company = flow_fixtures.company  # a property company: groups, on-duty technicians, agents, a room

PASSWORD = "a-long-password"


def _signed_in(browser: Browser, base: str, login: str, **context: object) -> Page:
    page = browser.new_context(locale="zh-CN", **context).new_page()  # type: ignore[arg-type]
    page.goto(f"{base}/")
    page.fill("#login", login)
    page.fill("#password", PASSWORD)
    page.click("button.submit")
    page.wait_for_selector("nav.menu")
    return page


def test_an_agent_at_a_desk_and_a_technician_on_a_phone_find_their_work_at_home(live_server, browser, company):
    office: Company = company
    office.clock.now = datetime.now(UTC)
    office.order()  # waits for an agent's review
    dispatched = office.order()
    review = office.open_tasks(dispatched["id"], "accept")[0]
    office.act("agent1", review["id"], "complete", outcome="accept")
    worker = office.open_tasks(dispatched["id"], "repair")[0]["assignee"]

    agent = _signed_in(browser, live_server, "agent1", viewport={"width": 1280, "height": 800})
    entries = agent.locator(".menu-entry").all_inner_texts()
    assert [e.split()[0] for e in entries] == [
        *("我的任务", "待派单", "全部工单", "新建工单", "全部投诉建议", "登记投诉建议", "知识库"),
    ]
    assert agent.locator('[data-tasks="group"] strong').inner_text() == "1"
    screenshot(agent, "app-home-agent-desktop")
    agent.click('[data-entry="to_accept"]')
    agent.wait_for_selector(".task-item")
    assert "box=groups" in agent.url

    tech = _signed_in(
        browser,
        live_server,
        worker,
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    assert tech.locator(".menu-entry").all_inner_texts()[1:] == ["我的工单", "知识库"]
    assert tech.locator('[data-tasks="mine"] strong').inner_text() == "1"
    width = tech.evaluate("document.documentElement.scrollWidth")
    assert width <= 390  # nothing runs off the side of the phone
    screenshot(tech, "app-home-technician-phone")
    tech.click('[data-entry="my_tasks"]')
    tech.wait_for_selector(".task-item")
