"""Live pages over server-sent events, fed from the flow event log (web layer).

A stream sends the page's current state at once, then again whenever it changes, and ends after
``TRELLIS_LIVE_SECONDS`` (25 by default) with a ``retry`` hint so the browser reconnects: a gunicorn
thread is never held for long (``TRELLIS_LIVE_POLL_SECONDS``, 2 by default, is how often a stream
looks for changes nobody announced). Heartbeat comments keep proxies from cutting a quiet stream, and at
most ``TRELLIS_LIVE_STREAMS`` streams (8 by default, half of ``trellis serve``'s threads) run in one
process at a time; the next one is told to come back later instead of taking the last thread.

When the server is asked to stop, every stream of the process ends at once (``stop_streams``).

Changes are noticed by a cheap cursor (the newest flow event id) checked on every wake-up - a
Redis pub/sub message from any web process, this process's own announcement, or a short poll for
what nobody announced (timers fired by the worker).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from flask import Flask, Response, current_app

from engine.storage.flow_feed import FlowFeed
from engine.web.context import services

HEARTBEAT_SECONDS = 15.0
POLL_SECONDS = 2.0  # how soon a change nobody announced shows (a timer the worker fired); the query is one max()
HEADERS = {"Cache-Control": "no-cache, no-store", "X-Accel-Buffering": "no"}
_lock = threading.Lock()


@dataclass(frozen=True, slots=True)
class Live:
    feed: FlowFeed
    slots: threading.BoundedSemaphore
    seconds: float
    poll: float


def live(app: Flask | None = None) -> Live:
    """This application's feed and stream slots, made on first use (after gunicorn forked)."""
    app = app or current_app
    with _lock:
        found: Live | None = app.extensions.get("trellis_live")
        if found is None:
            found = Live(
                feed=FlowFeed(services().database, services().settings.redis_url),
                slots=threading.BoundedSemaphore(int(app.config.get("TRELLIS_LIVE_STREAMS", 8))),
                seconds=float(app.config.get("TRELLIS_LIVE_SECONDS", 25)),
                poll=float(app.config.get("TRELLIS_LIVE_POLL_SECONDS", POLL_SECONDS)),
            )
            app.extensions["trellis_live"] = found
        return found


def stop_streams(app: Flask) -> None:
    """End this process's live streams now (the server is stopping): each says ``bye`` and the browser
    reconnects to another process, instead of the stop waiting out its grace for them."""
    found: Live | None = app.extensions.get("trellis_live")
    if found is not None:
        found.feed.stop()


def event_stream(cursor: Callable[[], int], snapshot: Callable[[], Any], *, event: str) -> Response:
    """An SSE response: ``snapshot()`` now, and again each time ``cursor()`` moves and the snapshot differs.

    Both callables run outside the request context (capture what they need before calling).
    """
    state = live()
    if not state.slots.acquire(blocking=False):
        # every slot is busy: ask the browser to come back later rather than hold a thread
        return Response("retry: 15000\n: busy\n\n", mimetype="text/event-stream", headers=HEADERS)
    response = Response(_frames(state, cursor, snapshot, event), mimetype="text/event-stream", headers=HEADERS)
    response.call_on_close(state.slots.release)
    return response


def _frames(state: Live, cursor: Callable[[], int], snapshot: Callable[[], Any], event: str) -> Iterator[str]:
    yield "retry: 3000\n\n"
    seen = cursor()
    last = snapshot()
    yield _frame(event, last, seen)
    poll = state.poll
    with state.feed.listen() as listener:
        now = time.monotonic()
        deadline, beat = now + state.seconds, now + HEARTBEAT_SECONDS
        while (left := deadline - time.monotonic()) > 0 and not state.feed.stopping.is_set():
            listener.wait(max(0.0, min(poll, left, beat - time.monotonic())))
            moved = cursor()
            if moved != seen:
                seen = moved
                current = snapshot()
                if current != last:
                    last = current
                    beat = time.monotonic() + HEARTBEAT_SECONDS
                    yield _frame(event, current, seen)
                    continue
            if time.monotonic() >= beat:
                beat = time.monotonic() + HEARTBEAT_SECONDS
                yield ": keep-alive\n\n"
    yield "event: bye\ndata: {}\n\n"


def _frame(event: str, data: Any, cursor: int) -> str:
    return f"id: {cursor}\nevent: {event}\ndata: {json.dumps(data, ensure_ascii=False, default=str)}\n\n"
