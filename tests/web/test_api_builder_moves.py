"""A builder changes a flow that has running instances: the publish preview says which flows changed,
the dry run plans every instance onto the draft's flow (refusing a step that disappears unless it is
mapped), and after publishing the same map moves them onto the new version. End users get 403,
garbage bodies 422, and a move that cannot be made is refused whole."""

from __future__ import annotations

import copy
from typing import Any

import pytest

APP = "jobs"
BASE = f"/api/v1/builder/apps/{APP}"
PASSWORD = "builder-moves-1"


def _label(zh: str, en: str) -> dict[str, str]:
    return {"zh-CN": zh, "en": en}


PACKAGE: dict[str, Any] = {
    "format": "trellis.app/1",
    "id": APP,
    "version": "1.0.0",
    "name": _label("工作", "Jobs"),
    "roles": [{"id": "clerk", "name": _label("文员", "Clerk")}],
    "permissions": [{"role": "clerk", "form": "job", "actions": ["create", "read"]}],
    "forms": [
        {
            "id": "job",
            "name": _label("工作单", "Job"),
            "title_field": "title",
            "fields": [{"id": "title", "type": "text", "label": _label("标题", "Title")}],
        }
    ],
    "flows": [
        {
            "id": "handle",
            "name": _label("处理", "Handle"),
            "form": "job",
            "start_on": "record_created",
            "nodes": [
                {"id": "start", "type": "start"},
                {
                    "id": "do",
                    "type": "user_task",
                    "name": _label("办理", "Do it"),
                    "assignee": {"type": "users", "users": ["admin"]},
                },
                {"id": "end", "type": "end"},
            ],
            "edges": [
                {"id": "e1", "source": "start", "target": "do"},
                {"id": "e2", "source": "do", "target": "end"},
            ],
        }
    ],
}


def _renamed(document: dict[str, Any]) -> dict[str, Any]:
    """The draft after the builder replaced step ``do`` with ``work`` (another id, another name)."""
    changed = copy.deepcopy(document)
    flow = changed["flows"][0]
    flow["nodes"][1] = {**flow["nodes"][1], "id": "work", "name": _label("处理工作", "Work")}
    flow["edges"] = [
        {"id": "e1", "source": "start", "target": "work"},
        {"id": "e2", "source": "work", "target": "end"},
    ]
    return changed


@pytest.fixture
def jobs(client, app):
    """The app with two running jobs, its draft changed; a builder's and a clerk's tokens."""
    assert client.post("/api/v1/apps", json=PACKAGE).status_code == 201
    for title in ("修灯", "通下水道"):
        assert client.post(f"/api/v1/apps/{APP}/forms/job/records", json={"title": title}).status_code == 201
    directory = app.extensions["trellis"].directory
    directory.create_user("maker", PASSWORD, name="搭建者", roles=[(APP, "builder")])
    directory.create_user("clerk", PASSWORD, name="文员甲", roles=[(APP, "clerk")])
    tokens = {
        who: directory.create_token(who, "tests", [f"app:{APP}:read", f"app:{APP}:write"])[0]
        for who in ("maker", "clerk")
    }
    web = app.test_client()
    headers = {"Authorization": f"Bearer {tokens['maker']}", "Accept-Language": "zh-CN"}
    draft = web.get(f"{BASE}/draft", headers=headers).json
    saved = web.put(
        f"{BASE}/draft", json={"document": _renamed(draft["document"]), "revision": draft["revision"]}, headers=headers
    )
    assert saved.status_code == 200, saved.json
    return web, headers, tokens, saved.json["revision"]


def test_the_preview_names_the_changed_flow_and_the_dry_run_refuses_a_step_that_disappears(jobs):
    web, headers, _, revision = jobs
    preview = web.post(f"{BASE}/publish/preview", json={"revision": revision}, headers=headers).json
    assert preview["flows"] == [
        {"flow": "handle", "name": "处理", "running_instances": 2, "stays_on_version": True, "changed": True}
    ]
    plan = web.post(f"{BASE}/flows/handle/move-dry-run", json={}, headers=headers)
    assert plan.status_code == 200, plan.json
    assert plan.json["movable"] is False and len(plan.json["instances"]) == 2
    first = plan.json["instances"][0]
    assert first["ok"] is False and first["from_version"] == 1
    assert first["moves"] == [{"from": "do", "from_name": "办理", "to": "do", "to_name": "do"}]
    assert "do" in first["problems"][0] and "办理" not in first["problems"][0]  # said in Chinese, by step id
    mapped = web.post(f"{BASE}/flows/handle/move-dry-run", json={"map": {"do": "work"}}, headers=headers).json
    assert mapped["movable"] is True and mapped["problems"] == []
    assert mapped["instances"][0]["moves"] == [{"from": "do", "from_name": "办理", "to": "work", "to_name": "处理工作"}]
    wrong = web.post(f"{BASE}/flows/handle/move-dry-run", json={"map": {"nope": "work"}}, headers=headers).json
    assert wrong["movable"] is False and "nope" in wrong["problems"][0]


def test_after_publishing_the_map_moves_every_running_instance_onto_the_new_version(jobs, client):
    web, headers, _, revision = jobs
    unpublished = web.post(f"{BASE}/flows/handle/move", json={}, headers=headers)
    assert unpublished.json == {"flow": "handle", "to_version": 1, "moved": 0}  # they already run on the current one
    assert web.post(f"{BASE}/publish", json={"revision": revision}, headers=headers).json["version"] == 2
    stranded = web.post(f"{BASE}/flows/handle/move", json={}, headers=headers)
    assert stranded.status_code == 422 and "handle" in stranded.json["detail"]
    moved = web.post(f"{BASE}/flows/handle/move", json={"map": {"do": "work"}}, headers=headers)
    assert moved.status_code == 200, moved.json
    assert moved.json == {"flow": "handle", "to_version": 2, "moved": 2}
    again = web.post(f"{BASE}/flows/handle/move", json={"map": {"do": "work"}}, headers=headers)
    assert again.json["moved"] == 0
    [instance] = client.get(f"/api/v1/apps/{APP}/forms/job/records/1/flows").json["items"]
    assert (instance["app_version"], instance["nodes"]) == (2, ["work"])
    assert [(t["node"], t["name"]["zh-CN"], t["status"]) for t in instance["tasks"]] == [("work", "处理工作", "open")]


def test_end_users_get_403_garbage_422_and_an_unknown_flow_404(jobs):
    web, headers, tokens, _ = jobs
    clerk = {"Authorization": f"Bearer {tokens['clerk']}"}
    for route in ("move-dry-run", "move"):
        assert web.post(f"{BASE}/flows/handle/{route}", json={}, headers=clerk).status_code == 403
        assert web.post(f"{BASE}/flows/handle/{route}", json={}).status_code == 401
        for raw in (b"[1]", b"{bad", b'{"map": 5}', b'{"map": {"a": 5}}', b'{"other": 1}'):
            answer = web.post(
                f"{BASE}/flows/handle/{route}", data=raw, content_type="application/json", headers=headers
            )
            assert answer.status_code == 422, (route, raw, answer.get_data(as_text=True))
    assert web.post(f"{BASE}/flows/nope/move-dry-run", json={}, headers=headers).status_code == 404
