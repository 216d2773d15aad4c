"""Image and file fields inside sub-table rows upload, claim and download like top-level ones."""

import io

import pytest
from PIL import Image

from engine.services.directory import DirectoryService

BASE = "/api/v1/apps/checks/forms/inspection"
UPLOAD = f"{BASE}/fields/findings.photo/attachments"

PACKAGE = {
    "format": "trellis.app/1",
    "id": "checks",
    "version": "1.0.0",
    "name": {"zh-CN": "巡检", "en": "Inspections"},
    "default_locale": "zh-CN",
    "roles": [{"id": "inspector", "name": {"zh-CN": "巡检员", "en": "Inspector"}}],
    "forms": [
        {
            "id": "inspection",
            "name": {"zh-CN": "巡检记录", "en": "Inspection"},
            "title_field": "place",
            "fields": [
                {"id": "place", "type": "text", "label": {"zh-CN": "地点", "en": "Place"}},
                {
                    "id": "findings",
                    "type": "subtable",
                    "label": {"zh-CN": "发现的问题", "en": "Findings"},
                    "fields": [
                        {"id": "spot", "type": "text", "label": {"zh-CN": "位置", "en": "Spot"}},
                        {"id": "photo", "type": "image", "label": {"zh-CN": "照片", "en": "Photo"}, "max_count": 3},
                    ],
                },
            ],
        }
    ],
    "permissions": [
        {"role": "inspector", "form": "inspection", "actions": ["create", "read"], "rows": "created_by == user.id"}
    ],
}


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 90, 200)).save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.fixture
def api(client):
    assert client.post("/api/v1/apps", json=PACKAGE).status_code == 201
    return client


def _upload(api, address: str = "findings.photo", headers: dict | None = None) -> str:
    response = api.post(
        f"{BASE}/fields/{address}/attachments",
        data={"file": (io.BytesIO(_jpeg()), "crack.jpg")},
        content_type="multipart/form-data",
        headers=headers or {},
    )
    assert response.status_code == 201, response.json
    return response.json["id"]


def test_a_row_keeps_its_photos_and_they_download(api):
    first, second = _upload(api), _upload(api)

    created = api.post(
        f"{BASE}/records",
        json={"place": "3号楼", "findings": [{"spot": "楼道", "photo": [first]}, {"spot": "屋顶", "photo": [second]}]},
    )

    assert created.status_code == 201, created.json
    assert [row["photo"] for row in created.json["data"]["findings"]] == [[first], [second]]
    for photo in (first, second):
        download = api.get(f"/api/v1/attachments/{photo}")
        assert download.status_code == 200
        assert download.mimetype == "image/jpeg"
        download.close()


def test_an_unknown_or_misplaced_id_in_a_row_is_refused_under_that_row_and_nothing_is_stored(api):
    top_level = api.post(f"{BASE}/records", json={"place": "x"}).json["id"]
    photo = _upload(api)
    api.post(f"{BASE}/records", json={"place": "甲", "findings": [{"photo": [photo]}]})

    reused = api.post(f"{BASE}/records", json={"place": "乙", "findings": [{"spot": "a"}, {"photo": [photo]}]})
    unknown = api.post(f"{BASE}/records", json={"place": "丙", "findings": [{"photo": ["0" * 32]}]})
    garbage = api.post(f"{BASE}/records", json={"place": "丁", "findings": [{"photo": [{"id": 1}]}]})

    assert reused.status_code == 422 and list(reused.json["errors"]) == ["findings/1/photo"]
    assert unknown.status_code == 422 and list(unknown.json["errors"]) == ["findings/0/photo"]
    assert garbage.status_code == 422 and list(garbage.json["errors"]) == ["findings/0/photo"]
    places = [r["data"]["place"] for r in api.get(f"{BASE}/records").json["items"]]
    assert sorted(places) == sorted(["x", "甲"]) and top_level


def test_an_update_keeps_a_rows_photo_and_adds_another(api):
    kept, added = _upload(api), _upload(api)
    created = api.post(f"{BASE}/records", json={"place": "甲", "findings": [{"spot": "a", "photo": [kept]}]}).json

    updated = api.patch(
        f"{BASE}/records/{created['id']}",
        json={"findings": [{"spot": "a", "photo": [kept, added]}]},
        headers={"If-Match": f'"{created["version"]}"'},
    )

    assert updated.status_code == 200, updated.json
    assert updated.json["data"]["findings"][0]["photo"] == [kept, added]


def test_an_upload_to_a_sub_table_field_that_does_not_exist_is_not_found(api):
    for address in ("findings.nope", "findings.spot", "nope.photo", "findings."):
        response = api.post(
            f"{BASE}/fields/{address}/attachments",
            data={"file": (io.BytesIO(_jpeg()), "a.jpg")},
            content_type="multipart/form-data",
        )
        assert response.status_code == 404, address


def test_a_row_photo_is_readable_only_by_who_may_read_the_record(app, api, anonymous_client):
    directory = DirectoryService(app.extensions["trellis"].database)
    for login in ("li", "zhao"):
        directory.create_user(login, f"{login}-pass-12345", roles=[("checks", "inspector")])
    li = {"Authorization": f"Bearer {directory.create_token('li', 't', ['app:checks:read', 'app:checks:write'])[0]}"}
    zhao = {"Authorization": f"Bearer {directory.create_token('zhao', 't', ['app:checks:read'])[0]}"}
    photo = _upload(anonymous_client, headers=li)
    created = anonymous_client.post(
        f"{BASE}/records", json={"place": "甲", "findings": [{"photo": [photo]}]}, headers=li
    )
    assert created.status_code == 201, created.json

    mine = anonymous_client.get(f"/api/v1/attachments/{photo}", headers=li)
    theirs = anonymous_client.get(f"/api/v1/attachments/{photo}", headers=zhao)

    assert mine.status_code == 200
    assert theirs.status_code == 404
    mine.close()


def test_the_form_page_offers_an_upload_in_each_row_to_the_rows_address(api):
    page = api.get("/apps/checks/forms/inspection/new?lang=en")

    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'type="file"' in html and 'data-address="findings.photo"' in html
    assert 'data-max-count="3"' in html
