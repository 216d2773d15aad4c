"""An administrator adds a technician and puts them in a group; the technician changes their password on a phone."""

import urllib.request

from tests.browser.conftest import screenshot
from tests.conftest import ADMIN_LOGIN, ADMIN_PASSWORD, PROPERTY_APP


def _sign_in(page, base: str, login: str, password: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#login", login)
    page.fill("#password", password)
    page.click("button.submit")
    page.wait_for_url(f"{base}/")


def test_an_administrator_creates_a_person_and_adds_them_to_a_group(live_server, browser):
    request = urllib.request.Request(
        f"{live_server}/api/v1/apps",
        data=PROPERTY_APP.read_bytes(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {live_server.token}"},
    )
    urllib.request.urlopen(request, timeout=30).close()
    desk = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = desk.new_page()
    _sign_in(page, live_server, ADMIN_LOGIN, ADMIN_PASSWORD)

    page.click("#admin-link")
    page.click("#new-user")
    page.fill("#f-login", "wang")
    page.fill("#f-name", "王师傅")
    page.fill("#f-mobile", "13812345678")
    page.fill("#f-password", "wang-password-1")
    page.check("input[name=roles][value='property_repair:technician']")
    page.click("#user-form button.submit")
    created = page.locator(".notice").first.inner_text()
    page.click("text=班组")
    page.fill("#f-name", "工程部")
    page.click("#new-group button.submit")
    page.locator(".add-member input[name=login]").first.fill("wang")
    page.locator(".add-member button").first.click()
    page.wait_for_selector('[data-group="工程部"] [data-member="wang"]')
    groups_shot = screenshot(page, "admin-groups-desktop")
    page.click("text=用户")
    users_shot = screenshot(page, "admin-users-desktop")
    wang_row = page.locator('tr[data-login="wang"]').inner_text()

    assert created == "已创建用户 wang。"
    assert "王师傅" in wang_row and "维修" in wang_row and "工程部" in wang_row
    assert groups_shot.stat().st_size > 10_000 and users_shot.stat().st_size > 10_000
    desk.close()

    phone = browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, has_touch=True, locale="zh-CN"
    )
    mobile = phone.new_page()
    _sign_in(mobile, live_server, "wang", "wang-password-1")
    mobile.click("#account-password")
    mobile.fill("#current", "not-my-password")
    mobile.fill("#new", "wang-password-2")
    mobile.fill("#confirm", "wang-password-2")
    mobile.click("#password-form button.submit")
    refused = mobile.locator("#e-current").inner_text()
    password_shot = screenshot(mobile, "account-password-phone")
    mobile.fill("#current", "wang-password-1")
    mobile.fill("#new", "wang-password-2")
    mobile.fill("#confirm", "wang-password-2")
    mobile.click("#password-form button.submit")
    changed = mobile.locator("#password-changed").inner_text()
    fits = mobile.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    assert refused == "当前密码不正确"
    assert changed == "密码已修改。下次登录请使用新密码。"
    assert fits, "the password page fits a phone's width"
    assert password_shot.stat().st_size > 10_000
    phone.close()
