"""The generated record list (``/apps/<app>/forms/<form>/records``): columns, filters, search, sort and
paging through the records API's permissions, on both back-ends."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from html import unescape

import pytest

from tests.flows import conftest as flow_fixtures
from tests.flows.conftest import APP, LOCAL_ADMIN, Company
from tests.web.test_task_pages import Staff

company = flow_fixtures.company
LIST = "/apps/property_repair/forms/repair_order/records"


@pytest.fixture
def office(app, company: Company) -> Company:
    company.clock.now = datetime.now(UTC)
    return company


@pytest.fixture
def tickets(office: Company) -> list[dict]:
    """Three tickets: two in 阳光花园 (one urgent, with another phone number), one in 翠苑."""
    records = office.records
    building, _ = records.create(LOCAL_ADMIN, APP, "building", {"community": office.other_community, "name": "1栋"})
    room, _ = records.create(LOCAL_ADMIN, APP, "room", {"building": building["id"], "room_no": "0101"})
    return [
        office.order(owner_name="王女士", urgency="一般"),
        office.order(owner_name="李先生", urgency="紧急", phone="139 0000 4321"),
        office.order("owner2", owner_name="张女士", community=office.other_community, room=room["id"]),
    ]


def ids(html: str) -> list[int]:
    return [int(found) for found in re.findall(r'<tr data-record="(\d+)"', html)]


def headers(html: str) -> list[str]:
    return [unescape(re.sub(r"<[^>]+>|[▲▼]", "", h)).strip() for h in re.findall(r'<th scope="col">(.*?)</th>', html)]


def test_an_agent_lists_the_tickets_newest_first_with_links_to_each(app, tickets):
    page = Staff(app, "agent1").get(LIST)
    html = page.get_data(as_text=True)

    assert page.status_code == 200
    assert ids(html) == [t["id"] for t in reversed(tickets)]
    assert headers(html) == [
        *("报修单号", "业主姓名", "联系电话", "小区", "楼栋", "房号", "报修类型", "紧急程度"),
        *("当前环节", "处理人", "到期时间", "时效"),  # where each ticket stands in its flow, and its SLA state
    ]
    serial = tickets[0]["data"]["order_no"]
    assert f'href="/apps/property_repair/forms/repair_order/records/{tickets[0]["id"]}?lang=zh-CN">{serial}</a>' in html
    assert "清除条件" in html and "built-in" not in html  # every word of the page is the catalog's
    assert "阳光花园" in html and "翠苑" in html  # related records by their titles, not their ids
    assert 'href="/api/v1/apps/property_repair/forms/repair_order/export.xlsx' not in html  # agents may not export


def test_filters_by_community_and_urgency_and_the_export_link_takes_the_same_filters(app, office, tickets):
    supervisor = Staff(app, "supervisor1")
    by_community = supervisor.get(f"{LIST}?community={office.community}").get_data(as_text=True)
    urgent = supervisor.get(f"{LIST}?community={office.community}&urgency__in=紧急&urgency__in=").get_data(as_text=True)

    assert ids(by_community) == [tickets[1]["id"], tickets[0]["id"]]
    assert ids(urgent) == [tickets[1]["id"]]
    export = re.search(r'href="(/api/v1/apps/property_repair/forms/repair_order/export.csv[^"]*)"', urgent)
    assert export is not None
    csv = supervisor.get(unescape(export.group(1))).get_data(as_text=True)
    assert csv.count("\r\n") == 2 and tickets[1]["data"]["order_no"] in csv  # the header and the one urgent ticket


def test_the_community_picker_searches_through_the_options_endpoint(app, office, tickets):
    agent = Staff(app, "agent1")
    html = agent.get(LIST).get_data(as_text=True)
    picker = re.search(r'<select name="community" data-options="([^"]+)"', html)
    assert picker is not None

    found = agent.get(f"{picker.group(1)}?q=翠").json

    assert found["items"] == [{"id": office.other_community, "title": "翠苑"}]


def test_search_finds_a_serial_number_and_a_phone_number_substring(app, tickets):
    agent = Staff(app, "agent1")
    serial = tickets[2]["data"]["order_no"]

    assert ids(agent.get(f"{LIST}?q={serial}").get_data(as_text=True)) == [tickets[2]["id"]]
    assert ids(agent.get(f"{LIST}?q=0000432").get_data(as_text=True)) == [tickets[1]["id"]]
    assert ids(agent.get(f"{LIST}?q=李先").get_data(as_text=True)) == [tickets[1]["id"]]
    assert ids(agent.get(f"{LIST}?q=%25").get_data(as_text=True)) == []  # a wildcard is searched as itself


def test_the_records_api_searches_the_same_way(client, tickets):
    found = client.get("/api/v1/apps/property_repair/forms/repair_order/records?q=4321").json

    assert [item["id"] for item in found["items"]] == [tickets[1]["id"]]


def test_pages_with_the_cursor_and_sorts_by_a_clicked_header(app, tickets):
    agent = Staff(app, "agent1")
    first = agent.get(f"{LIST}?limit=2&sort=owner_name").get_data(as_text=True)
    following = re.search(r'rel="next" href="([^"]+)"', first)
    assert following is not None
    second = agent.get(LIST + unescape(following.group(1))).get_data(as_text=True)
    descending = agent.get(f"{LIST}?sort=-owner_name").get_data(as_text=True)

    by_name = sorted(tickets, key=lambda t: t["data"]["owner_name"])
    assert ids(first) + ids(second) == [t["id"] for t in by_name]
    assert 'rel="next"' not in second and "第一页" in second
    assert ids(descending) == [t["id"] for t in reversed(by_name)]
    assert 'sort=-owner_name&amp;lang=zh-CN"' in first  # the sorted header now sorts the other way


def test_each_row_names_its_open_step_and_who_holds_it(app, office, tickets):
    task = office.open_tasks(tickets[0]["id"], "accept")[0]
    office.act("agent1", task["id"], "claim")
    html = Staff(app, "agent1").get(LIST).get_data(as_text=True)
    row = re.search(rf'<tr data-record="{tickets[0]["id"]}">(.*?)</tr>', html, re.S)
    other = re.search(rf'<tr data-record="{tickets[1]["id"]}">(.*?)</tr>', html, re.S)

    assert row is not None and other is not None
    assert re.search(r'class="step">客服受理</td>\s*<td data-label="处理人" class="assignee">agent1</td>', row.group(1))
    assert re.search(r'class="step">客服受理</td>\s*<td data-label="处理人" class="assignee"></td>', other.group(1))


def test_an_owner_sees_only_their_own_tickets_without_the_flow_columns(app, tickets):
    html = Staff(app, "owner2").get(LIST).get_data(as_text=True)

    assert ids(html) == [tickets[2]["id"]]
    assert "当前环节" not in html and "处理人" not in html


def test_hidden_fields_are_neither_columns_nor_filters_nor_searched(app, office):
    charged = office.order("agent1", chargeable=True)
    finance = Staff(app, "finance1")  # finance reads chargeable tickets without the phone number
    html = finance.get(LIST).get_data(as_text=True)
    by_phone = finance.get(f"{LIST}?phone__contains=138")
    searched = finance.get(f"{LIST}?q=12345678").get_data(as_text=True)
    agent_searched = Staff(app, "agent1").get(f"{LIST}?q=12345678").get_data(as_text=True)

    assert ids(html) == [charged["id"]]
    assert "联系电话" not in headers(html) and "138 1234 5678" not in html
    assert (by_phone.status_code, by_phone.mimetype) == (400, "application/problem+json")
    assert "phone" in by_phone.json["detail"]
    assert ids(searched) == [] and ids(agent_searched) == [charged["id"]]


@pytest.mark.parametrize(
    "query", ["sort=nope", "limit=abc", "limit=100000", "cursor=%25%25", "nope=1", "urgency__zz=1", "reported_at__ge=x"]
)
def test_garbage_in_the_address_is_a_clear_400(app, office, query):
    answer = Staff(app, "agent1").get(f"{LIST}?{query}")

    assert answer.status_code == 400, answer.get_data(as_text=True)


def test_the_app_page_links_to_the_lists_its_viewer_may_read(app, office):
    agent = Staff(app, "agent1").get("/apps/property_repair").get_data(as_text=True)
    owner = Staff(app, "owner1").get("/apps/property_repair").get_data(as_text=True)

    assert 'href="/apps/property_repair/forms/repair_order/records?lang=zh-CN"' in agent
    assert 'href="/apps/property_repair/forms/spare_part/records?lang=zh-CN"' in agent
    assert 'href="/apps/property_repair/forms/repair_order/records?lang=zh-CN"' in owner
    assert "/forms/spare_part/records" not in owner  # owners read no spare parts


def test_strangers_are_sent_to_sign_in(app, anonymous_client):
    answer = anonymous_client.get(LIST)

    assert answer.status_code == 302 and answer.headers["Location"].startswith("/login")


def test_the_app_page_offers_only_what_its_viewer_may_do(app, office):
    agent = Staff(app, "agent1").get("/apps/property_repair").get_data(as_text=True)
    owner = Staff(app, "owner1").get("/apps/property_repair").get_data(as_text=True)

    assert 'href="/apps/property_repair/forms/repair_order/new?lang=zh-CN"' in owner  # owners report repairs
    assert "export.xlsx" not in owner and "export.csv" not in owner  # and export nothing
    assert 'data-form="spare_part"' not in owner  # a form they can do nothing with is not shown
    assert 'data-form="spare_part"' in agent
