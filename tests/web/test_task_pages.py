"""Staff task pages: the inbox and one task, per role, under the step's field permissions, CSRF-guarded."""

from __future__ import annotations

import copy
import json
import re
from datetime import UTC, datetime, timedelta

import pytest

from tests.flows import conftest as flow_fixtures
from tests.flows.conftest import Company

company = flow_fixtures.company  # the property company of the flow tests, here in the web app's database

PASSWORD = "a-long-password"


@pytest.fixture
def property_package(property_package: dict) -> dict:
    """The property app with two additions a test needs: the repair step hides the owner's phone,
    and agent review is due within 15 minutes (so a late ticket shows as overdue)."""
    package = copy.deepcopy(property_package)
    flow = next(f for f in package["flows"] if f["id"] == "repair")
    for node in flow["nodes"]:
        if node["id"] == "repair":
            node["field_permissions"]["phone"] = "hidden"
        if node["id"] == "accept":
            node["due"] = "PT15M"
    return package


@pytest.fixture
def office(app, company: Company) -> Company:
    """The property company, in the web app's database, on today's clock."""
    company.clock.now = datetime.now(UTC)
    return company


class Staff:
    """A browser session of one person: signed in, carrying the CSRF token pages hand out."""

    def __init__(self, app, login: str):
        self.client = app.test_client()
        self.client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"
        page = self.client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page)
        assert token is not None
        self.csrf = token.group(1)
        answer = self.client.post("/login", data={"login": login, "password": PASSWORD, "csrf_token": self.csrf})
        assert answer.status_code == 302, answer.get_data(as_text=True)
        home = self.client.get("/").get_data(as_text=True)  # signing in starts a new session: a new token
        fresh = re.search(r'name="csrf_token" value="([^"]+)"', home)
        assert fresh is not None
        self.csrf = fresh.group(1)

    def get(self, url: str):
        return self.client.get(url)

    def post(self, url: str, body: object = None, *, raw: bytes | None = None, csrf: bool = True):
        headers = {"Content-Type": "application/json"}
        if csrf:
            headers["X-CSRFToken"] = self.csrf
        data = raw if raw is not None else json.dumps(body or {}).encode()
        return self.client.post(url, data=data, headers=headers)

    def act(self, task_id: str, action: str, **body: object):
        return self.post(f"/tasks/{task_id}/{action}", body)


def accepted(office: Company) -> tuple[dict, dict]:
    """A ticket past agent review: (the record, its repair task)."""
    record = office.order()
    task = office.open_tasks(record["id"], "accept")[0]
    office.act("agent1", task["id"], "complete", outcome="accept")
    return record, office.open_tasks(record["id"], "repair")[0]


def test_task_pages_send_strangers_to_sign_in(app, office, anonymous_client):
    record = office.order()
    task = office.open_tasks(record["id"], "accept")[0]
    inbox = anonymous_client.get("/tasks?box=groups")
    page = anonymous_client.get(f"/tasks/{task['id']}")
    action = anonymous_client.post(f"/tasks/{task['id']}/claim", json={})
    assert (inbox.status_code, inbox.headers["Location"]) == (302, "/login?next=/tasks?box%3Dgroups")
    assert page.status_code == 302 and page.headers["Location"].startswith("/login?next=/tasks/")
    assert (action.status_code, action.json["code"]) == (401, "not_authenticated")


def test_the_inbox_shows_an_agent_the_groups_tasks_with_counts_and_overdue_first(app, office):
    office.clock.now = datetime.now(UTC) - timedelta(hours=1)
    late = office.order()
    office.clock.now = datetime.now(UTC)
    fresh = office.order()
    page = Staff(app, "agent1").get("/tasks?box=groups").get_data(as_text=True)
    items = re.findall(r'<li class="task-item( overdue)?" data-task="([0-9a-f]+)"', page)
    assert [task for _, task in items] == [
        office.open_tasks(late["id"], "accept")[0]["id"],
        office.open_tasks(fresh["id"], "accept")[0]["id"],
    ]
    assert [marked for marked, _ in items] == [" overdue", ""]
    assert '<span class="count" data-count="groups">2</span>' in page
    assert "客服受理" in page and late["data"]["order_no"] in page and "已超时" in page
    worker = Staff(app, "worker1").get("/tasks?box=groups&lang=en").get_data(as_text=True)
    assert '<span class="count" data-count="groups">0</span>' in worker and "Nothing here" in worker


def test_the_repair_page_shows_what_the_step_allows_and_never_a_hidden_field(app, office):
    record, task = accepted(office)
    worker = Staff(app, task["assignee"])
    before = worker.get(f"/tasks/{task['id']}").get_data(as_text=True)
    assert "接单" in before and "退单" in before
    assert 'name="result"' not in before  # nothing to fill before the job is accepted
    assert worker.act(task["id"], "claim").status_code == 200
    page = worker.get(f"/tasks/{task['id']}").get_data(as_text=True)
    assert re.search(r'<label for="f-result">处理结果<span class="req">\*</span>', page)
    assert '<textarea id="f-result" name="result"' in page
    assert 'data-field="parts_used" data-type="subtable"' in page
    # parts to choose from: searched as one types (the page no longer carries the first 200 of them)
    found = worker.get(f"/tasks/{task['id']}/choices/parts_used.part?q=水龙").get_json()["items"]
    assert any("水龙头" in item["title"] for item in found)
    assert '<p class="value" id="f-description">厨房水管漏水</p>' in page  # read-only: text, not an input
    assert 'name="description"' not in page
    assert "到场签到" in page and ">完成<" in page
    # the step hides the phone: neither its label nor its value reaches the page
    assert "联系电话" not in page and "138 1234 5678" not in page and "f-phone" not in page


def test_a_role_that_may_not_read_a_field_never_gets_it_in_the_page(app, office):
    record, task = accepted(office)
    worker = task["assignee"]
    office.act(worker, task["id"], "claim")
    office.act(worker, task["id"], "complete", data={"result": "换了龙头", "parts_used": [], "chargeable": True})
    confirm = office.open_tasks(record["id"], "finance_confirm")
    page = Staff(app, "finance1").get(f"/tasks/{confirm[0]['id']}").get_data(as_text=True)
    assert "财务确认" in page and "同意" in page and "驳回" in page
    assert "138 1234 5678" not in page and "联系电话" not in page  # finance may not read the phone


def test_a_technician_accepts_fills_in_the_result_and_completes(app, office):
    record, task = accepted(office)
    worker = Staff(app, task["assignee"])
    assert worker.act(task["id"], "claim", version=task["version"]).status_code == 200
    where = {"lat": 30.27, "lng": 120.15}
    checked = worker.act(task["id"], "check_in", location=where, data={"check_in_location": where})
    assert checked.status_code == 200
    page = worker.get(f"/tasks/{task['id']}").get_data(as_text=True)
    assert '<p class="value" id="f-check_in_location">30.27, 120.15</p>' in page  # captured, not typed
    done = worker.act(
        task["id"], "complete", data={"result": "更换水龙头", "parts_used": [{"part": office.cheap_part, "qty": "1"}]}
    )
    assert (done.status_code, done.json["task"]["status"]) == (200, "completed")
    inbox = worker.get("/tasks?box=done").get_data(as_text=True)
    assert '<span class="count" data-count="done">1</span>' in inbox and "维修处理" in inbox
    after = worker.get(f"/tasks/{task['id']}").get_data(as_text=True)
    assert "已完成" in after and "更换水龙头" in after and "<textarea" not in after.split("task-form")[1]
    assert office.open_tasks(record["id"], "rate")


def test_missing_required_fields_come_back_next_to_the_field(app, office):
    _, task = accepted(office)
    worker = Staff(app, task["assignee"])
    worker.act(task["id"], "claim")
    refused = worker.act(task["id"], "complete", data={"result": None})
    assert refused.status_code == 422
    assert list(refused.json["errors"]) == ["result"]


def test_task_actions_need_the_csrf_token(app, office):
    _, task = accepted(office)
    worker = Staff(app, task["assignee"])
    refused = worker.post(f"/tasks/{task['id']}/claim", {}, csrf=False)
    assert (refused.status_code, refused.json["code"]) == (403, "csrf_failed")
    assert office.open_tasks(task["record_id"], "repair")[0]["claimed_at"] is None


@pytest.mark.parametrize(
    ("action", "raw", "status", "key"),
    [
        ("claim", b"\x00not json", 422, "_record"),
        ("claim", b"[1, 2]", 422, "_body"),
        ("complete", b'{"data": "everything"}', 422, "data"),
        ("complete", b'{"data": {"rating": 5}}', 422, "rating"),
        ("hand_back", b'{"comment": ["why"]}', 422, "comment"),
        ("check_in", b'{"comment": 12}', 422, "comment"),
        ("explode", b"{}", 404, None),
        ("approve", b"{}", 409, None),
    ],
)
def test_garbage_posts_get_clear_errors_not_500(app, office, action, raw, status, key):
    _, task = accepted(office)
    worker = Staff(app, task["assignee"])
    worker.act(task["id"], "claim")
    answer = worker.post(f"/tasks/{task['id']}/{action}", raw=raw)
    assert answer.status_code == status, answer.get_data(as_text=True)
    assert answer.mimetype == "application/problem+json" and answer.json["detail"]
    if key:
        assert key in answer.json["errors"]


def test_another_persons_task_is_not_found(app, office):
    _, task = accepted(office)
    stranger = "worker2" if task["assignee"] == "worker1" else "worker1"
    someone = Staff(app, stranger)
    page = someone.get(f"/tasks/{task['id']}")
    claim = someone.act(task["id"], "claim")
    owner = Staff(app, "owner2").get(f"/tasks/{task['id']}")
    assert (page.status_code, claim.status_code, owner.status_code) == (404, 404, 404)
    assert "厨房水管漏水" not in page.get_data(as_text=True)


def test_the_second_of_two_claims_is_told_someone_else_took_it(app, office):
    record = office.order()
    task = office.open_tasks(record["id"], "accept")[0]
    first, second = Staff(app, "agent1"), Staff(app, "agent2")
    assert first.act(task["id"], "claim").status_code == 200
    second.client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"  # the refusal read in English
    late = second.act(task["id"], "claim")
    second.client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"
    assert (late.status_code, late.json["detail"]) == (409, "someone else already took this task")
    page = second.get(f"/tasks/{task['id']}").get_data(as_text=True)
    assert "此任务由他人处理" in page and 'data-action="complete"' not in page


def test_an_agent_accepts_with_an_outcome_button_and_can_correct_the_type(app, office):
    record = office.order()
    task = office.open_tasks(record["id"], "accept")[0]
    agent = Staff(app, "agent1")
    page = agent.get(f"/tasks/{task['id']}").get_data(as_text=True)
    assert 'data-action="claim"' in page  # an open pool task is taken first
    agent.act(task["id"], "claim")
    page = agent.get(f"/tasks/{task['id']}").get_data(as_text=True)
    assert 'data-outcome="accept">受理<' in page and 'data-outcome="reject">驳回<' in page
    assert 'name="repair_type" value="水电" checked' in page
    answer = agent.act(task["id"], "complete", outcome="accept", data={"repair_type": "门窗", "urgency": "紧急"})
    assert answer.status_code == 200
    assert office.instance_of(record["id"])["stage"] in ("accepted", "dispatched")


def test_the_inbox_counts_stream_as_server_sent_events(app, office):
    app.config["TRELLIS_LIVE_SECONDS"] = 5
    agent = Staff(app, "agent1")
    response = agent.client.get("/tasks/events", buffered=False)
    try:
        assert response.mimetype == "text/event-stream"
        frames = iter(response.response)
        assert next(frames).startswith(b"retry:")
        first = next(frames).decode()
        assert "event: counts" in first and '"groups": 0' in first
        office.order()  # a new ticket lands in the agents' pool, announced by nobody: polling finds it
        second = next(frames).decode()
        while second.startswith(":"):
            second = next(frames).decode()
        assert '"groups": 1' in second
    finally:
        response.close()
