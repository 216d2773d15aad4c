"""The language chosen with a page's language link sticks: a cookie for everyone, and with the signed-in person."""

import re

import pytest

from engine.errors import SubmissionError
from engine.services.directory import DirectoryService

PASSWORD = "worker-password-1"


@pytest.fixture
def directory(app) -> DirectoryService:
    store = DirectoryService(app.extensions["trellis"].database)
    store.create_user("wang", PASSWORD, name="王师傅", user_id="wang")
    return store


def _sign_in(app, accept_language: str):
    browser = app.test_client()
    browser.environ_base["HTTP_ACCEPT_LANGUAGE"] = accept_language
    found = re.search(r'name="csrf_token" value="([^"]+)"', browser.get("/login").get_data(as_text=True))
    assert found, "the sign-in page carries a CSRF token"
    browser.post("/login", data={"login": "wang", "password": PASSWORD, "csrf_token": found.group(1), "next": "/"})
    return browser


def _language(response) -> str:
    found = re.search(r'<html lang="([^"]+)"', response.get_data(as_text=True))
    assert found, "the page names its language"
    return found.group(1)


def test_the_public_keep_their_choice_in_a_cookie(anonymous_client):
    chosen = anonymous_client.get("/login?lang=en", headers={"Accept-Language": "zh-CN"})
    assert _language(chosen) == "en"
    assert "lang=en" in chosen.headers["Set-Cookie"]
    later = anonymous_client.get("/login", headers={"Accept-Language": "zh-CN"})
    assert _language(later) == "en", "the cookie wins over the browser's language"


def test_before_choosing_a_person_reads_in_their_browsers_language(app, directory):
    browser = _sign_in(app, "en")
    assert _language(browser.get("/")) == "en"
    assert directory.principal_for("wang").ui_locale is None


def test_a_signed_in_persons_choice_follows_them_to_another_browser(app, directory):
    first = _sign_in(app, "zh-CN")
    assert _language(first.get("/")) == "zh-CN"
    assert _language(first.get("/?lang=en")) == "en"
    assert directory.principal_for("wang").ui_locale == "en"
    second = _sign_in(app, "zh-CN")  # no cookie there, and a browser asking for Chinese
    assert _language(second.get("/")) == "en"
    assert _language(second.get("/?lang=zh-CN")) == "zh-CN"
    assert _language(first.get("/")) == "zh-CN", "the newest choice wins over the first browser's cookie"


def test_the_api_reads_lang_for_one_answer_and_remembers_nothing(app, directory):
    browser = _sign_in(app, "zh-CN")
    answer = browser.get("/api/v1/no-such-thing?lang=en")
    assert answer.get_json()["title"] == "Not Found"
    assert not [c for c in answer.headers.getlist("Set-Cookie") if c.startswith("lang=")]
    assert directory.principal_for("wang").ui_locale is None


def test_only_a_known_language_is_stored(directory):
    directory.set_page_locale("wang", "en")
    with pytest.raises(SubmissionError) as refused:
        directory.set_page_locale("wang", "fr")
    assert refused.value.field_errors["locale"]
    assert directory.principal_for("wang").ui_locale == "en"
