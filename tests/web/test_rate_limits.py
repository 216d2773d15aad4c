"""Rate limits on the public endpoints (Flask-Limiter on the deployment's Redis): previews and relation
choices are limited per client address like submissions, the address comes from a configured number of
trusted proxies, and every 429 is a problem document with a `type`, a sentence and Retry-After."""

import dataclasses
import itertools

import pytest
import redis

from tests.web.test_form_pages import _order, place, site  # noqa: F401 (fixtures)

FORM = "/f/property_repair/repair_order"
_addresses = itertools.count(1)


@pytest.fixture
def settings(settings):
    return dataclasses.replace(settings, public_previews_per_minute=3, public_options_per_minute=3)


def phone(app, language: str = "en"):
    """An anonymous phone on an address of its own."""
    browser = app.test_client()
    n = next(_addresses)
    browser.environ_base["REMOTE_ADDR"] = f"10.66.{n // 256 % 256}.{n % 256}"
    browser.environ_base["HTTP_ACCEPT_LANGUAGE"] = language
    return browser


def preview(browser, **headers):
    return browser.post(f"{FORM}/preview", json={"repair_type": "水电"}, headers=headers)


def _seconds(response) -> int:
    seconds = int(response.headers["Retry-After"])
    assert 0 < seconds <= 60
    return seconds


def test_public_previews_are_limited_per_address(app, site):  # noqa: F811
    owner, neighbour = phone(app), phone(app)

    assert [preview(owner).status_code for _ in range(3)] == [200, 200, 200]
    refused = preview(owner)

    assert refused.status_code == 429 and refused.mimetype == "application/problem+json"
    body = refused.json
    seconds = _seconds(refused)
    assert body == {
        "type": "https://trellis.dev/problems/rate_limited",
        "title": "Too Many Requests",
        "status": 429,
        "detail": f"too many requests from this network; try again in {seconds} seconds",
        "code": "rate_limited",
    }
    assert preview(neighbour).status_code == 200


def test_a_refusal_is_said_in_the_callers_language(app, site):  # noqa: F811
    owner = phone(app, "zh-CN")
    for _ in range(3):
        preview(owner)

    refused = preview(owner)

    assert refused.json["title"] == "请求过于频繁"
    assert refused.json["detail"] == f"此网络的请求过于频繁,请 {_seconds(refused)} 秒后再试"


def test_public_relation_choices_are_limited_per_address(app, site, place):  # noqa: F811
    owner, neighbour = phone(app), phone(app)
    url = f"{FORM}/options/room?q=120"

    assert [owner.get(url).status_code for _ in range(3)] == [200, 200, 200]
    refused = owner.get(url)

    assert refused.status_code == 429 and refused.json["code"] == "rate_limited"
    assert refused.json["type"].endswith("/rate_limited")
    assert neighbour.get(url).json["items"] == [{"id": place["room"], "title": "1201"}]


def test_the_counts_live_in_redis_under_the_deployments_prefix(redis_url, app, site):  # noqa: F811
    preview(phone(app))

    prefix = app.extensions["trellis"].rate_limits.storage_options["key_prefix"]
    keys = [key.decode() for key in redis.Redis.from_url(redis_url).keys(f"{prefix}:*")]
    assert any("public_preview" in key for key in keys)


def test_without_trusted_proxies_a_forwarded_address_is_not_believed(app, site):  # noqa: F811
    owner = phone(app)
    spoofed = [preview(owner, **{"X-Forwarded-For": f"203.0.113.{n}"}).status_code for n in range(5)]
    assert spoofed == [200, 200, 200, 429, 429]


class TestBehindOneProxy:
    @pytest.fixture
    def settings(self, settings):
        return dataclasses.replace(settings, trusted_proxies=1)

    def test_clients_the_proxy_forwards_are_counted_apart(self, app, site):  # noqa: F811
        proxy = phone(app)  # every request comes from the proxy's address
        first = [preview(proxy, **{"X-Forwarded-For": "203.0.113.7"}).status_code for _ in range(4)]
        other = preview(proxy, **{"X-Forwarded-For": "203.0.113.8"})
        assert (first, other.status_code) == ([200, 200, 200, 429], 200)

    def test_only_the_address_the_proxy_saw_counts(self, app, site):  # noqa: F811
        proxy = phone(app)  # a client's own X-Forwarded-For comes first; the proxy appends the address it saw
        answers = [preview(proxy, **{"X-Forwarded-For": f"198.51.100.{n}, 203.0.113.9"}).status_code for n in range(4)]
        assert answers == [200, 200, 200, 429]

    def test_public_submissions_count_the_forwarded_client(self, app, site, place):  # noqa: F811
        proxy = phone(app)
        sent = [
            proxy.post(FORM, json=_order(place), headers={"X-Forwarded-For": "203.0.113.20"}).status_code
            for _ in range(4)
        ]
        other = proxy.post(FORM, json=_order(place), headers={"X-Forwarded-For": "203.0.113.21"})
        assert (sent, other.status_code) == ([201, 201, 201, 429], 201)


class TestWithRedisDown:
    @pytest.fixture
    def settings(self, settings):
        return dataclasses.replace(settings, redis_url="redis://127.0.0.1:1/0")

    def test_each_process_counts_in_memory(self, app, site):  # noqa: F811
        owner = phone(app)
        assert [preview(owner).status_code for _ in range(4)] == [200, 200, 200, 429]


def test_any_other_429_is_the_same_problem_document(app):
    from werkzeug.exceptions import TooManyRequests

    def busy():
        raise TooManyRequests(retry_after=30)

    app.add_url_rule("/test-busy", view_func=busy)
    refused = phone(app).get("/test-busy")

    assert refused.status_code == 429 and refused.headers["Retry-After"] == "30"
    assert refused.json["type"] == "https://trellis.dev/problems/rate_limited"
    assert refused.json["detail"] == "too many requests from this network; try again in 30 seconds"
