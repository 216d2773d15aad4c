"""Process facts as SQL on SQLite and PostgreSQL: real repair tickets driven through the flow service
with a controlled clock, each fact row compared with times and durations worked out by hand.

The clock starts on Monday 2 March 2026 at 09:00 in Shanghai (01:00 UTC); the working day is
09:00-18:00 there, Monday to Friday.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from engine.flows.calendar import DEFAULT_HOURS
from engine.flows.facts import flow_facts
from engine.storage.flow_facts import business_seconds_between, instance_facts, task_facts
from engine.storage.tables import FlowEventRow
from tests.flows.conftest import Clock, Company

APP = "property_repair"
PACKAGE = json.loads((Path(__file__).parents[2] / "apps" / "property_repair.json").read_text("utf-8"))
REPAIR = flow_facts(next(f for f in PACKAGE["flows"] if f["id"] == "repair"))


def utc(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


def _at(clock: Clock, moment: datetime) -> None:
    clock.now = moment


def _facts(database, statement) -> dict:
    with database.transaction() as session:
        return {row["record_id"]: dict(row) for row in session.execute(statement).mappings()}


def _whole(seconds: float | None) -> int | None:
    """Seconds to the whole second (SQLite's julianday keeps a few microseconds of float noise)."""
    return None if seconds is None else round(seconds)


def _task(company: Company, record_id: int, node: str) -> dict:
    return company.open_tasks(record_id, node)[0]


def _reopened_ticket(company: Company) -> int:
    """Reviewed 09:10, dispatched at once, accepted 09:30, on site 10:00, done 11:00, rated 2 at 12:00
    (reopened), accepted again 12:30, done 13:00, rated 5 at 14:00: closed."""
    clock = company.clock
    record = company.order()["id"]
    _at(clock, utc(2, 1, 10))
    company.act("agent1", _task(company, record, "accept")["id"], "complete", outcome="accept")
    repair = _task(company, record, "repair")
    worker = repair["assignee"]
    _at(clock, utc(2, 1, 30))
    company.act(worker, repair["id"], "claim")
    _at(clock, utc(2, 2, 0))
    company.act(worker, repair["id"], "check_in")
    _at(clock, utc(2, 3, 0))
    company.act(worker, repair["id"], "complete", data={"result": "换阀门", "parts_used": []})
    _at(clock, utc(2, 4, 0))
    rate = _task(company, record, "rate")
    company.act("owner1", rate["id"], "complete", data={"fixed": False, "rating": 2})
    again = _task(company, record, "repair")
    _at(clock, utc(2, 4, 30))
    company.act(again["assignee"], again["id"], "claim")
    _at(clock, utc(2, 5, 0))
    company.act(again["assignee"], again["id"], "complete", data={"result": "再次更换", "parts_used": []})
    _at(clock, utc(2, 6, 0))
    company.act("owner1", _task(company, record, "rate")["id"], "complete", data={"fixed": True, "rating": 5})
    return record


def _running_ticket(company: Company) -> int:
    """Submitted 17:50 on Monday, review late (the 15-minute deadline fires at 18:06), reviewed 18:20,
    accepted by the worker 09:20 on Tuesday: still at the repair step."""
    clock = company.clock
    _at(clock, utc(2, 9, 50))
    record = company.order()["id"]
    _at(clock, utc(2, 10, 6))
    assert company.flows.fire_due() == 1
    _at(clock, utc(2, 10, 20))
    company.act("agent1", _task(company, record, "accept")["id"], "complete", outcome="accept")
    repair = _task(company, record, "repair")
    _at(clock, utc(3, 1, 20))
    company.act(repair["assignee"], repair["id"], "claim")
    return record


def test_a_reopened_closed_ticket_has_every_milestone_its_reopen_and_its_durations(company, database):
    record = _reopened_ticket(company)
    row = _facts(database, instance_facts(REPAIR, APP))[record]
    assert (row["status"], row["outcome"], row["current_node"]) == ("completed", "closed", None)
    assert (row["reopen_count"], row["deadline_misses"], row["sla_met"]) == (1, 0, 1)
    moments = {m: row[f"{m}_at"] for m in ("started", "reviewed", "dispatched", "accepted", "arrived")}
    assert moments == {
        "started": utc(2, 1),
        "reviewed": utc(2, 1, 10),
        "dispatched": utc(2, 1, 10),  # the first dispatch: the reopening's does not move it
        "accepted": utc(2, 1, 30),
        "arrived": utc(2, 2),
    }
    assert (row["completed_at"], row["closed_at"], row["ended_at"]) == (utc(2, 5), utc(2, 6), utc(2, 6))
    seconds = {
        name: (_whole(row[f"{name}_seconds"]), _whole(row[f"{name}_business_seconds"]))
        for name in ("response", "arrival", "handling", "resolution", "total")
    }
    # all of it inside Monday's working day: business time is wall-clock time
    assert seconds == {
        "response": (1800, 1800),
        "arrival": (3600, 3600),
        "handling": (12600, 12600),  # accepted 09:30 -> done the second time 13:00
        "resolution": (14400, 14400),
        "total": (18000, 18000),
    }


def test_a_running_ticket_stands_at_its_node_with_open_milestones_null_and_business_time_counted(company, database):
    record = _running_ticket(company)
    row = _facts(database, instance_facts(REPAIR, APP))[record]
    assert (row["status"], row["outcome"], row["current_node"]) == ("running", "running", "repair")
    assert (row["reopen_count"], row["deadline_misses"], row["sla_met"]) == (0, 1, None)
    assert (row["accepted_at"], row["arrived_at"], row["completed_at"], row["ended_at"]) == (
        utc(3, 1, 20),
        None,
        None,
        None,
    )
    # 17:50 Monday -> 09:20 Tuesday: 15 h 30 min on the clock, 10 + 20 working minutes
    assert (row["response_seconds"], row["response_business_seconds"]) == pytest.approx((55800, 1800), abs=0.01)
    assert [row[k] for k in ("arrival_seconds", "handling_seconds", "total_seconds", "total_business_seconds")] == [
        None,
        None,
        None,
        None,
    ]


def test_a_rejected_and_a_withdrawn_ticket_end_with_their_outcome(company, database):
    rejected = company.order()["id"]
    company.act(
        "agent1",
        _task(company, rejected, "accept")["id"],
        "complete",
        outcome="reject",
        data={"reject_reason": "重复报修"},
    )
    withdrawn = company.order()["id"]
    company.clock.advance(minutes=5)
    company.flows.withdraw(company["owner1"], company.instance_of(withdrawn)["id"])
    rows = _facts(database, instance_facts(REPAIR, APP))
    assert (rows[rejected]["status"], rows[rejected]["outcome"], rows[rejected]["dispatched_at"]) == (
        "completed",
        "rejected",
        None,
    )
    assert (rows[withdrawn]["status"], rows[withdrawn]["outcome"], rows[withdrawn]["sla_met"]) == (
        "cancelled",
        "cancelled",
        None,
    )
    assert rows[withdrawn]["total_seconds"] == pytest.approx(300, abs=0.01)
    assert rows[withdrawn]["current_node"] is None


def test_each_task_has_its_times_durations_and_whether_it_was_overdue(company, database):
    reopened = _reopened_ticket(company)
    running = _running_ticket(company)
    _at(company.clock, utc(3, 2))
    with database.transaction() as session:
        rows = [dict(r) for r in session.execute(task_facts(REPAIR, APP, company.clock.now)).mappings()]
    mine = sorted((r for r in rows if r["record_id"] == reopened), key=lambda r: r["created_at"])
    assert [(r["node"], r["status"]) for r in mine] == [
        ("accept", "completed"),
        ("repair", "completed"),
        ("rate", "completed"),
        ("repair", "completed"),
        ("rate", "completed"),
    ]
    first_repair = mine[1]
    assert (first_repair["created_at"], first_repair["claimed_at"], first_repair["completed_at"]) == (
        utc(2, 1, 10),
        utc(2, 1, 30),
        utc(2, 3),
    )
    assert (first_repair["wait_seconds"], first_repair["duration_seconds"]) == pytest.approx((1200, 6600), abs=0.01)
    assert first_repair["assignee"] in ("worker1", "worker2")
    assert [r["overdue"] for r in mine] == [0, 0, 0, 0, 0]
    accept, repair = sorted((r for r in rows if r["record_id"] == running), key=lambda r: r["created_at"])
    # the agent's review missed its 15 minutes (the deadline timer fired): overdue, though done since
    assert (accept["node"], accept["deadline_misses"], accept["overdue"]) == ("accept", 1, 1)
    assert (accept["duration_seconds"], accept["duration_business_seconds"]) == pytest.approx((1800, 600), abs=0.01)
    # open, claimed in time the next morning: no completion, no duration, not overdue
    assert (repair["status"], repair["completed_at"], repair["duration_seconds"], repair["overdue"]) == (
        "open",
        None,
        None,
        0,
    )
    assert (repair["wait_seconds"], repair["wait_business_seconds"]) == pytest.approx((54000, 1200), abs=0.01)


def test_a_task_past_its_due_moment_is_overdue_while_open_and_after(company, database):
    record = company.order()["id"]
    task = _task(company, record, "accept")
    with database.transaction() as session:  # as a node's ``due`` would have set it
        from sqlalchemy import update

        from engine.storage.flows import TASKS

        session.execute(update(TASKS).where(TASKS.c.id == task["id"]).values(due_at=utc(2, 1, 5)))
    at = {"before": utc(2, 1, 4), "after": utc(2, 1, 6)}
    found = {}
    for name, now in at.items():
        with database.transaction() as session:
            row = session.execute(task_facts(REPAIR, APP, now)).mappings().one()
            found[name] = row["overdue"]
    assert found == {"before": 0, "after": 1}


@pytest.mark.parametrize(
    ("start", "end", "working_minutes"),
    [
        (utc(2, 1), utc(2, 10), 9 * 60),  # Monday 09:00 -> 18:00
        (utc(2, 9, 50), utc(3, 1, 20), 30),  # 17:50 Monday -> 09:20 Tuesday
        (utc(6, 9, 30), utc(9, 1, 30), 30 + 30),  # Friday 17:30 -> Monday 09:30: the weekend is not counted
        (utc(7, 2), utc(8, 6), 0),  # a Saturday morning to a Sunday afternoon
        (utc(1, 16), utc(2, 0, 30), 0),  # Sunday evening -> Monday 08:30
        (utc(2, 1), utc(16, 1), 10 * 9 * 60),  # two whole working weeks
    ],
)
def test_business_seconds_in_sql_count_the_calendar_timers_use(database, start, end, working_minutes):
    statement = select(business_seconds_between(FlowEventRow.at, FlowEventRow.at).label("zero")).limit(0)
    del statement
    with database.transaction() as session:
        from sqlalchemy import literal

        moment = FlowEventRow.at.type
        got = session.scalar(select(business_seconds_between(literal(start, type_=moment), literal(end, type_=moment))))
    assert got == pytest.approx(working_minutes * 60, abs=0.01)
    # and it agrees with the deadline the timers compute: the end of that much working time
    if working_minutes:
        assert DEFAULT_HOURS.deadline(start, timedelta(minutes=working_minutes)) <= end
