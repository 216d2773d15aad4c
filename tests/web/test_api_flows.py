"""The flow API over HTTP: the repair flow end to end with per-person tokens, and every refusal."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

APP = "property_repair"
FILES = Path(__file__).resolve().parents[1] / "flows" / "bpmn_files"
PEOPLE = {
    "owner1": ["owner"],
    "owner2": ["owner"],
    "agent1": ["agent"],
    "agent2": ["agent"],
    "worker1": ["technician"],
    "leader1": ["group_leader"],
    "engineer1": ["engineering_head"],
    "financehead1": ["finance_head"],
    "manager1": ["project_manager"],
    "finance1": ["finance"],
}


class Api:
    def __init__(self, app, tokens: dict[str, str]):
        self.app = app
        self.tokens = tokens

    def call(self, who: str | None, method: str, path: str, body: object = None, raw: bytes | None = None):
        client = self.app.test_client()
        headers = {"Authorization": f"Bearer {self.tokens[who]}"} if who else {}
        headers["Accept-Language"] = "en"  # the assertions below read the English refusals
        data = raw if raw is not None else (json.dumps(body) if body is not None else None)
        return client.open(path, method=method, data=data, headers=headers, content_type="application/json")

    def open_tasks(self, record_id: int, node: str | None = None) -> list[dict]:
        found = self.call("admin", "GET", f"/api/v1/apps/{APP}/forms/repair_order/records/{record_id}/flows")
        assert found.status_code == 200, found.json
        tasks = found.json["items"][-1]["tasks"]
        return [t for t in tasks if t["status"] == "open" and (node is None or t["node"] == node)]


@pytest.fixture
def api(app, client, installed_property_app) -> Api:
    services = app.extensions["trellis"]
    directory = services.directory
    from engine.principal import LOCAL_ADMIN

    records = services.records
    community, _ = records.create(LOCAL_ADMIN, APP, "community", {"name": "阳光花园"})
    building, _ = records.create(LOCAL_ADMIN, APP, "building", {"community": community["id"], "name": "1栋"})
    room, _ = records.create(LOCAL_ADMIN, APP, "room", {"building": building["id"], "room_no": "101"})
    part, _ = records.create(LOCAL_ADMIN, APP, "spare_part", {"code": "P9", "name": "阀门", "unit_price": "2500"})
    tokens = {"admin": client.environ_base["HTTP_AUTHORIZATION"].removeprefix("Bearer ")}
    for login, roles in PEOPLE.items():
        covers = [community["id"]] if login in ("worker1", "manager1") else []
        directory.create_user(
            login, "a-long-password", roles=[(APP, r) for r in roles], user_id=login, communities=covers
        )
        tokens[login], _ = directory.create_token(login, "tests", [f"app:{APP}:read", f"app:{APP}:write"])
    tokens["reader"], _ = directory.create_token("agent2", "read only", [f"app:{APP}:read"])
    directory.create_group("水电维修组", leader="leader1")
    directory.add_member("水电维修组", "worker1")
    directory.set_on_duty("worker1", True)
    found = Api(app, tokens)
    found.room, found.community, found.part = room["id"], community["id"], part["id"]  # type: ignore[attr-defined]
    return found


def _order(api: Api, who: str = "owner1") -> int:
    body = {
        "owner_name": "王女士",
        "phone": "13812345678",
        "community": api.community,  # type: ignore[attr-defined]
        "room": api.room,  # type: ignore[attr-defined]
        "repair_type": "水电",
        "description": "漏水",
    }
    response = api.call(who, "POST", f"/api/v1/apps/{APP}/forms/repair_order/records", body)
    assert response.status_code == 201, response.json
    return int(response.json["id"])


def test_the_repair_flow_end_to_end_over_http(api):
    record = _order(api)
    inbox = api.call("agent1", "GET", "/api/v1/tasks?box=groups").json
    assert inbox["counts"]["groups"] == 1
    task = inbox["items"][0]
    assert api.call("agent1", "POST", f"/api/v1/tasks/{task['id']}/complete", {"outcome": "accept"}).status_code == 200
    repair = api.open_tasks(record, "repair")[0]
    assert repair["assignee"] == "worker1"
    mine = api.call("worker1", "GET", "/api/v1/tasks").json
    assert [t["id"] for t in mine["items"]] == [repair["id"]]
    assert api.call("worker1", "POST", f"/api/v1/tasks/{repair['id']}/claim").status_code == 200
    checked = api.call(
        "worker1", "POST", f"/api/v1/tasks/{repair['id']}/check_in", {"location": {"lat": 30.2, "lng": 120.1}}
    )
    assert checked.status_code == 200
    data = {"result": "换阀门", "parts_used": [{"part": api.part, "qty": 1}], "chargeable": False}  # type: ignore[attr-defined]
    done = api.call("worker1", "POST", f"/api/v1/tasks/{repair['id']}/complete", {"data": data})
    assert done.status_code == 200, done.json
    signs = api.open_tasks(record, "countersign")
    signers = {"engineering_head": "engineer1", "finance_head": "financehead1", "project_manager": "manager1"}
    for sign in signs:
        who = signers[sign["candidates"][0][1]]
        assert api.call(who, "POST", f"/api/v1/tasks/{sign['id']}/approve", {"comment": "同意"}).status_code == 200
    rate = api.open_tasks(record, "rate")[0]
    rated = api.call("owner1", "POST", f"/api/v1/tasks/{rate['id']}/complete", {"data": {"fixed": True, "rating": 5}})
    assert rated.status_code == 200
    assert rated.json["instance"]["status"] == "completed"
    assert api.call("worker1", "GET", "/api/v1/tasks?box=done").json["counts"]["done"] == 1


def test_no_identity_is_401_and_another_owners_ticket_is_404(api):
    record = _order(api)
    task = api.open_tasks(record)[0]
    assert api.call(None, "GET", "/api/v1/tasks").status_code == 401
    assert api.call(None, "POST", f"/api/v1/tasks/{task['id']}/claim").status_code == 401
    assert api.call("owner2", "POST", f"/api/v1/tasks/{task['id']}/claim").status_code == 404
    assert api.call("owner2", "GET", f"/api/v1/flow-instances/{task['instance_id']}").status_code == 404
    assert api.call("owner1", "GET", f"/api/v1/flow-instances/{task['instance_id']}").status_code == 200


def test_a_read_only_token_cannot_act(api):
    record = _order(api)
    task = api.open_tasks(record)[0]
    refused = api.call("reader", "POST", f"/api/v1/tasks/{task['id']}/claim")
    assert refused.status_code == 403 and "write" in refused.json["detail"]


def test_the_second_claim_is_409_naming_what_happened(api):
    record = _order(api)
    task = api.open_tasks(record)[0]
    assert api.call("agent1", "POST", f"/api/v1/tasks/{task['id']}/claim").status_code == 200
    second = api.call("agent2", "POST", f"/api/v1/tasks/{task['id']}/claim")
    assert second.status_code == 409 and "someone else" in second.json["detail"]


@pytest.mark.parametrize(
    "path_tail, body",
    [
        ("complete", {"outcome": 12}),
        ("complete", {"outcome": "maybe"}),
        ("complete", {"data": "not an object"}),
        ("complete", {"data": {"rating": "∞"}}),
        ("complete", {"comment": "x" * 5000, "outcome": "accept"}),
        ("transfer", {}),
        ("transfer", {"to": "nobody-here"}),
        ("return", {"to": "repair"}),
        ("approve", {}),
        ("explode", {}),
    ],
)
def test_garbage_gets_a_clear_4xx_and_loses_nothing(api, path_tail, body):
    record = _order(api)
    task = api.open_tasks(record)[0]
    response = api.call("agent1", "POST", f"/api/v1/tasks/{task['id']}/{path_tail}", body)
    assert 400 <= response.status_code < 500, response.json
    assert response.json["detail"]
    assert [t["id"] for t in api.open_tasks(record)] == [task["id"]]


@pytest.mark.parametrize("raw", [b"{", b"[1,2]", b"\xff\xfe", b'{"a": NaN}', b"null"])
def test_unreadable_bodies_are_refused(api, raw):
    record = _order(api)
    task = api.open_tasks(record)[0]
    response = api.call("agent1", "POST", f"/api/v1/tasks/{task['id']}/complete", raw=raw)
    assert response.status_code == 422


def test_unknown_tasks_and_instances_are_404(api):
    assert api.call("agent1", "POST", "/api/v1/tasks/nope/claim").status_code == 404
    assert api.call("agent1", "GET", "/api/v1/tasks/" + "x" * 500).status_code == 404
    assert api.call("admin", "GET", "/api/v1/flow-instances/nope").status_code == 404
    assert api.call("agent1", "GET", "/api/v1/tasks?box=everything").status_code == 404


def test_the_submitter_withdraws_and_an_admin_cancels(api):
    first, second = _order(api), _order(api)
    one = api.open_tasks(first)[0]["instance_id"]
    two = api.open_tasks(second)[0]["instance_id"]
    assert api.call("owner2", "POST", f"/api/v1/flow-instances/{one}/withdraw").status_code == 404
    assert api.call("owner1", "POST", f"/api/v1/flow-instances/{one}/withdraw").json["end_status"] == "withdrawn"
    assert api.call("agent1", "POST", f"/api/v1/flow-instances/{two}/cancel").status_code == 403
    cancelled = api.call("admin", "POST", f"/api/v1/flow-instances/{two}/cancel", {"reason": "重复"})
    assert cancelled.json["end_status"] == "cancelled"


def test_bpmn_round_trip_through_the_api(api):
    exported = api.call("admin", "GET", f"/api/v1/apps/{APP}/flows/repair/bpmn")
    assert exported.status_code == 200 and exported.data.startswith(b"<?xml")
    imported = api.call("admin", "POST", "/api/v1/bpmn/import?form=repair_order", raw=exported.data)
    assert imported.status_code == 200 and imported.json["complete"]
    assert imported.json["flow"]["id"] == "repair"


@pytest.mark.parametrize("raw", [b"", b"not xml", b'<!DOCTYPE x [<!ENTITY a "b">]><x/>', b"<root/>"])
def test_bpmn_import_refuses_garbage_clearly(api, raw):
    response = api.call("admin", "POST", "/api/v1/bpmn/import", raw=raw)
    assert response.status_code == 422 and response.json["detail"]


def test_bpmn_import_answers_in_the_readers_language(api):
    data = (FILES / "unsupported.bpmn").read_bytes()

    chinese = api.call("admin", "POST", "/api/v1/bpmn/import?form=claim&lang=zh-CN", raw=data).json
    english = api.call("admin", "POST", "/api/v1/bpmn/import?form=claim&lang=en", raw=data).json

    assert "Activity_0y3gd6k (bpmn:subProcess): 不支持" in chinese["unsupported"]
    assert "Activity_0y3gd6k (bpmn:subProcess): not supported" in english["unsupported"]
    assert chinese["notes"][0] == "TextAnnotation_0q5re2n (bpmn:textAnnotation): 已忽略(注释和分组不影响流程运行)"
    assert chinese["flow"] == english["flow"]


def test_bpmn_refusals_answer_in_the_readers_language(api):
    broken = (
        b'<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"><bpmn:process id="P">'
        b'<bpmn:sequenceFlow id="F" targetRef="Nowhere" /></bpmn:process></bpmn:definitions>'
    )

    refused = api.call("admin", "POST", "/api/v1/bpmn/import?lang=zh-CN", raw=broken)
    missing = api.call("admin", "GET", f"/api/v1/apps/{APP}/flows/nope/bpmn?lang=zh-CN")

    assert refused.status_code == 422
    assert refused.json["detail"] == "BPMN 文件中有 2 个元素的连接有误"
    assert [e["message"] for e in refused.json["errors"]] == [
        "bpmn:sequenceFlow 缺少 sourceRef,请连接两端",
        "targetRef 指向的“Nowhere”不是流程中的元素,请在建模工具中重新连接",
    ]
    assert missing.json["detail"] == f"应用“{APP}”中没有流程“nope”"


def test_bpmn_needs_an_administrator(api):
    assert api.call("agent1", "GET", f"/api/v1/apps/{APP}/flows/repair/bpmn").status_code == 403
    assert api.call(None, "POST", "/api/v1/bpmn/import", raw=b"<x/>").status_code == 401
    assert api.call("admin", "GET", f"/api/v1/apps/{APP}/flows/nope/bpmn").status_code == 404


def test_check_in_records_the_moment_and_the_place(api):
    record = _order(api)
    task = api.open_tasks(record)[0]
    api.call("agent1", "POST", f"/api/v1/tasks/{task['id']}/complete", {"outcome": "accept"})
    repair = api.open_tasks(record, "repair")[0]
    api.call("worker1", "POST", f"/api/v1/tasks/{repair['id']}/claim")
    response = api.call(
        "worker1", "POST", f"/api/v1/tasks/{repair['id']}/check_in", {"location": {"lat": 30.25, "lng": 120.17}}
    )
    assert response.status_code == 200, response.json
    data = api.call("admin", "GET", f"/api/v1/apps/{APP}/forms/repair_order/records/{record}").json["data"]
    assert data["checked_in_at"] and data["check_in_location"]["lat"] == 30.25
    bad = api.call(
        "worker1", "POST", f"/api/v1/tasks/{repair['id']}/check_in", {"location": {"lat": "north", "lng": 1}}
    )
    assert bad.status_code == 422


def _time_passes(app, **delta: float) -> int:
    """Move every pending timer's due time back (as if that much time had passed), then let the worker step run."""
    from datetime import timedelta

    from sqlalchemy import select, update

    from engine.storage.tables import FlowTimerRow

    services = app.extensions["trellis"]
    with services.database.transaction() as session:
        pending = session.execute(select(FlowTimerRow.id, FlowTimerRow.due_at).where(FlowTimerRow.status == "pending"))
        for timer_id, due_at in pending.all():
            session.execute(
                update(FlowTimerRow).where(FlowTimerRow.id == timer_id).values(due_at=due_at - timedelta(**delta))
            )
    return services.flows.fire_due()


def _through_repair(api: Api, record: int, qty: int = 1, **extra) -> None:
    repair = api.open_tasks(record, "repair")[0]
    assert api.call("worker1", "POST", f"/api/v1/tasks/{repair['id']}/claim").status_code == 200
    data = {"result": "换阀门", "parts_used": [{"part": api.part, "qty": qty}], **extra}  # type: ignore[attr-defined]
    done = api.call("worker1", "POST", f"/api/v1/tasks/{repair['id']}/complete", {"data": data})
    assert done.status_code == 200, done.json


def test_over_http_escalation_countersign_rejection_or_sign_and_reopen(api, app):
    directory = app.extensions["trellis"].directory
    directory.create_user("super1", "a-long-password", roles=[(APP, "agent_supervisor")], user_id="super1")
    directory.create_user("finance2", "a-long-password", roles=[(APP, "finance")], user_id="finance2")
    for login in ("super1", "finance2"):
        api.tokens[login], _ = directory.create_token(login, "tests", [f"app:{APP}:write", f"app:{APP}:read"])
    record = _order(api)
    # nobody accepts it for 15 minutes: the supervisor is told, and the agents keep the task
    assert _time_passes(app, minutes=16) == 1
    accept = api.open_tasks(record, "accept")[0]
    assert accept["candidates"] == [["role", "agent"]]
    assert api.call("super1", "GET", "/api/v1/tasks?box=groups").json["counts"]["groups"] == 0
    api.call("agent2", "POST", f"/api/v1/tasks/{accept['id']}/complete", {"outcome": "accept"})
    # a large amount: one of the three signers rejects, the ticket goes back to the worker
    _through_repair(api, record, qty=1)
    signs = api.open_tasks(record, "countersign")
    head = next(s for s in signs if s["candidates"] == [["role", "finance_head"]])
    rejected = api.call("financehead1", "POST", f"/api/v1/tasks/{head['id']}/reject", {"comment": "太贵了"})
    assert rejected.status_code == 200
    assert api.open_tasks(record, "countersign") == [] and len(api.open_tasks(record, "repair")) == 1
    # cheaper now, but chargeable: finance confirms by or-sign, the first decision wins
    repair = api.open_tasks(record, "repair")[0]
    api.call("worker1", "POST", f"/api/v1/tasks/{repair['id']}/claim")
    cheap = {"result": "修好阀门", "parts_used": [], "chargeable": True}
    assert api.call("worker1", "POST", f"/api/v1/tasks/{repair['id']}/complete", {"data": cheap}).status_code == 200
    finance = api.open_tasks(record, "finance_confirm")
    assert sorted(t["assignee"] for t in finance) == ["finance1", "finance2"]
    mine = next(t for t in finance if t["assignee"] == "finance2")
    assert api.call("finance2", "POST", f"/api/v1/tasks/{mine['id']}/approve").status_code == 200
    assert api.open_tasks(record, "finance_confirm") == []
    # the owner is unhappy: the ticket reopens and goes back to dispatch
    rate = api.open_tasks(record, "rate")[0]
    low = {"data": {"fixed": False, "rating": 1, "comment": "还是漏"}}
    assert api.call("owner1", "POST", f"/api/v1/tasks/{rate['id']}/complete", low).status_code == 200
    assert [t["node"] for t in api.open_tasks(record)] == ["repair"]
    order = api.call("admin", "GET", f"/api/v1/apps/{APP}/forms/repair_order/records/{record}").json["data"]
    assert order["reopen_count"] == "1"
    # the second time the owner does not answer: after 72 hours it is confirmed and closed
    repair = api.open_tasks(record, "repair")[0]
    api.call("worker1", "POST", f"/api/v1/tasks/{repair['id']}/claim")
    fixed = {"result": "彻底修好", "parts_used": [], "chargeable": False}
    api.call("worker1", "POST", f"/api/v1/tasks/{repair['id']}/complete", {"data": fixed})
    assert [t["node"] for t in api.open_tasks(record)] == ["rate"]
    assert _time_passes(app, hours=73) >= 1
    flows = api.call("admin", "GET", f"/api/v1/apps/{APP}/forms/repair_order/records/{record}/flows").json
    assert (flows["items"][-1]["status"], flows["items"][-1]["end_status"]) == ("completed", "closed")


def test_over_http_the_complaint_loop_closes_only_after_the_follow_up(api, app):
    directory = app.extensions["trellis"].directory
    directory.create_group("工程部", leader="engineer1")
    body = {"owner_name": "李先生", "phone": "13912345678", "kind": "投诉", "content": "电梯噪音"}
    created = api.call("owner1", "POST", f"/api/v1/apps/{APP}/forms/complaint/records", body)
    assert created.status_code == 201, created.json
    record = created.json["id"]

    def open_tasks() -> list[dict]:
        found = api.call("admin", "GET", f"/api/v1/apps/{APP}/forms/complaint/records/{record}/flows").json
        return [t for t in found["items"][-1]["tasks"] if t["status"] == "open"]

    register = open_tasks()[0]
    api.call("agent1", "POST", f"/api/v1/tasks/{register['id']}/complete", {"data": {"department": "工程部"}})
    handle = open_tasks()[0]
    assert handle["assignee"] == "engineer1"
    assert _time_passes(app, hours=25) == 1  # unhandled for 24 hours: the project manager has it now
    handle = open_tasks()[0]
    assert handle["candidates"] == [["role", "project_manager"]]
    api.call("manager1", "POST", f"/api/v1/tasks/{handle['id']}/complete", {"data": {"handling_result": "已维修"}})
    follow = open_tasks()[0]
    assert follow["node"] == "follow_up"
    skipped = api.call("agent1", "POST", f"/api/v1/tasks/{follow['id']}/complete", {"data": {}})
    assert skipped.status_code == 422  # no closing without the follow-up call
    call = {"follow_up_result": "业主满意", "follow_up_at": "2026-03-02T10:00:00+08:00"}
    api.call("agent1", "POST", f"/api/v1/tasks/{follow['id']}/complete", {"data": call})
    feedback = open_tasks()[0]
    api.call("owner1", "POST", f"/api/v1/tasks/{feedback['id']}/complete", {"data": {"satisfied": True}})
    found = api.call("admin", "GET", f"/api/v1/apps/{APP}/forms/complaint/records/{record}/flows").json
    assert found["items"][-1]["end_status"] == "closed"


def test_an_escalation_reaches_the_supervisors_notifications(api, app):
    from engine.worker import Worker

    directory = app.extensions["trellis"].directory
    directory.create_user("super1", "a-long-password", roles=[(APP, "agent_supervisor")], user_id="super1")
    api.tokens["super1"], _ = directory.create_token("super1", "tests", [f"app:{APP}:read", f"app:{APP}:write"])
    record = _order(api)
    assert _time_passes(app, minutes=16) == 1
    Worker(app.extensions["trellis"].database, flows=app.extensions["trellis"].flows).run_once()
    inbox = api.call("super1", "GET", "/api/v1/notifications?unread=1").json
    assert inbox["unread"] == 1 and inbox["items"][0]["record_id"] == record
    assert "15" in inbox["items"][0]["message"]["zh-CN"]
    assert api.call("super1", "POST", "/api/v1/notifications/read", {}).json == {"marked": 1}
    assert api.call("super1", "GET", "/api/v1/notifications?unread=1").json["unread"] == 0
    assert api.call("agent1", "GET", "/api/v1/notifications").json["unread"] == 0
    assert api.call("super1", "POST", "/api/v1/notifications/read", {"ids": ["x"]}).status_code == 422
    assert api.call(None, "GET", "/api/v1/notifications").status_code == 401


def test_a_leader_given_a_ticket_nobody_qualified_for_passes_it_to_a_technician_over_http(api, app):
    directory = app.extensions["trellis"].directory
    directory.set_on_duty("worker1", False)
    directory.create_user("worker2", "a-long-password", roles=[(APP, "technician")], user_id="worker2")
    api.tokens["worker2"], _ = directory.create_token("worker2", "tests", [f"app:{APP}:read", f"app:{APP}:write"])
    record = _order(api)
    accept = api.open_tasks(record, "accept")[0]
    assert (
        api.call("agent1", "POST", f"/api/v1/tasks/{accept['id']}/complete", {"outcome": "accept"}).status_code == 200
    )
    task = api.open_tasks(record, "repair")[0]
    assert task["assignee"] == "leader1"
    url = f"/api/v1/tasks/{task['id']}"

    looping = api.call("leader1", "POST", f"{url}/hand_back", {"comment": "没人"})
    not_a_technician = api.call("leader1", "POST", f"{url}/transfer", {"to": "agent1"})
    passed = api.call("leader1", "POST", f"{url}/transfer", {"to": "worker2", "comment": "临时支援"})

    assert looping.status_code == 409 and "transfer it" in looping.json["detail"]
    assert not_a_technician.status_code == 422 and list(not_a_technician.json["errors"]) == ["worker"]
    assert passed.status_code == 200, passed.json
    assert api.open_tasks(record, "repair")[0]["assignee"] == "worker2"
    ticket = api.call("worker2", "GET", f"/api/v1/apps/{APP}/forms/repair_order/records/{record}")
    assert ticket.status_code == 200 and ticket.json["data"]["worker"] == "worker2"
    assert ticket.json["data"]["accepted_by"] == "agent1" and ticket.json["data"]["team"] == "水电维修组"
    assert api.call("worker2", "POST", f"{url}/claim").status_code == 200


def test_a_read_only_token_cannot_withdraw_even_its_own_instance(api, app):
    """The owner's read-scoped token may look, not act; the write-scoped one may."""
    first = _order(api)
    one = api.open_tasks(first)[0]["instance_id"]
    directory = app.extensions["trellis"].directory
    api.tokens["owner1_reader"], _ = directory.create_token("owner1", "read only", [f"app:{APP}:read"])
    refused = api.call("owner1_reader", "POST", f"/api/v1/flow-instances/{one}/withdraw")
    assert refused.status_code == 403 and ":write" in refused.json["detail"]
    assert api.call("owner1", "POST", f"/api/v1/flow-instances/{one}/withdraw").json["end_status"] == "withdrawn"
