"""A builder adds a list view and a read grant with a row rule picked from lists, then publishes:
a clerk sees only the rows the rule lets through, a visitor without the grant does not get the list."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import api_post, label, saved, screenshot, sign_in
from tests.conftest import ADMIN_LOGIN, ADMIN_PASSWORD

APP = "desk"
PASSWORD = "a-long-password"


PACKAGE = {
    "format": "trellis.app/1",
    "id": APP,
    "version": "1.0.0",
    "name": label("服务台", "Desk"),
    "roles": [{"id": "clerk", "name": label("办事员", "Clerk")}, {"id": "visitor", "name": label("访客", "Visitor")}],
    "forms": [
        {
            "id": "ticket",
            "name": label("事项", "Ticket"),
            "title_field": "title",
            "fields": [
                {"id": "title", "type": "text", "label": label("标题", "Title")},
                {"id": "handler", "type": "user", "label": label("经办人", "Handler")},
            ],
        }
    ],
}


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_row_rule_picked_in_the_designer_limits_the_published_list(live_server, browser):
    api_post(live_server, "/api/v1/apps", PACKAGE)
    ids = {}
    for login, role in (("ann", "clerk"), ("bob", "clerk"), ("vic", "visitor")):
        user = {"login": login, "password": PASSWORD, "name": login, "roles": [f"{APP}:{role}"]}
        ids[login] = api_post(live_server, "/api/v1/users", user)["id"]
    records = f"/api/v1/apps/{APP}/forms/ticket/records"
    mine = api_post(live_server, records, {"title": "交给安", "handler": ids["ann"]})
    api_post(live_server, records, {"title": "交给博", "handler": ids["bob"]})

    page = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN").new_page()
    sign_in(page, f"{live_server}/builder/apps/{APP}/views", ADMIN_LOGIN, ADMIN_PASSWORD)
    page.fill("#new-view-id", "mine")
    page.click("#add-view")
    page.select_option("#add-column-path", "handler")
    page.click("#add-column")
    page.check('#view-roles input[value="clerk"]')
    assert page.locator(".records-preview th").all_inner_texts() == ["标题", "经办人"]
    saved(page)
    screenshot(page, "builder-views-designer")

    page.click('.designer-tabs a[href$="/navigation"]')
    page.click("#add-entry")
    page.select_option("#entry-kind", "view")
    expect(page.locator(".menu-preview li")).to_have_count(1)
    page.click("#make-group")
    page.click("#add-entry")
    page.drag_and_drop('.nav-top > li[data-key="entry_2"] .drag', '.nav-items > li[data-key="entry"]')
    expect(page.locator(".nav-items > .sortable-row")).to_have_count(2)  # dragged into the group
    expect(page.locator(".menu-preview li li")).to_have_count(2)
    screenshot(page, "builder-navigation-designer")
    for _ in range(5):
        page.keyboard.press("Control+z")
    expect(page.locator(".nav-top .sortable-row")).to_have_count(0)
    saved(page)
    page.click(".designer > .problems a")  # the clerk cannot read tickets yet: the problem opens its view
    expect(page.locator('.view-list li[data-view="mine"]')).to_have_class("selected")

    page.click('.designer-tabs a[href$="/permissions"]')
    cell = page.locator('td.grant[data-role="clerk"][data-form="ticket"]')
    cell.locator('input[data-action="read"]').check()
    cell.locator("button.details").click()
    page.click("#add-condition")
    page.select_option(".condition .rule-path", "handler")
    assert page.locator(".condition .rule-user").input_value() == "user.id"
    expect(page.locator("#rule-expression")).to_have_text("handler == user.id")
    saved(page)
    page.fill("#view-as-record", str(mine["id"]))
    page.click("#view-as-go")
    page.wait_for_selector(".view-as-answer")
    expect(page.locator("#view-as-rows")).to_contain_text("经办人")  # the rule, in words
    expect(page.locator("#view-as-hidden")).to_be_visible()  # an unnamed clerk is not its handler
    page.select_option("#view-as-user", label="ann")  # the clerks, by name
    page.click("#view-as-go")
    expect(page.locator("#view-as-hidden")).to_have_count(0)
    expect(page.locator('.view-as-fields tr[data-field="title"]')).to_contain_text("交给安")
    expect(page.locator('.view-as-fields tr[data-field="handler"]')).to_contain_text("ann")  # a name, not an id
    screenshot(page, "builder-permissions-designer")

    page.click(".toolbar a >> nth=0")
    page.click("#publish-preview")
    page.click("#publish-confirm")
    assert "2" in page.locator("#publish-result").inner_text()
    page.context.close()

    for login, rows in (("ann", ["交给安"]), ("vic", None)):
        context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
        reader = context.new_page()
        sign_in(reader, f"{live_server}/apps/{APP}/forms/ticket/records?view=mine", login, PASSWORD)
        if rows is None:
            reader.wait_for_load_state()
            assert reader.locator("tr[data-record]").count() == 0
            assert reader.locator("table.records").count() == 0
        else:
            reader.wait_for_selector("table.records")
            found = reader.locator("tr[data-record]")
            assert [found.nth(i).inner_text().split("\t")[0].strip() for i in range(found.count())] == rows
        context.close()
