"""A builder replaces a step of a flow that has running jobs: the publish dialog offers a dry run,
which refuses until the old step is mapped to the new one; after publishing, the jobs move."""

import copy
import json

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import api_post, screenshot
from tests.conftest import ADMIN_LOGIN, ADMIN_PASSWORD
from tests.web.test_api_builder_moves import APP, PACKAGE, _renamed


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_changed_flow_offers_a_dry_run_and_moves_its_running_jobs_after_publishing(live_server, browser):
    api_post(live_server, "/api/v1/apps", PACKAGE)
    for title in ("修灯", "通下水道"):
        api_post(live_server, f"/api/v1/apps/{APP}/forms/job/records", {"title": title})
    page = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN").new_page()
    page.goto(f"{live_server}/login")
    page.fill("#login", ADMIN_LOGIN)
    page.fill("#password", ADMIN_PASSWORD)
    page.click("button.submit")
    page.goto(f"{live_server}/builder/apps/{APP}")
    page.wait_for_selector("#publish-preview")
    draft_url = f"{live_server}/api/v1/builder/apps/{APP}/draft"
    draft = page.request.get(draft_url).json()
    token = page.get_attribute('meta[name="csrf-token"]', "content") or ""
    changed = {"document": _renamed(copy.deepcopy(draft["document"])), "revision": draft["revision"]}
    headers = {"Content-Type": "application/json", "X-CSRFToken": token}
    assert page.request.put(draft_url, data=json.dumps(changed), headers=headers).ok  # as the flow designer saves
    page.reload()

    page.click("#publish-preview")
    page.click("#publish-dialog .try-move")
    expect(page.locator(".move-plan tr.refused")).to_have_count(2)
    page.select_option('.move-map[data-step="do"] select', "work")
    expect(page.locator(".move-plan tr.ok")).to_have_count(2)
    expect(page.locator(".move-plan tr.ok").first).to_contain_text("办理 → 处理工作")
    screenshot(page, "builder-publish-moves")
    page.click("#publish-confirm")
    page.wait_for_selector("#publish-result")
    after = page.locator(".after-publish")
    expect(after.locator(".move-plan tr.ok")).to_have_count(2)  # the map chosen before publishing is kept
    after.locator(".do-move").click()
    expect(after.locator(".moved")).to_have_text("已把 2 个实例迁移到第 2 版。")
    screenshot(page, "builder-published-moved")
    page.context.close()
