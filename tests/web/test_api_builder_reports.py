"""The report designer's kinds over HTTP, and the preview it draws its live result from: builders get
the engine's chart types, measures, buckets and operators named in their language; end users 403,
strangers 401; the preview counts with the caller's own read permissions, and garbage is a 4xx."""

from __future__ import annotations

import pytest

from engine.reports.kinds import BUCKETS, MEASURES
from engine.services.builder_reports import chart_types, filter_ops
from tests.row_rules_app import APP, package

KINDS = "/api/v1/builder/report-kinds"
PREVIEW = f"/api/v1/apps/{APP}/reports/preview"
PASSWORD = "builder-reports-1"
PIE = {
    "source": {"form": "ticket"},
    "rows": [{"field": "urgent"}],
    "measures": [{"id": "n", "agg": "count"}],
    "chart": {"type": "pie"},
}


@pytest.fixture
def estate(client, app):
    """The estates app with two tickets; a builder of it and an agent (an end user), each with a token."""
    assert client.post("/api/v1/apps", json=package()).status_code == 201
    for urgent in (True, False):
        made = client.post(f"/api/v1/apps/{APP}/forms/ticket/records", json={"title": "漏水", "urgent": urgent})
        assert made.status_code == 201, made.json
    directory = app.extensions["trellis"].directory
    directory.create_user("maker", PASSWORD, roles=[(APP, "builder")])
    directory.create_user("agent", PASSWORD, roles=[(APP, "agent")])
    tokens = {
        who: directory.create_token(who, "tests", [f"app:{APP}:read", f"app:{APP}:write"])[0]
        for who in ("maker", "agent")
    }
    return app.test_client(), tokens


def _as(tokens, who: str, lang: str = "en") -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens[who]}", "Accept-Language": lang}


def test_the_kinds_are_the_engines_own_named_in_the_builders_language(estate):
    web, tokens = estate
    answer = web.get(KINDS, headers=_as(tokens, "maker", "zh-CN"))
    assert answer.status_code == 200, answer.json
    kinds = answer.json
    assert [c["key"] for c in kinds["charts"]] == chart_types()
    assert [m["key"] for m in kinds["measures"]] == list(MEASURES)
    assert [b["key"] for b in kinds["buckets"]] == list(BUCKETS)
    assert [o["key"] for o in kinds["filter_ops"]] == filter_ops()
    named = kinds["charts"] + kinds["measures"] + kinds["buckets"] + kinds["filter_ops"]
    assert all(k["name"] and "builder." not in k["name"] for k in named)  # every kind has a sentence
    assert next(c["name"] for c in kinds["charts"] if c["key"] == "pie") == "饼图"
    sums = next(m for m in kinds["measures"] if m["key"] == "sum")
    assert (sums["field"], sums["accepts"]) == ("required", ["decimal", "integer"])
    english = web.get(KINDS, headers=_as(tokens, "maker")).json
    assert next(c["name"] for c in english["charts"] if c["key"] == "pie") == "Pie chart"


def test_end_users_get_403_and_strangers_401(estate, app):
    web, tokens = estate
    refused = web.get(KINDS, headers=_as(tokens, "agent"))
    assert refused.status_code == 403 and refused.content_type == "application/problem+json"
    assert app.test_client().get(KINDS).status_code == 401


def test_the_preview_counts_with_the_callers_own_permissions(estate, client):
    web, tokens = estate
    answer = client.post(PREVIEW, json=PIE)  # an administrator reads every ticket
    assert answer.status_code == 200, answer.json
    assert sorted(row["n"] for row in answer.json["rows"]) == [1, 1]
    assert answer.json["figure"]["data"][0]["type"] == "pie"
    # a builder is not a reader: the designer shows the refusal instead of numbers it may not see
    assert web.post(PREVIEW, json=PIE, headers=_as(tokens, "maker")).status_code == 403


@pytest.mark.parametrize(
    "body",
    [
        [],
        "pie",
        {"source": {"form": "nothing"}, "measures": [{"id": "n", "agg": "count"}]},
        {**PIE, "rows": [{"field": "title", "bucket": "month"}]},
        {**PIE, "measures": []},
    ],
)
def test_garbage_previews_are_4xx_with_pointers(client, estate, body):
    answer = client.post(PREVIEW, json=body)
    assert 400 <= answer.status_code < 500, answer.get_data(as_text=True)
    assert answer.content_type == "application/problem+json"
