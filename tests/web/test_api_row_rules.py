"""Row rules over HTTP: a relation path rule filters the records list and get, a write outside the
writer's rows is a 403 problem+json in the request's language, and a rule on today() moves with the clock."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.row_rules_app import APP, package

BASE = f"/api/v1/apps/{APP}/forms"
TICKETS = f"{BASE}/ticket/records"
PASSWORD = "row-rules-pass-1"


@pytest.fixture
def estate(client, app):
    """Community 1 (room `home`), community 2 (room `away`); an agent of community 1 and a reader of
    tickets due today or later (role r0 of ``package``), each with an API token."""
    assert client.post("/api/v1/apps", json=package("deadline >= today()")).status_code == 201

    def make(form: str, **data):
        response = client.post(f"{BASE}/{form}/records", json=data)
        assert response.status_code == 201, response.json
        return response.json["id"]

    ours, theirs = make("community", name="一区"), make("community", name="二区")
    rooms = {
        "home": make("room", building=make("building", community=ours, name="1栋"), number="101"),
        "away": make("room", building=make("building", community=theirs, name="9栋"), number="901"),
    }
    directory = app.extensions["trellis"].directory
    directory.create_user("agent", PASSWORD, roles=[(APP, "agent")], communities=[ours])
    directory.create_user("reader", PASSWORD, roles=[(APP, "r0")])
    scopes = [f"app:{APP}:read", f"app:{APP}:write"]
    tokens = {login: directory.create_token(login, "tests", scopes)[0] for login in ("agent", "reader")}
    return client, rooms, tokens


def _as(tokens, who: str, lang: str = "en") -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens[who]}", "Accept-Language": lang}


def test_a_path_rule_filters_the_list_and_get(estate):
    client, rooms, tokens = estate
    ours = client.post(TICKETS, json={"title": "ours", "room": rooms["home"]}).json["id"]
    theirs = client.post(TICKETS, json={"title": "theirs", "room": rooms["away"]}).json["id"]

    listed = client.get(TICKETS, headers=_as(tokens, "agent"))
    assert [item["id"] for item in listed.json["items"]] == [ours]
    assert client.get(f"{TICKETS}/{ours}", headers=_as(tokens, "agent")).status_code == 200
    assert client.get(f"{TICKETS}/{theirs}", headers=_as(tokens, "agent")).status_code == 404


@pytest.mark.parametrize(
    ("lang", "detail"),
    [
        ("en", "you may only create records of 'Ticket' that your role lets you work on; check Room"),
        ("zh-CN", "您只能新建自己有权处理的“工单”记录;请检查房间"),
    ],
)
def test_creating_outside_the_rows_is_a_403_in_the_requests_language(estate, lang, detail):
    client, rooms, tokens = estate
    refused = client.post(TICKETS, json={"title": "x", "room": rooms["away"]}, headers=_as(tokens, "agent", lang))

    assert refused.status_code == 403
    assert refused.mimetype == "application/problem+json"
    assert (refused.json["code"], refused.json["detail"]) == ("permission_denied", detail)
    assert client.get(TICKETS).json["items"] == []


def test_moving_a_ticket_out_is_a_403_and_within_is_fine(estate):
    client, rooms, tokens = estate
    created = client.post(TICKETS, json={"title": "x", "room": rooms["home"]}, headers=_as(tokens, "agent"))
    assert created.status_code == 201
    location = created.headers["Location"]

    moved = client.patch(location, json={"room": rooms["away"]}, headers={**_as(tokens, "agent"), "If-Match": '"1"'})
    assert (moved.status_code, moved.json["detail"]) == (
        403,
        "this change would move the record of 'Ticket' out of the records your role lets you work on; check Room",
    )
    kept = client.patch(location, json={"title": "y"}, headers={**_as(tokens, "agent"), "If-Match": '"1"'})
    assert (kept.status_code, kept.json["data"]["room"], kept.json["data"]["title"]) == (200, rooms["home"], "y")


def test_a_rule_on_today_shows_what_is_due_from_today_on(estate):
    client, rooms, tokens = estate
    today = date.today()  # the company zone and this machine's date agree except around midnight: use a margin
    due = {
        "past": (today - timedelta(days=3)).isoformat(),
        "future": (today + timedelta(days=3)).isoformat(),
    }
    ids = {name: client.post(TICKETS, json={"title": name, "deadline": day}).json["id"] for name, day in due.items()}
    client.post(TICKETS, json={"title": "none"})

    listed = client.get(TICKETS, headers=_as(tokens, "reader"))
    assert [item["id"] for item in listed.json["items"]] == [ids["future"]]
