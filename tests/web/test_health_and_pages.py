"""/healthz tells an operator what is reachable; the home page lists apps in Chinese or English."""

import dataclasses

from engine.web import create_app
from tests.conftest import PROPERTY_APP, REDIS_URL


def test_healthz_reports_database_and_redis(client, app):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json["status"] == "ok"
    assert response.json["database"]["ok"] is True
    expected_redis = True if REDIS_URL else None
    assert response.json["redis"]["ok"] is expected_redis


def test_healthz_is_503_when_redis_is_down(settings):
    unreachable = dataclasses.replace(settings, redis_url="redis://127.0.0.1:1/0")
    application = create_app(unreachable)

    response = application.test_client().get("/healthz")

    assert response.status_code == 503
    assert response.json["status"] == "unavailable"
    assert response.json["redis"]["ok"] is False
    application.extensions["trellis"].database.dispose()


def test_home_page_lists_apps_in_chinese(client):
    client.post("/api/v1/apps", data=PROPERTY_APP.read_bytes(), content_type="application/json")

    page = client.get("/", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)

    assert "物业报修与客服" in page
    assert "已安装的应用" in page


def test_home_page_switches_to_english(client):
    client.post("/api/v1/apps", data=PROPERTY_APP.read_bytes(), content_type="application/json")

    page = client.get("/?lang=en").get_data(as_text=True)

    assert "Property repair and service" in page
    assert "Installed apps" in page


def test_home_page_without_apps_says_how_to_install_one(client):
    page = client.get("/?lang=en").get_data(as_text=True)
    assert "trellis import apps/property_repair.json" in page


def test_home_page_offers_package_export_and_history_to_administrators_only(client, app):
    from engine.services.directory import DirectoryService

    client.post("/api/v1/apps", data=PROPERTY_APP.read_bytes(), content_type="application/json")
    directory = DirectoryService(app.extensions["trellis"].database)
    directory.create_user("agent9", "agent-password-1", roles=[("property_repair", "agent")])
    token, _ = directory.create_token("agent9", "tests", ["app:property_repair:read"])
    staff = app.test_client()
    staff.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"

    page = staff.get("/?lang=en").get_data(as_text=True)
    assert "Property repair and service" in page
    assert "/api/v1/apps/property_repair/export" not in page and "/versions" not in page
    assert staff.get("/api/v1/apps/property_repair/export").status_code == 403  # what the link would answer

    admin_page = client.get("/?lang=en").get_data(as_text=True)
    for link in ("/api/v1/apps/property_repair/export", "/api/v1/apps/property_repair/versions"):
        assert link in admin_page and client.get(link).status_code == 200
