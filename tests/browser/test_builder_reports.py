"""A builder drags a select field onto a report's rows, picks a pie and sees the live result; builds a
pivot (a relation's titles × the month of creation) and a report over a flow's task facts; places the
reports on a dashboard with a date-range filter (one dragged in from the list), previews the board as
a clerk who sees less and as a role that may read nothing, publishes, and the published dashboard draws
the pie — which changes, on reload, when a record is added over the API."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import api_post, label, saved, screenshot, sign_in
from tests.conftest import ADMIN_LOGIN, ADMIN_PASSWORD

APP = "shop"
RECORDS = f"/api/v1/apps/{APP}/forms/job/records"


PACKAGE = {
    "format": "trellis.app/1",
    "id": APP,
    "version": "1.0.0",
    "name": label("门店服务", "Shop services"),
    "roles": [{"id": "clerk", "name": label("店员", "Clerk")}, {"id": "visitor", "name": label("访客", "Visitor")}],
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
                {"id": "site", "type": "relation", "target": "site", "label": label("楼栋", "Building")},
            ],
        },
        {
            "id": "site",
            "name": label("楼栋", "Building"),
            "title_field": "name",
            "fields": [{"id": "name", "type": "text", "label": label("名称", "Name")}],
        },
    ],
    "flows": [
        {
            "id": "serve",
            "name": label("服务流程", "Service flow"),
            "form": "job",
            "nodes": [
                {"id": "start", "type": "start"},
                {
                    "id": "work",
                    "type": "user_task",
                    "name": label("上门服务", "Visit"),
                    "assignee": {"type": "role", "role": "clerk"},
                },
                {"id": "done", "type": "end"},
            ],
            "edges": [
                {"id": "e1", "source": "start", "target": "work"},
                {"id": "e2", "source": "work", "target": "done"},
            ],
        }
    ],
    "permissions": [  # a clerk reads the cleaning jobs only; a visitor reads nothing
        {"role": "clerk", "form": "job", "actions": ["read"], "rows": "kind == '保洁'"},
        {"role": "clerk", "form": "site", "actions": ["read"]},
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
    sites = [
        api_post(live_server, f"/api/v1/apps/{APP}/forms/site/records", {"name": n})["id"] for n in ("甲栋", "乙栋")
    ]
    for kind, day, site in (("维修", "2026-03-02", 0), ("维修", "2026-03-09", 1), ("保洁", "2026-04-01", 0)):
        api_post(live_server, RECORDS, {"title": f"{kind}{day}", "kind": kind, "day": day, "site": sites[site]})
    clerk = {"login": "lin", "password": "shop-clerk-1", "name": "林小清", "roles": [f"{APP}:clerk"]}
    api_post(live_server, "/api/v1/users", clerk)
    # business staff with the app's builder role and nothing else build it all
    maker = {"login": "bao", "password": "shop-maker-1", "name": "鲍搭建", "roles": [f"{APP}:builder"]}
    api_post(live_server, "/api/v1/users", maker)

    page = browser.new_context(viewport={"width": 1500, "height": 950}, locale="zh-CN").new_page()
    sign_in(page, f"{live_server}/builder/apps/{APP}/reports", "bao", "shop-maker-1")
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

    # a pivot: rows the job's building (a relation), columns the month it was created, values the count
    page.fill("#new-report-id", "by_site")
    page.click("#add-report")
    page.click('.report-fields li[data-path="site"] .to-rows')
    page.click('.report-fields li[data-path="created_at"] .to-columns')
    page.select_option('#zone-columns li[data-field="created_at"] .bucket', "month")
    page.select_option("#chart-type", "pivot")
    pivot = page.locator(".report-live .pivot-result")
    expect(pivot.locator("tbody tr")).to_have_count(2)
    expect(pivot.locator("tbody tr", has_text="甲栋").locator("td")).to_have_text(["2"])
    expect(pivot.locator("thead th.pivot-column")).to_have_count(1)  # every job made this month
    page.wait_for_selector(".save-state.saved")
    screenshot(page, "builder-report-pivot")

    # a flow's process facts as the source: one row per task, its columns named
    page.fill("#new-report-id", "tasks")
    page.click("#add-report")
    page.select_option("#report-source", "flow:serve/tasks")
    expect(page.locator('.report-fields li[data-path="assignee"]')).to_contain_text("处理人")
    expect(page.locator('.report-fields li[data-path="record.kind"]')).to_contain_text("记录 › 类型")
    page.click('.report-fields li[data-path="record.kind"] .to-rows')
    expect(page.locator(".report-result tbody tr", has_text="维修")).to_contain_text("2")

    # values worked out in the designer: the repairs alone (a condition), then their share of each building's jobs
    page.fill("#new-report-id", "repair_rate")
    page.click("#add-report")
    page.click('.report-fields li[data-path="site"] .to-rows')
    page.click("#add-count")
    repairs = page.locator("#zone-measures > li").nth(1)
    repairs.locator("summary").click()
    repairs.locator("#measure-1-label-zh").fill("维修单")
    repairs.locator(".cm-content").click()
    page.keyboard.type("kind == '维修'")
    page.keyboard.press("Escape")  # close the completions
    page.click("#add-count")
    rate = page.locator("#zone-measures > li").nth(2)
    rate.locator(".agg").select_option("ratio")
    expect(rate.locator(".hint")).to_contain_text("records_2（维修单）")  # the ids a formula may use, named
    rate.locator(".formula").fill("records_2 / records")
    rate.locator("summary").click()
    rate.locator("#measure-2-format").select_option("percent")
    first = page.locator(".report-result tbody tr", has_text="甲栋").locator("td")
    expect(first).to_have_text(["甲栋", "2", "1", "50.0%"])
    expect(page.locator(".report-result thead th").nth(2)).to_have_text("维修单")
    page.wait_for_selector(".save-state.saved")
    screenshot(page, "builder-report-measures")

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

    # preview as a clerk, by name: the cleaning jobs only; as a visitor: no access on every widget
    page.click('.board-reports li[data-report="by_site"] .place-report')
    page.wait_for_selector(".save-state.saved")
    page.select_option("#preview-as-role", label="店员")
    page.select_option("#preview-as-person", label="林小清")
    expect(page.locator("#previewing-as")).to_contain_text("店员 · 林小清")
    expect(widget.locator(".mini-chart.pie .slice")).to_have_count(1)
    site_widget = page.locator('.grid-stack-item[data-widget="by_site"]')
    expect(site_widget.locator(".pivot-result tbody tr")).to_have_count(1)
    screenshot(page, "builder-dashboard-preview-as")
    page.select_option("#preview-as-role", label="访客")
    expect(page.locator(".board-grid .widget-refused")).to_have_count(2)
    expect(widget.locator(".widget-refused")).to_contain_text("无权查看")
    page.select_option("#preview-as-role", index=0)  # back to the builder's own permissions
    expect(widget.locator(".mini-chart.pie .slice")).to_have_count(2)

    # the task report dragged from the list onto the grid lands where it is let go
    chip = page.locator('.board-reports .report-chip[data-report="tasks"]').bounding_box()
    grid = page.locator(".board-grid").bounding_box()
    page.mouse.move(chip["x"] + 10, chip["y"] + 8)
    page.mouse.down()
    page.mouse.move(grid["x"] + grid["width"] * 0.6, grid["y"] + grid["height"] + 60, steps=8)
    page.mouse.move(grid["x"] + grid["width"] * 0.6 + 4, grid["y"] + grid["height"] + 64, steps=2)
    page.mouse.up()
    dropped = page.locator('.grid-stack-item[data-report="tasks"]')
    expect(dropped).to_have_count(1)
    expect(dropped.locator(".live-result")).to_be_visible()
    saved(page)
    board = page.evaluate("() => window.trellisBuilder.designers.document().dashboards[0]")
    placed = next(w for w in board["widgets"] if w["report"] == "tasks")
    assert placed["x"] >= 6 and placed["y"] >= 6, placed

    page.click(".toolbar a >> nth=0")
    page.click("#publish-preview")
    page.click("#publish-confirm")
    expect(page.locator("#publish-result")).to_be_visible()
    page.context.close()

    # the published dashboard, as someone who reads every job
    page = browser.new_context(viewport={"width": 1500, "height": 950}, locale="zh-CN").new_page()
    sign_in(page, f"{live_server}/apps/{APP}/dashboards/overview", ADMIN_LOGIN, ADMIN_PASSWORD)
    page.wait_for_selector('[data-widget="by_kind"] .chart .main-svg')
    assert _pie_total(page) == 3
    api_post(live_server, RECORDS, {"title": "新的保洁", "kind": "保洁", "day": "2026-04-02"})
    page.reload()
    page.wait_for_selector('[data-widget="by_kind"] .chart .main-svg')
    assert _pie_total(page) == 4
    page.context.close()
