"""The automation designer over HTTP: the palette of trigger and action types comes from the
registries, an automation's condition is checked with its trigger's names, and the app's builders
read its run log; end users get 403, garbage a 4xx, never a 500."""

from __future__ import annotations

import pytest

from engine.automations import ACTION_TYPES, TRIGGER_TYPES

APP = "desk"
PASSWORD = "builder-automations-1"
PACKAGE = {
    "format": "trellis.app/1",
    "id": APP,
    "version": "1.0.0",
    "name": {"zh-CN": "服务台", "en": "Desk"},
    "roles": [{"id": "clerk", "name": "办事员"}],
    "forms": [
        {
            "id": "ticket",
            "name": "事项",
            "fields": [
                {"id": "title", "type": "text", "label": "标题"},
                {"id": "level", "type": "select", "label": "级别", "options": [{"value": "高"}, {"value": "低"}]},
                {"id": "note", "type": "text", "label": "备注"},
            ],
        }
    ],
    "automations": [
        {
            "id": "mark_high",
            "trigger": {"type": "record_created", "form": "ticket"},
            "condition": "level == '高'",
            "actions": [{"type": "set_fields", "set": {"note": "'urgent'"}}],
        },
        {
            "id": "level_changed",
            "trigger": {"type": "field_changed", "form": "ticket", "field": "level"},
            "actions": [{"type": "notify", "to": {"type": "role", "role": "clerk"}, "message": "级别变了"}],
        },
    ],
}


@pytest.fixture
def desk(client, app):
    """The desk app; a builder of it and a clerk (an end user), each with a token."""
    assert client.post("/api/v1/apps", json=PACKAGE).status_code == 201
    directory = app.extensions["trellis"].directory
    directory.create_user("maker", PASSWORD, roles=[(APP, "builder")])
    directory.create_user("clerk", PASSWORD, roles=[(APP, "clerk")])
    tokens = {
        who: directory.create_token(who, "tests", [f"app:{APP}:read", f"app:{APP}:write"])[0]
        for who in ("maker", "clerk")
    }
    return client, app.test_client(), tokens


def _as(tokens, who: str, lang: str = "en") -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens[who]}", "Accept-Language": lang}


def test_the_palette_lists_every_registered_trigger_and_action_with_their_keys(desk):
    _, web, tokens = desk
    answer = web.get("/api/v1/builder/automation-types", headers=_as(tokens, "maker", "zh-CN"))
    assert answer.status_code == 200, answer.json
    triggers = {t["key"]: t for t in answer.json["triggers"]}
    actions = {a["key"]: a for a in answer.json["actions"]}
    assert list(triggers) == [key for key, _ in TRIGGER_TYPES.items()]
    assert list(actions) == [key for key, _ in ACTION_TYPES.items()]
    assert triggers["record_created"]["name"] == "新建记录时"
    assert triggers["field_changed"]["extra_names"] == ["before"]
    assert [(p["key"], p["required"]) for p in triggers["field_changed"]["properties"]] == [
        ("form", True),
        ("field", True),
    ]
    notify = {p["key"]: p for p in actions["notify"]["properties"]}
    assert "role" in notify["to"]["resolved"]["properties"]["type"]["enum"]  # the shared definition, resolved
    assert actions["set_fields"]["needs_record"] is True and actions["notify"]["needs_record"] is False
    for entry in [*triggers.values(), *actions.values()]:  # every type is named in both languages
        assert all(name and not name.startswith("builder.") for name in entry["names"].values())


def test_end_users_and_strangers_get_no_palette(desk):
    _, web, tokens = desk
    assert web.get("/api/v1/builder/automation-types", headers=_as(tokens, "clerk")).status_code == 403
    assert web.get("/api/v1/builder/automation-types").status_code in (401, 403)


def _check(web, tokens, expression: str, pointer: str, who: str = "maker", document=None):
    body = {"expression": expression, "form": "ticket", "kind": "automation", "pointer": pointer}
    if document is not None:
        body["document"] = document
    return web.post(f"/api/v1/builder/apps/{APP}/check-expression", json=body, headers=_as(tokens, who))


def test_an_automations_condition_reads_its_triggers_names(desk):
    _, web, tokens = desk
    changed = _check(web, tokens, "level != before.level and user.id", "/automations/1/condition")
    assert changed.status_code == 200, changed.json
    assert changed.json["problems"] == []
    labels = {c["label"] for c in _check(web, tokens, "", "/automations/1/condition").json["completions"]}
    assert {"title", "level", "before", "user", "created_at"} <= labels and "outcome" not in labels
    created = _check(web, tokens, "before.level", "/automations/0/condition")  # a new record has no before
    [problem] = created.json["problems"]
    assert "before" in problem["message"] and problem["pointer"] == "/automations/0/condition"
    in_action = _check(web, tokens, "titel", "/automations/0/actions/0/set/note")
    assert in_action.json["problems"][0]["start"] == 0


def test_a_schedule_without_a_form_reads_event_and_user_only(desk):
    _, web, tokens = desk
    draft = {
        **PACKAGE,
        "automations": [
            {
                "id": "daily",
                "trigger": {"type": "schedule", "cron": "0 8 * * *"},
                "actions": [{"type": "notify", "to": {"type": "submitter"}, "message": "x"}],
            }
        ],
    }
    ok = _check(web, tokens, "event.due is not None", "/automations/0/condition", document=draft)
    assert ok.status_code == 200 and ok.json["problems"] == []
    assert _check(web, tokens, "title", "/automations/0/condition", document=draft).json["problems"]


@pytest.mark.parametrize(
    "pointer", ["", "/forms/0", "/automations/9/condition", "/automations/x", "/automations/99999999999/condition"]
)
def test_an_automation_expression_without_its_automation_is_a_4xx(desk, pointer):
    _, web, tokens = desk
    answer = _check(web, tokens, "level", pointer)
    assert 400 <= answer.status_code < 500, answer.json


def test_a_broken_trigger_in_the_draft_is_a_4xx(desk):
    _, web, tokens = desk
    for trigger in ({"type": "nonsense"}, {"type": "record_created", "form": "nothing"}, "text", None):
        draft = {**PACKAGE, "automations": [{"id": "a", "trigger": trigger, "actions": []}]}
        answer = _check(web, tokens, "level", "/automations/0/condition", document=draft)
        assert 400 <= answer.status_code < 500, (trigger, answer.json)
    assert _check(web, tokens, "level", "/automations/0/condition", who="clerk").status_code == 403


def test_the_apps_builders_read_its_run_log_and_end_users_do_not(desk):
    admin, web, tokens = desk
    admin.post(f"/api/v1/apps/{APP}/forms/ticket/records", json={"title": "漏水", "level": "高"})
    runs = f"/api/v1/apps/{APP}/automations/runs?automation=mark_high"
    answer = web.get(runs, headers=_as(tokens, "maker"))
    assert answer.status_code == 200, answer.json
    assert isinstance(answer.json["items"], list)
    refused = web.get(runs, headers=_as(tokens, "clerk", "zh-CN"))
    assert refused.status_code == 403
    assert "搭建者" in refused.json["detail"]
    assert web.get(f"{runs}&limit=garbage", headers=_as(tokens, "maker")).status_code == 400
