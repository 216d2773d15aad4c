"""Anonymous uploads are claimed only with the upload token handed to the browser that made them."""

import io

import pytest
from PIL import Image

BASE = "/api/v1/apps/property_repair/forms"
UPLOAD = f"{BASE}/repair_order/fields/media/attachments"
PUBLIC = "/f/property_repair/repair_order"


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), (30, 160, 60)).save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.fixture
def room(client, installed_property_app) -> int:
    community = client.post(f"{BASE}/community/records", json={"name": "阳光花园"}).json["id"]
    building = client.post(f"{BASE}/building/records", json={"community": community, "name": "1栋"}).json["id"]
    return int(client.post(f"{BASE}/room/records", json={"building": building, "room_no": "101"}).json["id"])


def _upload(browser) -> dict:
    response = browser.post(
        UPLOAD, data={"file": (io.BytesIO(_jpeg()), "kitchen.jpg")}, content_type="multipart/form-data"
    )
    assert response.status_code == 201
    return response.json


def _order(room: int, photo: str) -> dict:
    return {
        "owner_name": "王女士",
        "phone": "13812345678",
        "room": room,
        "repair_type": "水电",
        "description": "漏水",
        "media": [photo],
    }


def test_an_anonymous_upload_is_claimed_with_its_token(app, client, room):
    browser = app.test_client()
    photo = _upload(browser)

    response = browser.post(PUBLIC, json=_order(room, photo["id"]), headers={"X-Upload-Tokens": photo["upload_token"]})

    assert response.status_code == 201
    record = client.get(f"{BASE}/repair_order/records/{response.json['id']}").json
    assert record["data"]["media"] == [photo["id"]]
    download = client.get(f"/api/v1/attachments/{photo['id']}")
    assert download.status_code == 200
    download.close()


def test_someone_who_learns_the_id_cannot_claim_it(app, room):
    victim = _upload(app.test_client())
    attacker = app.test_client()
    own = _upload(attacker)

    english = {"Accept-Language": "en"}
    without = attacker.post(PUBLIC, json=_order(room, victim["id"]), headers=english)
    with_own_token = attacker.post(
        PUBLIC, json=_order(room, victim["id"]), headers={**english, "X-Upload-Tokens": own["upload_token"]}
    )

    for response in (without, with_own_token):
        assert response.status_code == 422
        assert response.json["errors"] == {
            "media": [f"Photos / videos: attachment {victim['id']} does not exist; upload the file again"],
        }


def test_an_unclaimed_anonymous_upload_cannot_be_downloaded_by_the_public(app, room):
    browser = app.test_client()
    photo = _upload(browser)

    assert browser.get(f"/api/v1/attachments/{photo['id']}").status_code == 404
    assert app.test_client().get(f"/api/v1/attachments/{photo['id']}/thumbnail").status_code == 404


def test_the_records_api_does_not_claim_anonymous_uploads_without_the_token(app, client, room):
    photo = _upload(app.test_client())

    anonymous = app.test_client().post(f"{BASE}/repair_order/records", json=_order(room, photo["id"]))
    staff = client.post(f"{BASE}/repair_order/records", json=_order(room, photo["id"]))

    # the owners' create rule reads who they are: the records API asks an anonymous caller to sign in
    # first (row rules bind create, issue 11), so the upload stays unclaimed for the staff below
    assert anonymous.status_code == 401
    assert staff.status_code == 201  # an administrator may attach any unclaimed upload, as before


def test_a_signed_in_upload_gets_no_token(client, room):
    photo = _upload(client)
    assert "upload_token" not in photo
