"""Global search (``/api/v1/search`` and the staff page ``/search``): one box over every form the viewer
may read, grouped by form, through the records API's permissions, on both back-ends."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from html import unescape

import pytest

from engine.services.search import PER_FORM
from tests.flows import conftest as flow_fixtures
from tests.flows.conftest import APP, LOCAL_ADMIN, Company
from tests.web.test_task_pages import Staff

company = flow_fixtures.company
RECORDS = "/apps/property_repair/forms/repair_order/records"


@pytest.fixture
def office(app, company: Company) -> Company:
    company.clock.now = datetime.now(UTC)
    return company


@pytest.fixture
def tickets(office: Company) -> list[dict]:
    records = office.records
    building, _ = records.create(LOCAL_ADMIN, APP, "building", {"community": office.other_community, "name": "1栋"})
    room, _ = records.create(LOCAL_ADMIN, APP, "room", {"building": building["id"], "room_no": "0101"})
    return [
        office.order(owner_name="王女士", description="地下停车场灯不亮"),
        office.order(owner_name="李先生", phone="139 0000 4321", description="厨房水管漏水"),
        office.order("owner2", owner_name="张女士", community=office.other_community, room=room["id"]),
    ]


def groups(answer) -> dict[str, list[int]]:
    return {group["form"]: [item["id"] for item in group["items"]] for group in answer.json["groups"]}


def test_a_serial_number_finds_its_ticket_with_title_and_a_link_to_its_page(app, tickets):
    serial = tickets[1]["data"]["order_no"]
    answer = Staff(app, "agent1").get(f"/api/v1/search?q={serial}")

    assert answer.status_code == 200
    [group] = answer.json["groups"]
    assert (group["app"], group["form"], group["form_title"], group["more_url"]) == (
        "property_repair",
        "repair_order",
        "报修单",
        None,
    )
    assert group["items"] == [
        {"id": tickets[1]["id"], "title": serial, "serial": "", "url": f"{RECORDS}/{tickets[1]['id']}"}
    ]


def test_phone_fragments_and_chinese_words_of_two_or_more_characters_are_found(app, tickets):
    agent = Staff(app, "agent1")

    assert groups(agent.get("/api/v1/search?q=00004321")) == {"repair_order": [tickets[1]["id"]]}
    assert groups(agent.get("/api/v1/search?q=停车场"))["repair_order"] == [tickets[0]["id"]]
    assert groups(agent.get("/api/v1/search?q=停车"))["repair_order"] == [tickets[0]["id"]]
    assert groups(agent.get("/api/v1/search?q=女士"))["repair_order"] == [tickets[2]["id"], tickets[0]["id"]]


def test_results_are_grouped_by_form_across_the_app(app, office, tickets):
    found = groups(Staff(app, "supervisor1").get("/api/v1/search?q=阳光"))

    assert found["community"] == [office.community]  # the community's own record, by its name
    assert "repair_order" not in found  # a ticket names its community by id, not by text


def test_each_form_shows_a_few_hits_and_links_the_rest_to_its_list(app, office):
    made = [office.order(description=f"楼道灯坏了 {n}") for n in range(PER_FORM + 2)]
    answer = Staff(app, "agent1").get("/api/v1/search?q=楼道灯")

    [group] = answer.json["groups"]
    assert [item["id"] for item in group["items"]] == [r["id"] for r in reversed(made)][:PER_FORM]
    assert group["more_url"] == f"{RECORDS}?q=%E6%A5%BC%E9%81%93%E7%81%AF"


def test_an_owner_finds_only_their_own_tickets(app, tickets):
    owner = Staff(app, "owner2")

    assert groups(owner.get("/api/v1/search?q=女士")) == {"repair_order": [tickets[2]["id"]]}
    assert groups(owner.get(f"/api/v1/search?q={tickets[0]['data']['order_no']}")) == {}


def test_a_hit_only_in_a_field_hidden_from_the_viewer_is_no_hit(app, office):
    charged = office.order("agent1", chargeable=True, phone="138 7777 6666")
    finance = Staff(app, "finance1")  # finance reads chargeable tickets without the phone number

    assert groups(finance.get("/api/v1/search?q=77776666")) == {}
    assert groups(finance.get(f"/api/v1/search?q={charged['data']['order_no']}")) == {"repair_order": [charged["id"]]}
    assert groups(Staff(app, "agent1").get("/api/v1/search?q=77776666")) == {"repair_order": [charged["id"]]}


def test_nobody_signed_in_is_asked_to_sign_in(app, tickets):
    api = app.test_client().get("/api/v1/search?q=女士")
    page = app.test_client().get("/search?q=女士")

    assert (api.status_code, api.mimetype) == (401, "application/problem+json")
    assert page.status_code == 302 and "/login" in page.headers["Location"]


@pytest.mark.parametrize(
    "query",
    ["", "%20%20", "%25", "_", "%25%25%25", "'\"", "a" * 10_000, "%00", "%01%02%1b", "\\"],
)
def test_garbage_is_searched_as_text_and_never_a_500(app, tickets, query):
    agent = Staff(app, "agent1")
    api = agent.get(f"/api/v1/search?q={query}")
    page = agent.get(f"/search?q={query}")

    assert api.status_code == 200 and page.status_code == 200
    assert api.json["groups"] == []
    assert len(api.json["query"]) <= 100


def test_control_characters_are_dropped_from_the_search(app, tickets):
    answer = Staff(app, "agent1").get("/api/v1/search?q=%E5%81%9C%00%E8%BD%A6%0A")

    assert answer.json["query"] == "停车"
    assert groups(answer) == {"repair_order": [tickets[0]["id"]]}


def test_the_page_lists_the_groups_with_links_in_either_language(app, tickets):
    agent = Staff(app, "agent1")
    serial = tickets[0]["data"]["order_no"]
    chinese = agent.get(f"/search?q={serial}").get_data(as_text=True)
    english = agent.get(f"/search?q={serial}&lang=en").get_data(as_text=True)
    nothing = agent.get("/search?q=没有这样的东西&lang=en").get_data(as_text=True)

    assert f'href="{RECORDS}/{tickets[0]["id"]}?lang=zh-CN">{serial}</a>' in chinese
    assert "搜索全部表单" in chinese and "Search" not in re.sub(r"<[^>]+>", "", chinese).replace(serial, "")
    assert f'href="{RECORDS}/{tickets[0]["id"]}?lang=en">{serial}</a>' in english
    assert "Search every form" in english and "No records match." in unescape(nothing)
    shown = re.sub(r'value="[^"]*"|<title>.*?</title>|<a class="lang".*?</a>', "", nothing)  # all but the query
    assert not re.search(r"[\u4e00-\u9fff]", shown)


BAR_BOX = 'id="bar-search"'


def test_the_session_bar_carries_a_search_box_for_whoever_reads_some_form(app, office):
    agent = Staff(app, "agent1")
    chinese = agent.get("/").get_data(as_text=True)
    english = agent.get("/tasks?lang=en").get_data(as_text=True)

    box = re.search(r'<form method="get" action="/search" role="search" class="bar-search">.*?</form>', chinese, re.S)
    assert box is not None and BAR_BOX in box.group(0)
    assert 'name="lang" value="zh-CN"' in box.group(0) and 'placeholder="搜索编号、电话…"' in box.group(0)
    assert 'placeholder="Search numbers, phones…"' in unescape(english) and 'aria-label="Search every form"' in english


def test_no_search_box_for_the_public_nor_for_someone_who_reads_no_form(app, office):
    office.directory.create_user("visitor1", "a-long-password", user_id="visitor1")  # signed in, no role

    assert BAR_BOX not in Staff(app, "visitor1").get("/").get_data(as_text=True)
    assert BAR_BOX not in app.test_client().get("/login").get_data(as_text=True)
    public = app.test_client().get(f"/kb/{APP}/kb_article")
    assert public.status_code == 200 and BAR_BOX not in public.get_data(as_text=True)
