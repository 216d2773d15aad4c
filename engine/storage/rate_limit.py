"""Rate limits on the ``limits`` library (the one Flask-Limiter runs on): Redis when configured, shared
by every process of a deployment, else this process's memory; a Redis that stops answering is
replaced by memory for a while rather than refusing or admitting everyone."""

from __future__ import annotations

import hashlib
import math
import threading
import time
from collections.abc import Callable
from typing import Any

from limits import RateLimitItem, RateLimitItemPerSecond
from limits.errors import StorageError
from limits.storage import MemoryStorage, Storage, storage_from_string
from limits.strategies import FixedWindowRateLimiter

MEMORY_URI = "memory://"
REDIS_TIMEOUT_SECONDS = 1.0  # a rate limit must never hold a request for long
RETRY_REDIS_SECONDS = 30  # after a failure, count in memory this long before asking Redis again


def storage_uri(redis_url: str | None) -> str:
    """The ``limits`` storage address for Trellis's Redis URL (``memory://`` without one)."""
    if redis_url is None:
        return MEMORY_URI
    if redis_url.startswith("unix://"):
        return "redis+unix://" + redis_url.removeprefix("unix://")
    return redis_url


def storage_options(redis_url: str | None, namespace: str) -> dict[str, Any]:
    """Options of the storage: the key prefix that keeps deployments sharing one Redis apart, and
    short timeouts (memory takes over when Redis does not answer)."""
    if redis_url is None:
        return {}
    return {
        "key_prefix": f"trellis:rate:{hashlib.sha1(namespace.encode()).hexdigest()[:12]}",
        "socket_connect_timeout": REDIS_TIMEOUT_SECONDS,
        "socket_timeout": REDIS_TIMEOUT_SECONDS,
    }


class RateLimiter:
    """Fixed windows that start at a key's first hit: ``allow`` counts, ``retry_after`` says how long
    a refused caller waits."""

    def __init__(self, redis_url: str | None, namespace: str = ""):
        """``namespace`` keeps deployments that share one Redis apart (Trellis uses its database URL)."""
        self.storage_uri = storage_uri(redis_url)
        self.storage_options = storage_options(redis_url, namespace)
        shared = storage_from_string(self.storage_uri, wrap_exceptions=True, **self.storage_options)
        assert isinstance(shared, Storage)  # a synchronous storage: Trellis serves with threads
        self._shared = FixedWindowRateLimiter(shared)
        self._local = FixedWindowRateLimiter(MemoryStorage())
        self._shared_down_until = 0.0
        self._lock = threading.Lock()

    def allow(self, key: str, limit: int, window_seconds: int = 60, cost: int = 1) -> bool:
        """Count ``cost`` hits (one request, or its bytes) for ``key``; False once more than ``limit``
        fell in the window."""
        item = _item(limit, window_seconds)
        return bool(self._call(lambda strategy: strategy.hit(item, key, cost=cost)))

    def retry_after(self, key: str, limit: int, window_seconds: int = 60) -> int:
        """Whole seconds until ``key``'s window ends (at most the window)."""
        item = _item(limit, window_seconds)
        reset = self._call(lambda strategy: strategy.get_window_stats(item, key).reset_time)
        return seconds_until(float(reset), window_seconds)

    def _call(self, action: Callable[[FixedWindowRateLimiter], Any]) -> Any:
        if time.monotonic() >= self._shared_down_until:
            try:
                return action(self._shared)
            except StorageError:
                with self._lock:  # Redis down: this process counts alone for a while
                    self._shared_down_until = time.monotonic() + RETRY_REDIS_SECONDS
        return action(self._local)


def seconds_until(reset_time: float, window_seconds: int) -> int:
    """Whole seconds from now to ``reset_time`` (a window's end), at most the window; the whole window
    when none is open (the count was lost, as when Redis went away in between): never too early."""
    left = reset_time - time.time()
    return min(window_seconds, math.ceil(left)) if left > 0 else window_seconds


def _item(limit: int, window_seconds: int) -> RateLimitItem:
    return RateLimitItemPerSecond(limit, window_seconds)
