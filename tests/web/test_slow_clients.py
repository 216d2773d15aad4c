"""Slow clients cannot hold a real ``trellis serve``: 20 connections that announce a large body and
send a byte a second leave ``/healthz`` answering in under a second."""

import socket
import threading
import time
import urllib.request

from werkzeug.exceptions import HTTPException

from engine.web import slow_bodies
from engine.web.slow_bodies import SlowBodyGuard


def _trickle(base: str, path: str, token: str, stop: threading.Event, answers: list[bytes]) -> None:
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as conn:
        conn.sendall(
            f"POST {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\n"
            "Content-Type: application/json\r\nContent-Length: 10000000\r\n\r\n{".encode()
        )
        conn.settimeout(0.05)
        while not stop.is_set():
            try:
                conn.sendall(b" ")
            except OSError:
                break
            try:
                answer = conn.recv(4000)
            except TimeoutError:
                answer = b""
            except OSError:
                break
            if answer:
                answers.append(answer)
                break
            stop.wait(1)


def test_twenty_slow_bodies_leave_healthz_answering(live_server):
    stop = threading.Event()
    answers: list[bytes] = []
    clients = [
        threading.Thread(target=_trickle, args=(str(live_server), "/api/v1/apps", live_server.token, stop, answers))
        for _ in range(20)
    ]
    for client in clients:
        client.start()
    time.sleep(1)
    slowest = 0.0
    try:
        for _ in range(15):
            started = time.monotonic()
            with urllib.request.urlopen(f"{live_server}/healthz", timeout=10) as response:
                assert response.status == 200
            slowest = max(slowest, time.monotonic() - started)
            time.sleep(0.3)
    finally:
        stop.set()
        for client in clients:
            client.join()

    assert slowest < 1.0
    # the bodies beyond the readers' places (8 of 16 threads) were turned away at once
    turned_away = [answer for answer in answers if answer.startswith(b"HTTP/1.1 503")]
    assert len(turned_away) >= 10
    assert b"Retry-After: 5" in turned_away[0] and b"application/problem+json" in turned_away[0]


def _reading_app(environ, start_response):
    try:
        environ["wsgi.input"].read(int(environ["CONTENT_LENGTH"]))
        status = "200 OK"
    except HTTPException as refused:
        status = f"{refused.code} {refused.name}"
    start_response(status, [])
    return [status.encode()]


def _call(guard, sock, length=100) -> str:
    environ = {"CONTENT_LENGTH": str(length), "wsgi.input": sock.makefile("rb"), "gunicorn.socket": sock}
    statuses = []
    body = guard(environ, lambda status, headers: statuses.append(status))
    try:
        return statuses[0] if statuses else b"".join(body).decode()
    finally:
        body.close()


def test_a_body_past_its_deadline_is_answered_408(monkeypatch):
    monkeypatch.setattr(slow_bodies, "GRACE_S", 0.5)
    monkeypatch.setattr(slow_bodies, "MIN_BYTES_PER_S", 1000)  # 100 bytes: 0.6 s in all
    monkeypatch.setattr(slow_bodies, "WATCH_EVERY_S", 0.05)
    guard = SlowBodyGuard(_reading_app, readers=2)
    server, client = socket.socketpair()
    stop = threading.Event()

    def trickle() -> None:
        while not stop.wait(0.2):
            try:
                client.sendall(b"x")
            except OSError:  # the guard hung up on it (the 408): what a slow client finds
                return

    sender = threading.Thread(target=trickle)
    sender.start()
    started = time.monotonic()
    try:
        status = _call(guard, server)
    finally:
        stop.set()
        sender.join()
        server.close()
        client.close()

    assert status.startswith("408")
    assert time.monotonic() - started < 2
    assert guard.slots.acquire(blocking=False) and guard.slots.acquire(blocking=False)  # both places free again


def test_bodies_beyond_the_readers_places_are_answered_503():
    guard = SlowBodyGuard(_reading_app, readers=1)
    first_server, first_client = socket.socketpair()
    second_server, second_client = socket.socketpair()
    holder = threading.Thread(target=_call, args=(guard, first_server))
    holder.start()
    time.sleep(0.2)  # the first body holds the only place, waiting for its bytes
    try:
        assert _call(guard, second_server).startswith("503")
    finally:
        first_client.sendall(b"x" * 100)
        holder.join()
        for sock in (first_server, first_client, second_server, second_client):
            sock.close()
    assert guard.slots.acquire(blocking=False)
