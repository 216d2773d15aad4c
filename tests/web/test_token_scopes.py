"""One gate for every state-changing route: an API token needs a write scope to change anything.

The test walks the whole URL map, so a route added later is covered without being listed here.
"""

from __future__ import annotations

import re

import pytest

from engine.web.auth import STATE_CHANGING

APP = "property_repair"
VALUES = {
    "app_id": APP,
    "form_id": "repair_order",
    "record_id": "1",
    "field_id": "photos",
    "flow_id": "repair",
    "task_id": "1",
    "instance_id": "1",
    "group_id": "1",
    "user_id": "1",
    "failed_id": "1",
    "raw_id": "1",
    "token": "abc",
    "action": "complete",
    "verb": "retry",
}


def _path(rule) -> str:
    def fill(match: re.Match[str]) -> str:
        converter, name = match.group(1), match.group(2)
        if converter and converter.startswith("any("):
            return converter[4:].split(",")[0].strip(" )")
        return VALUES[name]

    return re.sub(r"<(?:([^:<>]+):)?([^<>]+)>", fill, rule.rule)


def _writes(app) -> list[tuple[str, str, bool]]:
    found = []
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        for method in sorted(set(rule.methods or ()) & set(STATE_CHANGING)):
            found.append((method, _path(rule), bool(getattr(view, "reads_only", False))))
    return sorted(found)


@pytest.fixture
def tokens(app, client, installed_property_app):
    directory = app.extensions["trellis"].directory
    directory.create_user("reader", "a-long-password", roles=[(APP, "agent")])
    read, _ = directory.create_token("reader", "read", [f"app:{APP}:read"])
    return read


def test_a_read_scoped_token_changes_nothing_through_any_route(app, tokens):
    writes = _writes(app)
    assert len(writes) > 30  # the whole map, not an empty walk
    client = app.test_client()
    for method, path, reads_only in writes:
        answer = client.open(path, method=method, json={}, headers={"Authorization": f"Bearer {tokens}"})
        refused_for_scope = answer.status_code == 403 and b":write" in answer.data
        assert refused_for_scope != reads_only, (method, path, answer.status_code, answer.data[:200])
        assert answer.status_code < 500, (method, path)


def test_previews_answer_a_read_scoped_token(app, tokens):
    client = app.test_client()
    headers = {"Authorization": f"Bearer {tokens}"}
    body = {"id": "p", "name": "p", "source": {"form": "repair_order"}, "measures": [{"id": "n", "agg": "count"}]}
    assert client.post(f"/api/v1/apps/{APP}/reports/preview", json=body, headers=headers).status_code == 200


def test_a_session_with_a_foreign_authorization_header_still_needs_the_csrf_token(app, client, property_package):
    """Only a valid bearer token skips the CSRF check; ``Authorization: Basic …`` rides on the cookie."""
    assert client.post("/api/v1/apps", json=property_package).status_code in (200, 201)
    app.extensions["trellis"].directory.create_user("wang", "a-long-password", roles=[(APP, "agent")])
    browser = app.test_client()
    page = browser.get("/login")
    csrf = re.search(rb'name="csrf_token" value="([^"]+)"', page.data).group(1).decode()
    assert (
        browser.post("/login", data={"login": "wang", "password": "a-long-password", "csrf_token": csrf}).status_code
        == 302
    )
    for header in ("Basic d2FuZzp4", "Bearer not-a-token", "Token abc"):
        answer = browser.post("/api/v1/notifications/read", json={}, headers={"Authorization": header})
        assert answer.status_code in (401, 403), header
        assert answer.status_code != 200
    assert browser.post("/api/v1/notifications/read", json={}).status_code == 403  # no token, no CSRF
