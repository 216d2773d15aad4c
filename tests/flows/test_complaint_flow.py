"""The complaint loop: nothing closes without the follow-up call; unhandled for 24 hours goes to the project manager."""

from __future__ import annotations

import pytest

from engine.errors import InvalidTransitionError
from engine.principal import LOCAL_ADMIN

APP = "property_repair"


@pytest.fixture
def complaint(company):
    data = {
        "owner_name": "李先生",
        "phone": "13912345678",
        "community": company.community,
        "kind": "投诉",
        "content": "电梯噪音大",
    }
    record, _ = company.records.create(company["owner1"], APP, "complaint", data)
    return record["id"]


def _open(company, record_id: int, node: str | None = None) -> list[dict]:
    ids = company.flows.instances_of(APP, "complaint", record_id)
    tasks = company.flows.instance(LOCAL_ADMIN, ids[-1])["tasks"]
    return [t for t in tasks if t["status"] == "open" and (node is None or t["node"] == node)]


def _handle(company, record_id: int, who: str = "engineer1") -> None:
    task = _open(company, record_id, "handle")[0]
    company.act(who, task["id"], "complete", data={"handling_result": "已调整电梯"})


def test_the_agent_assigns_a_department_and_its_leader_handles_it(company, complaint):
    task = _open(company, complaint, "register")[0]
    company.act("agent1", task["id"], "complete", data={"department": "工程部"})
    handle = _open(company, complaint, "handle")[0]
    assert handle["assignee"] == "engineer1"  # the leader of 工程部


def test_the_follow_up_call_is_required_before_the_owner_is_asked(company, complaint):
    company.act("agent1", _open(company, complaint, "register")[0]["id"], "complete", data={"department": "工程部"})
    _handle(company, complaint)
    follow = _open(company, complaint, "follow_up")[0]
    with pytest.raises(Exception) as missing:  # noqa: B017 - the notes and time of the call are required
        company.act("agent2", follow["id"], "complete", data={})
    assert "follow_up_result" in missing.value.field_errors
    company.act(
        "agent2",
        follow["id"],
        "complete",
        data={"follow_up_result": "业主表示已改善", "follow_up_at": "2026-03-02T10:00:00+08:00"},
    )
    assert [t["node"] for t in _open(company, complaint)] == ["feedback"]


def test_an_unsatisfied_owner_sends_it_back_and_a_satisfied_one_closes_it(company, complaint):
    company.act("agent1", _open(company, complaint, "register")[0]["id"], "complete", data={"department": "工程部"})
    for satisfied in (False, True):
        _handle(company, complaint)
        follow = _open(company, complaint, "follow_up")[0]
        call = {"follow_up_result": "已回访", "follow_up_at": "2026-03-02T10:00:00+08:00"}
        company.act("agent1", follow["id"], "complete", data=call)
        feedback = _open(company, complaint, "feedback")[0]
        company.act("owner1", feedback["id"], "complete", data={"satisfied": satisfied})
    ids = company.flows.instances_of(APP, "complaint", complaint)
    instance = company.flows.instance(LOCAL_ADMIN, ids[-1])
    assert (instance["status"], instance["end_status"]) == ("completed", "closed")
    handled = [t for t in instance["tasks"] if t["node"] == "handle"]
    assert len(handled) == 2


def test_unhandled_for_24_hours_escalates_to_the_project_manager(company, complaint):
    company.act("agent1", _open(company, complaint, "register")[0]["id"], "complete", data={"department": "工程部"})
    company.clock.advance(hours=25)
    assert company.flows.fire_due() == 1
    task = _open(company, complaint, "handle")[0]
    assert task["candidates"] == [["role", "project_manager"]]
    _handle(company, complaint, who="manager1")
    assert [t["node"] for t in _open(company, complaint)] == ["follow_up"]


def test_handling_cannot_be_skipped(company, complaint):
    task = _open(company, complaint, "register")[0]
    with pytest.raises(InvalidTransitionError):
        company.act("agent1", task["id"], "approve")
