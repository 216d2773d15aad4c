"""Approval steps carry data over HTTP: each signer's opinion is kept on their own task with who and
when, a decision writes the record as the node's ``collect`` says, ``save`` keeps a draft, and bad
values or actions are refused by field, never a 500."""

from __future__ import annotations

import json

import pytest

from tests.signing_app import APP, PACKAGE, SIGNERS

PEOPLE = {"clerk1": "clerk", "engineer1": "signer", "security1": "signer", "viewer1": "viewer"}
NAMES = {"engineer1": "工程部 李工", "security1": "保安部 王队"}


class Api:
    def __init__(self, app, tokens: dict[str, str]):
        self.app = app
        self.tokens = tokens

    def call(self, who: str, method: str, path: str, body: object = None, lang: str = "en"):
        headers = {"Authorization": f"Bearer {self.tokens[who]}", "Accept-Language": lang}
        data = json.dumps(body) if body is not None else None
        return self.app.test_client().open(
            path, method=method, data=data, headers=headers, content_type="application/json"
        )

    def start(self, flow: str) -> tuple[int, dict]:
        created = self.call("clerk1", "POST", f"/api/v1/apps/{APP}/forms/permit/records", {"title": "3栋 装修"})
        assert created.status_code == 201, created.json
        record = int(created.json["id"])
        started = self.call("clerk1", "POST", f"/api/v1/apps/{APP}/flows/{flow}/start", {"record_id": record})
        assert started.status_code == 201, started.json
        return record, started.json

    def task_of(self, instance: dict, who: str) -> str:
        return next(t["id"] for t in instance["tasks"] if t["assignee"] == who and t["status"] == "open")

    def act(self, who: str, task: str, action: str, body: object = None, lang: str = "en"):
        return self.call(who, "POST", f"/api/v1/tasks/{task}/{action}", body or {}, lang)

    def instance(self, record: int) -> dict:
        """The record's flow instance as the API shows it to the clerk, every task included."""
        found = self.call("clerk1", "GET", f"/api/v1/apps/{APP}/forms/permit/records/{record}/flows")
        assert found.status_code == 200, found.json
        return dict(found.json["items"][-1])

    def record(self, record: int) -> dict:
        found = self.call("clerk1", "GET", f"/api/v1/apps/{APP}/forms/permit/records/{record}")
        assert found.status_code == 200, found.json
        return dict(found.json["data"])

    def history(self, record: int) -> list[dict]:
        found = self.call("clerk1", "GET", f"/api/v1/apps/{APP}/forms/permit/records/{record}/history")
        assert found.status_code == 200, found.json
        return list(found.json["items"])


@pytest.fixture
def api(app, client) -> Api:
    assert client.post("/api/v1/apps", json=PACKAGE).status_code in (200, 201)
    directory = app.extensions["trellis"].directory
    tokens = {}
    for login, role in PEOPLE.items():
        directory.create_user(
            login, "a-long-password", name=NAMES.get(login, login), roles=[(APP, role)], user_id=login
        )
        tokens[login], _ = directory.create_token(login, "tests", [f"app:{APP}:read", f"app:{APP}:write"])
    return Api(app, tokens)


def _signed(instance: dict) -> list[tuple[str, str, dict, bool]]:
    """Who signed what: (signer, outcome, their values, when given) per decided task, in order."""
    return [
        (t["completed_by"], t["outcome"], t["data"], t["completed_at"] is not None)
        for t in instance["tasks"]
        if t["status"] == "completed"
    ]


def test_a_countersign_keeps_each_signers_opinion_with_who_signed_and_collects_them_in_the_record(api):
    record, instance = api.start("counter")
    engineer, security = (api.task_of(instance, who) for who in SIGNERS)

    first = api.act("engineer1", engineer, "approve", {"data": {"opinions": "水电改造符合规范"}})
    second = api.act("security1", security, "approve", {"data": {"opinions": "施工时间限 8-18 点"}})

    assert (first.status_code, second.status_code) == (200, 200), (first.json, second.json)
    assert second.json["instance"]["status"] == "completed"
    assert _signed(api.instance(record)) == [
        ("engineer1", "approved", {"opinions": "水电改造符合规范"}, True),
        ("security1", "approved", {"opinions": "施工时间限 8-18 点"}, True),
    ]
    assert api.record(record)["opinions"] == "工程部 李工: 水电改造符合规范\n保安部 王队: 施工时间限 8-18 点"
    writes = [
        (h["actor"], h["action"], h["changes"]["opinions"][1])
        for h in api.history(record)
        if "opinions" in h["changes"]
    ]
    assert writes == [
        ("engineer1", "task:approve", "工程部 李工: 水电改造符合规范"),
        ("security1", "task:approve", "工程部 李工: 水电改造符合规范\n保安部 王队: 施工时间限 8-18 点"),
    ]


def test_every_countersigner_must_give_their_own_required_opinion(api):
    record, instance = api.start("counter")
    engineer, security = (api.task_of(instance, who) for who in SIGNERS)
    assert api.act("engineer1", engineer, "approve", {"data": {"opinions": "同意"}}).status_code == 200

    refused = api.act("security1", security, "approve", {})

    assert refused.status_code == 422
    assert refused.json["errors"] == {"opinions": ["Opinions is required"]}


def test_an_or_sign_writes_the_one_deciding_opinion_and_cancels_the_other_signer(api):
    record, instance = api.start("either")
    security = api.task_of(instance, "security1")

    done = api.act("security1", security, "reject", {"data": {"opinion": "消防通道被占"}, "comment": "不同意"})

    assert done.status_code == 200, done.json
    assert done.json["instance"]["status"] == "completed"
    assert _signed(api.instance(record)) == [("security1", "rejected", {"opinion": "消防通道被占"}, True)]
    assert [(t["assignee"], t["status"]) for t in api.instance(record)["tasks"]] == [
        ("engineer1", "cancelled"),
        ("security1", "completed"),
    ]
    assert api.record(record)["opinion"] == "消防通道被占"


def test_a_single_approval_writes_the_record_as_a_task_does(api):
    record, instance = api.start("single")
    task = api.task_of(instance, "engineer1")

    done = api.act("engineer1", task, "approve", {"data": {"opinion": "同意", "deposit": 5000}})

    assert done.status_code == 200, done.json
    assert (api.record(record)["opinion"], api.record(record)["deposit"]) == ("同意", "5000")
    assert done.json["task"]["data"] == {"opinion": "同意", "deposit": "5000"}
    assert [h["action"] for h in api.history(record)][-1] == "task:approve"


def test_save_keeps_a_draft_on_the_task_and_approve_decides_with_it(api):
    record, instance = api.start("single")
    task = api.task_of(instance, "engineer1")

    saved = api.act("engineer1", task, "save", {"data": {"opinion": "初步同意", "deposit": "3000"}})

    assert saved.status_code == 200, saved.json
    assert (saved.json["task"]["status"], saved.json["task"]["data"]) == (
        "open",
        {"opinion": "初步同意", "deposit": "3000"},
    )
    assert "save" in saved.json["task"]["actions"]
    assert api.record(record)["opinion"] is None  # a draft is not a decision
    assert api.call("engineer1", "GET", f"/api/v1/tasks/{task}").json["data"] == {
        "opinion": "初步同意",
        "deposit": "3000",
    }

    done = api.act("engineer1", task, "approve", {"data": {"opinion": "同意"}})

    assert done.status_code == 200, done.json
    assert done.json["task"]["data"] == {"opinion": "同意", "deposit": "3000"}
    assert (api.record(record)["opinion"], api.record(record)["deposit"]) == ("同意", "3000")


def test_garbage_values_are_refused_naming_the_field_in_the_readers_language(api):
    _, instance = api.start("single")
    task = api.task_of(instance, "engineer1")

    for action in ("save", "approve"):
        refused = api.act("engineer1", task, action, {"data": {"opinion": "好", "deposit": "lots"}})
        assert refused.status_code == 422, refused.json
        assert list(refused.json["errors"]) == ["deposit"]
    zh = api.act("engineer1", task, "approve", {"data": {"opinion": ["not", "text"]}}, lang="zh-CN")
    not_editable = api.act("engineer1", task, "approve", {"data": {"opinion": "好", "title": "改标题"}})
    not_object = api.act("engineer1", task, "save", {"data": "同意"})

    assert zh.status_code == 422 and list(zh.json["errors"]) == ["opinion"]
    assert "意见" in zh.json["errors"]["opinion"][0]
    assert (not_editable.status_code, list(not_editable.json["errors"])) == (422, ["title"])
    assert (not_object.status_code, list(not_object.json["errors"])) == (422, ["data"])
    assert api.call("engineer1", "GET", f"/api/v1/tasks/{task}").json["status"] == "open"


def test_save_is_refused_cleanly_where_a_signer_has_nothing_to_fill_or_nothing_left_to_decide(api, client):
    package = json.loads(json.dumps(PACKAGE))
    package["version"] = "1.0.1"
    package["flows"][2]["nodes"][1].pop("field_permissions")
    assert client.post("/api/v1/apps", json=package).status_code in (200, 201)
    _, instance = api.start("either")
    task = api.task_of(instance, "engineer1")

    nothing_to_fill = api.act("engineer1", task, "save", {"data": {}})
    assert api.act("engineer1", task, "approve", {}).status_code == 200
    decided = api.act("engineer1", task, "save", {"data": {"opinion": "再想想"}})

    assert (nothing_to_fill.status_code, nothing_to_fill.json["detail"]) == (409, "'sign' does not offer 'save'")
    assert (decided.status_code, decided.json["detail"]) == (
        409,
        "this task is no longer open: the record has moved on; reload to see where it is",
    )


def test_a_reader_never_sees_a_signers_values_for_fields_hidden_from_them(api):
    record, instance = api.start("either")
    api.act("engineer1", api.task_of(instance, "engineer1"), "approve", {"data": {"opinion": "同意"}})

    for who, expected in (("clerk1", {"opinion": "同意"}), ("viewer1", {})):
        found = api.call(who, "GET", f"/api/v1/apps/{APP}/forms/permit/records/{record}/flows")
        assert found.status_code == 200, found.json
        assert [t["data"] for t in found.json["items"][0]["tasks"] if t["status"] == "completed"] == [expected]
