"""Slow request bodies cannot hold ``trellis serve``: a WSGI middleware around ``wsgi.input``.

Gunicorn's gthread worker waits for a request's head off its thread pool, but the body is read by
the application, in a pool thread, as slowly as the client sends it; gunicorn's ``timeout`` does
not cover that. Twelve clients that announced a large body and sent a byte every 2 s held every
thread, and ``/healthz`` stopped answering. So, in each web process:

- at most ``readers`` bodies are read at once (a semaphore, half the threads): the other threads
  stay free for requests without a body, such as ``/healthz`` and every page. A body that cannot
  get a place within ``SLOT_WAIT_S`` is refused with 503 and ``Retry-After``;
- each body has a deadline, ``GRACE_S`` plus its declared length at ``MIN_BYTES_PER_S`` (a body of
  unknown length gets ``UNKNOWN_LENGTH_S``), and no read waits more than ``IDLE_S`` for a byte. A
  watchdog thread shuts the reading side of a socket whose body is past its deadline (the read
  blocked inside gunicorn returns), and the request is answered 408.

Gunicorn itself offers no bound on body reads for its threaded workers (only the async ones
would, at the cost of monkey-patching psycopg and Redis), so this stays a small piece of WSGI
that needs nothing from gunicorn but the ``gunicorn.socket`` it puts in the environment. In
production a reverse proxy that buffers request bodies (docs/security.md: nginx with
``proxy_request_buffering on``) hands Trellis whole bodies at local speed, and none of this
triggers.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from werkzeug.exceptions import RequestTimeout, ServiceUnavailable

SLOT_WAIT_S = 0.25
GRACE_S = 10.0
MIN_BYTES_PER_S = 32 * 1024  # 256 kbit/s: a phone on a poor 3G link still gets a 50 MB video through
UNKNOWN_LENGTH_S = 600.0
IDLE_S = 15.0
WATCH_EVERY_S = 0.5
RETRY_AFTER_S = 5

Environ = dict[str, Any]
WsgiApp = Callable[[Environ, Callable[..., Any]], Iterable[bytes]]


class SlowBodyGuard:
    """Wraps a WSGI app; ``readers`` bodies at once per process, each read within its deadline."""

    def __init__(self, app: WsgiApp, readers: int):
        self.app = app
        self.readers = max(1, readers)
        self.slots = threading.BoundedSemaphore(self.readers)
        self._reading: dict[int, _GuardedInput] = {}
        self._lock = threading.Lock()
        self._watchdog: threading.Thread | None = None

    def __call__(self, environ: Environ, start_response: Callable[..., Any]) -> Iterable[bytes]:
        length = environ.get("CONTENT_LENGTH") or ""
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        if not chunked and length.strip() in ("", "0"):
            return self.app(environ, start_response)
        declared = int(length) if length.strip().isascii() and length.strip().isdigit() else None
        guarded = _GuardedInput(self, environ["wsgi.input"], environ.get("gunicorn.socket"), declared)
        environ["wsgi.input"] = guarded
        try:
            result = self.app(environ, start_response)
        except BaseException:
            guarded.finish()
            raise
        return _Closing(result, guarded.finish)

    # -- the watchdog (one thread per process, started with the first body) ------------------------
    def watch(self, guarded: _GuardedInput) -> None:
        with self._lock:
            self._reading[id(guarded)] = guarded
            if self._watchdog is None or not self._watchdog.is_alive():
                self._watchdog = threading.Thread(target=self._watch, name="trellis-slow-bodies", daemon=True)
                self._watchdog.start()

    def unwatch(self, guarded: _GuardedInput) -> None:
        with self._lock:
            self._reading.pop(id(guarded), None)

    def _watch(self) -> None:
        while True:
            time.sleep(WATCH_EVERY_S)
            now = time.monotonic()
            with self._lock:
                late = [g for g in self._reading.values() if now > g.deadline]
            for guarded in late:
                guarded.expire()


class _GuardedInput:
    def __init__(self, guard: SlowBodyGuard, raw: Any, sock: socket.socket | None, declared: int | None):
        self.guard = guard
        self.raw = raw
        self.sock = sock
        self.declared = declared
        self.deadline = float("inf")
        self.holding = False
        self.started = False
        self.expired = False
        self.received = 0

    def _read(self, method: str, *args: Any) -> Any:
        if not self.started:
            self.started = True
            if not self.guard.slots.acquire(timeout=SLOT_WAIT_S):
                raise ServiceUnavailable(retry_after=RETRY_AFTER_S)
            self.holding = True
            allowed = UNKNOWN_LENGTH_S if self.declared is None else GRACE_S + self.declared / MIN_BYTES_PER_S
            self.deadline = time.monotonic() + allowed
            self.guard.watch(self)
        if self.expired:
            raise RequestTimeout()
        previous = self.sock.gettimeout() if self.sock is not None else None
        try:
            if self.sock is not None:
                self.sock.settimeout(IDLE_S)
            data = getattr(self.raw, method)(*args)
        except OSError:  # the idle timeout, or the watchdog's shutdown
            self.finish()
            raise RequestTimeout() from None
        finally:
            if self.sock is not None and not self.expired:
                try:
                    self.sock.settimeout(previous)
                except OSError:
                    pass
        if self.expired:
            self.finish()
            raise RequestTimeout()
        self.received += sum(map(len, data)) if method == "readlines" else len(data)
        size = args[0] if args and args[0] is not None else -1
        short = method == "read" and (size < 0 or len(data) < size)  # gunicorn's reads are short only at the end
        if not data or short or (self.declared is not None and self.received >= self.declared):
            self.finish()  # the whole body is in: the place is free for the next one
        return data

    def read(self, size: int | None = -1) -> bytes:
        return bytes(self._read("read", size))

    def readline(self, size: int | None = -1) -> bytes:
        return bytes(self._read("readline", size))

    def readlines(self, hint: int | None = -1) -> list[bytes]:
        return list(self._read("readlines", hint))

    def __iter__(self) -> Iterator[bytes]:
        while line := self.readline():
            yield line

    def expire(self) -> None:
        """Past the deadline: wake the read blocked on the socket (its answer can still be written)."""
        self.expired = True
        if self.sock is not None:
            try:
                self.sock.shutdown(socket.SHUT_RD)
            except OSError:
                pass

    def finish(self) -> None:
        self.guard.unwatch(self)
        if self.holding:
            self.holding = False
            self.guard.slots.release()


class _Closing:
    """The app's response iterable, releasing the body's place when the server closes it."""

    def __init__(self, result: Iterable[bytes], on_close: Callable[[], None]):
        self.result = result
        self.on_close = on_close

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.result)

    def close(self) -> None:
        try:
            close = getattr(self.result, "close", None)
            if close is not None:
                close()
        finally:
            self.on_close()
