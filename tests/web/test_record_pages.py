"""The record page: a ticket as its viewer may read it (sections, photos, parts, history, timeline, tasks,
related records) and the staff's internal comments on it (page and API), under the records' permissions."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

import pytest
from PIL import Image

from tests.flows.conftest import Company
from tests.web.test_task_pages import Staff, accepted, company, property_package  # noqa: F401

APP = "property_repair"
PAGE = f"/apps/{APP}/forms/repair_order/records"
API = f"/api/v1/apps/{APP}/forms/repair_order/records"


NAMES = {"agent1": "张敏", "worker1": "李强", "worker2": "王刚", "leader1": "赵磊", "owner1": "王女士"}


@pytest.fixture
def office(app, company: Company) -> Company:  # noqa: F811 (the imported fixture, by name)
    """The property company in the web app's database, on today's clock, its people with names that are
    not their logins (pages show names)."""
    company.clock.now = datetime.now(UTC)
    for login, name in NAMES.items():
        company.directory.update_user(login, {"name": name})
    return company


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(buffer, "JPEG")
    return buffer.getvalue()


def repaired(app, office: Company) -> tuple[dict, str]:
    """A ticket the technician finished with a part and a photo: (the record, the photo's attachment id)."""
    record, task = accepted(office)
    worker = Staff(app, task["assignee"])
    assert worker.act(task["id"], "claim", version=task["version"]).status_code == 200
    upload = worker.client.post(
        f"/api/v1/apps/{APP}/forms/repair_order/fields/completion_photos/attachments",
        data={"file": (io.BytesIO(_jpeg()), "done.jpg")},
        content_type="multipart/form-data",
        headers={"X-CSRFToken": worker.csrf},
    )
    assert upload.status_code == 201, upload.get_data(as_text=True)
    photo = upload.json["id"]
    done = worker.act(
        task["id"],
        "complete",
        data={
            "result": "更换水龙头",
            "parts_used": [{"part": office.cheap_part, "qty": "2"}],
            "completion_photos": [photo],
        },
    )
    assert done.status_code == 200, done.get_data(as_text=True)
    return record, photo


def test_an_agent_sees_the_ticket_with_sections_photos_parts_history_and_timeline(app, office):
    record, photo = repaired(app, office)
    page = Staff(app, "agent1").get(f"{PAGE}/{record['id']}").get_data(as_text=True)
    assert record["data"]["order_no"] in page
    assert re.findall(r"<h2>([^<]+)</h2>", page)[:2] == ["报修单", "处理信息"]
    assert "厨房水管漏水" in page and "13812345678" in page
    assert f'<a href="/api/v1/attachments/{photo}" target="_blank"' in page
    assert f'<img src="/api/v1/attachments/{photo}/thumbnail"' in page
    assert "水龙头" in page and "160" in page  # the part's row with its amount, and the total
    history = page.split('id="history"')[1].split("</section>")[0]
    assert "创建" in history and "修改了" in history and "处理结果" in history
    timeline = page.split('id="timeline"')[1].split("</section>")[0]
    assert "流程开始" in timeline and "完成" in timeline
    assert "张敏" in history and "张敏" in page.split('data-field="accepted_by"')[1][:80]
    assert not re.search(r">[^<]*(agent1|worker1|worker2|leader1)", page)  # names, never logins
    assert 'id="comments"' in page and 'name="body"' in page  # staff who may update may comment


def test_the_page_offers_the_viewers_open_task(app, office):
    record = office.order()
    task = office.open_tasks(record["id"], "accept")[0]
    page = Staff(app, "agent1").get(f"{PAGE}/{record['id']}?lang=en").get_data(as_text=True)
    assert f'href="/tasks/{task["id"]}?lang=en"' in page and "Open the task" in page


def test_a_room_page_lists_its_tickets(app, office):
    record = office.order()
    page = Staff(app, "agent1").get(f"/apps/{APP}/forms/room/records/{office.room}").get_data(as_text=True)
    related = page.split('id="related"')[1].split("</section>")[0]
    assert f'href="{PAGE}/{record["id"]}?lang=zh-CN">{record["data"]["order_no"]}' in related


def test_an_owner_sees_neither_hidden_fields_nor_comments(app, office):
    record, _ = repaired(app, office)
    agent = Staff(app, "agent1")
    said = agent.post(f"{API}/{record['id']}/comments", {"body": "业主很着急"})
    assert said.status_code == 201
    owner = Staff(app, "owner1")
    page = owner.get(f"{PAGE}/{record['id']}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "厨房水管漏水" in text
    assert 'data-field="parts_used"' not in text and "160.00" not in text  # hidden from owners
    assert 'id="comments"' not in text and "业主很着急" not in text
    listed = owner.get(f"{API}/{record['id']}/comments")
    assert (listed.status_code, listed.json["code"]) == (403, "permission_denied")
    assert listed.json["detail"] == "只有内部人员可以查看或添加这条记录的备注"
    posted = owner.post(f"{API}/{record['id']}/comments", {"body": "我也来"})
    assert posted.status_code == 403


def test_records_outside_the_viewers_rows_are_not_found(app, office):
    record = office.order()
    office.directory.create_user(
        "manager2",
        "a-long-password",
        roles=[(APP, "project_manager")],
        user_id="manager2",
        communities=[office.other_community],
    )
    for login in ("manager2", "owner2", "worker3"):
        page = Staff(app, login).get(f"{PAGE}/{record['id']}")
        assert page.status_code == 404, login
    assert Staff(app, "manager1").get(f"{PAGE}/{record['id']}").status_code == 200


def test_staff_comment_on_the_page_and_through_the_api(app, office):
    record = office.order()
    agent = Staff(app, "agent1")
    form = agent.client.post(
        f"{PAGE}/{record['id']}/comments", data={"body": "已电话联系业主", "csrf_token": agent.csrf}
    )
    assert form.status_code == 303
    posted = agent.post(f"{API}/{record['id']}/comments", {"body": "  明早上门  "})
    assert posted.status_code == 201 and posted.json["body"] == "明早上门"
    listed = agent.get(f"{API}/{record['id']}/comments").json["items"]
    assert [c["body"] for c in listed] == ["已电话联系业主", "明早上门"]
    assert [c["by"] for c in listed] == ["张敏", "张敏"]
    page = agent.get(f"{PAGE}/{record['id']}").get_data(as_text=True)
    assert "已电话联系业主" in page and "明早上门" in page
    audit = app.extensions["trellis"].database
    with audit.transaction() as session:
        from sqlalchemy import text

        actions = session.execute(text("select action from trellis_audit_events where action='record.comment'")).all()
    assert len(actions) == 2


@pytest.mark.parametrize(
    ("raw", "status", "field"),
    [
        (b"not json", 422, "_body"),
        (b"[1]", 422, "_body"),
        (b'{"body": 3}', 422, "body"),
        (b'{"body": "   "}', 422, "body"),
        (('{"body": "' + "长" * 2001 + '"}').encode(), 422, "body"),
    ],
)
def test_garbage_comments_get_clear_4xx(app, office, raw, status, field):
    record = office.order()
    answer = Staff(app, "agent1").post(f"{API}/{record['id']}/comments", raw=raw)
    assert answer.status_code == status, answer.get_data(as_text=True)
    assert field in answer.json["errors"]


def test_comments_on_a_record_outside_the_rows_are_not_found(app, office):
    record = office.order()
    answer = Staff(app, "worker3").post(f"{API}/{record['id']}/comments", {"body": "x"})
    assert answer.status_code == 404
    assert Staff(app, "worker3").get(f"{API}/{record['id']}/comments").status_code == 404


def test_the_timeline_marks_an_escalation_with_the_people_by_name(app, office):
    record = office.order(urgency="非常紧急")
    task = office.open_tasks(record["id"], "accept")[0]
    office.act("agent1", task["id"], "complete", outcome="accept")
    office.clock.advance(minutes=11)
    assert office.flows.fire_due() == 1
    page = Staff(app, "agent1").get(f"{PAGE}/{record['id']}").get_data(as_text=True)
    timeline = page.split('id="timeline"')[1].split("</section>")[0]
    assert re.search(r'<li class="event-escalated">.*<strong>升级</strong>.*交给 赵磊', timeline, re.S)


def test_the_timeline_shows_a_reopened_ticket_as_such(app, office):
    record, _ = repaired(app, office)
    rate = office.open_tasks(record["id"], "rate")[0]
    office.act("owner1", rate["id"], "complete", data={"fixed": False, "rating": 1})
    page = Staff(app, "agent1").get(f"{PAGE}/{record['id']}?lang=en").get_data(as_text=True)
    timeline = page.split('id="timeline"')[1].split("</section>")[0]
    assert timeline.count('class="event-reopened"') == 1 and "Reopened, back at" in timeline
