"""A record names its uploaded photos; the record service links them, and refuses ids it may not use."""

import io

import pytest
from PIL import Image

BASE = "/api/v1/apps/property_repair/forms"


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.fixture
def api(client, installed_property_app):
    community = client.post(f"{BASE}/community/records", json={"name": "阳光花园"}).json["id"]
    building = client.post(f"{BASE}/building/records", json={"community": community, "name": "1栋"}).json["id"]
    client.room = client.post(f"{BASE}/room/records", json={"building": building, "room_no": "101"}).json["id"]
    return client


def _upload(api, field: str = "media") -> str:
    response = api.post(
        f"{BASE}/repair_order/fields/{field}/attachments",
        data={"file": (io.BytesIO(_jpeg()), "leak.jpg")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 201
    return response.json["id"]


def _order(api, **extra) -> dict:
    return {
        "owner_name": "王女士",
        "phone": "13812345678",
        "room": api.room,
        "repair_type": "水电",
        "description": "漏水",
        **extra,
    }


def test_a_record_links_its_uploads(api):
    photo = _upload(api)

    created = api.post(f"{BASE}/repair_order/records", json=_order(api, media=[photo]))

    assert created.status_code == 201
    assert created.json["data"]["media"] == [photo]
    download = api.get(f"/api/v1/attachments/{photo}")
    assert download.status_code == 200
    download.close()


def test_an_upload_cannot_be_used_by_two_records(api):
    photo = _upload(api)
    api.post(f"{BASE}/repair_order/records", json=_order(api, media=[photo]))

    second = api.post(
        f"{BASE}/repair_order/records", json=_order(api, media=[photo]), headers={"Accept-Language": "en"}
    )

    assert second.status_code == 422
    assert list(second.json["errors"]) == ["media"]


def test_an_upload_for_another_field_is_refused_and_nothing_is_stored(api):
    photo = _upload(api, "completion_photos")

    response = api.post(f"{BASE}/repair_order/records", json=_order(api, media=[photo]))

    assert response.status_code == 422
    assert api.get(f"{BASE}/repair_order/records").json["items"] == []


def test_a_linked_photo_is_readable_by_whoever_may_read_that_field_of_that_record(api, app):
    from engine.services.directory import DirectoryService

    directory = DirectoryService(app.extensions["trellis"].database)
    for login in ("worker01", "worker02"):
        directory.create_user(login, "worker-pass", roles=[("property_repair", "technician")], user_id=login)
    photo = _upload(api)
    api.post(f"{BASE}/repair_order/records", json=_order(api, media=[photo], worker="worker01"))

    def download(login: str) -> int:
        token, _ = directory.create_token(login, "t", ["app:property_repair:read"])
        response = app.test_client().get(f"/api/v1/attachments/{photo}", headers={"Authorization": f"Bearer {token}"})
        status = response.status_code
        response.close()
        return status

    assert (download("worker01"), download("worker02")) == (200, 404)
    anonymous = app.test_client().get(f"/api/v1/attachments/{photo}")
    assert anonymous.status_code == 404
    anonymous.close()
