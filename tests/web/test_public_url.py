"""`TRELLIS_PUBLIC_URL`: the address in QR codes and tracking links, and the administrators' warning without it."""

import dataclasses
import io

import pytest
import qrcode
import qrcode.image.svg

from engine.config import Settings
from engine.services.directory import DirectoryService
from engine.web import create_app
from tests.conftest import ADMIN_LOGIN, ADMIN_PASSWORD, PROPERTY_APP
from tests.web.test_admin_pages import _sign_in

FORM = "/f/property_repair/repair_order"


def _svg(link: str) -> bytes:
    buffer = io.BytesIO()
    qrcode.make(link, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2).save(buffer)
    return buffer.getvalue()


@pytest.fixture
def served(settings, client):
    """An app under a given TRELLIS_PUBLIC_URL, sharing the database the property app was installed into."""
    assert (
        client.post("/api/v1/apps", data=PROPERTY_APP.read_bytes(), content_type="application/json").status_code == 201
    )
    made = []

    def serve(public_url: str | None):
        app = create_app(dataclasses.replace(settings, public_url=public_url), {"TESTING": True})
        made.append(app)
        return app

    yield serve
    for app in made:
        app.extensions["trellis"].database.dispose()


def test_qr_codes_carry_the_public_url_when_it_is_set(served):
    owner = served("https://repair.example.com").test_client()
    assert owner.get(f"{FORM}/qr.svg?room=7").data == _svg(f"https://repair.example.com{FORM}?room=7")


def test_qr_codes_carry_the_address_the_request_came_to_without_it(served):
    owner = served(None).test_client()
    assert owner.get(f"{FORM}/qr.svg").data == _svg(f"http://localhost{FORM}")


def test_a_tracking_link_is_under_the_public_url_and_opens(served, client):
    app = served("https://repair.example.com/estate")
    community = client.post("/api/v1/apps/property_repair/forms/community/records", json={"name": "阳光花园"})
    building = client.post(
        "/api/v1/apps/property_repair/forms/building/records", json={"community": community.json["id"], "name": "3栋"}
    )
    room = client.post(
        "/api/v1/apps/property_repair/forms/room/records", json={"building": building.json["id"], "room_no": "1201"}
    )
    order = {"owner_name": "王女士", "phone": "13812345678", "room": room.json["id"], "repair_type": "水电"}
    answer = app.test_client().post(FORM, json={**order, "description": "漏水"})

    link = answer.json["tracking_url"]
    assert link.startswith("https://repair.example.com/estate/t/property_repair/repair_order/")
    assert app.test_client().get(link.removeprefix("https://repair.example.com/estate")).status_code == 200


@pytest.mark.parametrize(
    ("public_url", "zh", "en"),
    [
        (None, "尚未设置 `TRELLIS_PUBLIC_URL`", "TRELLIS_PUBLIC_URL is not set"),
        ("http://127.0.0.1:5000", "指向本机(http://127.0.0.1:5000)", "points at this computer (http://127.0.0.1:5000)"),
        ("http://localhost", "指向本机(http://localhost)", "points at this computer (http://localhost)"),
        ("http://[::1]:8000", "指向本机(http://[::1]:8000)", "points at this computer (http://[::1]:8000)"),
    ],
)
def test_administrators_are_warned_while_owners_links_would_point_at_this_computer(served, public_url, zh, en):
    admin = _sign_in(served(public_url), ADMIN_LOGIN, ADMIN_PASSWORD)
    chinese = admin.get("/admin/users?lang=zh-CN").get_data(as_text=True)
    english = admin.get("/admin/users?lang=en").get_data(as_text=True)

    assert 'id="public-url-warning"' in chinese and zh in chinese and "TRELLIS_PUBLIC_URL is" not in chinese
    assert 'id="public-url-warning"' in english and en in english


def test_no_warning_once_the_public_url_is_reachable(served):
    admin = _sign_in(served("https://repair.example.com"), ADMIN_LOGIN, ADMIN_PASSWORD)
    for lang in ("zh-CN", "en"):
        page = admin.get(f"/admin/users?lang={lang}")
        assert page.status_code == 200
        assert 'id="public-url-warning"' not in page.get_data(as_text=True)


def test_people_who_are_not_administrators_never_see_the_warning(served, app):
    DirectoryService(app.extensions["trellis"].database).create_user(
        "agent01", "agent-pass-1", name="客服小李", roles=[("property_repair", "agent")]
    )
    agent = _sign_in(served(None), "agent01", "agent-pass-1")
    refused = agent.get("/admin/users")
    assert refused.status_code == 403
    assert 'id="public-url-warning"' not in refused.get_data(as_text=True)


@pytest.mark.parametrize(
    ("raw", "kept"),
    [
        ("https://repair.example.com/", "https://repair.example.com"),
        ("http://10.0.0.5:8000/a/", "http://10.0.0.5:8000/a"),
    ],
)
def test_the_setting_is_kept_without_its_trailing_slash(raw, kept):
    settings = Settings.from_env({"TRELLIS_PUBLIC_URL": raw})
    assert (settings.public_url, settings.public_url_is_local) == (kept, False)


@pytest.mark.parametrize(
    "raw", ["repair.example.com", "ftp://repair.example.com", "https://x.com/?a=1", "http://x:99999"]
)
def test_a_malformed_public_url_is_refused_naming_the_variable(raw):
    from engine.errors import ConfigError

    with pytest.raises(ConfigError) as caught:
        Settings.from_env({"TRELLIS_PUBLIC_URL": raw})
    assert caught.value.message.startswith("TRELLIS_PUBLIC_URL must be the http:// or https:// address people open")
    assert caught.value.localized("zh-CN").startswith("`TRELLIS_PUBLIC_URL` 必须是")
