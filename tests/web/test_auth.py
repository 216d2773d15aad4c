"""Signing in, sessions and CSRF, API tokens, and who sees what through the records API."""

import re

import pytest

from engine.services.directory import DirectoryService

BASE = "/api/v1/apps/property_repair/forms"


@pytest.fixture
def site(app, client, installed_property_app):
    directory = DirectoryService(app.extensions["trellis"].database)
    directory.create_user("wang", "owner-pass-1", roles=[("property_repair", "owner")], user_id="wang")
    directory.create_user("li", "owner-pass-2", roles=[("property_repair", "owner")], user_id="li")
    directory.create_user("worker01", "worker-pass", roles=[("property_repair", "technician")], user_id="worker01")
    directory.create_user("finance01", "finance-pass", roles=[("property_repair", "finance")], user_id="finance01")
    return client


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, "the page carries a CSRF token"
    return found.group(1)


def _sign_in(app, login: str, password: str):
    browser = app.test_client()
    token = _csrf(browser.get("/login").get_data(as_text=True))
    response = browser.post("/login", data={"login": login, "password": password, "csrf_token": token, "next": "/"})
    assert response.status_code == 302
    return browser


def _token(app, login: str, scopes: list[str]) -> dict:
    token, _ = DirectoryService(app.extensions["trellis"].database).create_token(login, "t", scopes)
    return {"Authorization": f"Bearer {token}"}


def test_pages_send_strangers_to_sign_in(app, site):
    response = app.test_client().get("/apps/property_repair")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_signing_in_needs_the_csrf_token(app, site):
    response = app.test_client().post("/login", data={"login": "wang", "password": "owner-pass-1"})
    assert response.status_code == 403


def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(app, site):
    browser = app.test_client()
    token = _csrf(browser.get("/login?lang=en").get_data(as_text=True))
    response = browser.post("/login?lang=en", data={"login": "nobody", "password": "x", "csrf_token": token})
    assert response.status_code == 401
    assert "wrong login name, mobile number or password" in response.get_data(as_text=True)


def test_a_signed_in_session_must_send_the_csrf_token_to_change_anything(app, site):
    browser = _sign_in(app, "wang", "owner-pass-1")
    order = {"owner_name": "王", "phone": "13812345678", "room": 1, "repair_type": "水电", "description": "x"}

    refused = browser.post(f"{BASE}/repair_order/records", json=order)
    token = _csrf(browser.get("/login").get_data(as_text=True))
    accepted = browser.get(f"{BASE}/repair_order/records", headers={"X-CSRFToken": token})

    assert refused.status_code == 403
    assert refused.json["code"] == "csrf_failed"
    assert accepted.status_code == 200


def test_signing_in_starts_a_fresh_session(app, site):
    browser = app.test_client()
    browser.get("/login")
    with browser.session_transaction() as before:
        before["planted"] = "by an attacker"
    token = _csrf(browser.get("/login").get_data(as_text=True))
    browser.post("/login", data={"login": "wang", "password": "owner-pass-1", "csrf_token": token})
    with browser.session_transaction() as after:
        assert "planted" not in after and after["uid"] == "wang"


def test_signing_out_ends_the_session_on_the_server_so_a_copied_cookie_stops_working(app, site):
    phone, laptop = _sign_in(app, "wang", "owner-pass-1"), _sign_in(app, "wang", "owner-pass-1")
    thief = app.test_client()
    cookie = phone.get_cookie("session")
    thief.set_cookie("session", cookie.value)
    assert thief.get("/account/password").status_code == 200  # the copy works while the session lives

    token = _csrf(phone.get("/account/password").get_data(as_text=True))
    assert phone.post("/logout", data={"csrf_token": token}).status_code == 302

    assert thief.get("/account/password").status_code == 302  # sent to sign in: the session has ended
    assert phone.get("/account/password").status_code == 302
    assert laptop.get("/account/password").status_code == 200  # other browsers stay signed in


def test_owners_see_only_their_own_tickets_and_never_hidden_fields(app, site):
    community = site.post(f"{BASE}/community/records", json={"name": "阳光花园"}).json["id"]
    building = site.post(f"{BASE}/building/records", json={"community": community, "name": "1栋"}).json["id"]
    room = site.post(f"{BASE}/room/records", json={"building": building, "room_no": "101"}).json["id"]
    order = {"owner_name": "王", "phone": "13812345678", "room": room, "repair_type": "水电", "description": "漏水"}
    wang = _token(app, "wang", ["app:property_repair:read", "app:property_repair:write"])
    li = _token(app, "li", ["app:property_repair:read", "app:property_repair:write"])

    mine = site.post(f"{BASE}/repair_order/records", json=order, headers=wang)
    site.post(f"{BASE}/repair_order/records", json={**order, "owner_name": "李"}, headers=li)

    assert mine.status_code == 201
    listed = site.get(f"{BASE}/repair_order/records", headers=wang).json["items"]
    assert [r["data"]["owner_name"] for r in listed] == ["王"]
    assert "parts_used" not in listed[0]["data"] and "accepted_by" not in listed[0]["data"]
    assert site.get(f"{BASE}/repair_order/records/{mine.json['id']}", headers=li).status_code == 404
    export = site.get(f"{BASE}/repair_order/export.csv", headers=wang)
    assert export.status_code == 403  # owners have no export grant


def test_a_technician_sees_what_is_assigned_to_them(app, site):
    community = site.post(f"{BASE}/community/records", json={"name": "翠湖苑"}).json["id"]
    building = site.post(f"{BASE}/building/records", json={"community": community, "name": "2栋"}).json["id"]
    room = site.post(f"{BASE}/room/records", json={"building": building, "room_no": "202"}).json["id"]
    base = {"owner_name": "赵", "phone": "13812345678", "room": room, "repair_type": "门窗", "description": "窗"}
    site.post(f"{BASE}/repair_order/records", json={**base, "worker": "worker01"})
    site.post(f"{BASE}/repair_order/records", json={**base, "worker": "worker02"})
    worker = _token(app, "worker01", ["app:property_repair:read"])

    listed = site.get(f"{BASE}/repair_order/records", headers=worker).json["items"]

    assert [r["data"]["worker"] for r in listed] == ["worker01"]


def test_token_scopes_limit_what_a_token_may_do(app, site):
    reader = _token(app, "finance01", ["app:property_repair:read"])
    order = {"owner_name": "王", "phone": "13812345678", "room": 1, "repair_type": "水电", "description": "x"}
    assert site.post(f"{BASE}/repair_order/records", json=order, headers=reader).status_code == 403
    assert site.get(f"{BASE}/repair_order/records", headers=reader).status_code == 200


def test_nobody_signed_in_gets_401_from_the_api(app, site):
    assert app.test_client().get(f"{BASE}/repair_order/records").status_code == 401
