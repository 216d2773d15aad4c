"""Rate limits count hits per key and window, in Redis (shared by processes) or in memory."""

import uuid

import pytest

from engine.storage.rate_limit import RateLimiter
from tests.conftest import REDIS_URL

KINDS = ["memory"] + (["redis"] if REDIS_URL else [])


@pytest.mark.parametrize("kind", KINDS)
def test_hits_over_the_limit_are_refused(kind):
    limiter = RateLimiter(REDIS_URL if kind == "redis" else None, namespace=uuid.uuid4().hex)
    assert [limiter.allow("form:1.2.3.4", 3) for _ in range(5)] == [True, True, True, False, False]
    assert limiter.allow("form:5.6.7.8", 3) is True


@pytest.mark.parametrize("kind", KINDS)
def test_two_processes_of_one_deployment_share_the_count(kind):
    namespace = uuid.uuid4().hex
    first = RateLimiter(REDIS_URL if kind == "redis" else None, namespace=namespace)
    second = RateLimiter(REDIS_URL if kind == "redis" else None, namespace=namespace)
    first.allow("k", 2)
    first.allow("k", 2)
    expected = kind == "memory"  # each process counts alone without Redis
    assert second.allow("k", 2) is expected


def test_an_unreachable_redis_falls_back_to_counting_in_memory():
    limiter = RateLimiter("redis://127.0.0.1:1/0", namespace="x")
    assert [limiter.allow("k", 1) for _ in range(2)] == [True, False]
