"""Browser protections: every page carries the Content-Security-Policy and its companions (set in one
place, engine/web/security_headers.py), no template holds an inline script, an event-handler attribute
or an inline style the policy would block, and cookies are ``Secure`` when the public address is https.

tests/web/test_role_walks.py checks the headers on every page each demo role reaches
(``header_problems``); tests/browser/conftest.py fails any browser test whose pages broke the policy.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from engine.config import Settings
from engine.web import create_app
from tests.flows import conftest as flow_fixtures
from tests.flows.conftest import APP, Company
from tests.web.test_task_pages import PASSWORD, Staff

company = flow_fixtures.company
TEMPLATES = Path(__file__).resolve().parents[2] / "engine" / "web" / "templates"
EXPECTED = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}
POLICY = ("default-src 'self'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "object-src 'none'")


def header_problems(headers) -> list[str]:  # type: ignore[no-untyped-def]
    """What a page's headers lack of the browser protections (empty: none)."""
    problems = [f"{name}: {headers.get(name)!r}" for name, value in EXPECTED.items() if headers.get(name) != value]
    policy = headers.get("Content-Security-Policy") or ""
    directives = {part.strip() for part in policy.split(";")}
    problems += [f"CSP lacks {wanted}" for wanted in POLICY if wanted not in directives]
    if "unsafe-inline" in policy or "unsafe-eval" in policy:
        problems.append(f"CSP allows inline code: {policy}")
    if "camera=()" not in (headers.get("Permissions-Policy") or ""):
        problems.append(f"Permissions-Policy: {headers.get('Permissions-Policy')!r}")
    return problems


@pytest.mark.parametrize("path", sorted(str(p.relative_to(TEMPLATES)) for p in TEMPLATES.rglob("*.html")))
def test_no_template_holds_inline_script_handlers_or_styles(path):
    html = (TEMPLATES / path).read_text(encoding="utf-8")

    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, f"inline script {tag}"  # JSON is data, not run
    assert not re.findall(r"<[^>]*\son[a-z]+\s*=", html), "an inline event handler (onclick=…)"
    assert not re.findall(r"<[^>]*\sstyle\s*=", html), "an inline style attribute"
    assert not re.findall(r"<style\b", html) and "javascript:" not in html


@pytest.fixture
def boss(app, company: Company) -> Staff:
    company.clock.now = datetime.now(UTC)
    company.directory.create_user("boss", PASSWORD, admin=True, user_id="boss")
    return Staff(app, "boss")


def test_every_kind_of_page_carries_the_protections(app, company, boss):
    record = company.order()
    task = company.open_tasks(record["id"], "accept")[0]
    anonymous = app.test_client()
    public = [
        "/login",
        f"/f/{APP}/repair_order",
        "/no-such-page",
        f"/apps/{APP}",  # a redirect to sign in
    ]
    staff = [
        "/",
        f"/apps/{APP}",
        f"/apps/{APP}/forms/repair_order/records",
        f"/apps/{APP}/forms/repair_order/records/{record['id']}",
        f"/apps/{APP}/forms/repair_order/new",
        f"/apps/{APP}/dashboards/service_efficiency",
        f"/tasks/{task['id']}",
        "/tasks",
        "/notifications",
        "/admin/users",
        "/admin/groups",
        f"/api/v1/apps/{APP}/forms/repair_order/records",  # API answers carry them too
    ]
    found = {}
    for client, paths in ((anonymous, public), (boss.client, staff)):
        for path in paths:
            answer = client.get(path)
            found[path] = (answer.status_code, header_problems(answer.headers))
            answer.close()

    assert {path: problems for path, (_, problems) in found.items() if problems} == {}
    assert {status for status, _ in found.values()} <= {200, 302, 404}


def test_cookies_are_secure_by_default_when_the_public_address_is_https():
    def secure(**env: str) -> bool:
        return Settings.from_env(env).secure_cookies

    assert secure(TRELLIS_PUBLIC_URL="https://repair.example.com") is True
    assert secure(TRELLIS_PUBLIC_URL="http://192.168.1.20:5000") is False
    assert secure() is False
    assert secure(TRELLIS_PUBLIC_URL="https://repair.example.com", TRELLIS_SECURE_COOKIES="0") is False
    assert secure(TRELLIS_SECURE_COOKIES="true") is True


def test_the_session_cookie_is_secure_under_an_https_public_address(settings, company):
    company.directory.create_user("clerk", PASSWORD, user_id="clerk")
    https = dataclasses.replace(settings, public_url="https://repair.example.com", secure_cookies=True)
    app = create_app(https, {"TESTING": True})
    try:
        browser = app.test_client()
        token = re.search(r'name="csrf_token" value="([^"]+)"', browser.get("/login").get_data(as_text=True))
        assert token is not None
        answer = browser.post("/login", data={"login": "clerk", "password": PASSWORD, "csrf_token": token.group(1)})
        cookies = answer.headers.getlist("Set-Cookie")
        assert answer.status_code == 302
        assert cookies and all("Secure" in c and "HttpOnly" in c for c in cookies), cookies
    finally:
        app.extensions["trellis"].database.dispose()


def test_plotly_styles_are_served_as_a_stylesheet_and_named_on_the_dashboard(app, company, boss):
    sheet = app.test_client().get("/assets/plotly.css")
    board = boss.get(f"/apps/{APP}/dashboards/service_efficiency").get_data(as_text=True)
    css = sheet.get_data(as_text=True)

    assert sheet.status_code == 200 and sheet.mimetype == "text/css"
    # the rule that stacks a chart's layers: without it plotly's hover and drag layers fall below the chart
    assert ".js-plotly-plot .plotly .main-svg {position:absolute;top:0;left:0;pointer-events:none;}" in css
    assert len(css.splitlines()) > 40 and "X " not in css
    assert 'id="plotly.js-style-global" class="no-inline-styles" href="/assets/plotly.css"' in board
