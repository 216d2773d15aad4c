"""Generated form pages: the public link, its QR code, live conditions, pickers and rate limits."""

import copy
import json

import pytest

from tests.docs.test_app_format_doc import example_package

BASE = "/api/v1/apps/property_repair/forms"


def _repair_order(package: dict) -> dict:
    return next(form for form in package["forms"] if form["id"] == "repair_order")


@pytest.fixture
def site(client, property_package):
    package = copy.deepcopy(property_package)
    _repair_order(package)["public"]["rate_limit_per_minute"] = 3
    client.post("/api/v1/apps", data=json.dumps(package, ensure_ascii=False), content_type="application/json")
    return client


@pytest.fixture
def place(site) -> dict:
    community = site.post(f"{BASE}/community/records", json={"name": "阳光花园"}).json["id"]
    building = site.post(f"{BASE}/building/records", json={"community": community, "name": "3栋"}).json["id"]
    room = site.post(f"{BASE}/room/records", json={"building": building, "room_no": "1201"}).json["id"]
    return {"community": community, "building": building, "room": room}


def _order(place: dict) -> dict:
    return {
        "owner_name": "王女士",
        "phone": "13812345678",
        "room": place["room"],
        "repair_type": "水电",
        "description": "漏水",
    }


def test_public_form_is_phone_first_with_three_steps(site):
    page = site.get("/f/property_repair/repair_order?lang=zh-CN").get_data(as_text=True)

    assert page.count('<section class="step"') == 3
    assert 'name="viewport"' in page
    assert "联系电话" in page and "处理结果" not in page  # staff fields never reach the public page
    assert 'capture="environment"' in page


def test_public_form_in_english(site):
    page = site.get("/f/property_repair/repair_order?lang=en").get_data(as_text=True)
    assert "Repair order" in page and "Next" in page


def test_prefill_takes_only_the_fields_the_form_allows(site, place):
    page = site.get(f"/f/property_repair/repair_order?room={place['room']}&owner_name=evil").get_data(as_text=True)
    assert f'data-value="{place["room"]}"' in page
    assert 'value="evil"' not in page


def test_a_form_without_a_public_link_is_404(site):
    assert site.get("/f/property_repair/spare_part").status_code == 404
    assert site.get("/f/property_repair/nope").status_code == 404


@pytest.mark.parametrize(
    ("kind", "mimetype", "magic"), [("png", "image/png", b"\x89PNG"), ("svg", "image/svg+xml", b"<")]
)
def test_qr_codes(site, place, kind, mimetype, magic):
    response = site.get(f"/f/property_repair/repair_order/qr.{kind}?room={place['room']}")
    assert (response.status_code, response.mimetype) == (200, mimetype)
    assert response.data.lstrip().startswith(magic)


def test_preview_says_what_shows_and_what_is_required(site):
    preview = site.post("/f/property_repair/repair_order/preview", json={"urgency": "紧急"}).json
    assert preview["visible"]["phone"] is True
    assert preview["required"]["phone"] is True and preview["required"]["media"] is False


def test_preview_of_garbage_is_calm(site):
    response = site.post("/f/property_repair/repair_order/preview", data=b"[" * 5000, content_type="application/json")
    assert response.status_code == 422


def test_picker_returns_only_ids_and_titles(site, place):
    items = site.get("/f/property_repair/repair_order/options/room?q=120").json["items"]
    assert items == [{"id": place["room"], "title": "1201"}]
    assert site.get("/f/property_repair/repair_order/options/result").status_code == 404


def test_public_submission_creates_a_record_as_the_public(site, place):
    response = site.post("/f/property_repair/repair_order", json=_order(place))
    assert response.status_code == 201
    assert response.json["title"].startswith("BX-")
    record = site.get(f"{BASE}/repair_order/records/{response.json['id']}").json
    assert record["created_by"] == "public"


def test_public_submission_cannot_set_staff_fields(site, place):
    response = site.post(
        "/f/property_repair/repair_order", json={**_order(place), "result": "已修好"}, headers={"Accept-Language": "en"}
    )
    assert response.status_code == 422
    assert response.json["errors"] == {"result": ["result is not a field of this form"]}


def test_public_submissions_are_rate_limited(site, place):
    statuses = [site.post("/f/property_repair/repair_order", json=_order(place)).status_code for _ in range(5)]
    assert statuses == [201, 201, 201, 429, 429]


def test_staff_form_asks_on_one_page_only_what_the_first_step_needs(site):
    page = site.get("/apps/property_repair/forms/repair_order/new?lang=zh-CN").get_data(as_text=True)
    assert 'data-mode="single"' in page
    assert "业主姓名" in page and "问题描述" in page and "现场照片" in page  # what the caller tells
    assert "驳回原因" in page  # the first step (agent review) may fill it in
    # the flow's later steps own these (a worker's result, the owner's rating) or write them itself
    for later in ("处理结果", "使用备件", "业主评分", "关闭时间", "受理客服", "维修工", "返修次数"):
        assert later not in page, later
    assert "报修人" in page and "您的信息" not in page  # a staff heading, not the owner-facing one


def test_staff_form_of_a_form_without_a_flow_shows_every_field(site):
    page = site.get("/apps/property_repair/forms/spare_part/new?lang=zh-CN").get_data(as_text=True)
    assert 'data-mode="single"' in page and "单价" in page and "库存" in page


def test_app_page_lists_forms_with_their_links(site):
    page = site.get("/apps/property_repair?lang=zh-CN").get_data(as_text=True)
    assert 'data-form="repair_order"' in page and "/f/property_repair/repair_order" in page


def test_labels_cannot_break_out_of_the_page(client, property_package):
    package = copy.deepcopy(property_package)
    _repair_order(package)["fields"][1]["label"] = "</script><script>alert(1)</script>"
    client.post("/api/v1/apps", data=json.dumps(package, ensure_ascii=False), content_type="application/json")

    page = client.get("/f/property_repair/repair_order").get_data(as_text=True)

    assert "<script>alert(1)</script>" not in page


def test_a_public_submission_gets_its_tracking_link(site, place):
    created = site.post(
        "/f/property_repair/repair_order?lang=zh-CN", json=_order(place), headers={"Idempotency-Key": "k1"}
    )
    again = site.post("/f/property_repair/repair_order", json=_order(place), headers={"Idempotency-Key": "k1"})

    link = created.json["tracking_url"]
    assert again.json["tracking_url"] == link  # a retried submission gets the same link back
    page = site.get(f"{link}?lang=zh-CN").get_data(as_text=True)
    assert created.json["title"] in page
    assert "王女士" in page and "1201" in page  # the room's title, not its number
    assert "已受理" in page and "已派单" in page


def test_tracking_links_cannot_be_forged_or_reused_for_another_record(site, place):
    first = site.post("/f/property_repair/repair_order", json=_order(place)).json["tracking_url"]
    second_id = site.post("/f/property_repair/repair_order", json=_order(place)).json["id"]
    second_uuid = site.get(f"{BASE}/repair_order/records/{second_id}").json["uuid"]
    token = first.rsplit("/", 1)[1]

    assert site.get(f"/t/property_repair/repair_order/{second_uuid}{token[32:]}").status_code == 404
    tampered = token[:-1] + ("1" if token[-1] == "0" else "0")
    assert site.get(f"/t/property_repair/repair_order/{tampered}").status_code == 404
    assert site.get(f"/t/property_repair/repair_order/{second_uuid}{'0' * 24}").status_code == 404
    assert site.get("/t/property_repair/repair_order/../../etc/passwd").status_code == 404
    assert site.get(f"/t/property_repair/room/{token}").status_code == 404


def test_a_picker_shows_only_records_its_caller_may_read(app, site, place):
    from engine.services.directory import DirectoryService

    directory = DirectoryService(app.extensions["trellis"].database)
    directory.create_user("wang", "owner-pass-1", roles=[("property_repair", "owner")], user_id="wang")
    token, _ = directory.create_token("wang", "t", ["app:property_repair:read"])

    staff_picker = app.test_client().get(
        "/apps/property_repair/forms/repair_order/options/room?q=1", headers={"Authorization": f"Bearer {token}"}
    )
    app.extensions["trellis"].apps.import_package(example_package(), actor="test")  # an app with no public roles
    stranger = app.test_client().get("/apps/inspection/forms/inspection/options/device")
    directory.create_user("li", "other-pass-1", user_id="li")  # signed in, but no role in the app
    no_role, _ = directory.create_token("li", "t", ["app:property_repair:read"])
    outsider = app.test_client().get(
        "/apps/property_repair/forms/repair_order/options/room?q=1", headers={"Authorization": f"Bearer {no_role}"}
    )

    assert staff_picker.json["items"] == [{"id": place["room"], "title": "1201"}]
    assert stranger.status_code == 401  # what the public may not read is for signed-in people
    assert outsider.status_code == 403  # who may not read rooms gets none
