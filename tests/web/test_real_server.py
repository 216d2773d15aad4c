"""`trellis serve` as a real process on a real port: health, import over HTTP, export."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import PROPERTY_APP


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def server(database_url, tmp_path):
    port = _free_port()
    env = {**os.environ, "TRELLIS_DATABASE_URL": database_url, "TRELLIS_INSTANCE_DIR": str(tmp_path / "instance")}
    env.pop("TRELLIS_REDIS_URL", None)
    script = Path(sys.executable).with_name("trellis")
    log = (tmp_path / "server.log").open("wb")
    process = subprocess.Popen(
        [str(script), "serve", "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=1).close()
            break
        except OSError:
            time.sleep(0.2)
    else:
        process.terminate()
        raise AssertionError((tmp_path / "server.log").read_text())
    yield base
    process.terminate()
    process.wait(timeout=20)
    log.close()


def _request(url: str, data: bytes | None = None) -> tuple[int, dict | str]:
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            status, body = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read()
    try:
        return status, json.loads(body)
    except ValueError:
        return status, body.decode()


def test_serve_answers_health_import_and_export(server):
    assert _request(f"{server}/healthz")[1]["status"] == "ok"

    status, body = _request(f"{server}/api/v1/apps", PROPERTY_APP.read_bytes())
    assert (status, body) == (201, {"app_id": "property_repair", "version": 1, "outcome": "created"})

    status, exported = _request(f"{server}/api/v1/apps/property_repair/export")
    assert (status, exported) == (200, json.loads(PROPERTY_APP.read_text(encoding="utf-8")))


def test_serve_refuses_garbage_with_a_problem(server):
    status, body = _request(f"{server}/api/v1/apps", b"\x00garbage")
    assert status == 422
    assert body["errors"][0]["code"] == "package.not_json"
