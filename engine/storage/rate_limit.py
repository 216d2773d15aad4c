"""Fixed-window rate limits: Redis when configured (shared by every web process), else in memory."""

from __future__ import annotations

import hashlib
import threading
import time

from redis.exceptions import RedisError

from engine.storage.redis_link import connect


class RateLimiter:
    def __init__(self, redis_url: str | None, namespace: str = ""):
        """``namespace`` keeps deployments that share one Redis apart (Trellis uses its database URL)."""
        self._redis = connect(redis_url) if redis_url else None
        self._namespace = hashlib.sha1(namespace.encode()).hexdigest()[:12]
        self._counts: dict[str, tuple[int, int]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str, limit: int, window_seconds: int = 60, cost: int = 1) -> bool:
        """Count ``cost`` hits (one request, or its bytes) for ``key``.

        False once more than ``limit`` fall in the current window."""
        window = int(time.time() // window_seconds)
        bucket = f"trellis:rate:{self._namespace}:{key}:{window}"
        if self._redis is not None:
            try:
                pipe = self._redis.pipeline()
                pipe.incrby(bucket, cost)
                pipe.expire(bucket, window_seconds * 2)
                count = int(pipe.execute()[0])
                return count <= limit
            except RedisError:
                pass  # Redis down: fall back to this process's own count rather than refusing everyone
        with self._lock:
            seen_window, count = self._counts.get(key, (window, 0))
            count = count + cost if seen_window == window else cost
            self._counts[key] = (window, count)
            if len(self._counts) > 100_000:
                self._counts = {k: v for k, v in self._counts.items() if v[0] == window}
            return count <= limit
