"""Report answers kept for a while (storage layer): in Redis when one is configured, else in this process.

A key names everything an answer depends on - the report (or an unsaved definition's hash), the
app version, the viewer's filters and permission scope, and the *generation* of every form the
report reads. A record written, changed or deleted bumps its form's generation (the records
service's listeners), so no later lookup reaches an answer computed before the change; the stale
ones expire by themselves (``TTL``).
"""

from __future__ import annotations

import json
import threading
import time
from collections import OrderedDict
from typing import Any

from redis.exceptions import RedisError

from engine.storage.redis_link import connect

TTL = 300  # seconds: also bounds how long a "within the last day" report may lag the clock
MAX_LOCAL = 2_000


class ReportCache:
    def __init__(self, redis_url: str | None = None, namespace: str = ""):
        self._redis = connect(redis_url) if redis_url else None
        self._namespace = namespace  # the database's: two databases sharing one Redis never share answers
        self._answers: OrderedDict[str, Any] = OrderedDict()
        self._generations: dict[str, int] = {}
        self._lock = threading.Lock()

    def _form_key(self, app_id: str, form_id: str) -> str:
        return f"trellis:reports:{self._namespace}:generation:{app_id}:{form_id}"

    def generation(self, app_id: str, form_id: str) -> int:
        key = self._form_key(app_id, form_id)
        if self._redis is not None:
            try:
                return int(self._redis.get(key) or 0)
            except RedisError:
                return -1  # unreachable: a key no answer was stored under, so nothing stale is served
        return self._generations.get(key, 0)

    def touch(self, app_id: str, form_id: str) -> None:
        """The records of this form changed: answers computed before are not served again."""
        key = self._form_key(app_id, form_id)
        if self._redis is not None:
            try:
                self._redis.incr(key)
            except RedisError:
                pass
        with self._lock:
            self._generations[key] = self._generations.get(key, 0) + 1

    def get(self, key: str) -> Any:
        if self._redis is not None:
            try:
                raw = self._redis.get(f"trellis:reports:{self._namespace}:answer:{key}")
            except RedisError:
                return None
            return None if raw is None else json.loads(raw)
        with self._lock:
            found = self._answers.get(key)
            if found is None or found[0] < time.monotonic():
                return None
            self._answers.move_to_end(key)
            return found[1]

    def put(self, key: str, answer: Any) -> None:
        if self._redis is not None:
            try:
                self._redis.set(
                    f"trellis:reports:{self._namespace}:answer:{key}", json.dumps(answer, ensure_ascii=False), ex=TTL
                )
            except RedisError:
                pass
            return
        with self._lock:
            self._answers[key] = (time.monotonic() + TTL, answer)
            while len(self._answers) > MAX_LOCAL:
                self._answers.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._answers.clear()

    def close(self) -> None:
        if self._redis is not None:
            self._redis.close()
