"""The report designer's kinds over HTTP, and the preview it draws its live result from: builders get
the engine's chart types, measures, buckets and operators named in their language; end users 403,
strangers 401; the published preview counts with the caller's own read permissions, the designer's
live result every record for the app's builders, and garbage is a 4xx."""

from __future__ import annotations

import pytest

from engine.reports.kinds import BUCKETS, MEASURES
from engine.services.builder_reports import chart_types, filter_ops, measure_formats
from tests.row_rules_app import APP, package

KINDS = "/api/v1/builder/report-kinds"
PREVIEW = f"/api/v1/apps/{APP}/reports/preview"
BUILDER_PREVIEW = f"/api/v1/builder/apps/{APP}/report-preview"
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
    assert [f["key"] for f in kinds["formats"]] == measure_formats()
    named = kinds["charts"] + kinds["measures"] + kinds["buckets"] + kinds["filter_ops"] + kinds["formats"]
    assert all(k["name"] and "builder." not in k["name"] for k in named)  # every kind has a sentence
    assert next(c["name"] for c in kinds["charts"] if c["key"] == "pie") == "饼图"
    sums = next(m for m in kinds["measures"] if m["key"] == "sum")
    assert (sums["field"], sums["accepts"], sums["derived"]) == ("required", ["decimal", "integer"], False)
    shares = next(m for m in kinds["measures"] if m["key"] == "share")
    assert (shares["needs"], shares["derived"]) == (["of"], True)  # worked out from another: no "where"
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
    # a builder is not a reader of the app's published reports…
    assert web.post(PREVIEW, json=PIE, headers=_as(tokens, "maker")).status_code == 403


def test_the_designers_live_result_counts_every_record_for_the_apps_builders_only(estate):
    web, tokens = estate
    # …but the report they design counts every published record in the designer: they design who reads what
    answer = web.post(BUILDER_PREVIEW, json=PIE, headers=_as(tokens, "maker"))
    assert answer.status_code == 200, answer.json
    assert sorted(row["n"] for row in answer.json["rows"]) == [1, 1]
    refused = web.post(BUILDER_PREVIEW, json=PIE, headers=_as(tokens, "agent"))
    assert refused.status_code == 403 and refused.content_type == "application/problem+json"
    for garbage in ([], "pie", {**PIE, "measures": []}, {"source": {"form": "nothing"}, "measures": PIE["measures"]}):
        answer = web.post(BUILDER_PREVIEW, json=garbage, headers=_as(tokens, "maker"))
        assert 400 <= answer.status_code < 500 and answer.content_type == "application/problem+json", garbage


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


FLOW = {
    "id": "handle",
    "name": {"zh-CN": "处理工单", "en": "Handle a ticket"},
    "form": "ticket",
    "nodes": [
        {"id": "start", "type": "start"},
        {
            "id": "fix",
            "type": "user_task",
            "name": {"zh-CN": "维修", "en": "Fix"},
            "assignee": {"type": "role", "role": "agent"},
        },
        {"id": "done", "type": "end"},
    ],
    "edges": [{"id": "e1", "source": "start", "target": "fix"}, {"id": "e2", "source": "fix", "target": "done"}],
    "facts": {
        "milestones": {"fixed": {"node": "fix", "event": "completed"}},
        "durations": {"repair": {"from": "started", "to": "fixed"}},
    },
}


def _save_draft(web, tokens, change) -> None:
    base = f"/api/v1/builder/apps/{APP}/draft"
    draft = web.get(base, headers=_as(tokens, "maker")).json
    document = draft["document"]
    change(document)
    saved = web.put(base, json={"document": document, "revision": draft["revision"]}, headers=_as(tokens, "maker"))
    assert saved.status_code == 200 and saved.json["problems"] == [], saved.json


def test_the_drafts_flows_offer_their_fact_columns_named_in_the_builders_language(estate):
    web, tokens = estate
    _save_draft(web, tokens, lambda d: d.setdefault("flows", []).append(FLOW))
    route = f"/api/v1/builder/apps/{APP}/fact-sources"

    answer = web.get(route, headers=_as(tokens, "maker", "zh-CN"))

    assert answer.status_code == 200, answer.json
    [flow] = answer.json["items"]
    assert (flow["flow"], flow["name"], flow["form"]) == ("handle", "处理工单", "ticket")
    instances = {c["path"]: (c["name"], c["type"]) for c in flow["facts"]["instances"]}
    assert instances["fixed_at"] == ("维修完成时间", "datetime")
    assert instances["repair_seconds"] == ("开始至维修完成耗时（秒）", "number")
    tasks = {c["path"]: c["name"] for c in flow["facts"]["tasks"]}
    assert (tasks["node"], tasks["assignee"], tasks["overdue"]) == ("步骤", "处理人", "是否超时")
    english = web.get(route, headers=_as(tokens, "maker")).json["items"][0]["facts"]["instances"]
    assert next(c["name"] for c in english if c["path"] == "fixed_at") == "Time of Fix completed"
    assert web.get(route, headers=_as(tokens, "agent")).status_code == 403


BOARD = {
    "id": "board",
    "name": {"zh-CN": "总览", "en": "Overview"},
    "widgets": [{"id": "w", "report": "by_urgent", "x": 0, "y": 0, "w": 12, "h": 6}],
    "filters": [{"id": "period", "field": "created_at", "kind": "date_range"}],
}


def _board_with_roles(document) -> None:
    document.setdefault("reports", []).append({"id": "by_urgent", "name": "紧急程度", **PIE})
    document.setdefault("dashboards", []).append(BOARD)
    document["roles"].append({"id": "guest", "name": {"zh-CN": "访客", "en": "Guest"}})  # no grant at all


def test_a_draft_dashboard_previewed_as_a_role_counts_what_that_role_may_read(app, client):
    assert client.post("/api/v1/apps", json=package("urgent")).status_code == 201  # r0: the urgent ones
    for urgent in (True, False, False):
        assert client.post(f"/api/v1/apps/{APP}/forms/ticket/records", json={"urgent": urgent}).status_code == 201
    directory = app.extensions["trellis"].directory
    directory.create_user("maker", PASSWORD, roles=[(APP, "builder")], name="吴建")
    directory.create_user("reader", PASSWORD, roles=[(APP, "r0")], name="郑阅")
    tokens = {"maker": directory.create_token("maker", "tests", [f"app:{APP}:read", f"app:{APP}:write"])[0]}
    web = app.test_client()
    _save_draft(web, tokens, _board_with_roles)
    route = f"/api/v1/builder/apps/{APP}/dashboard-preview-as"
    ask = lambda body, lang="zh-CN": web.post(route, json=body, headers=_as(tokens, "maker", lang))  # noqa: E731

    reader = ask({"dashboard": "board", "role": "r0", "user_id": directory.get_user("reader")["id"]})
    guest = ask({"dashboard": "board", "role": "guest"})

    assert reader.status_code == 200, reader.json
    assert (reader.json["role_name"], reader.json["person"]) == ("r0", "郑阅")
    [widget] = reader.json["widgets"]
    assert widget["id"] == "w" and widget["totals"]["n"] == 1  # of three tickets, the one urgent
    [refused] = guest.json["widgets"]
    assert "rows" not in refused and refused["refused"].startswith("无权查看") and "访客" in refused["refused"]
    assert "Guest" in ask({"dashboard": "board", "role": "guest"}, "en").json["widgets"][0]["refused"]
    assert ask({"dashboard": "none", "role": "r0"}).status_code == 404
    assert ask({"dashboard": "board", "role": "nobody"}).status_code == 404
    assert ask({"dashboard": "board"}).status_code == 422
    by_admin = client.post(route, json={"dashboard": "board", "role": "r0"})  # an administrator builds every app
    assert by_admin.status_code == 200
