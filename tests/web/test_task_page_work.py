"""Task pages for people who work: staff headings and names, the due time counting down, a summary on
every card, sub-table amounts before saving, photos as thumbnails, who has decided what on a countersign,
type-ahead relation and people inputs (never the first rows), destructive actions set apart."""

from __future__ import annotations

import copy
import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from PIL import Image

from engine.packages.validation import package_problems
from tests.flows.conftest import Company
from tests.web import test_task_pages as task_pages
from tests.web.test_task_pages import Staff, accepted

company = task_pages.company  # the property company of the flow tests, in the web app's database
property_package = task_pages.property_package  # agent review due within 15 minutes
office = task_pages.office

URL = "/tasks/{}"


def _card(page: str, task_id: str) -> str:
    found = re.search(rf'<li class="task-item[^"]*" data-task="{task_id}">(.*?)</li>', page, re.S)
    assert found is not None
    return found.group(1)


def _named(office: Company, **names: str) -> None:
    for login, name in names.items():
        office.directory.update_user(login, {"name": name})


def test_an_agent_sees_staff_headings_the_countdown_and_the_card_summary(app, office):
    record = office.order(urgency="紧急")
    task = office.open_tasks(record["id"], "accept")[0]
    agent = Staff(app, "agent1")
    inbox = agent.get("/tasks?box=groups").get_data(as_text=True)
    card = _card(inbox, task["id"])
    # the form's summary fields: the room (its title) and the urgency, under the ticket's number
    assert '<span class="task-summary">' in card and "1201" in card and ">紧急<" in card
    assert f'class="countdown" data-due="{task["due_at"]}"' in card
    page = agent.get(URL.format(task["id"])).get_data(as_text=True)
    assert "<h2>报修人</h2>" in page and "您的信息" not in page  # the staff heading, not the owner's
    assert f'data-due="{task["due_at"]}" role="timer"' in page
    assert '<script type="module" src="/static/task_extras.js"></script>' in page
    # no inline script: the only script element with content is the page's JSON words
    assert re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", page) == [' id="trellis-text" type="application/json"']
    english = agent.get(URL.format(task["id"]) + "?lang=en").get_data(as_text=True)
    assert "<h2>Caller</h2>" in english and "About you" not in english


def test_a_technician_s_card_carries_the_summary_too(app, office):
    _, repair = accepted(office)
    page = Staff(app, repair["assignee"]).get("/tasks").get_data(as_text=True)
    card = _card(page, repair["id"])
    assert "1201" in card and ">一般<" in card
    # the step has no due of its own: the card counts down to its SLA timer (accept within 30 minutes)
    due = re.search(r'class="countdown" data-due="([^"]+)"', card)
    assert due is not None and datetime.fromisoformat(due.group(1)) > datetime.now(UTC)


def test_a_technician_s_task_counts_down_to_the_next_sla_deadline(app, office):
    record = office.order(urgency="紧急")
    task = office.open_tasks(record["id"], "accept")[0]
    office.act("agent1", task["id"], "complete", outcome="accept")
    repair = office.open_tasks(record["id"], "repair")[0]
    worker = Staff(app, repair["assignee"])
    now = datetime.now(UTC)

    def due() -> datetime:
        page = worker.get(URL.format(repair["id"])).get_data(as_text=True)
        found = re.search(r'<p class="countdown[^"]*" data-due="([^"]+)" role="timer">', page)
        assert found is not None
        return datetime.fromisoformat(found.group(1))

    accept_by = due()  # accept within 30 minutes (the step's timer that escalates, not a due of its own)
    assert now < accept_by <= now + timedelta(minutes=31)
    assert worker.act(repair["id"], "claim").status_code == 200
    assert due() > accept_by + timedelta(hours=1)  # accepted: the next deadline is resolving it


def test_staff_see_people_by_name_never_by_login(app, office):
    _named(office, worker1="张师傅", worker2="李师傅", worker3="赵师傅")
    record, task = accepted(office)
    worker = Staff(app, task["assignee"])
    page = worker.get(URL.format(task["id"])).get_data(as_text=True)
    name = {"worker1": "张师傅", "worker2": "李师傅", "worker3": "赵师傅"}[task["assignee"]]
    assert f'<span class="assignee">{name}</span>' in page
    assert f">{task['assignee']}<" not in page


def test_destructive_actions_are_set_apart_from_the_main_one(app, office):
    record = office.order()
    task = office.open_tasks(record["id"], "accept")[0]
    agent = Staff(app, "agent1")
    assert agent.act(task["id"], "claim").status_code == 200
    page = agent.get(URL.format(task["id"])).get_data(as_text=True)
    assert re.search(r'class="act primary" data-action="complete" data-outcome="accept">受理<', page)
    assert re.search(r'class="act danger" data-action="complete" data-outcome="reject">驳回<', page)
    _, repair = accepted(office)
    before = Staff(app, repair["assignee"]).get(URL.format(repair["id"])).get_data(as_text=True)
    assert re.search(r'class="act primary" data-action="claim"\s*>接单<', before)
    assert re.search(r'class="act danger" data-action="hand_back"\s*>退单<', before)
    assert re.search(r'class="act secondary" data-action="transfer"\s*>', before)


def test_the_sub_table_shows_every_column_the_step_reads_and_the_preview_computes_them(app, office):
    record, task = accepted(office)
    worker = Staff(app, task["assignee"])
    assert worker.act(task["id"], "claim").status_code == 200
    page = worker.get(URL.format(task["id"])).get_data(as_text=True)
    table = re.search(r'<table class="rows" id="f-parts_used".*?</thead>', page, re.S)
    assert table is not None
    assert re.findall(r"<th>([^<]*)</th>", table.group(0)) == ["备件", "数量", "单价", "金额", ""]
    assert '<output data-cell="unit_price">' in page and '<output data-cell="amount">' in page
    assert 'data-live="total_cost"' in page  # the total, recomputed while typing
    preview = worker.post(
        "/apps/property_repair/forms/repair_order/preview",
        {"parts_used": [{"part": office.cheap_part, "qty": "2"}, {}, {"part": office.dear_part, "qty": "1"}]},
    )
    assert preview.status_code == 200
    rows = preview.get_json()["rows"]["parts_used"]
    assert [(r["unit_price"], r["amount"]) for r in rows] == [("80.00", "160.00"), (None, None), ("2600.00", "2600.00")]
    assert preview.get_json()["formulas"]["total_cost"] == "2760.00"


@pytest.mark.parametrize(
    "body",
    [
        {"parts_used": "junk"},
        {"parts_used": [1, "x", None]},
        {"parts_used": [{"part": "abc", "qty": "many"}]},
        {"parts_used": [{"part": 999999, "qty": "1e400"}]},
        {"parts_used": [{}] * 500},
        [1, 2],
        "just text",
    ],
)
def test_garbage_rows_in_the_preview_never_break_it(app, office, body):
    record, task = accepted(office)
    answer = Staff(app, task["assignee"]).post("/apps/property_repair/forms/repair_order/preview", body)
    assert answer.status_code in (200, 400), answer.get_data(as_text=True)


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 160, 30)).save(buffer, "JPEG")
    return buffer.getvalue()


def test_a_countersign_shows_who_decided_what_and_the_photos_as_thumbnails(app, office):
    _named(office, engineer1="周工", financehead1="吴会计", manager1="郑经理")
    record, task = accepted(office)
    worker = Staff(app, task["assignee"])
    worker.act(task["id"], "claim")
    upload = worker.client.post(
        "/api/v1/apps/property_repair/forms/repair_order/fields/completion_photos/attachments",
        data={"file": (io.BytesIO(_jpeg()), "done.jpg")},
        content_type="multipart/form-data",
        headers={"X-CSRFToken": worker.csrf},
    )
    assert upload.status_code == 201, upload.get_data(as_text=True)
    photo = upload.get_json()["id"]
    done = worker.act(
        task["id"],
        "complete",
        version=office.open_tasks(record["id"], "repair")[0]["version"],
        data={
            "result": "换了热水器",
            "parts_used": [{"part": office.dear_part, "qty": 1}],
            "completion_photos": [photo],
        },
    )
    assert done.status_code == 200, done.get_data(as_text=True)
    by_role = {t["candidates"][0][1]: t for t in office.open_tasks(record["id"], "countersign")}
    signers = {"engineer1": by_role["engineering_head"], "manager1": by_role["project_manager"]}
    office.act("engineer1", signers["engineer1"]["id"], "approve", comment="同意更换")
    page = Staff(app, "manager1").get(URL.format(signers["manager1"]["id"])).get_data(as_text=True)
    decisions = re.search(r'<section class="decisions">(.*?)</section>', page, re.S)
    assert decisions is not None
    entries = re.findall(
        r'<li class="decision decision-(\w+)( mine)?">\s*<span class="who">([^<]+)</span>', decisions.group(1)
    )
    assert entries[0] == ("approved", "", "周工")
    # not decided yet, and nobody has taken them: the role each waits for
    assert sorted(e[2] for e in entries[1:]) == ["财务主管", "项目经理"] and {e[0] for e in entries[1:]} == {"pending"}
    assert "同意更换" in decisions.group(1) and "尚未处理" in decisions.group(1)
    assert ("pending", " mine", "项目经理") in entries
    # the completion photo: a thumbnail that links to the full-size image
    assert f'<a href="/api/v1/attachments/{photo}" class="thumb"' in page
    assert f'<img src="/api/v1/attachments/{photo}/thumbnail"' in page
    english = Staff(app, "manager1").get(URL.format(signers["manager1"]["id"]) + "?lang=en").get_data(as_text=True)
    assert "Decisions so far" in english and "Approved" in english and "Not decided yet" in english


def test_relation_and_people_inputs_search_instead_of_listing_the_first_rows(app, office):
    _named(office, worker2="李师傅")
    record = office.order()
    task = office.open_tasks(record["id"], "accept")[0]
    agent = Staff(app, "agent1")
    assert agent.act(task["id"], "claim").status_code == 200
    page = agent.get(URL.format(task["id"])).get_data(as_text=True)
    # the room input: a search box holding the current room's title, the id in a hidden input
    room = re.search(r'<div class="lookup" data-lookup="choices" data-path="room">(.*?)</div>', page, re.S)
    assert room is not None and 'value="1201"' in room.group(1) or "1201" in room.group(1)
    assert f'<input type="hidden" name="room" value="{office.room}">' in room.group(1)
    assert "<option" not in room.group(1)
    found = agent.get(f"/tasks/{task['id']}/choices/room?q=1201").get_json()["items"]
    assert [item["id"] for item in found] == [office.room]
    assert agent.get(f"/tasks/{task['id']}/choices/room?q=没有这个房间").get_json()["items"] == []
    people = agent.get(f"/tasks/{task['id']}/people?q=李师").get_json()["items"]
    assert people == [{"id": "worker2", "title": "李师傅", "login": "worker2"}]
    assert agent.get(f"/tasks/{task['id']}/people?q=").get_json()["items"] == []


@pytest.mark.parametrize(
    "path",
    [
        "choices/phone",  # not a relation
        "choices/nope",
        "choices/parts_used.nope",
        "choices/parts_used.qty",
        "choices/room.building.community",
        "choices/" + "x" * 300,
        "choices/room?id=" + "9" * 40,
        "choices/room?q=" + "%00%ff" * 40,
        "people?q=" + "'; drop table users; --",
        "people?q=" + "李" * 500,
    ],
)
def test_garbage_lookups_are_refused_or_empty_never_a_500(app, office, path):
    record = office.order()
    task = office.open_tasks(record["id"], "accept")[0]
    answer = Staff(app, "agent1").get(f"/tasks/{task['id']}/{path}")
    assert answer.status_code in (200, 404), answer.get_data(as_text=True)
    if answer.status_code == 200:
        assert isinstance(answer.get_json()["items"], list)


def test_lookups_answer_only_to_someone_the_task_is_shown_to(app, office, anonymous_client):
    record = office.order()
    task = office.open_tasks(record["id"], "accept")[0]
    stranger = Staff(app, "worker1")  # not an agent: the review task is not theirs
    assert stranger.get(f"/tasks/{task['id']}/choices/room?q=1").status_code == 404
    assert stranger.get(f"/tasks/{task['id']}/people?q=a").status_code == 404
    assert anonymous_client.get(f"/tasks/{task['id']}/people?q=a").status_code == 401
    assert Staff(app, "agent1").get("/tasks/nosuchtask/people?q=a").status_code == 404


@pytest.mark.parametrize(
    ("where", "value", "pointer"),
    [
        ("summary_fields", ["room", "nope"], "/summary_fields/1"),
        ("summary_fields", "room", "/summary_fields"),
        ("summary_fields", [1], "/summary_fields/0"),
        ("staff_title", 42, "/layout/0/staff_title"),
        ("destructive", "yes", "/outcomes/1/destructive"),
    ],
)
def test_new_package_keys_are_checked_up_front(property_package, where, value, pointer):
    package = copy.deepcopy(property_package)
    form_index = next(i for i, f in enumerate(package["forms"]) if f["id"] == "repair_order")
    form = package["forms"][form_index]
    if where == "summary_fields":
        form["summary_fields"] = value
        base = f"/forms/{form_index}"
    elif where == "staff_title":
        form["layout"][0]["staff_title"] = value
        base = f"/forms/{form_index}"
    else:
        flow_index = next(i for i, f in enumerate(package["flows"]) if f["id"] == "repair")
        node_index = next(i for i, n in enumerate(package["flows"][flow_index]["nodes"]) if n["id"] == "accept")
        package["flows"][flow_index]["nodes"][node_index]["outcomes"][1]["destructive"] = value
        base = f"/flows/{flow_index}/nodes/{node_index}"
    problems = [p.pointer for p in package_problems(package)]
    assert any(found.startswith(base + pointer) for found in problems), problems
