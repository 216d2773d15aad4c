"""Changing one's own password: the current one is checked like a sign-in, and the session is renewed."""

import html
import re

import pytest

from engine.services.directory import DirectoryService
from engine.services.sign_in import MAX_FAILURES
from engine.storage.audit import AuditLog

PASSWORD = "old-password-1"
NEW = "new-password-2"


@pytest.fixture
def directory(app) -> DirectoryService:
    store = DirectoryService(app.extensions["trellis"].database)
    store.create_user("wang", PASSWORD, name="王师傅", user_id="wang")
    return store


@pytest.fixture
def wang(app, directory):
    return _sign_in(app, "wang", PASSWORD)


def _csrf(browser, path: str = "/account/password") -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', browser.get(path).get_data(as_text=True))
    assert found, f"{path} carries a CSRF token"
    return found.group(1)


def _sign_in(app, login: str, password: str):
    browser = app.test_client()
    token = _csrf(browser, "/login")
    browser.post("/login", data={"login": login, "password": password, "csrf_token": token, "next": "/"})
    return browser


def _signed_in(browser) -> bool:
    return browser.get("/account/password").status_code == 200


def _change(browser, current: str, new: str, confirm: str | None = None, lang: str = "en", token: str | None = None):
    form = {"current": current, "new": new, "confirm": new if confirm is None else confirm}
    form["csrf_token"] = token if token is not None else _csrf(browser)
    return browser.post(f"/account/password?lang={lang}", data=form)


def _error(response, name: str) -> str:
    found = re.search(rf'<p class="error" id="e-{name}">([^<]*)</p>', response.get_data(as_text=True))
    assert found, f"an error is shown next to '{name}'"
    return html.unescape(found.group(1))


def test_strangers_are_sent_to_sign_in(anonymous_client, directory):
    page = anonymous_client.get("/account/password")
    post = anonymous_client.post("/account/password", data={"current": PASSWORD, "new": NEW, "confirm": NEW})

    assert page.status_code == post.status_code == 302
    assert page.headers["Location"] == "/login?next=/account/password"


def test_the_page_asks_for_the_current_password_and_the_new_one_twice(wang):
    page = wang.get("/account/password?lang=zh-CN").get_data(as_text=True)

    assert re.findall(r'<input id="(\w+)" name="\w+" type="password"', page) == ["current", "new", "confirm"]
    assert "当前密码" in page and "再次输入新密码" in page


def test_a_change_without_the_csrf_token_is_refused(app, wang):
    response = wang.post("/account/password", data={"current": PASSWORD, "new": NEW, "confirm": NEW})

    assert response.status_code == 403
    assert _sign_in(app, "wang", PASSWORD).get("/account/password").status_code == 200


REFUSED = [
    (("wrong-password", NEW, NEW), "current", "The current password is not right", 401),
    (("", NEW, NEW), "current", "Enter your current password", 422),
    ((PASSWORD, NEW, "new-password-3"), "confirm", "The two new passwords are not the same", 422),
    ((PASSWORD, "short", "short"), "new", "The new password needs at least 8 characters", 422),
    ((PASSWORD, "x" * 5000, "x" * 5000), "new", "The new password may have at most 1024 characters", 422),
    ((PASSWORD, PASSWORD, PASSWORD), "new", "The new password must differ from the current one", 422),
    (("c" * 100_000, NEW, NEW), "current", "The current password is not right", 401),
]


@pytest.mark.parametrize(("typed", "field", "message", "status"), REFUSED)
def test_a_refused_change_says_what_is_wrong_and_keeps_the_old_password(app, wang, typed, field, message, status):
    response = _change(wang, *typed)

    assert response.status_code == status
    assert _error(response, field) == message
    assert _signed_in(_sign_in(app, "wang", PASSWORD))


def test_a_wrong_current_password_is_told_in_chinese_too(wang):
    response = _change(wang, "wrong-password", NEW, lang="zh-CN")

    assert _error(response, "current") == "当前密码不正确"


def test_guessing_the_current_password_locks_the_account_like_signing_in_does(app, wang):
    for _ in range(MAX_FAILURES):
        _change(wang, "wrong-password", NEW)

    right_but_locked = _change(wang, PASSWORD, NEW)

    assert right_but_locked.status_code == 401
    assert _error(right_but_locked, "current").startswith("Too many wrong attempts; try again after ")
    assert not _signed_in(_sign_in(app, "wang", PASSWORD))


def test_after_a_change_the_new_password_signs_in_and_the_old_one_does_not(app, wang):
    response = _change(wang, PASSWORD, NEW)
    page = wang.get(response.headers["Location"] + "?lang=en")

    assert response.status_code == 302
    assert "Your password has been changed. Use the new one next time you sign in." in html.unescape(
        page.get_data(as_text=True)
    )
    assert _signed_in(_sign_in(app, "wang", NEW))
    assert not _signed_in(_sign_in(app, "wang", PASSWORD))


def test_the_session_is_renewed_but_this_browser_stays_signed_in(app, wang):
    old_token = _csrf(wang)
    with wang.session_transaction() as before:
        old_session = dict(before)

    _change(wang, PASSWORD, NEW, token=old_token)
    with wang.session_transaction() as after:
        new_session = dict(after)
    replay = wang.post("/logout", data={"csrf_token": old_token})

    assert new_session["uid"] == "wang"
    assert new_session.get("csrf_token") != old_session.get("csrf_token")
    assert replay.status_code == 403, "a CSRF token of the old session no longer works"
    assert _signed_in(wang)


def test_the_change_is_audited_as_done_by_the_person_themselves(app, wang):
    _change(wang, PASSWORD, NEW)

    event = AuditLog(app.extensions["trellis"].database).query(action="user.password_set")["items"][0]
    assert (event["actor"], event["subject_id"], event["details"]) == ("user:wang", "wang", {"login": "wang"})


def test_changing_the_password_signs_out_every_other_browser(app, wang):
    phone = _sign_in(app, "wang", PASSWORD)
    assert _signed_in(phone)
    _change(wang, PASSWORD, NEW)
    assert _signed_in(wang), "the browser that made the change stays signed in"
    assert not _signed_in(phone), "a session from before the change has ended"


def test_a_reset_by_an_administrator_also_ends_the_old_sessions(app, directory, wang):
    directory.set_password("wang", "reset-by-admin-9")
    assert not _signed_in(wang)
