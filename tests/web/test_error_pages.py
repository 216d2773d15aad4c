"""Errors a browser meets are pages in the reader's language with a way back; the API keeps problem+json."""

import html
import re

import pytest

from engine.errors import PermissionDeniedError
from engine.i18n import translate
from engine.services.directory import DirectoryService

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"  # what a navigation sends
PASSWORD = "worker-password-1"
OTHER = {"zh-CN": "en", "en": "zh-CN"}


@pytest.fixture
def app(app):
    """The application, with a page a signed-in person may not open and a page that breaks."""

    @app.get("/test-only/forbidden")
    def forbidden() -> str:
        raise PermissionDeniedError.says("automation.runs.admin_only", app="demo")

    @app.get("/test-only/broken")
    def broken() -> str:
        raise RuntimeError("a bug")

    return app


def _sign_in(app, login: str):
    DirectoryService(app.extensions["trellis"].database).create_user(login, PASSWORD, name="王师傅", user_id=login)
    browser = app.test_client()
    found = re.search(r'name="csrf_token" value="([^"]+)"', browser.get("/login").get_data(as_text=True))
    assert found, "the sign-in page carries a CSRF token"
    browser.post("/login", data={"login": login, "password": PASSWORD, "csrf_token": found.group(1), "next": "/"})
    return browser


def _visible(response) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def _assert_page(response, status: int, locale: str) -> None:
    assert response.status_code == status
    assert response.mimetype == "text/html"
    text = _visible(response)
    assert translate(f"http.title.{status}", locale) in text
    assert translate(f"page.error.{status}", locale) in text
    assert 'id="error-home" href="/"' in response.get_data(as_text=True), "a way back home"
    other = OTHER[locale]
    for code in (f"http.title.{status}", f"page.error.{status}", "page.error.home"):
        assert translate(code, other) not in text, f"no {other} text on a {locale} page"
    without_switch = text.replace(translate("page.language", other), "")
    if locale == "zh-CN":
        assert re.findall(r"[A-Za-z]{2,}", without_switch) == ["Trellis"] * without_switch.count("Trellis")
    else:
        assert not re.search(r"[\u4e00-\u9fff]", without_switch)


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_a_missing_page_is_a_page_in_the_readers_language(anonymous_client, locale):
    response = anonymous_client.get("/no/such/page", headers={"Accept": BROWSER, "Accept-Language": locale})
    _assert_page(response, 404, locale)
    assert 'href="/no/such/page?lang=' + OTHER[locale] + '"' in response.get_data(as_text=True)


def test_the_error_page_leads_back_to_the_page_the_reader_came_from(anonymous_client):
    came_from = "http://localhost/login"
    response = anonymous_client.get("/no/such/page", headers={"Accept": BROWSER, "Referer": came_from})
    assert f'id="error-back" href="{came_from}"' in response.get_data(as_text=True)
    elsewhere = anonymous_client.get("/no/such/page", headers={"Accept": BROWSER, "Referer": "https://evil.example/"})
    assert "error-back" not in elsewhere.get_data(as_text=True), "never a link back to another site"


def test_the_api_and_json_callers_keep_problem_documents(anonymous_client):
    api = anonymous_client.get("/api/v1/no-such-thing", headers={"Accept": BROWSER, "Accept-Language": "en"})
    assert api.status_code == 404
    assert api.mimetype == "application/problem+json"
    assert api.get_json()["code"] == "http_404"
    page = anonymous_client.get("/no/such/page", headers={"Accept": "application/json"})
    assert page.mimetype == "application/problem+json"
    bare = anonymous_client.get("/no/such/page")  # no Accept at all: a script, not a browser
    assert bare.mimetype == "application/problem+json"


def test_a_signed_in_person_who_may_not_open_a_page_is_told_so(app):
    browser = _sign_in(app, "wang")
    response = browser.get("/test-only/forbidden?lang=en", headers={"Accept": BROWSER})
    _assert_page(response, 403, "en")
    as_api = browser.get("/test-only/forbidden", headers={"Accept": "application/json"})
    assert as_api.status_code == 403
    assert as_api.mimetype == "application/problem+json"


def test_a_wrong_method_is_a_page_that_names_the_allowed_ones(anonymous_client):
    response = anonymous_client.delete("/login", headers={"Accept": BROWSER, "Accept-Language": "zh-CN"})
    _assert_page(response, 405, "zh-CN")
    assert "GET" in response.headers["Allow"]


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_a_bug_is_a_page_that_asks_to_try_again_and_shows_no_traceback(app, locale):
    app.testing = False  # as in production: the error is answered, not re-raised into the test
    browser = app.test_client()
    response = browser.get("/test-only/broken", headers={"Accept": BROWSER, "Accept-Language": locale})
    _assert_page(response, 500, locale)
    assert "RuntimeError" not in response.get_data(as_text=True)
