"""A builder designs an automation in the automation designer ("when a ticket is created and its level
is high, write a note and notify the clerks"), publishes it, and after a record is created over the
API sees the note written and the run in the designer's run log."""

import json
import time
import urllib.request

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import api_post, label, screenshot
from tests.conftest import ADMIN_LOGIN, ADMIN_PASSWORD

APP = "desk"


PACKAGE = {
    "format": "trellis.app/1",
    "id": APP,
    "version": "1.0.0",
    "name": label("服务台", "Desk"),
    "roles": [{"id": "clerk", "name": label("办事员", "Clerk")}],
    "forms": [
        {
            "id": "ticket",
            "name": label("事项", "Ticket"),
            "title_field": "title",
            "fields": [
                {"id": "title", "type": "text", "label": label("标题", "Title")},
                {
                    "id": "level",
                    "type": "select",
                    "label": label("级别", "Level"),
                    "options": [{"value": "高"}, {"value": "低"}],
                },
                {"id": "note", "type": "text", "label": label("备注", "Note")},
            ],
        }
    ],
}


def _api_get(live_server, path: str) -> dict:
    request = urllib.request.Request(f"{live_server}{path}", headers={"Authorization": f"Bearer {live_server.token}"})
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.loads(answer.read())


def _type(page: Page, selector: str, text: str) -> None:
    """Replace the text of an expression editor (CodeMirror) by typing, as a builder does."""
    page.click(selector)
    page.keyboard.press("Control+a")
    page.keyboard.type(text)
    page.keyboard.press("Escape")  # close the completion list


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_an_automation_designed_in_the_builder_runs_and_shows_in_its_run_log(live_server, browser):
    api_post(live_server, "/api/v1/apps", PACKAGE)
    page = browser.new_context(viewport={"width": 1500, "height": 1000}, locale="zh-CN").new_page()
    page.goto(f"{live_server}/builder/apps/{APP}")
    page.fill("#login", ADMIN_LOGIN)
    page.fill("#password", ADMIN_PASSWORD)
    page.click("button.submit")
    page.click("#open-automations")

    page.click("#add-automation")
    page.select_option("#trigger-type", "record_created")
    page.select_option("#trigger-form", "ticket")
    _type(page, "#auto-condition", "level == '高'")
    page.select_option("#add-action", "set_fields")
    page.click("#action-0-set .add-pair")
    page.select_option("#action-0-set .pair-key", "note")
    _type(page, "#action-0-set .pair .cm-content", "'紧急:' + title")
    page.select_option("#add-action", "notify")
    page.select_option("#action-1-to-type", "role")
    page.select_option("#action-1-to-role", "clerk")
    page.fill("#action-1-message-zh", "有一件高级别事项")
    page.press("#action-1-message-zh", "Tab")
    page.wait_for_selector(".save-state.saved")
    expect(page.locator(".designer > .problems li")).to_have_count(0)

    page.click(".toolbar a >> nth=0")
    page.click("#publish-preview")
    page.click("#publish-confirm")
    expect(page.locator("#publish-result")).to_be_visible()

    made = api_post(live_server, f"/api/v1/apps/{APP}/forms/ticket/records", {"title": "漏水", "level": "高"})
    record = f"/api/v1/apps/{APP}/forms/ticket/records/{made['id']}"
    deadline = time.monotonic() + 20
    while _api_get(live_server, record).get("data", {}).get("note") != "紧急:漏水" and time.monotonic() < deadline:
        time.sleep(0.3)
    assert _api_get(live_server, record)["data"]["note"] == "紧急:漏水"

    page.click("#open-automations")
    page.click("#runs-refresh")
    run = page.locator(".run-list .run.outcome-done")
    expect(run).to_have_count(1)
    expect(run).to_contain_text(f"记录 #{made['id']}")
    screenshot(page, "builder-automation-designer")

    # a dispatch table is edited as a table: rows of condition -> group, the draft warning of its gap
    page.click("#add-automation")
    page.select_option("#add-action", "notify")
    page.select_option("#action-0-to-type", "dispatch")
    page.click("#action-0-to-table .add-row")
    _type(page, '#action-0-to-table tr[data-row="0"] td[data-key="when"] .cm-content', "level == '高'")
    page.fill('#action-0-to-table tr[data-row="0"] td[data-key="group"] input', "维修组")
    page.press('#action-0-to-table tr[data-row="0"] td[data-key="group"] input', "Tab")
    expect(page.locator("#action-0-to-table .warning")).to_be_visible()
    page.click("#action-0-to-table .add-row")
    page.fill('#action-0-to-table tr[data-row="1"] td[data-key="group"] input', "综合组")
    page.press('#action-0-to-table tr[data-row="1"] td[data-key="group"] input', "Tab")
    expect(page.locator("#action-0-to-table .warning")).to_have_count(0)
    # …and a row after the one that catches everything is an overlap, warned on the row
    page.click("#action-0-to-table .add-row")
    page.fill('#action-0-to-table tr[data-row="2"] td[data-key="group"] input', "多余组")
    page.press('#action-0-to-table tr[data-row="2"] td[data-key="group"] input', "Tab")
    expect(page.locator('#action-0-to-table tr[data-row="2"].warned')).to_be_visible()
    expect(page.locator("#action-0-to-table .warning")).to_contain_text("永远不会生效")
    page.click('#action-0-to-table tr[data-row="2"] .remove')
    expect(page.locator("#action-0-to-table .warning")).to_have_count(0)
    page.wait_for_selector(".save-state.saved")
    table = page.evaluate("() => window.trellisBuilder.designers.document().automations[1].actions[0].to.table")
    assert table == [{"when": "level == '高'", "group": "维修组"}, {"group": "综合组"}]
    screenshot(page, "builder-automation-dispatch-table")
    page.click('.automation-list li[data-automation="automation"] button')  # a problem opens its automation
    page.click(".designer > .problems a")
    expect(page.locator(".automation-list li.selected")).to_have_attribute("data-automation", "automation_2")
