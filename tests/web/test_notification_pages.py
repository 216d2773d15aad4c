"""Notifications in the UI: the bell on every staff page (live over server-sent events), the list with
links only where the reader may go, opening and marking read (CSRF-guarded), in both languages."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from engine.i18n import texts
from engine.storage.tables import NotificationRow
from engine.worker import Worker
from tests.flows import conftest as flow_fixtures
from tests.flows.conftest import APP, Company
from tests.web import test_task_pages as task_pages
from tests.web.test_task_pages import Staff

company = flow_fixtures.company
office = task_pages.office


def deliver(app) -> None:
    """What the worker does after a flow action commits: the notifications reach their people."""
    services = app.extensions["trellis"]
    Worker(services.database, flows=services.flows).run_once()


def notify(app, to: str, *, count: int = 1, **about: object) -> None:
    """``count`` notifications to ``to`` about a record (and its flow and task), delivered."""
    services = app.extensions["trellis"]
    with services.database.transaction() as session:
        for n in range(count):
            payload = {
                "app": APP,
                "to": [["user", to]],
                "channels": ["inbox"],
                "message": texts("flow.notify.task_due"),
            }
            payload.update({"message": {"zh-CN": f"第{n + 1}条", "en": f"number {n + 1}"}} if count > 1 else {})
            services.notifications.repository.enqueue(session, {**payload, **about}, services.flows.clock())
    deliver(app)


def passed_to_agent2(app, office: Company) -> dict:
    """agent1 takes a new ticket's review and passes it to agent2, who is told: (the task)."""
    record = office.order()
    task = office.open_tasks(record["id"], "accept")[0]
    office.act("agent1", task["id"], "claim")
    office.act("agent1", task["id"], "transfer", to="agent2")
    deliver(app)
    return task


def ids(app, user: str, *, unread: bool = False) -> list[int]:
    with app.extensions["trellis"].database.transaction() as session:
        query = select(NotificationRow.id).where(NotificationRow.user_id == user)
        if unread:
            query = query.where(NotificationRow.read_at.is_(None))
        return sorted(session.scalars(query))


def bell_count(page: str) -> str:
    found = re.search(r'<span class="bell-count" id="bell-count"( hidden)?>(\d+)</span>', page)
    assert found is not None, page
    return "hidden" if found.group(1) else found.group(2)


# -- the bell ---------------------------------------------------------------------------------------
def test_every_staff_page_shows_the_bell_with_the_unread_count_drawn_by_the_server(app, office):
    agent = Staff(app, "agent2")
    assert bell_count(agent.get("/tasks").get_data(as_text=True)) == "hidden"  # nothing unread: no number
    task = passed_to_agent2(app, office)
    for url in ("/", "/tasks", f"/tasks/{task['id']}", "/notifications", f"/apps/{APP}"):
        page = agent.get(url).get_data(as_text=True)
        assert bell_count(page) == "1", url
        assert 'href="/notifications?lang=zh-CN"' in page and 'data-stream="/notifications/stream' in page
        assert "bell.js" in page
        assert "<script>" not in page  # the bell's script is a static file


def test_the_public_and_tokens_get_no_bell(app, office, anonymous_client):
    directory = app.extensions["trellis"].directory
    token, _ = directory.create_token("agent1", "tests", [f"app:{APP}:read"])
    page = anonymous_client.get(f"/apps/{APP}/forms/repair_order/new").get_data(as_text=True)
    assert 'id="bell"' not in page
    with_token = app.test_client().get("/", headers={"Authorization": f"Bearer {token}"})
    assert 'id="bell"' not in with_token.get_data(as_text=True)
    assert anonymous_client.get("/notifications/stream").status_code == 401
    assert anonymous_client.get("/notifications").status_code == 302  # to the sign-in page


def test_the_bell_stream_sends_the_count_then_an_update_when_a_notification_arrives(app, office):
    app.config.update(TRELLIS_LIVE_SECONDS=5, TRELLIS_LIVE_POLL_SECONDS=0.2)
    agent = Staff(app, "agent2")
    response = agent.client.get("/notifications/stream?lang=en", buffered=False)
    try:
        assert response.mimetype == "text/event-stream"
        frames = iter(response.response)
        assert next(frames).startswith(b"retry:")
        first = next(frames).decode()
        assert "event: notifications" in first and '"unread": 0' in first
        passed_to_agent2(app, office)  # written by the worker's delivery, announced by nobody: the poll finds it
        second = next(frames).decode()
        while second.startswith(":"):
            second = next(frames).decode()
        assert '"unread": 1' in second and "A task was passed to you" in second
        agent.client.post("/notifications/mark-read", data={"csrf_token": agent.csrf})  # another tab reads them
        third = next(frames).decode()
        while third.startswith(":"):
            third = next(frames).decode()
        assert '"unread": 0' in third
    finally:
        response.close()


# -- the list ---------------------------------------------------------------------------------------
def test_the_list_shows_the_newest_first_with_time_text_and_a_link_to_the_task(app, office):
    notify(app, "agent2", record=None)
    task = passed_to_agent2(app, office)
    agent = Staff(app, "agent2")
    page = agent.get("/notifications").get_data(as_text=True)
    assert "2 条未读" in page
    assert page.index("您有一个新任务") < page.index("任务即将超时")  # newest first
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d", page)
    assert page.count('class="notice-item unread"') == 2
    newest = ids(app, "agent2")[-1]
    opened = agent.client.post(f"/notifications/{newest}/open", data={"csrf_token": agent.csrf})
    assert opened.status_code == 303 and opened.headers["Location"] == f"/tasks/{task['id']}?lang=zh-CN"
    assert ids(app, "agent2", unread=True) == ids(app, "agent2")[:1]
    assert agent.get("/notifications").get_data(as_text=True).count('class="notice-item unread"') == 1


def test_a_link_is_offered_only_where_the_reader_may_go(app, office):
    record = office.order()
    instance = office.instance_of(record["id"])
    task = office.open_tasks(record["id"], "accept")[0]
    about = {"record": record["id"], "instance": instance["id"], "task": task["id"]}
    for person in ("agent1", "owner1", "owner2"):
        notify(app, person, **about)
    agent = Staff(app, "agent1").get("/notifications").get_data(as_text=True)
    assert 'class="open"' in agent  # the agents' task: to the task page
    owner = Staff(app, "owner1")
    mine = owner.get("/notifications").get_data(as_text=True)
    assert 'class="open"' in mine  # not their task, but their own ticket: to the record
    [notice] = ids(app, "owner1")
    opened = owner.client.post(f"/notifications/{notice}/open", data={"csrf_token": owner.csrf})
    assert opened.headers["Location"] == f"/apps/{APP}/forms/repair_order/records/{record['id']}?lang=zh-CN"
    stranger = Staff(app, "owner2")
    theirs = stranger.get("/notifications").get_data(as_text=True)
    assert 'class="open"' not in theirs and "没有您可以打开的相关任务或记录。" in theirs
    [notice] = ids(app, "owner2")
    opened = stranger.client.post(f"/notifications/{notice}/open", data={"csrf_token": stranger.csrf})
    assert opened.headers["Location"] == "/notifications?lang=zh-CN"  # nowhere to go: back to the list


def test_the_list_pages_back_twenty_at_a_time(app, office):
    notify(app, "agent1", count=25)
    agent = Staff(app, "agent1")
    first = agent.get("/notifications?lang=en").get_data(as_text=True)
    assert first.count('class="notice-item unread"') == 20 and "number 25" in first and "number 5<" not in first
    older = re.search(r'id="older" href="([^"]+)"', first)
    assert older is not None
    rest = agent.get(older.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert rest.count('class="notice-item unread"') == 5 and "number 5<" in rest and "number 6<" not in rest
    assert 'id="older"' not in rest and 'id="newest"' in rest


def test_mark_all_read_needs_the_csrf_token_and_marks_only_the_readers_own(app, office):
    notify(app, "agent1", count=2)
    notify(app, "agent2")
    agent = Staff(app, "agent1")
    assert agent.client.post("/notifications/mark-read", data={}).status_code in (400, 403)
    assert len(ids(app, "agent1", unread=True)) == 2
    marked = agent.client.post("/notifications/mark-read", data={"csrf_token": agent.csrf})
    assert marked.status_code == 303 and marked.headers["Location"] == "/notifications?lang=zh-CN"
    assert ids(app, "agent1", unread=True) == [] and len(ids(app, "agent2", unread=True)) == 1
    assert "全部标为已读" not in agent.get("/notifications").get_data(as_text=True)  # nothing left to mark


def test_mark_one_read(app, office):
    notify(app, "agent1", count=2)
    agent = Staff(app, "agent1")
    first, second = ids(app, "agent1")
    agent.client.post("/notifications/mark-read", data={"csrf_token": agent.csrf, "id": str(first)})
    assert ids(app, "agent1", unread=True) == [second]


@pytest.mark.parametrize(
    "raw",
    ["abc", "-1", "0", "1.5", "99999999999999999999", "１", "", "' OR 1=1 --", "someone-else"],
)
def test_garbage_and_other_peoples_ids_on_mark_read_change_nothing(app, office, raw):
    notify(app, "agent1")
    notify(app, "agent2")
    agent = Staff(app, "agent1")
    [theirs] = ids(app, "agent2")
    value = str(theirs) if raw == "someone-else" else raw
    for form in ({"id": value}, {"id": [value, value]}):
        marked = agent.client.post("/notifications/mark-read", data={"csrf_token": agent.csrf, **form})
        assert marked.status_code == 303
    opened = agent.client.post(f"/notifications/{value or 'x'}/open", data={"csrf_token": agent.csrf})
    assert opened.status_code in (303, 404) and opened.status_code != 500
    assert len(ids(app, "agent1", unread=True)) == 1 and len(ids(app, "agent2", unread=True)) == 1
    listed = agent.get(f"/notifications?before={value}")
    assert listed.status_code == 200


@pytest.mark.parametrize(
    ("lang", "words", "other"),
    [
        (
            "zh-CN",
            ["通知", "全部标为已读", "您有一个新任务", "打开", "标为已读"],
            ["Mark all read", "A task was passed"],
        ),
        (
            "en",
            ["Notifications", "Mark all read", "A task was passed to you", "Open", "1 unread"],
            ["您有", "全部标为"],
        ),
    ],
)
def test_the_list_speaks_the_readers_language(app, office, lang, words, other):
    passed_to_agent2(app, office)
    page = Staff(app, "agent2").get(f"/notifications?lang={lang}").get_data(as_text=True)
    for word in words:
        assert word in page
    for word in other:
        assert word not in page
