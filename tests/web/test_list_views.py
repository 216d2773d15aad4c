"""A package's list views on the generated list page and in the records API: tabs per role, fixed
filters the viewer can narrow but not remove, relation-path and flow-state filters, the SLA column,
people by name, and a language link that keeps the filters. On both back-ends."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html import unescape
from urllib.parse import urljoin

import pytest

from tests.flows import conftest as flow_fixtures
from tests.flows.conftest import APP, LOCAL_ADMIN, Company
from tests.web.test_list_pages import headers, ids
from tests.web.test_task_pages import Staff

company = flow_fixtures.company
LIST = "/apps/property_repair/forms/repair_order/records"
API = "/api/v1/apps/property_repair/forms/repair_order/records"
EXPORT = "/api/v1/apps/property_repair/forms/repair_order/export.csv"


@pytest.fixture
def office(app, company: Company) -> Company:
    company.clock.now = datetime.now(UTC)
    return company


@pytest.fixture
def tickets(office: Company) -> list[dict]:
    """Three tickets: the first accepted and dispatched to a worker, the other two waiting for an
    agent; the third in 翠苑 (a room of its building there), reported three days ago (overdue)."""
    records = office.records
    building, _ = records.create(LOCAL_ADMIN, APP, "building", {"community": office.other_community, "name": "1栋"})
    room, _ = records.create(LOCAL_ADMIN, APP, "room", {"building": building["id"], "room_no": "0101"})
    dispatched = office.order(owner_name="王女士", repair_type="水电")
    task = office.open_tasks(dispatched["id"], "accept")[0]
    office.act("agent1", task["id"], "complete", outcome="accept")
    waiting = office.order(owner_name="李先生", urgency="紧急")
    office.clock.now = datetime.now(UTC) - timedelta(days=3)
    late = office.order("owner2", owner_name="张女士", community=office.other_community, room=room["id"])
    office.clock.now = datetime.now(UTC)
    return [dispatched, waiting, late]


def tabs(html: str) -> list[str]:
    found = re.search(r'<nav class="views"[^>]*>(.*?)</nav>', html, re.S)
    return [] if found is None else [unescape(t).strip() for t in re.findall(r"<a [^>]*>(.*?)</a>", found.group(1))]


def row(html: str, record_id: int) -> str:
    found = re.search(rf'<tr data-record="{record_id}">(.*?)</tr>', html, re.S)
    assert found is not None
    return found.group(1)


def test_each_role_sees_the_views_meant_for_it_beside_the_generated_list(app, tickets):
    assert tabs(Staff(app, "agent1").get(LIST).get_data(as_text=True)) == ["全部记录", "待派单", "超时", "全部工单"]
    assert tabs(Staff(app, "worker1").get(LIST).get_data(as_text=True)) == ["全部记录", "我的工单", "超时"]
    assert tabs(Staff(app, "finance1").get(LIST).get_data(as_text=True)) == ["全部记录", "全部工单"]
    assert tabs(Staff(app, "owner1").get(LIST).get_data(as_text=True)) == []  # no view is for owners


def test_views_for_lists_what_a_person_may_open_for_menus(app, office):
    lists = app.extensions["trellis"].record_lists

    technician = lists.views_for(office["worker1"], APP, locale="en")
    owner = lists.views_for(office["owner1"], APP)

    assert technician == [
        {"id": "my_orders", "form": "repair_order", "name": "My tickets", "url": f"{LIST}?view=my_orders"},
        {"id": "overdue", "form": "repair_order", "name": "Overdue", "url": f"{LIST}?view=overdue"},
    ]
    assert owner == []


def test_my_tickets_are_the_ones_dispatched_to_me(app, office, tickets):
    worker = office.open_tasks(tickets[0]["id"], "repair")[0]["assignee"]
    other = next(login for login in ("worker1", "worker2", "worker3") if login != worker)

    mine = Staff(app, worker).get(f"{LIST}?view=my_orders").get_data(as_text=True)
    theirs = Staff(app, other).get(f"{LIST}?view=my_orders").get_data(as_text=True)

    assert ids(mine) == [tickets[0]["id"]] and ids(theirs) == []
    # the view's columns, a relation path's among them
    assert headers(mine)[:4] == ["报修单号", "业主姓名", "联系电话", "所属小区"]
    assert "阳光花园" in row(mine, tickets[0]["id"])  # room.building.community, by its title
    assert re.search(r'<span class="chip fixed-filter">\S+ = 我</span>', mine)  # the fixed filter, in words


def test_the_dispatch_queue_holds_the_tickets_waiting_at_the_agents_step(app, tickets):
    agent = Staff(app, "agent1")

    queue = agent.get(f"{LIST}?view=to_dispatch").get_data(as_text=True)
    narrowed = agent.get(f"{LIST}?view=to_dispatch&urgency__in=紧急").get_data(as_text=True)
    widened = agent.get(f"{LIST}?view=to_dispatch&_step=repair").get_data(as_text=True)

    assert ids(queue) == [tickets[1]["id"], tickets[2]["id"]]  # oldest first: the view's sort
    assert ids(narrowed) == [tickets[1]["id"]]  # the viewer adds a filter
    assert ids(widened) == []  # and cannot replace the view's own: both must hold


def test_a_view_not_meant_for_the_viewer_is_not_found(app, tickets):
    assert Staff(app, "worker1").get(f"{LIST}?view=to_dispatch").status_code == 404
    assert Staff(app, "owner1").get(f"{LIST}?view=all_orders").status_code == 404
    assert Staff(app, "agent1").get(f"{LIST}?view=nope").status_code == 404
    assert Staff(app, "agent1").get(f"{API}?view=my_orders").status_code == 404


def test_the_overdue_view_and_filter_and_the_sla_column(app, tickets):
    agent = Staff(app, "agent1")

    overdue = agent.get(f"{LIST}?view=overdue").get_data(as_text=True)
    by_filter = agent.get(f"{API}?_overdue=true").json
    not_late = agent.get(f"{API}?_overdue=false").json
    everything = agent.get(LIST).get_data(as_text=True)

    assert ids(overdue) == [tickets[2]["id"]]
    assert [item["id"] for item in by_filter["items"]] == [tickets[2]["id"]]
    assert [item["id"] for item in not_late["items"]] == [tickets[1]["id"], tickets[0]["id"]]
    assert "时效" in headers(everything)
    assert re.search(r'class="sla overdue">已超时</td>', row(everything, tickets[2]["id"]))
    assert re.search(r'class="sla on_time">正常</td>', row(everything, tickets[1]["id"]))


def test_status_filter_by_current_step_and_flow_state(app, tickets):
    agent = Staff(app, "agent1")

    repairing = agent.get(f"{LIST}?_step=repair").get_data(as_text=True)
    accepting = agent.get(f"{API}?_step__in=accept,rate").json
    running = agent.get(f"{API}?_state=running").json
    done = agent.get(f"{API}?_state=completed").json

    assert ids(repairing) == [tickets[0]["id"]]
    assert '<option value="repair" selected>维修处理</option>' in repairing  # the status filter keeps its choice
    assert [item["id"] for item in accepting["items"]] == [tickets[2]["id"], tickets[1]["id"]]
    assert len(running["items"]) == 3 and done["items"] == []


def test_assignee_filter_with_me(app, office, tickets):
    worker = office.open_tasks(tickets[0]["id"], "repair")[0]["assignee"]

    mine = Staff(app, worker).get(f"{API}?_assignee=$me").json
    agents = Staff(app, "agent1").get(f"{API}?_assignee=$me").json

    assert [item["id"] for item in mine["items"]] == [tickets[0]["id"]]
    assert agents["items"] == []


def test_relation_path_filter_in_the_api_the_page_and_the_export(app, office, tickets):
    supervisor = Staff(app, "supervisor1")
    community = office.other_community

    found = supervisor.get(f"{API}?room.building.community={community}").json
    by_in = supervisor.get(f"{API}?room.building.community__in={community},{office.community}").json
    page = supervisor.get(f"{LIST}?view=all_orders&room.building.community={community}").get_data(as_text=True)
    export = supervisor.get(f"{EXPORT}?room.building.community={community}")

    assert [item["id"] for item in found["items"]] == [tickets[2]["id"]]
    assert len(by_in["items"]) == 3
    assert ids(page) == [tickets[2]["id"]]
    picker = re.search(r'<select name="room.building.community" data-options="([^"]+)"', page)
    assert picker is not None and picker.group(1) == "/apps/property_repair/forms/building/options/community"
    assert export.status_code == 200 and tickets[2]["data"]["order_no"] in export.get_data(as_text=True)
    assert tickets[0]["data"]["order_no"] not in export.get_data(as_text=True)


@pytest.mark.parametrize(
    "query",
    [
        "room.building.nope=1",
        "room.nope.community=1",
        "urgency.building=1",
        "parts_used.part=1",
        "room.building.community=abc",
        "room.building.community__zz=1",
        "_step__ge=repair",
        "_overdue=maybe",
        "_state=stuck",
        "_nope=1",
        "view=" + "x" * 300,
        "..=1",
        "room..building=1",
    ],
)
def test_garbage_filters_are_a_clear_400_or_404_never_a_500(app, tickets, query):
    agent = Staff(app, "agent1")

    answer = agent.get(f"{API}?{query}")
    page = agent.get(f"{LIST}?{query}")

    assert answer.status_code in (400, 404), answer.get_data(as_text=True)
    assert page.status_code in (400, 404)
    assert answer.mimetype == "application/problem+json"


def test_an_unknown_path_names_itself_in_the_refusal(app, tickets):
    answer = Staff(app, "agent1").get(f"{API}?room.building.comunity=1")

    assert answer.status_code == 400
    assert "room.building.comunity" in answer.json["detail"] and "room.building" in answer.json["detail"]


def test_a_path_through_a_field_hidden_from_the_caller_is_refused(app, office, tickets):
    # owners read rooms without their owner's name, and tickets without the team
    through_room = Staff(app, "owner1").get(f"{API}?room.owner_name=王")
    own_field = Staff(app, "owner1").get(f"{API}?team=x")
    agent = Staff(app, "agent1").get(f"{API}?room.owner_name=王")

    assert through_room.status_code == 400 and "room.owner_name" in through_room.json["detail"]
    assert own_field.status_code == 400
    assert agent.status_code == 200


def test_user_fields_show_names_not_logins(app, office, tickets):
    worker = office.open_tasks(tickets[0]["id"], "repair")[0]["assignee"]
    office.directory.update_user(worker, {"name": "赵师傅"})
    name = office.directory.principal_for(worker).name

    html = Staff(app, "supervisor1").get(f"{LIST}?view=all_orders").get_data(as_text=True)

    assert name and name != worker
    assert f">{name}</td>" in row(html, tickets[0]["id"])
    assert f">{worker}</td>" not in row(html, tickets[0]["id"])


def test_the_language_link_keeps_the_view_filters_and_search(app, office, tickets):
    html = Staff(app, "agent1").get(f"{LIST}?view=to_dispatch&urgency__in=紧急&q=李").get_data(as_text=True)
    link = re.search(r'<a class="lang" href="([^"]+)"', html)
    assert link is not None

    english = Staff(app, "agent1").get(urljoin(LIST, unescape(link.group(1)))).get_data(as_text=True)

    assert "lang=en" in link.group(1) and "view=to_dispatch" in link.group(1) and "q=" in link.group(1)
    assert ids(english) == [tickets[1]["id"]]
    assert "To dispatch" in english and "Current step" in english and "待派单" not in english
