"""The records API over HTTP: status codes, ETags, If-Match, idempotency, and garbage refused."""

import json

import pytest

BASE = "/api/v1/apps/property_repair/forms"


@pytest.fixture
def api(client, installed_property_app):
    return client


def _post(api, form: str, body, **headers):
    data = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
    return api.post(f"{BASE}/{form}/records", data=data, content_type="application/json", headers=headers)


@pytest.fixture
def room(api) -> int:
    community = _post(api, "community", {"name": "阳光花园"}).json["id"]
    building = _post(api, "building", {"community": community, "name": "1栋"}).json["id"]
    return _post(api, "room", {"building": building, "room_no": "101"}).json["id"]


def _order(room: int) -> dict:
    return {
        "owner_name": "李先生",
        "phone": "13912345678",
        "room": room,
        "repair_type": "门窗",
        "description": "窗户关不上",
    }


def test_create_read_update_delete_restore(api, room):
    created = _post(api, "repair_order", _order(room))
    assert created.status_code == 201
    assert created.headers["ETag"] == '"1"'
    location = created.headers["Location"]

    read = api.get(location)
    assert (read.status_code, read.json["data"]["owner_name"]) == (200, "李先生")

    changed = api.patch(location, json={"urgency": "紧急"}, headers={"If-Match": '"1"'})
    assert (changed.status_code, changed.headers["ETag"], changed.json["data"]["urgency"]) == (200, '"2"', "紧急")

    assert api.delete(location, headers={"If-Match": '"2"'}).status_code == 200
    assert api.get(location).status_code == 404
    assert api.post(f"{location}/restore").status_code == 200
    assert [h["action"] for h in api.get(f"{location}/history").json["items"]] == [
        "create",
        "update",
        "delete",
        "restore",
    ]


def test_update_without_if_match_is_428(api, room):
    location = _post(api, "repair_order", _order(room)).headers["Location"]
    response = api.patch(location, json={"urgency": "紧急"})
    assert (response.status_code, response.mimetype) == (428, "application/problem+json")


def test_stale_update_is_409_with_the_current_version(api, room):
    location = _post(api, "repair_order", _order(room)).headers["Location"]
    api.patch(location, json={"urgency": "紧急"}, headers={"If-Match": '"1"'})

    stale = api.patch(location, json={"urgency": "非常紧急"}, headers={"If-Match": '"1"'})

    assert stale.status_code == 409
    assert stale.json["current_version"] == 2


def test_field_errors_come_back_by_field_in_the_requested_language(api, room):
    bad = {**_order(room), "phone": "123"}
    response = _post(api, "repair_order", bad, **{"Accept-Language": "zh-CN"})
    assert response.status_code == 422
    assert response.json["errors"] == {"phone": ["联系电话格式不正确"]}


def test_idempotency_key_returns_the_first_record(api, room):
    first = _post(api, "repair_order", _order(room), **{"Idempotency-Key": "abc-123"})
    second = _post(api, "repair_order", _order(room), **{"Idempotency-Key": "abc-123"})
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json["id"] == second.json["id"]


def test_list_with_filters_and_cursor(api, room):
    for n in range(5):
        _post(api, "spare_part", {"code": f"C{n}", "name": "件", "unit_price": n})
    page = api.get(f"{BASE}/spare_part/records?limit=2&sort=code&unit_price__ge=1")
    assert [r["data"]["code"] for r in page.json["items"]] == ["C1", "C2"]
    rest = api.get(f"{BASE}/spare_part/records?limit=2&sort=code&unit_price__ge=1&cursor={page.json['next_cursor']}")
    assert [r["data"]["code"] for r in rest.json["items"]] == ["C3", "C4"]


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not json",
        b"\xff\xfe\xfd",
        b"[1, 2]",
        b'{"owner_name": NaN}',
        b"[" * 50_000,
        b'{"a": ' * 5_000,
        json.dumps({"owner_name": "x" * (3 * 1024 * 1024)}).encode(),
        json.dumps({"owner_name": "x" * 100_000, "phone": ["13812345678"], "room": "1", "rating": 2.5}).encode(),
        json.dumps({"description": {"nested": [{"deep": True}]}}).encode(),
        b'{"owner_name": "\\ud800"}',
    ],
)
def test_garbage_gets_a_4xx_with_errors_never_a_500(api, body):
    response = _post(api, "repair_order", body)
    assert 400 <= response.status_code < 500
    assert response.mimetype == "application/problem+json"
    assert response.json["errors"]


@pytest.mark.parametrize(
    "query",
    ["limit=0", "limit=abc", "sort=-nope", "rating__gt=many", "cursor=%%%", "code__weird=1", "media=1", "id=abc"],
)
def test_bad_list_queries_are_400(api, query):
    response = api.get(f"{BASE}/spare_part/records?{query}")
    assert response.status_code in (400, 404)
    assert response.mimetype == "application/problem+json"


@pytest.mark.parametrize("record_id", ["0", "abc", "99999999999999999999999", "-1"])
def test_odd_record_ids_are_404(api, record_id):
    assert api.get(f"{BASE}/spare_part/records/{record_id}").status_code == 404


def test_unknown_app_or_form_is_404(api):
    assert api.get("/api/v1/apps/nope/forms/x/records").status_code == 404
    assert api.get(f"{BASE}/nope/records").status_code == 404
