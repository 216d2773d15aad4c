"""The property repair flow end to end through the flow service, on SQLite and PostgreSQL."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from engine.errors import ConflictError, InvalidTransitionError, NotFoundError, SubmissionError
from engine.principal import LOCAL_ADMIN
from engine.storage.tables import OutboxRow

APP = "property_repair"


def _accept(company, record_id: int) -> None:
    task = company.open_tasks(record_id, "accept")[0]
    company.act("agent1", task["id"], "complete", outcome="accept")


def _repair(company, record_id: int, part: int, qty: int = 1, **extra) -> str:
    task = company.open_tasks(record_id, "repair")[0]
    worker = task["assignee"]
    company.act(worker, task["id"], "claim")
    company.act(
        worker,
        task["id"],
        "complete",
        data={"result": "更换配件", "parts_used": [{"part": part, "qty": qty}], **extra},
    )
    return worker


def test_a_new_ticket_starts_the_flow_at_agent_review(company):
    record = company.order()
    instance = company.instance_of(record["id"])
    assert instance["status"] == "running"
    assert [t["node"] for t in instance["tasks"]] == ["accept"]
    assert company.flows.inbox(company["agent1"], "groups")["counts"]["groups"] == 1
    assert company.flows.inbox(company["worker1"], "groups")["counts"]["groups"] == 0


def test_an_agent_rejects_an_invalid_report_and_the_flow_ends_rejected(company):
    record = company.order()
    task = company.open_tasks(record["id"], "accept")[0]
    company.act("agent1", task["id"], "complete", outcome="reject", data={"reject_reason": "重复报修"})
    instance = company.instance_of(record["id"])
    assert (instance["status"], instance["end_status"]) == ("completed", "rejected")
    assert company.records.get(LOCAL_ADMIN, APP, "repair_order", record["id"])["data"]["reject_reason"] == "重复报修"


def test_dispatch_gives_the_least_loaded_on_duty_worker_of_the_community(company):
    first, second = company.order(), company.order()
    _accept(company, first["id"])
    _accept(company, second["id"])
    one = company.open_tasks(first["id"], "repair")[0]["assignee"]
    two = company.open_tasks(second["id"], "repair")[0]["assignee"]
    assert {one, two} == {"worker1", "worker2"}  # worker3 does not cover the community
    data = company.records.get(LOCAL_ADMIN, APP, "repair_order", first["id"])["data"]
    assert (data["worker"], data["group_leader"]) == (one, "leader1")
    assert company.instance_of(first["id"])["stage"] == "dispatched"


def test_no_one_on_duty_falls_back_to_the_group_leader(company):
    company.directory.set_on_duty("worker1", False)
    company.directory.set_on_duty("worker2", False)
    record = company.order()
    _accept(company, record["id"])
    assert company.open_tasks(record["id"], "repair")[0]["assignee"] == "leader1"


def test_only_the_dispatched_worker_may_accept_and_a_stranger_learns_nothing(company):
    record = company.order()
    _accept(company, record["id"])
    task = company.open_tasks(record["id"], "repair")[0]
    stranger = "worker2" if task["assignee"] == "worker1" else "worker1"
    with pytest.raises(NotFoundError):
        company.act(stranger, task["id"], "claim")
    with pytest.raises(NotFoundError):
        company.act("owner2", task["id"], "complete")


def test_two_agents_claiming_at_once_one_wins_the_other_gets_a_conflict(company):
    record = company.order()
    task = company.open_tasks(record["id"], "accept")[0]

    def claim(login: str) -> str:
        try:
            company.act(login, task["id"], "claim")
            return "won"
        except ConflictError:
            return "conflict"

    with ThreadPoolExecutor(2) as pool:
        results = sorted(pool.map(claim, ["agent1", "agent2"]))
    assert results == ["conflict", "won"]


def test_required_fields_of_the_step_must_be_filled_and_others_are_refused(company):
    record = company.order()
    _accept(company, record["id"])
    task = company.open_tasks(record["id"], "repair")[0]
    worker = task["assignee"]
    with pytest.raises(SubmissionError) as missing:
        company.act(worker, task["id"], "complete", data={})
    assert "result" in missing.value.field_errors
    with pytest.raises(SubmissionError) as refused:
        company.act(worker, task["id"], "complete", data={"result": "ok", "rating": 5})
    assert "rating" in refused.value.field_errors
    assert company.open_tasks(record["id"], "repair")  # nothing moved, nothing lost


def test_large_amount_countersign_with_one_rejection_returns_to_the_worker(company):
    record = company.order()
    _accept(company, record["id"])
    worker = _repair(company, record["id"], company.dear_part)
    signs = company.open_tasks(record["id"], "countersign")
    assert len(signs) == 3
    by_role = {tuple(t["candidates"][0]): t for t in signs}
    company.act("engineer1", by_role[("role", "engineering_head")]["id"], "approve")
    company.act("financehead1", by_role[("role", "finance_head")]["id"], "reject", comment="价格太高")
    assert company.open_tasks(record["id"], "countersign") == []
    again = company.open_tasks(record["id"], "repair")
    assert len(again) == 1
    assert company.instance_of(record["id"])["outcomes"]["countersign"] == "rejected"
    assert worker in ("worker1", "worker2")


def test_countersign_passes_when_everyone_approves(company):
    record = company.order()
    _accept(company, record["id"])
    _repair(company, record["id"], company.dear_part, chargeable=False)
    signers = {"engineering_head": "engineer1", "finance_head": "financehead1", "project_manager": "manager1"}
    for task in company.open_tasks(record["id"], "countersign"):
        company.act(signers[task["candidates"][0][1]], task["id"], "approve")
    assert [t["node"] for t in company.open_tasks(record["id"])] == ["rate"]


def test_finance_or_sign_first_decision_wins_and_the_receivable_is_queued(company, database):
    record = company.order()
    _accept(company, record["id"])
    _repair(company, record["id"], company.cheap_part, chargeable=True)
    finance = company.open_tasks(record["id"], "finance_confirm")
    assert sorted(t["assignee"] for t in finance) == ["finance1", "finance2"]
    company.act("finance2", finance[1]["id"] if finance[1]["assignee"] == "finance2" else finance[0]["id"], "approve")
    assert company.open_tasks(record["id"], "finance_confirm") == []
    cancelled = [t for t in company.instance_of(record["id"])["tasks"] if t["status"] == "cancelled"]
    assert [t["assignee"] for t in cancelled] == ["finance1"]
    with database.transaction() as session:
        topics = [row.payload for row in session.scalars(select(OutboxRow).where(OutboxRow.topic == "flow.connector"))]
    assert topics and topics[0]["connector"] == "finance" and topics[0]["data"]["amount"] == 80
    assert [t["node"] for t in company.open_tasks(record["id"])] == ["rate"]


def test_a_low_rating_reopens_the_ticket_and_a_good_one_closes_it(company):
    record = company.order()
    _accept(company, record["id"])
    _repair(company, record["id"], company.cheap_part)
    rate = company.open_tasks(record["id"], "rate")[0]
    assert rate["assignee"] == "owner1"
    company.act("owner1", rate["id"], "complete", data={"fixed": False, "rating": 2, "comment": "还在漏"})
    data = company.records.get(LOCAL_ADMIN, APP, "repair_order", record["id"])["data"]
    assert data["reopen_count"] == "1"  # numbers travel as exact decimal text
    assert [t["node"] for t in company.open_tasks(record["id"])] == ["repair"]
    _repair(company, record["id"], company.cheap_part)
    rate = company.open_tasks(record["id"], "rate")[0]
    company.act("owner1", rate["id"], "complete", data={"fixed": True, "rating": 5})
    instance = company.instance_of(record["id"])
    assert (instance["status"], instance["end_status"], instance["stage"]) == ("completed", "closed", "done")
    assert company.records.get(LOCAL_ADMIN, APP, "repair_order", record["id"])["data"]["closed_at"]


def _outbox(database, topic: str) -> list[dict]:
    with database.transaction() as session:
        return [row.payload for row in session.scalars(select(OutboxRow).where(OutboxRow.topic == topic))]


def test_unaccepted_for_fifteen_minutes_tells_the_supervisor_and_the_agents_keep_the_queue(company, database):
    record = company.order()
    company.clock.advance(minutes=14)
    assert company.flows.fire_due() == 0
    company.clock.advance(minutes=2)
    assert company.flows.fire_due() == 1
    told = [n for n in _outbox(database, "flow.notify") if n["node"] == "accept"]
    assert [n["to"] for n in told] == [[["role", "agent_supervisor"]]]
    task = company.open_tasks(record["id"], "accept")[0]
    assert task["candidates"] == [["role", "agent"]]  # every agent still sees it in the shared queue
    assert company.flows.inbox(company["agent2"], "groups")["counts"]["groups"] == 1
    company.act("agent2", task["id"], "complete", outcome="accept")
    assert company.open_tasks(record["id"], "repair")


def test_the_acceptance_deadline_is_dropped_once_the_worker_accepts(company):
    record = company.order()
    _accept(company, record["id"])
    task = company.open_tasks(record["id"], "repair")[0]
    company.act(task["assignee"], task["id"], "claim")
    company.clock.advance(hours=1)
    company.flows.fire_due()
    assert company.open_tasks(record["id"], "repair")[0]["assignee"] == task["assignee"]


def test_unclaimed_repair_escalates_to_the_group_leader_after_thirty_business_minutes(company):
    record = company.order()
    _accept(company, record["id"])
    company.clock.advance(minutes=31)
    assert company.flows.fire_due() == 1
    assert company.open_tasks(record["id"], "repair")[0]["assignee"] == "leader1"


def test_no_rating_in_72_hours_is_confirmed_automatically(company):
    record = company.order()
    _accept(company, record["id"])
    _repair(company, record["id"], company.cheap_part)
    company.clock.advance(hours=73)
    company.flows.fire_due()
    instance = company.instance_of(record["id"])
    assert (instance["status"], instance["end_status"]) == ("completed", "closed")


def test_the_submitter_may_withdraw_until_someone_touches_it(company):
    record = company.order()
    instance = company.instance_of(record["id"])
    with pytest.raises(Exception):  # noqa: B017 - another owner: the ticket does not exist for them
        company.flows.withdraw(company["owner2"], instance["id"])
    company.flows.withdraw(company["owner1"], instance["id"])
    assert company.instance_of(record["id"])["end_status"] == "withdrawn"
    second = company.order()
    task = company.open_tasks(second["id"], "accept")[0]
    company.act("agent1", task["id"], "claim")
    with pytest.raises(ConflictError):
        company.flows.withdraw(company["owner1"], company.instance_of(second["id"])["id"])


def test_an_action_the_step_does_not_offer_is_refused(company):
    record = company.order()
    task = company.open_tasks(record["id"], "accept")[0]
    with pytest.raises(InvalidTransitionError):
        company.act("agent1", task["id"], "approve")


def test_a_completed_task_cannot_be_completed_twice(company):
    record = company.order()
    task = company.open_tasks(record["id"], "accept")[0]
    company.act("agent1", task["id"], "complete", outcome="accept")
    with pytest.raises(ConflictError):
        company.act("agent1", task["id"], "complete", outcome="accept")


def test_the_tracking_timeline_shows_stages_with_times_and_handlers(company):
    record = company.order()
    _accept(company, record["id"])
    stages = company.flows.timeline(APP, "repair_order", record["id"], "zh-CN")
    assert [s["label"] for s in stages] == ["已受理", "已派单"]
    assert stages[1]["handler"] is not None


def test_listeners_hear_of_committed_changes_only(company):
    heard: list[dict] = []
    company.flows.on_commit.append(heard.append)
    record = company.order()
    task = company.open_tasks(record["id"], "accept")[0]
    assert [h["record_id"] for h in heard] == [record["id"]]
    with pytest.raises(SubmissionError):
        company.act("agent1", task["id"], "complete", outcome="no-such-outcome")
    assert len(heard) == 1  # the refused action told nobody anything
    company.act("agent1", task["id"], "complete", outcome="accept")
    assert "task_created" in heard[-1]["kinds"] and len(heard) == 2


def _data(company, record_id: int) -> dict:
    return company.records.get(LOCAL_ADMIN, APP, "repair_order", record_id)["data"]


def test_dispatch_and_acceptance_fill_the_team_and_the_accepting_agent(company):
    record = company.order()
    _accept(company, record["id"])
    data = _data(company, record["id"])
    assert (data["accepted_by"], data["team"]) == ("agent1", "水电维修组")


def test_the_accepting_agent_corrects_the_address_and_the_description(company):
    building, _ = company.records.create(
        LOCAL_ADMIN, APP, "building", {"community": company.other_community, "name": "8栋"}
    )
    room, _ = company.records.create(LOCAL_ADMIN, APP, "room", {"building": building["id"], "room_no": "302"})
    record = company.order()
    task = company.open_tasks(record["id"], "accept")[0]
    corrected = {
        "community": company.other_community,
        "building": building["id"],
        "room": room["id"],
        "description": "卫生间天花板渗水(电话核实)",
        "urgency": "紧急",
    }
    company.act("agent1", task["id"], "complete", outcome="accept", data=corrected)
    data = _data(company, record["id"])
    assert {k: data[k] for k in corrected} == corrected


def test_a_leader_holding_a_ticket_nobody_qualified_for_transfers_it_to_a_technician(company):
    company.directory.set_on_duty("worker1", False)
    company.directory.set_on_duty("worker2", False)
    record = company.order()
    _accept(company, record["id"])
    task = company.open_tasks(record["id"], "repair")[0]
    assert task["assignee"] == "leader1" and _data(company, record["id"])["worker"] is None
    with pytest.raises(InvalidTransitionError) as looping:
        company.act("leader1", task["id"], "hand_back", comment="没人")
    assert "transfer it" in looping.value.message
    assert company.open_tasks(record["id"], "repair")[0]["id"] == task["id"]  # nothing moved
    company.act("leader1", task["id"], "transfer", to="worker3", comment="公共设施组的小张顺路")
    moved = company.open_tasks(record["id"], "repair")[0]
    assert moved["assignee"] == "worker3" and _data(company, record["id"])["worker"] == "worker3"
    _repair(company, record["id"], company.cheap_part)
    assert [t["node"] for t in company.open_tasks(record["id"])] == ["rate"]


SATURDAY_0048 = datetime(2026, 3, 6, 16, 48, tzinfo=UTC)  # Saturday 00:48 in Shanghai


@pytest.mark.parametrize("urgency", ["紧急", "非常紧急"])
def test_an_urgent_leak_at_night_on_a_saturday_runs_on_the_wall_clock(company, urgency):
    company.clock.now = SATURDAY_0048
    record = company.order(urgency=urgency, description="水管爆裂")
    _accept(company, record["id"])
    company.clock.advance(minutes=31)  # 01:19 on Saturday
    company.flows.fire_due()
    assert company.open_tasks(record["id"], "repair")[0]["assignee"] == "leader1"


def test_a_routine_ticket_at_night_on_a_saturday_is_due_in_business_hours(company):
    company.clock.now = SATURDAY_0048
    record = company.order(urgency="一般")
    _accept(company, record["id"])
    worker = company.open_tasks(record["id"], "repair")[0]["assignee"]
    company.clock.now = datetime(2026, 3, 9, 1, 29, tzinfo=UTC)  # Monday 09:29
    company.flows.fire_due()
    assert company.open_tasks(record["id"], "repair")[0]["assignee"] == worker
    company.clock.advance(minutes=2)  # Monday 09:31: thirty working minutes have passed
    company.flows.fire_due()
    assert company.open_tasks(record["id"], "repair")[0]["assignee"] == "leader1"


def _reopen(company, record_id: int) -> None:
    rate = company.open_tasks(record_id, "rate")[0]
    company.act("owner1", rate["id"], "complete", data={"fixed": False, "rating": 1})


def _finance(company, record_id: int) -> None:
    task = company.open_tasks(record_id, "finance_confirm")[0]
    company.act(task["assignee"], task["id"], "approve")


def test_a_reopen_without_new_cost_posts_no_second_receivable(company, database):
    record = company.order()
    _accept(company, record["id"])
    _repair(company, record["id"], company.cheap_part, chargeable=True)
    _finance(company, record["id"])
    _reopen(company, record["id"])
    _repair(company, record["id"], company.cheap_part)  # the same part again: nothing new to bill
    assert [t["node"] for t in company.open_tasks(record["id"])] == ["rate"]
    posted = _outbox(database, "flow.connector")
    assert [(p["data"]["amount"], p["key"]) for p in posted] == [
        (80, f"{_data(company, record['id'])['order_no']}/80.00")
    ]


def test_a_reopen_with_a_new_part_bills_only_the_new_cost_under_a_new_key(company, database):
    record = company.order()
    _accept(company, record["id"])
    _repair(company, record["id"], company.cheap_part, chargeable=True)
    _finance(company, record["id"])
    _reopen(company, record["id"])
    _repair(company, record["id"], company.cheap_part, qty=2)
    _finance(company, record["id"])
    posted = _outbox(database, "flow.connector")
    assert [p["data"]["amount"] for p in posted] == [80, 80]
    assert len({p["key"] for p in posted}) == 2
    assert _data(company, record["id"])["settled_cost"] == "160.00"


def test_a_reopened_large_repair_without_new_cost_skips_the_countersign(company):
    record = company.order()
    _accept(company, record["id"])
    _repair(company, record["id"], company.dear_part, chargeable=False)
    signers = {"engineering_head": "engineer1", "finance_head": "financehead1", "project_manager": "manager1"}
    for task in company.open_tasks(record["id"], "countersign"):
        company.act(signers[task["candidates"][0][1]], task["id"], "approve")
    _reopen(company, record["id"])
    _repair(company, record["id"], company.dear_part, chargeable=False)
    assert [t["node"] for t in company.open_tasks(record["id"])] == ["rate"]


def test_a_ticket_naming_only_its_room_is_dispatched_by_the_rooms_community(company):
    """A QR code fills only the room: the building and community follow it (derived relations), so dispatch
    by community still finds the workers who cover it."""
    record = company.order(community=None)

    assert record["data"]["community"] == company.community and record["data"]["building"] is not None
    _accept(company, record["id"])
    assert company.open_tasks(record["id"], "repair")[0]["assignee"] in {"worker1", "worker2"}
