"""A builder drags a select field onto a report's rows, picks a pie and sees the live result; places
the report on a dashboard with a date-range filter, publishes, and the published dashboard draws the
pie — which changes, on reload, when a record is added over the API."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import api_post, label, screenshot
from tests.conftest import ADMIN_LOGIN, ADMIN_PASSWORD

APP = "shop"
RECORDS = f"/api/v1/apps/{APP}/forms/job/records"


PACKAGE = {
    "format": "trellis.app/1",
    "id": APP,
    "version": "1.0.0",
    "name": label("门店服务", "Shop services"),
    "roles": [{"id": "clerk", "name": label("店员", "Clerk")}],
    "forms": [
        {
            "id": "job",
            "name": label("服务单", "Job"),
            "title_field": "title",
            "fields": [
                {"id": "title", "type": "text", "label": label("标题", "Title")},
                {
                    "id": "kind",
                    "type": "select",
                    "label": label("类型", "Kind"),
                    "options": [{"value": "维修"}, {"value": "保洁"}],
                },
                {"id": "day", "type": "date", "label": label("日期", "Day")},
            ],
        }
    ],
}


def _pie_total(page: Page) -> float:
    script = (
        "() => document.querySelector('[data-widget=\"by_kind\"] .chart').data[0].values.reduce((a, b) => a + b, 0)"
    )
    return float(page.evaluate(script))


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_pie_report_built_by_drag_lands_on_a_published_dashboard(live_server, browser):
    api_post(live_server, "/api/v1/apps", PACKAGE)
    for kind, day in (("维修", "2026-03-02"), ("维修", "2026-03-09"), ("保洁", "2026-04-01")):
        api_post(live_server, RECORDS, {"title": f"{kind}{day}", "kind": kind, "day": day})

    page = browser.new_context(viewport={"width": 1500, "height": 950}, locale="zh-CN").new_page()
    page.goto(f"{live_server}/builder/apps/{APP}/reports")
    page.fill("#login", ADMIN_LOGIN)
    page.fill("#password", ADMIN_PASSWORD)
    page.click("button.submit")
    page.fill("#new-report-id", "by_kind")
    page.click("#add-report")
    page.wait_for_url(f"**/builder/apps/{APP}/reports/by_kind")  # the address opens this report again
    page.drag_and_drop('.report-fields li[data-path="kind"] .drag', "#zone-rows")
    expect(page.locator('#zone-rows li[data-field="kind"]')).to_have_count(1)
    page.click('.report-fields li[data-path="day"] .to-columns')  # the keyboard way: a month pivot column
    page.select_option('#zone-columns li[data-field="day"] .bucket', "month")
    expect(page.locator(".report-result thead th")).to_have_count(3)
    page.click('#zone-columns li[data-field="day"] .remove')
    page.select_option("#chart-type", "pie")
    expect(page.locator(".report-live .mini-chart.pie .slice")).to_have_count(2)
    expect(page.locator(".report-result tbody tr", has_text="维修")).to_contain_text("2")
    page.wait_for_selector(".save-state.saved")
    screenshot(page, "builder-report-designer")

    page.click('.designer-tabs a[href$="/dashboards"]')
    page.fill("#new-dashboard-id", "overview")
    page.click("#add-dashboard")
    page.click('.board-reports li[data-report="by_kind"] .place-report')
    widget = page.locator('.grid-stack-item[data-widget="by_kind"]')
    expect(widget.locator(".mini-chart.pie .slice")).to_have_count(2)
    widget.locator(".widget-wider").click()
    # gridstack: the widget dragged by its title to the right half of the grid
    head = widget.locator(".widget-head strong").bounding_box()
    page.mouse.move(head["x"] + 5, head["y"] + 5)
    page.mouse.down()
    page.mouse.move(head["x"] + 300, head["y"] + 8, steps=6)
    page.mouse.move(head["x"] + 400, head["y"] + 10, steps=4)
    page.mouse.up()
    page.click("#add-board-filter")
    page.wait_for_selector(".save-state.saved")
    board = page.evaluate("() => window.trellisBuilder.designers.document().dashboards[0]")
    assert board["widgets"][0]["w"] == 13 and board["filters"][0]["kind"] == "date_range"
    assert board["widgets"][0]["x"] > 0
    screenshot(page, "builder-dashboard-designer")

    page.click(".toolbar a >> nth=0")
    page.click("#publish-preview")
    page.click("#publish-confirm")
    expect(page.locator("#publish-result")).to_be_visible()

    page.goto(f"{live_server}/apps/{APP}/dashboards/overview")
    page.wait_for_selector('[data-widget="by_kind"] .chart .main-svg')
    assert _pie_total(page) == 3
    api_post(live_server, RECORDS, {"title": "新的保洁", "kind": "保洁", "day": "2026-04-02"})
    page.reload()
    page.wait_for_selector('[data-widget="by_kind"] .chart .main-svg')
    assert _pie_total(page) == 4
    page.context.close()
