"""`trellis serve` as a real process on a real port: health, import over HTTP, export."""

import json
import urllib.error
import urllib.request

from tests.conftest import PROPERTY_APP


def _request(url: str, data: bytes | None = None, token: str = "") -> tuple[int, dict | str]:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=data, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            status, body = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read()
    try:
        return status, json.loads(body)
    except ValueError:
        return status, body.decode()


def test_serve_answers_health_import_and_export(live_server):
    server = live_server
    assert _request(f"{server}/healthz")[1]["status"] == "ok"

    status, body = _request(f"{server}/api/v1/apps", PROPERTY_APP.read_bytes(), live_server.token)
    assert (status, body) == (201, {"app_id": "property_repair", "version": 1, "outcome": "created"})

    status, exported = _request(f"{server}/api/v1/apps/property_repair/export", token=live_server.token)
    assert (status, exported) == (200, json.loads(PROPERTY_APP.read_text(encoding="utf-8")))


def test_serve_refuses_garbage_with_a_problem(live_server):
    server = live_server
    status, body = _request(f"{server}/api/v1/apps", b"\x00garbage", live_server.token)
    assert status == 422
    assert body["errors"][0]["code"] == "package.not_json"
