"""A stand-in for the finance system's API: a real HTTP server on 127.0.0.1 answering from a script."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

OK = {"result": {"status": "ok"}, "receivable": "AR-0001"}


class FinanceApi:
    """Answers each request with the next step of ``script`` (then keeps repeating the last one).

    Steps: ``ok``, ``500``, ``garbage`` (not JSON), ``not_ok`` (JSON saying it failed),
    ``slow`` (answers after ``slow_seconds``). Every request is kept in ``requests``.
    """

    def __init__(self, *script: str, slow_seconds: float = 1.0):
        self.script = list(script) or ["ok"]
        self.slow_seconds = slow_seconds
        self.requests: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with api._lock:
                    api.requests.append({"path": self.path, "headers": dict(self.headers), "body": json.loads(body)})
                    step = api.script.pop(0) if len(api.script) > 1 else api.script[0]
                if step == "slow":
                    time.sleep(api.slow_seconds)
                    step = "ok"
                status, answer = {
                    "ok": (200, json.dumps(OK).encode()),
                    "500": (500, b"internal error: ledger locked"),
                    "garbage": (200, b"<html>Bad gateway</html>"),
                    "not_ok": (200, json.dumps({"result": {"status": "failed", "reason": "closed period"}}).encode()),
                }[step]
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(answer)))
                    self.end_headers()
                    self.wfile.write(answer)
                except OSError:  # the caller gave up waiting (a timeout test): nothing to answer
                    pass

            def log_message(self, format: str, *args: Any) -> None:
                pass

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request: Any, client_address: Any) -> None:
                pass

        self.server = Server(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/api/receivables"
        self._thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)

    def __enter__(self) -> FinanceApi:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=5)
