"""The designer's helpers over HTTP: builders check expressions, preview a draft's form in an iframe
and view a real record as a role; end users get 403 and garbage bodies a 422, never a 500."""

from __future__ import annotations

import copy

import pytest

from tests.row_rules_app import APP, package

BASE = f"/api/v1/builder/apps/{APP}"
ROUTES = ("check-expression", "preview-form", "view-as")
PASSWORD = "builder-checks-1"


@pytest.fixture
def estate(client, app):
    """The estates app with one ticket; a builder of it and an agent (an end user), each with a token."""
    assert client.post("/api/v1/apps", json=package()).status_code == 201

    def make(form: str, **data):
        response = client.post(f"/api/v1/apps/{APP}/forms/{form}/records", json=data)
        assert response.status_code == 201, response.json
        return response.json["id"]

    community = make("community", name="一区")
    room = make("room", building=make("building", community=community, name="1栋"), number="101")
    ticket = make("ticket", title="漏水", room=room, secret="内部")
    directory = app.extensions["trellis"].directory
    directory.create_user("maker", PASSWORD, roles=[(APP, "builder")])
    directory.create_user("agent", PASSWORD, roles=[(APP, "agent")], communities=[community])
    tokens = {
        who: directory.create_token(who, "tests", [f"app:{APP}:read", f"app:{APP}:write"])[0]
        for who in ("maker", "agent")
    }
    return app.test_client(), tokens, ticket, community


def _as(tokens, who: str, lang: str = "en") -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens[who]}", "Accept-Language": lang}


def test_an_unknown_relation_step_is_located_and_completions_follow_the_relation(estate):
    web, tokens, _, _ = estate
    body = {"expression": "room.buildin.name", "form": "ticket", "kind": "formula", "pointer": "/forms/3/fields/9/x"}
    answer = web.post(f"{BASE}/check-expression", json=body, headers=_as(tokens, "maker", "zh-CN"))
    assert answer.status_code == 200, answer.json
    [found] = answer.json["problems"]
    assert (found["code"], found["start"], found["end"]) == ("form.path.unknown_field", 5, 12)
    assert found["pointer"] == "/forms/3/fields/9/x"
    assert found["message"] == "“room.buildin.name”:表单“room”没有字段“buildin”"
    body = {"expression": "room.", "form": "ticket", "kind": "condition"}
    completions = web.post(f"{BASE}/check-expression", json=body, headers=_as(tokens, "maker")).json["completions"]
    assert {"building", "parent", "number", "area"} <= {c["label"] for c in completions}


def test_a_drafts_form_is_previewed_in_the_readers_language_for_phone_and_desktop(estate):
    web, tokens, _, _ = estate
    draft = copy.deepcopy(package())
    draft["forms"][3]["fields"].append({"id": "note", "type": "text", "label": {"zh-CN": "新备注", "en": "New note"}})
    body = {"document": draft, "form": "ticket", "locale": "zh-CN", "device": "phone"}
    phone = web.post(f"{BASE}/preview-form", json=body, headers=_as(tokens, "maker"))
    assert phone.status_code == 200 and phone.content_type.startswith("text/html")
    html = phone.get_data(as_text=True)
    assert "新备注" in html and "内部备注" in html and "device-phone" in html
    assert "frame-ancestors 'self'" in phone.headers["Content-Security-Policy"]
    assert phone.headers["X-Frame-Options"] == "SAMEORIGIN"
    desktop = web.post(
        f"{BASE}/preview-form", json={**body, "locale": "en", "device": "desktop"}, headers=_as(tokens, "maker")
    )
    html = desktop.get_data(as_text=True)
    assert "New note" in html and "Internal note" in html and "device-desktop" in html and "form-single" in html
    other = web.post(
        f"{BASE}/check-expression",
        json={"expression": "1", "form": "ticket", "kind": "formula"},
        headers=_as(tokens, "maker"),
    )
    assert "frame-ancestors 'none'" in other.headers["Content-Security-Policy"]  # every other answer stays unframed


def test_an_invalid_draft_preview_is_a_422_with_pointers(estate):
    web, tokens, _, _ = estate
    draft = copy.deepcopy(package())
    draft["forms"][3]["fields"][1]["target"] = "rom"
    answer = web.post(f"{BASE}/preview-form", json={"document": draft, "form": "ticket"}, headers=_as(tokens, "maker"))
    assert answer.status_code == 422 and answer.content_type == "application/problem+json"
    assert [e["pointer"] for e in answer.json["errors"]] == ["/forms/3/fields/1/target"]


def test_view_as_hides_a_field_and_does_not_show_a_record_outside_the_row_rule(estate):
    web, tokens, ticket, community = estate
    form_wide = web.post(f"{BASE}/view-as", json={"role": "agent", "form": "ticket"}, headers=_as(tokens, "maker")).json
    assert form_wide["fields"]["secret"] == "hidden" and form_wide["fields"]["title"] == "edit"
    assert form_wide["record"] is None and "visible" not in form_wide
    body = {"role": "agent", "form": "ticket", "record_id": ticket}
    seen = web.post(f"{BASE}/view-as", json=body, headers=_as(tokens, "maker")).json
    assert seen["record"] is None and seen["visible"] is False  # only that role: it covers no community
    assert seen["reason"] == "Role “Agent” does not see this record: its row rule leaves it out."
    assert set(seen["fields"].values()) == {"hidden"} and seen["can"]["read"] is False
    acting = {**body, "user": {"id": "agent", "communities": [community]}}
    covered = web.post(f"{BASE}/view-as", json=acting, headers=_as(tokens, "maker")).json
    assert covered["visible"] is True and covered["can"] == {
        "read": True,
        "create": True,
        "update": True,
        "delete": False,
    }
    assert covered["record"]["data"]["title"] == "漏水" and "secret" not in covered["record"]["data"]
    draft = copy.deepcopy(package())
    draft["permissions"][0].pop("rows")
    seen = web.post(f"{BASE}/view-as", json={**body, "document": draft}, headers=_as(tokens, "maker")).json
    assert seen["visible"] is True and (seen["rows"], seen["rows_text"]) == ("all", "every record")
    assert seen["record"]["data"]["title"] == "漏水" and "secret" not in seen["record"]["data"]
    owner = web.post(f"{BASE}/view-as", json={**body, "role": "owner"}, headers=_as(tokens, "maker")).json
    assert owner["record"] is None and owner["rows"] == "rule: Created by is the viewer themself"
    assert owner["rows_text"] == "the records where Created by is the viewer themself"
    in_chinese = web.post(f"{BASE}/view-as", json={**body, "role": "owner"}, headers=_as(tokens, "maker", "zh-CN"))
    assert in_chinese.json["rows_text"] == "满足“创建人等于查看者本人”的记录"
    assert in_chinese.json["reason"] == "角色“业主”看不到这条记录：行规则把它排除了。"


def test_the_preview_reacts_to_typing_with_the_saved_drafts_rules(estate):
    """The preview page's script posts what is typed; the answer comes from the draft, not the published app."""
    web, tokens, _, _ = estate
    headers = _as(tokens, "maker")
    stored = web.get(f"{BASE}/draft", headers=headers).json
    draft = copy.deepcopy(stored["document"])
    ticket = draft["forms"][3]
    ticket["fields"] += [
        {"id": "why", "type": "text", "label": {"zh-CN": "原因", "en": "Why"}, "visible_when": "urgent"},
        {
            "id": "shout",
            "type": "formula",
            "label": {"zh-CN": "大写", "en": "Shout"},
            "expression": "title + '!'",
            "result_type": "text",
        },
    ]
    saved = web.put(f"{BASE}/draft", json={"document": draft, "revision": stored["revision"]}, headers=headers)
    assert saved.status_code == 200, saved.json
    page = web.post(f"{BASE}/preview-form", json={"form": "ticket", "document": draft}, headers=headers)
    assert f'data-preview="{BASE}/forms/ticket/preview-values"' in page.get_data(as_text=True)
    calm = web.post(f"{BASE}/forms/ticket/preview-values", json={"title": "漏水"}, headers=headers)
    assert calm.status_code == 200, calm.json
    assert (calm.json["visible"]["why"], calm.json["formulas"]["shout"]) == (False, "漏水!")
    urgent = web.post(f"{BASE}/forms/ticket/preview-values", json={"title": "停电", "urgent": True}, headers=headers)
    assert (urgent.json["visible"]["why"], urgent.json["formulas"]["shout"]) == (True, "停电!")
    assert web.post(f"{BASE}/forms/ticket/preview-values", json={}, headers=_as(tokens, "agent")).status_code == 403
    for raw in (b"{bad", b"[1]", b'"x"', b"\xff\xfe"):
        answer = web.post(
            f"{BASE}/forms/ticket/preview-values", data=raw, content_type="application/json", headers=headers
        )
        assert answer.status_code in (200, 422), answer.get_data(
            as_text=True
        )  # values that do not clean count as empty
    assert web.post(f"{BASE}/forms/nope/preview-values", json={}, headers=headers).status_code == 404


def test_view_as_a_real_holder_of_the_role_reads_their_user_values(estate):
    web, tokens, ticket, _ = estate
    people = web.get(f"{BASE}/roles/agent/people", headers=_as(tokens, "maker"))
    assert people.status_code == 200 and [p["name"] for p in people.json["items"]] == ["agent"]
    assert web.get(f"{BASE}/roles/agent/people", headers=_as(tokens, "agent")).status_code == 403
    agent = people.json["items"][0]["id"]
    body = {"role": "agent", "form": "ticket", "record_id": ticket}
    seen = web.post(f"{BASE}/view-as", json={**body, "user_id": agent}, headers=_as(tokens, "maker")).json
    assert seen["visible"] is True and seen["record"]["data"]["title"] == "漏水"  # the agent's community
    for stranger in ("nobody", "x" * 64):
        refused = web.post(f"{BASE}/view-as", json={**body, "user_id": stranger}, headers=_as(tokens, "maker", "zh-CN"))
        assert refused.status_code == 404 and "agent" in refused.json["detail"]
    too_long = web.post(f"{BASE}/view-as", json={**body, "user_id": "x" * 65}, headers=_as(tokens, "maker"))
    assert too_long.status_code == 422


@pytest.mark.parametrize("route", ROUTES)
def test_end_users_get_403_and_strangers_401(estate, route):
    web, tokens, ticket, _ = estate
    body = {"expression": "1", "form": "ticket", "kind": "formula", "role": "agent", "record_id": ticket}
    body = {k: v for k, v in body.items() if route == "check-expression" or k not in ("expression", "kind")}
    if route != "view-as":
        body.pop("role", None), body.pop("record_id", None)
    answer = web.post(f"{BASE}/{route}", json=body, headers=_as(tokens, "agent"))
    assert answer.status_code == 403 and answer.content_type == "application/problem+json"
    assert web.post(f"{BASE}/{route}", json=body).status_code == 401


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize(
    "raw",
    [
        b"[1]",
        b"{bad",
        b'"x"',
        b"{}",
        b'{"form": 5, "kind": "nope", "expression": [], "role": {}}',
        b'{"form": "ticket", "kind": "formula", "expression": "1", "role": "agent", "document": 5}',
        b'{"form": "ticket", "role": "agent", "record_id": "x", "device": "tv", "cursor": -1}',
    ],
)
def test_garbage_bodies_are_422(estate, route, raw):
    web, tokens, _, _ = estate
    answer = web.post(f"{BASE}/{route}", data=raw, content_type="application/json", headers=_as(tokens, "maker"))
    assert answer.status_code == 422, answer.get_data(as_text=True)


def test_a_broken_draft_document_never_fails_the_server(estate):
    web, tokens, _, _ = estate
    drafts = [{}, {"forms": 5}, {"forms": [{"id": "ticket"}]}, {"format": "trellis.app/1", "forms": [5]}]
    for draft in drafts:
        for route, body in (
            ("check-expression", {"expression": "a.b", "form": "ticket", "kind": "formula"}),
            ("preview-form", {"form": "ticket"}),
            ("view-as", {"form": "ticket", "role": "agent"}),
        ):
            answer = web.post(f"{BASE}/{route}", json={**body, "document": draft}, headers=_as(tokens, "maker"))
            assert answer.status_code in (404, 422), (route, draft, answer.get_data(as_text=True))
