"""The app home ``/apps/<app>`` and the site home ``/``: each role sees what it may open and nothing else,
every link there opens for that person, task counts are theirs, notifications link to what they may open."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html import unescape
from pathlib import Path

import pytest
from sqlalchemy import insert

from engine.demo import demo_logins
from engine.services.apps import AppService
from engine.storage.tables import NotificationRow
from tests.flows import conftest as flow_fixtures
from tests.flows.conftest import APP, PEOPLE, Company
from tests.web import test_task_pages as task_page_fixtures
from tests.web.test_task_pages import PASSWORD, Staff

company = flow_fixtures.company
property_package = task_page_fixtures.property_package  # the review of a ticket is due in 15 minutes
HOME = f"/apps/{APP}"
DEMO = Path(__file__).resolve().parents[2] / "apps" / "property_repair.demo.json"
DEMO_ROLES = sorted({role for _, _, roles in demo_logins(DEMO) for role in roles})
#: one person of this test company per role the demo signs people in with
LOGIN = {roles[0]: login for login, roles in reversed(PEOPLE.items())} | {"admin": "boss"}

#: the menu entries of the property app's navigation each role may open (managers: the dashboard too)
MENU = {
    "owner": ["my_requests", "report_repair", "my_complaints", "knowledge"],
    "agent": ["my_tasks", "to_accept", "all_orders", "new_order", "all_complaints", "new_complaint", "knowledge"],
    "agent_supervisor": [
        *("my_tasks", "to_accept", "overdue_tasks", "all_orders", "new_order"),
        *("all_complaints", "new_complaint", "knowledge", "service_dashboard"),
    ],
    "technician": ["my_tasks", "my_orders", "knowledge"],
    "group_leader": ["my_tasks", "overdue_tasks", "all_orders", "all_complaints", "knowledge"],  # the all-tickets view
    "engineering_head": ["my_tasks", "overdue_tasks", "all_orders", "all_complaints", "knowledge", "service_dashboard"],
    "finance": ["my_tasks", "charged_orders", "knowledge"],
    "finance_head": ["my_tasks", "all_orders", "knowledge"],
    "project_manager": [
        *("my_tasks", "overdue_tasks", "all_orders", "all_complaints", "knowledge", "service_dashboard"),
    ],
    "admin": [
        *("my_tasks", "overdue_tasks", "all_orders", "new_order"),
        *("all_complaints", "new_complaint", "knowledge", "service_dashboard"),
    ],
}
MANAGERS = ("agent_supervisor", "engineering_head", "project_manager", "admin")  # the dashboard is on their menu
READERS = (*MANAGERS, "finance", "finance_head")  # who may read it: export the tickets it draws on


@pytest.fixture
def office(app, company: Company) -> Company:
    company.clock.now = datetime.now(UTC)
    company.directory.create_user("boss", PASSWORD, admin=True, user_id="boss")
    return company


def menu(html: str) -> list[str]:
    return re.findall(r'class="menu-entry[^"]*" data-entry="([a-z_]+)"', html)


def hrefs(html: str) -> list[str]:
    return sorted({unescape(h) for h in re.findall(r'href="([^"#]+)"', html)})


def status(person: Staff, href: str) -> int:
    """What opening ``href`` answers this person (the answer closed: some are files)."""
    answer = person.client.get(href, follow_redirects=True)  # an index page may send on to its first page
    answer.close()
    return 401 if answer.request.path == "/login" else answer.status_code


def words(html: str) -> str:
    """The page's visible text."""
    body = re.sub(r"<(script|style|head)\b.*?</\1>", " ", html, flags=re.S)
    return unescape(re.sub(r"<[^>]+>", " ", body))


def test_the_demo_roles_are_all_covered():
    assert sorted(MENU) == DEMO_ROLES == sorted(LOGIN)


@pytest.mark.parametrize("role", DEMO_ROLES)
def test_each_role_sees_exactly_what_it_may_open_and_every_link_opens(app, office, role):
    office.order()  # a ticket waiting for agents, so inboxes and lists have something in them
    person = Staff(app, LOGIN[role])
    page = person.get(HOME)
    html = page.get_data(as_text=True)

    assert page.status_code == 200
    assert menu(html) == MENU[role]
    for href in hrefs(html):
        assert status(person, href) == 200, f"{role}: {href}"


@pytest.mark.parametrize("role", DEMO_ROLES)
def test_the_dashboard_is_offered_to_its_readers_and_opens(app, office, role):
    person = Staff(app, LOGIN[role])
    html = person.get(HOME).get_data(as_text=True)

    assert ("service_dashboard" in menu(html)) is (role in MANAGERS)
    assert ('class="dashboard"' in html) is (role in READERS)
    for href in hrefs(html):
        assert status(person, href) == 200, href
    if role in READERS:
        board = person.get("/apps/property_repair/dashboards/service_efficiency?lang=zh-CN")
        assert board.status_code == 200
        assert "服务效率监控看板" in board.get_data(as_text=True)


def test_task_counts_are_the_persons_own(app, office):
    office.clock.now = datetime.now(UTC) - timedelta(hours=1)
    office.order()  # its review was due 15 minutes after it came in: late now
    office.clock.now = datetime.now(UTC)
    fresh = office.order()
    review = office.open_tasks(fresh["id"], "accept")[0]
    office.act("agent1", review["id"], "claim")

    agent = Staff(app, "agent1").get(HOME).get_data(as_text=True)
    other = Staff(app, "agent2").get(HOME).get_data(as_text=True)
    worker = Staff(app, "worker1").get(HOME).get_data(as_text=True)

    assert tiles(agent) == {"mine": 1, "group": 1, "overdue": 1}
    assert tiles(other) == {"mine": 0, "group": 1, "overdue": 1}
    assert tiles(worker) == {"mine": 0, "group": 0, "overdue": 0}
    assert 'data-tasks="mine" href="/tasks?box=mine&amp;lang=zh-CN"' in agent
    assert 'data-tasks="group" href="/tasks?box=groups&amp;lang=zh-CN"' in agent
    assert 'data-tasks="overdue" href="/tasks?box=groups&amp;lang=zh-CN"' in agent  # the late one is unclaimed
    assert re.search(r'data-entry="to_accept"[^>]*>待派单 <span class="count">1</span>', agent)


def tiles(html: str) -> dict[str, int]:
    return {k: int(v) for k, v in re.findall(r'data-tasks="(\w+)" href="[^"]+">\s*<strong>(\d+)</strong>', html)}


def test_owners_have_no_inbox_tiles(app, office):
    html = Staff(app, "owner1").get(HOME).get_data(as_text=True)

    assert "data-tasks=" not in html and 'data-entry="my_tasks"' not in html


def notify(app, user: str, message: object, **where: object) -> None:
    with app.extensions["trellis"].database.transaction() as session:
        row = {"user_id": user, "app_id": APP, "message": message, "created_at": datetime.now(UTC), **where}
        session.execute(insert(NotificationRow).values(**row))


def test_the_latest_five_notifications_link_to_what_the_person_may_open(app, office):
    record = office.order()
    task = office.open_tasks(record["id"], "accept")[0]
    instance = office.instance_of(record["id"])["id"]
    stranger = office.order("owner2")
    notify(app, "agent1", {"zh-CN": "旧通知", "en": "Old news"})
    for n in range(3):
        notify(app, "agent1", {"zh-CN": f"普通通知{n}", "en": f"Plain news {n}"})
    notify(app, "agent1", {"zh-CN": "工单超时", "en": "A ticket is late"}, record_id=record["id"], instance_id=instance)
    notify(app, "agent1", {"zh-CN": "新任务", "en": "A new task"}, task_id=task["id"], record_id=record["id"])
    notify(app, "agent1", {"zh-CN": "别的应用", "en": "Another app"}, app_id="other_app")
    notify(app, "owner1", {"zh-CN": "别人的工单", "en": "Not yours"}, record_id=stranger["id"], instance_id=instance)
    notify(app, "owner1", {"zh-CN": "不是你的任务", "en": "Not your task"}, task_id=task["id"])

    agent = Staff(app, "agent1")
    html = agent.get(HOME).get_data(as_text=True)
    notes = re.search(r'<section class="notes".*?</section>', html, re.S).group(0)
    owner = Staff(app, "owner1").get(f"{HOME}?lang=en").get_data(as_text=True)

    assert f'<a href="/tasks/{task["id"]}?lang=zh-CN">新任务</a>' in notes
    record_link = f"/apps/{APP}/forms/repair_order/records/{record['id']}?lang=zh-CN"
    assert f'<a href="{record_link}">工单超时</a>' in notes
    assert notes.count("<li") == 5 and "旧通知" not in notes and "别的应用" not in notes
    for href in hrefs(notes):
        assert status(agent, href) == 200
    assert "Not yours" in owner and "Not your task" in owner
    assert "/tasks/" not in owner.split('class="notes"')[1]  # not theirs: named, never linked
    assert f"/records/{stranger['id']}" not in owner.split('class="notes"')[1]


def test_a_person_with_one_app_gets_its_home_at_the_site_root(app, office):
    root = Staff(app, "agent1").get("/").get_data(as_text=True)
    admin = Staff(app, "boss").get("/").get_data(as_text=True)

    assert menu(root) == MENU["agent"]
    assert 'data-app="property_repair"' in admin and "menu-entry" not in admin  # administrators: the apps


def test_the_site_root_lists_several_apps_with_the_persons_open_tasks(app, office, property_package):
    second = {**property_package, "id": "second_app", "name": {"zh-CN": "第二个应用", "en": "Second app"}}
    AppService(office.records.database).import_package(second, actor="test")
    office.directory.grant_role("agent1", "second_app", "agent")
    office.order()

    html = Staff(app, "agent1").get("/").get_data(as_text=True)

    assert re.search(r'data-app="property_repair">.*?待办 1 项', html, re.S)
    assert 'data-app="second_app"' in html and "menu-entry" not in html
    assert "/api/v1/apps/" not in html  # exports and version history are the administrators'


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
@pytest.mark.parametrize("role", ["agent", "technician", "owner", "admin"])
def test_each_language_speaks_only_itself(app, office, role, lang):
    notify(app, LOGIN[role], {"zh-CN": "一条通知", "en": "A notification"})
    text = words(Staff(app, LOGIN[role]).get(f"{HOME}?lang={lang}").get_data(as_text=True))
    text = text.replace(LOGIN[role], " ")

    if lang == "en":
        assert not re.findall(r"[\u4e00-\u9fff]+", text.replace("中文", ""))
    else:
        assert set(re.findall(r"[A-Za-z]{2,}", text)) <= {"Trellis", "XLSX", "CSV", "English"}


@pytest.mark.parametrize("app_id", ["nope", "x" * 300, "%00", "..", "property_repair'--"])
def test_an_unknown_app_is_a_404_page_not_a_500(app, office, app_id):
    answer = Staff(app, "agent1").get(f"/apps/{app_id}")

    assert answer.status_code == 404


def test_strangers_are_sent_to_sign_in(app, office, anonymous_client):
    answer = anonymous_client.get(HOME)

    assert answer.status_code == 302 and answer.headers["Location"].startswith("/login")


def test_a_package_without_navigation_gets_a_menu_from_its_permissions(app, client, property_package):
    package = {k: v for k, v in property_package.items() if k != "navigation"}
    package["id"] = "plain"
    assert client.post("/api/v1/apps", json=package).status_code in (200, 201)
    directory = app.extensions["trellis"].directory
    directory.create_user("tech", PASSWORD, roles=[("plain", "technician")], user_id="tech")
    directory.create_user("own", PASSWORD, roles=[("plain", "owner")], user_id="own")

    tech = Staff(app, "tech")
    html = tech.get("/apps/plain").get_data(as_text=True)
    owner = menu(Staff(app, "own").get("/apps/plain").get_data(as_text=True))

    assert menu(html) == [
        *("tasks_mine", "tasks_group", "tasks_overdue"),
        *("list_community", "list_building", "list_room", "list_spare_part", "list_kb_article", "list_repair_order"),
        "knowledge_base_kb_article",
    ]
    assert owner == [
        *("list_community", "list_building", "list_room", "list_kb_article", "list_repair_order", "list_complaint"),
        *("new_repair_order", "new_complaint", "knowledge_base_kb_article"),
    ]
    assert "新建" not in html  # a technician creates nothing
    for href in hrefs(html):
        assert status(tech, href) == 200, href


def test_a_person_with_no_app_is_told_there_is_none(app, office):
    office.directory.create_user("nobody", PASSWORD, user_id="nobody")
    html = Staff(app, "nobody").get("/").get_data(as_text=True)

    assert "data-app=" not in html and "还没有" in html
