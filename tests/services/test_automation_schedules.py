"""A schedule over a form's records runs its automation once per live record its ``where`` holds for."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from engine.principal import SYSTEM
from tests.services.automation_app import drain, package, runs

pytestmark = pytest.mark.storage

DAILY_CHECK = {
    "id": "daily_check",
    "trigger": {"type": "schedule", "cron": "0 * * * *", "form": "equipment", "where": "state == '在用'"},
    "actions": [
        {
            "type": "create_record",
            "form": "inspection",
            "fields": {"equipment": "event.record", "note": "'定时:' + name"},
        },
        {"type": "set_fields", "set": {"inspections": "(inspections or 0) + 1"}},
    ],
}


def _later() -> datetime:
    """Three hours ahead, ten minutes into the hour: five minutes more never reach another due moment."""
    return (datetime.now(UTC) + timedelta(hours=3)).replace(minute=10, second=0, microsecond=0)


def _equipment(services, *states):
    return [
        services.records.create(SYSTEM, "plant", "equipment", {"name": f"设备{n}", "state": state})[0]["id"]
        for n, state in enumerate(states)
    ]


def _inspections(services):
    from engine.storage.record_queries import ListQuery

    items = services.records.list_records(SYSTEM, "plant", "inspection", ListQuery.from_args({"sort": "id"}))["items"]
    return [(item["data"]["equipment"], item["data"]["note"]) for item in items]


def test_a_due_schedule_runs_once_for_each_record_its_where_holds_for(services):
    services.apps.import_package(package(DAILY_CHECK), actor="system")
    used, stopped, also_used = _equipment(services, "在用", "停用", "在用")
    drain(services)
    later = _later()

    queued = services.automations.fire_schedules(later)
    again = services.automations.fire_schedules(later + timedelta(minutes=5))
    drain(services)

    assert (queued, again) == (3, 0)  # two equipment runs and the plain hourly round
    assert _inspections(services) == [(used, "定时:设备0"), (also_used, "定时:设备2")]
    counts = [services.records.get(SYSTEM, "plant", "equipment", i)["data"]["inspections"] for i in (used, stopped)]
    assert [c and int(c) for c in counts] == [1, None]
    logged = runs(services, "daily_check")
    assert [(r["outcome"], r["record"]) for r in logged] == [
        ("done", {"form": "equipment", "id": used}),
        ("done", {"form": "equipment", "id": also_used}),
    ]
    assert logged[0]["inputs"]["event"]["type"] == "schedule"


def test_where_reads_relation_paths_and_the_deleted_records_are_left_out(services):
    stamp = {
        "id": "note_idle",
        "trigger": {
            "type": "schedule",
            "cron": "0 * * * *",
            "form": "inspection",
            "where": "equipment.state == '停用'",
        },
        "actions": [{"type": "set_fields", "set": {"note": "'设备停用:' + equipment.name"}}],
    }
    services.apps.import_package(package(stamp), actor="system")
    working, idle = _equipment(services, "在用", "停用")
    made = [
        services.records.create(SYSTEM, "plant", "inspection", {"equipment": e, "result": "正常"})[0]["id"]
        for e in (working, idle, idle)
    ]
    services.records.delete(SYSTEM, "plant", "inspection", made[2])
    drain(services)

    services.automations.fire_schedules(_later())
    drain(services)

    notes = [services.records.get(SYSTEM, "plant", "inspection", i)["data"]["note"] for i in made[:2]]
    assert notes == [None, "设备停用:设备1"]
    assert [r["record"]["id"] for r in runs(services, "note_idle")] == [made[1]]


def test_more_matching_records_than_the_limit_run_none_and_record_why(services, monkeypatch):
    monkeypatch.setattr("engine.services.automations.MAX_SCHEDULED_RECORDS", 2)
    services.apps.import_package(package(DAILY_CHECK), actor="system")
    _equipment(services, "在用", "在用", "在用")
    drain(services)

    later = _later()  # once: two readings of the clock could straddle an hour and make two due moments
    services.automations.fire_schedules(later)
    services.automations.fire_schedules(later + timedelta(minutes=5))
    drain(services)

    [failed] = runs(services, "daily_check")
    assert _inspections(services) == []
    assert (failed["outcome"], failed["record"], failed["error_code"]) == (
        "failed",
        None,
        "automation.schedule_too_many",
    )
    assert failed["error"] == (
        "not run: more than 2 records of form 'equipment' match the schedule of automation 'daily_check' "
        "(one firing runs on at most 2); narrow its 'where'"
    )


def test_a_where_that_fails_on_a_record_fails_the_firing_with_the_reason(services):
    broken = {**DAILY_CHECK, "trigger": {**DAILY_CHECK["trigger"], "where": "len(name) / (inspections or 0) > 1"}}
    services.apps.import_package(package(broken), actor="system")
    _equipment(services, "在用")
    drain(services)

    services.automations.fire_schedules(_later())
    drain(services)

    [failed] = runs(services, "daily_check")
    assert (failed["outcome"], _inspections(services)) == ("failed", [])
    assert failed["error"] == "Division by zero (line 1, column 11). Check the divisor first: a / b if b else 0."
