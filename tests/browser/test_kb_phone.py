"""An owner on a phone types 停车费 into the public knowledge base, opens the article and votes it
helpful — in a real headless Chromium against a real server."""

import json
import urllib.request

from playwright.sync_api import expect

from tests.browser.conftest import screenshot
from tests.conftest import PROPERTY_APP, LiveServer

FORMS = "/api/v1/apps/property_repair/forms"


def _api(base: LiveServer, path: str, body: dict | bytes) -> dict:
    data = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {base.token}"}
    request = urllib.request.Request(f"{base}{path}", data=data, headers=headers)
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def test_an_owner_finds_the_parking_fee_article_on_a_phone_and_votes(live_server, phone):
    _api(live_server, "/api/v1/apps", PROPERTY_APP.read_bytes())
    article = {
        "title": "小区停车费怎么交?",
        "answer": "月租车位每月 300 元,可在物业服务中心缴纳停车费。",
        "published": True,
    }
    _api(live_server, f"{FORMS}/kb_article/records", article)
    _api(
        live_server,
        f"{FORMS}/kb_article/records",
        {"title": "门禁卡补办", "answer": "带身份证到服务中心。", "published": True},
    )

    phone.goto(f"{live_server}/kb/property_repair/kb_article")
    phone.fill("#kb-q", "停车费")
    results = phone.locator("#kb-results li")
    expect(results).to_have_count(1)  # found as it is typed, the other article gone
    expect(results.first).to_contain_text("小区停车费怎么交?")
    results.first.locator("a").click()
    expect(phone.locator(".kb-article h2")).to_have_text("小区停车费怎么交?")
    phone.get_by_role("button", name="有帮助").click()
    expect(phone.locator("#kb-vote-said")).to_have_text("感谢您的反馈")
    screenshot(phone, "kb-phone-voted")
    phone.reload()
    phone.get_by_role("button", name="没帮助").click()  # the same browser again: counted once only
    expect(phone.locator("#kb-vote-said")).to_have_text("您已经评价过这篇文章了")
