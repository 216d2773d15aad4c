"""Redis connections (queues, pub/sub, locks arrive later); here: reachability for health checks."""

from __future__ import annotations

import redis
from redis.exceptions import RedisError


def connect(url: str, *, timeout: float = 2.0) -> redis.Redis:
    return redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)


def ping_redis(url: str) -> tuple[bool, str]:
    client = connect(url)
    try:
        client.ping()
    except RedisError as exc:
        return False, str(exc).splitlines()[0][:300] if str(exc) else exc.__class__.__name__
    finally:
        client.close()
    return True, "ok"
