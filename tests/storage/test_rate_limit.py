"""Rate limits count hits per key and window on the ``limits`` library, in Redis (shared by processes) or
in memory; deployments sharing one Redis stay apart, and a Redis that stops answering is replaced by memory."""

import time
import uuid

import pytest
import redis

from engine.storage.rate_limit import RateLimiter, storage_uri


@pytest.fixture(params=["memory", "redis"])
def counts_in(request: pytest.FixtureRequest) -> str | None:
    """Where a limiter counts: in memory (None), or in the test Redis, which must be there."""
    return request.getfixturevalue("redis_url") if request.param == "redis" else None


def test_hits_over_the_limit_are_refused(counts_in):
    limiter = RateLimiter(counts_in, namespace=uuid.uuid4().hex)
    assert [limiter.allow("form:1.2.3.4", 3) for _ in range(5)] == [True, True, True, False, False]
    assert limiter.allow("form:5.6.7.8", 3) is True


def test_a_refused_caller_is_told_the_seconds_left_in_its_window(counts_in):
    limiter = RateLimiter(counts_in, namespace=uuid.uuid4().hex)
    limiter.allow("k", 1, 3600)
    assert 3590 <= limiter.retry_after("k", 1, 3600) <= 3600
    assert limiter.retry_after("never-hit", 1, 60) == 60


def test_a_cost_counts_as_that_many_hits(counts_in):
    limiter = RateLimiter(counts_in, namespace=uuid.uuid4().hex)
    assert limiter.allow("bytes", 1000, 3600, cost=600) is True
    assert limiter.allow("bytes", 1000, 3600, cost=600) is False


def test_two_processes_of_one_deployment_share_the_count(counts_in):
    namespace = uuid.uuid4().hex
    first = RateLimiter(counts_in, namespace=namespace)
    second = RateLimiter(counts_in, namespace=namespace)
    first.allow("k", 2)
    first.allow("k", 2)
    expected = counts_in is None  # each process counts alone without Redis
    assert second.allow("k", 2) is expected


def test_deployments_sharing_one_redis_count_apart_under_their_own_prefix(redis_url):
    one, other = RateLimiter(redis_url, namespace=uuid.uuid4().hex), RateLimiter(redis_url, namespace=uuid.uuid4().hex)
    assert [one.allow("k", 1), one.allow("k", 1)] == [True, False]
    assert other.allow("k", 1) is True
    prefix = one.storage_options["key_prefix"]
    assert prefix.startswith("trellis:rate:") and prefix != other.storage_options["key_prefix"]
    assert redis.Redis.from_url(redis_url).keys(f"{prefix}:*")


def test_an_unreachable_redis_falls_back_to_counting_in_memory():
    limiter = RateLimiter("redis://127.0.0.1:1/0", namespace="x")
    started = time.monotonic()
    assert [limiter.allow("k", 1) for _ in range(2)] == [True, False]
    assert limiter.retry_after("k", 1) <= 60
    assert time.monotonic() - started < 3  # asked once, then left alone for a while


def test_trellis_redis_addresses_become_limits_storage_addresses():
    assert storage_uri(None) == "memory://"
    assert storage_uri("redis://h:6379/2") == "redis://h:6379/2"
    assert storage_uri("unix:///run/redis.sock?db=1") == "redis+unix:///run/redis.sock?db=1"
