"""Over HTTP: the registration past an event's capacity is a 422 with the rule's message, and
reading the event shows the seats left as they are now."""

import json

import pytest

from tests.sign_up_app import FULL, package

BASE = "/api/v1/apps/signup/forms"


@pytest.fixture
def api(client):
    body = json.dumps(package(), ensure_ascii=False).encode()
    assert client.post("/api/v1/apps", data=body, content_type="application/json").status_code in (200, 201)
    return client


def _post(api, form: str, body: dict, **headers):
    return api.post(f"{BASE}/{form}/records", json=body, headers=headers)


@pytest.mark.parametrize("language", ["en", "zh-CN"])
def test_the_registration_past_capacity_is_a_422_with_the_rules_message(api, language):
    event = _post(api, "event", {"name": "读书会", "capacity": 2}).json["id"]
    first = _post(api, "registration", {"event": event, "seats": 2})

    refused = _post(api, "registration", {"event": event}, **{"Accept-Language": language})

    assert first.status_code == 201
    assert refused.status_code == 422
    assert refused.json["errors"] == {"event": [FULL[language]]}


def test_the_event_shows_the_seats_left_after_each_registration(api):
    event = _post(api, "event", {"name": "读书会", "capacity": 5})
    assert event.json["data"]["seats_left"] == "5"

    _post(api, "registration", {"event": event.json["id"], "seats": 2})

    assert api.get(event.headers["Location"]).json["data"]["seats_left"] == "3"
