"""`trellis serve` stops promptly on SIGTERM (what a service manager or `docker stop` sends)."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from engine.web.server import GRACEFUL_SECONDS
from tests.conftest import free_port


def test_serve_stops_within_seconds_of_sigterm_even_with_connections_open(database_url, tmp_path):
    port = free_port()
    env = {**os.environ, "TRELLIS_DATABASE_URL": database_url, "TRELLIS_INSTANCE_DIR": str(tmp_path / "instance")}
    env.pop("TRELLIS_REDIS_URL", None)
    script = Path(sys.executable).with_name("trellis")
    with (tmp_path / "server.log").open("wb") as log:
        process = subprocess.Popen(
            [str(script), "serve", "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, (tmp_path / "server.log").read_text()
                time.sleep(0.2)
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
