"""A record repeating another's unique_together answers is a 422 naming the fields, in the request's language."""

import json

import pytest

from tests.unique_together_app import package

BASE = "/api/v1/apps/assets/forms"


@pytest.fixture
def api(client):
    body = json.dumps(package(), ensure_ascii=False).encode()
    assert client.post("/api/v1/apps", data=body, content_type="application/json").status_code in (200, 201)
    return client


def _post(api, form: str, body: dict, **headers):
    return api.post(f"{BASE}/{form}/records", json=body, headers=headers)


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "another record already has the same Community, Code; each combination may be used once"),
        ("zh-CN", "已有其他记录使用了相同的小区、编码组合;每种组合只能使用一次"),
    ],
)
def test_a_repeated_combination_is_a_422_in_the_requested_language(api, language, message):
    community = _post(api, "community", {"name": "阳光花园"}).json["id"]
    first = _post(api, "equipment", {"community": community, "code": "E-1"})

    again = _post(api, "equipment", {"community": community, "code": "E-1"}, **{"Accept-Language": language})

    assert first.status_code == 201
    assert again.status_code == 422
    assert again.json["errors"] == {"community": [message], "code": [message]}


def test_a_patch_into_a_taken_combination_is_a_422(api):
    sunny = _post(api, "community", {"name": "阳光花园"}).json["id"]
    green = _post(api, "community", {"name": "翠苑"}).json["id"]
    _post(api, "equipment", {"community": sunny, "code": "E-1"})
    other = _post(api, "equipment", {"community": green, "code": "E-1"})

    moved = api.patch(other.headers["Location"], json={"community": sunny}, headers={"If-Match": '"1"'})

    assert moved.status_code == 422
    assert set(moved.json["errors"]) == {"community", "code"}
