"""`trellis serve` stops promptly on SIGTERM (what a service manager or `docker stop` sends)."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from engine.storage import Database
from engine.web.server import GRACEFUL_SECONDS
from tests.conftest import admin_token, free_port


def _serve(database_url: str, tmp_path: Path) -> tuple[subprocess.Popen, int]:
    """`trellis serve` on a free port, answering /healthz."""
    port = free_port()
    env = {**os.environ, "TRELLIS_DATABASE_URL": database_url, "TRELLIS_INSTANCE_DIR": str(tmp_path / "instance")}
    env.pop("TRELLIS_REDIS_URL", None)
    script = Path(sys.executable).with_name("trellis")
    with (tmp_path / "server.log").open("wb") as log:
        process = subprocess.Popen(
            [str(script), "serve", "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT
        )
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).close()
            return process, port
        except OSError:
            if time.monotonic() > deadline:
                process.kill()
                raise AssertionError((tmp_path / "server.log").read_text()) from None
            time.sleep(0.05)


def test_serve_stops_within_seconds_of_sigterm_even_with_connections_open(database_url, tmp_path):
    process, port = _serve(database_url, tmp_path)
    try:
        # a browser's idle keep-alive connection and a client that sent half a request
        idle = socket.create_connection(("127.0.0.1", port))
        idle.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        assert idle.recv(100).startswith(b"HTTP/1.1 200")
        stalled = socket.create_connection(("127.0.0.1", port))
        stalled.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")

        started = time.monotonic()
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=15) == 0
        assert time.monotonic() - started < GRACEFUL_SECONDS + 2
        idle.close()
        stalled.close()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_an_open_live_page_says_bye_at_once_when_serve_is_told_to_stop(database_url, tmp_path):
    database = Database(database_url)
    token = admin_token(database)  # the bell of a signed-in person, asked with their token
    database.dispose()
    process, port = _serve(database_url, tmp_path)
    stream = socket.create_connection(("127.0.0.1", port), timeout=10)
    try:
        asked = f"GET /notifications/stream HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n\r\n"
        stream.sendall(asked.encode())
        opened = stream.recv(4096)
        assert b"200 OK" in opened and b"text/event-stream" in opened

        started = time.monotonic()
        process.send_signal(signal.SIGTERM)
        said = b""
        while b"event: bye" not in said and (chunk := stream.recv(4096)):
            said += chunk
        assert b"event: bye" in said  # the page is told to come back (to another process), not cut off
        stream.close()  # as the browser's page leaves (an idle keep-alive connection has its own short wait)
        assert process.wait(timeout=15) == 0
        assert time.monotonic() - started < GRACEFUL_SECONDS  # the stream did not hold the stop
    finally:
        stream.close()
        if process.poll() is None:
            process.kill()
            process.wait()
