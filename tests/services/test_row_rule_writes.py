"""Row rules bind writes, on SQLite and PostgreSQL: a community-bound agent creates and updates tickets
only within their communities (the rule follows ``room.building.community``), cannot move one out,
and sees only those; flows and system writes are not bound."""

from __future__ import annotations

from typing import Any

import pytest

from engine.errors import NotAuthenticatedError, NotFoundError, PermissionDeniedError
from engine.principal import LOCAL_ADMIN, PUBLIC, Principal
from engine.services.apps import AppService
from engine.services.records import RecordService
from engine.storage.catalog import AppCatalog
from engine.storage.record_queries import ListQuery
from tests.row_rules_app import APP, package

pytestmark = pytest.mark.storage

AGENT = Principal(id="agent1", name="小李", app_roles={APP: frozenset({"agent"})}, communities=frozenset({1}))


@pytest.fixture
def estate(database) -> tuple[RecordService, dict[str, int]]:
    """Community 1 with room `home` (and `suite` in a deleted building), community 2 with room `away`."""
    AppService(database).import_package(package(), actor="test")
    records = RecordService(database, AppCatalog())

    def make(form: str, **data: Any) -> int:
        return records.create(LOCAL_ADMIN, APP, form, data)[0]["id"]

    ours, theirs = make("community", name="一区"), make("community", name="二区")
    assert ours == 1
    gone = make("building", community=ours, name="拆")
    rooms = {
        "home": make("room", building=make("building", community=ours, name="1栋"), number="101"),
        "away": make("room", building=make("building", community=theirs, name="9栋"), number="901"),
        "suite": make("room", building=gone, number="201"),
    }
    records.delete(LOCAL_ADMIN, APP, "building", gone)
    return records, rooms


def _ticket(records: RecordService, who: Principal, **data: Any) -> dict[str, Any]:
    return records.create(who, APP, "ticket", {"title": "漏水", **data}, locale="en")[0]


def test_an_agent_creates_a_ticket_within_their_community(estate):
    records, rooms = estate
    ticket = _ticket(records, AGENT, room=rooms["home"])
    assert (ticket["data"]["room"], ticket["created_by"]) == (rooms["home"], "agent1")


@pytest.mark.parametrize("room", ["away", "suite", None])
def test_an_agent_cannot_create_a_ticket_outside_their_communities(estate, room):
    records, rooms = estate
    with pytest.raises(PermissionDeniedError) as refused:
        _ticket(records, AGENT, room=rooms.get(room or ""))
    assert refused.value.message_code == "record.rows.create_fields"
    assert refused.value.localized("en") == (
        "you may only create records of 'Ticket' that your role lets you work on; check Room"
    )
    assert refused.value.localized("zh-CN") == "您只能新建自己有权处理的“工单”记录;请检查房间"
    assert records.list_records(LOCAL_ADMIN, APP, "ticket", ListQuery())["items"] == []  # nothing was written


def test_an_agent_cannot_move_a_ticket_out_of_their_community(estate):
    records, rooms = estate
    ticket = _ticket(records, AGENT, room=rooms["home"])
    for room in (rooms["away"], rooms["suite"], None):
        with pytest.raises(PermissionDeniedError) as refused:
            records.update(AGENT, APP, "ticket", ticket["id"], {"room": room}, expected_version=1)
        assert refused.value.message_code == "record.rows.update_fields"
    kept = records.get(LOCAL_ADMIN, APP, "ticket", ticket["id"])
    assert (kept["version"], kept["data"]["room"]) == (1, rooms["home"])


def test_an_agent_updates_a_ticket_that_stays_within_their_community(estate):
    records, rooms = estate
    ticket = _ticket(records, AGENT, room=rooms["home"])
    updated = records.update(AGENT, APP, "ticket", ticket["id"], {"title": "已修好"}, expected_version=1)
    assert (updated["version"], updated["data"]["title"]) == (2, "已修好")


def test_an_agent_neither_sees_nor_changes_a_ticket_of_another_community(estate):
    records, rooms = estate
    ours = _ticket(records, LOCAL_ADMIN, room=rooms["home"], secret="内部")
    theirs = _ticket(records, LOCAL_ADMIN, room=rooms["away"])
    listed = records.list_records(AGENT, APP, "ticket", ListQuery())["items"]
    assert [item["id"] for item in listed] == [ours["id"]]
    assert "secret" not in listed[0]["data"] and listed[0]["data"]["title"] == "漏水"  # its grant's field modes hold
    with pytest.raises(NotFoundError):
        records.get(AGENT, APP, "ticket", theirs["id"])
    with pytest.raises(NotFoundError):
        records.update(AGENT, APP, "ticket", theirs["id"], {"room": rooms["home"]}, expected_version=1)


def test_a_ticket_whose_building_is_deleted_leaves_the_agents_rows(estate):
    records, rooms = estate
    ticket = _ticket(records, AGENT, room=rooms["home"])
    room = records.get(LOCAL_ADMIN, APP, "room", rooms["home"])
    records.delete(LOCAL_ADMIN, APP, "building", room["data"]["building"])
    assert records.list_records(AGENT, APP, "ticket", ListQuery())["items"] == []
    with pytest.raises(NotFoundError):
        records.get(AGENT, APP, "ticket", ticket["id"])


def test_flows_and_system_writes_are_not_bound(estate):
    records, rooms = estate
    ticket = _ticket(records, AGENT, room=rooms["home"])
    with records.rows.transaction() as session:
        app = records.catalog.current(session, APP)
        moved = records.flow_write(session, app, app.form("ticket"), ticket["id"], {"room": rooms["away"]}, AGENT)
    assert moved["room"] == rooms["away"]
    assert _ticket(records, LOCAL_ADMIN, room=rooms["away"])["data"]["room"] == rooms["away"]


def test_an_owner_creates_their_own_ticket_and_an_anonymous_caller_is_asked_to_sign_in(estate):
    records, rooms = estate
    owner = Principal(id="owner1", app_roles={APP: frozenset({"owner"})})
    assert _ticket(records, owner, room=rooms["away"])["created_by"] == "owner1"  # created_by == user.id holds
    with pytest.raises(NotAuthenticatedError):
        _ticket(records, PUBLIC, room=rooms["away"])  # nobody's ticket would be outside "created_by == user.id"
