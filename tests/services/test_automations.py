"""Automations run: each trigger fires, each action acts, and every run is in the log with its outcome."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select, update

from engine.automations import MAX_CHAIN
from engine.expressions.dates import COMPANY_ZONE
from engine.principal import SYSTEM
from engine.storage.tables import AutomationRunRow, FlowTimerRow, NotificationRow, OutboxRow
from tests.connectors.finance_api import FinanceApi
from tests.services.automation_app import HOOK_ENV, drain, package, runs

pytestmark = pytest.mark.storage


@pytest.fixture
def plant(services):
    d = services.directory
    services.apps.import_package(package(), actor="system")
    boss = d.principal_for(d.create_user("boss", "Secret-pass-1", admin=True))
    people = {
        "sup": d.create_user("sup", "Secret-pass-1", roles=[("plant", "supervisor")]),
        "ins": d.create_user("ins", "Secret-pass-1", roles=[("plant", "inspector")]),
    }
    return services, boss, people


def _record(services, form, record_id):
    return services.records.get(SYSTEM, "plant", form, record_id)["data"]


def _inbox(services, user_id):
    return [item["message"] for item in services.notifications.list(user_id)["items"]]


def _outcomes(services, automation):
    return [(run["outcome"], run["error"]) for run in runs(services, automation)]


def test_an_inspection_stamps_its_equipment_and_a_fault_opens_a_work_order(plant):
    services, boss, people = plant
    pump, _ = services.records.create(boss, "plant", "equipment", {"name": "水泵"})
    services.records.create(boss, "plant", "inspection", {"equipment": pump["id"], "result": "正常"})
    fault, _ = services.records.create(boss, "plant", "inspection", {"equipment": pump["id"], "result": "异常"})

    drain(services)

    equipment = _record(services, "equipment", pump["id"])
    orders = services.records.list_records(SYSTEM, "plant", "work_order", _query())["items"]
    assert (equipment["last_inspected"], int(equipment["inspections"])) == (
        datetime.now(COMPANY_ZONE).date().isoformat(),
        1,
    )
    assert [(o["data"]["equipment"], o["data"]["summary"], o["created_by"]) for o in orders] == [
        (pump["id"], "巡检异常:", "system")
    ]
    assert _outcomes(services, "fault_to_order") == [("skipped", None), ("done", None)]
    assert runs(services, "fault_to_order")[1]["record"] == {"form": "inspection", "id": fault["id"]}
    history = services.records.history(SYSTEM, "plant", "equipment", pump["id"])
    assert [h["action"] for h in history][-1] == "automation:stamp_equipment"


def test_a_change_of_one_field_sets_another_with_the_earlier_value_in_before(plant):
    services, boss, people = plant
    made, _ = services.records.create(boss, "plant", "inspection", {"result": "正常"})
    services.records.update(boss, "plant", "inspection", made["id"], {"note": "看过"}, expected_version=1)
    services.records.update(boss, "plant", "inspection", made["id"], {"result": "异常"}, expected_version=2)

    drain(services)

    assert _record(services, "inspection", made["id"])["note"] == "由正常改为异常"
    [changed] = runs(services, "result_changed")
    assert (changed["outcome"], changed["inputs"]["changed"], changed["inputs"]["before"]) == (
        "done",
        ["result"],
        {"result": "正常"},
    )
    assert changed["inputs"]["user"] == boss.id


def test_updates_and_deletes_notify_the_roles_named(plant):
    services, boss, people = plant
    pump, _ = services.records.create(boss, "plant", "equipment", {"name": "水泵"})
    services.records.update(boss, "plant", "equipment", pump["id"], {"state": "停用"}, expected_version=1)
    made, _ = services.records.create(boss, "plant", "inspection", {"result": "正常"})
    services.records.delete(boss, "plant", "inspection", made["id"])

    drain(services)

    assert _inbox(services, people["sup"]) == ["巡检被删除", "设备已更新"]
    assert _outcomes(services, "inspection_deleted") == [("done", None)]


def test_a_work_order_starts_its_flow_and_every_flow_event_fires(plant):
    services, boss, people = plant
    order, _ = services.records.create(boss, "plant", "work_order", {"summary": "换泵"})
    drain(services)
    started = _record(services, "work_order", order["id"])
    [instance_id] = services.flows.instances_of("plant", "work_order", order["id"])
    [task] = services.flows.instance(boss, instance_id)["tasks"]

    with services.database.transaction() as session:
        session.execute(update(FlowTimerRow).values(due_at=datetime.now(UTC) - timedelta(minutes=1)))
    services.flows.fire_due()
    drain(services)
    late = _record(services, "work_order", order["id"])
    supervisor = services.directory.principal_for(people["sup"])
    services.flows.act(supervisor, task["id"], "claim", {})
    services.flows.act(supervisor, task["id"], "complete", {})
    drain(services)

    done = _record(services, "work_order", order["id"])
    assert started["stage"] == "started"
    assert _inbox(services, people["ins"]) == ["有维修任务"]
    assert late["stage"] == "late fix"
    assert (done["summary"], done["stage"]) == (f"done by {supervisor.id}", "finished completed")
    assert [r["inputs"]["event"]["type"] for r in runs(services) if r["trigger"] == "flow_event"] == [
        "instance_started",
        "task_created",
        "task_overdue",
        "task_completed",
        "instance_finished",
    ]


def test_a_schedule_fires_once_per_due_moment_in_the_apps_time_zone(plant):
    services, _, _ = plant
    later = (datetime.now(UTC) + timedelta(hours=3)).replace(minute=10, second=0, microsecond=0)  # mid-hour
    due = later.astimezone(ZoneInfo("Asia/Shanghai")).replace(minute=0, second=0, microsecond=0)

    first = services.automations.fire_schedules(later)
    again = services.automations.fire_schedules(later + timedelta(minutes=5))
    drain(services)

    rounds = services.records.list_records(SYSTEM, "plant", "rounds", _query())["items"]
    assert (first, again) == (1, 0)
    assert [r["data"]["due"] for r in rounds] == [due.astimezone(UTC).isoformat()]
    assert services.automations.fire_schedules(later + timedelta(hours=1)) == 1


def test_a_schedule_never_fires_for_a_moment_before_its_app_was_published(plant):
    services, _, _ = plant

    assert services.automations.fire_schedules(datetime.now(UTC) - timedelta(hours=2)) == 0


def test_automations_triggering_each_other_stop_with_the_loop_recorded(plant):
    services, boss, people = plant
    made, _ = services.records.create(boss, "plant", "counter", {"a": 1})
    services.records.update(boss, "plant", "counter", made["id"], {"a": 5}, expected_version=1)

    drain(services)

    counter = _record(services, "counter", made["id"])
    assert (int(counter["a"]), int(counter["b"])) == (6, 1)
    assert [r["outcome"] for r in runs(services, "a_bumps_b")] == ["done", "stopped"]
    stopped = runs(services, "a_bumps_b")[1]
    assert stopped["error"] == (
        f"stopped: automation 'a_bumps_b' already ran on counter:{made['id']} in this chain "
        "(a_bumps_b -> b_bumps_a); a loop"
    )
    assert stopped["inputs"]["chain"] == [
        ["a_bumps_b", f"counter:{made['id']}"],
        ["b_bumps_a", f"counter:{made['id']}"],
    ]
    assert [r["outcome"] for r in runs(services, "b_bumps_a")] == ["done"]


def test_a_chain_of_distinct_automations_stops_at_the_documented_depth(services):
    chain = [
        {
            "id": f"step_{n}",
            "trigger": {"type": "record_created", "form": "rounds" if n == 0 else "counter"},
            "condition": "True" if n == 0 else f"a == {n}",
            "actions": [{"type": "create_record", "form": "counter", "fields": {"a": str(n + 1)}}],
        }
        for n in range(MAX_CHAIN + 2)
    ]
    services.apps.import_package(package(*chain), actor="system")
    services.records.create(SYSTEM, "plant", "rounds", {"title": "起点"})

    drain(services)

    acted = [(r["automation"], r["outcome"]) for r in runs(services) if r["outcome"] != "skipped"]
    assert acted == [(f"step_{n}", "done") for n in range(MAX_CHAIN)] + [(f"step_{MAX_CHAIN}", "stopped")]
    assert runs(services, f"step_{MAX_CHAIN}")[-1]["error"] == (
        f"stopped: automation 'step_{MAX_CHAIN}' would follow {MAX_CHAIN} automations set off by one change; "
        f"at most {MAX_CHAIN} may follow one another"
    )


def test_a_connector_call_sends_the_mapping_and_finishes_the_run(services):
    call = {"type": "call_connector", "connector": "assets", "operation": "retire"}
    services.apps.import_package(
        package({"id": "retire", "trigger": {"type": "record_created", "form": "equipment"}, "actions": [call]}),
        actor="system",
    )
    services.records.create(SYSTEM, "plant", "equipment", {"name": "水泵"})

    with FinanceApi("ok") as api:
        drain(services, **{HOOK_ENV: api.url})

    [sent] = api.requests
    [run] = runs(services, "retire")
    assert (sent["body"], sent["headers"]["X-Trellis-Operation"]) == ({"name": "水泵"}, "retire")
    assert sent["headers"]["Idempotency-Key"].startswith("automation-")
    assert (run["outcome"], run["error"]) == ("done", None)


def test_a_refused_connector_call_records_a_failed_run_with_the_error(services):
    call = {"type": "call_connector", "connector": "assets", "mapping": {"what": "name + '!'"}}
    services.apps.import_package(
        package({"id": "retire", "trigger": {"type": "record_created", "form": "equipment"}, "actions": [call]}),
        actor="system",
    )
    services.records.create(SYSTEM, "plant", "equipment", {"name": "水泵"})

    with FinanceApi("500") as api:
        drain(services, **{HOOK_ENV: api.url})

    [run] = runs(services, "retire")
    assert [r["body"] for r in api.requests] == [{"what": "水泵!"}]
    assert run["outcome"] == "failed"
    assert run["error"] == f"{api.url} answered HTTP 500: internal error: ledger locked"


def test_a_run_whose_write_is_refused_fails_and_keeps_none_of_its_writes(services):
    bad = {
        "id": "bad_write",
        "trigger": {"type": "record_created", "form": "inspection"},
        "actions": [
            {"type": "create_record", "form": "rounds", "fields": {"title": "'先写的'"}},
            {"type": "set_fields", "set": {"result": "'不存在的结果'"}},
        ],
    }
    services.apps.import_package(package(bad), actor="system")
    made, _ = services.records.create(SYSTEM, "plant", "inspection", {"result": "正常"})

    drain(services)

    [run] = runs(services, "bad_write")
    assert run["outcome"] == "failed"
    assert (
        run["error"]
        == "the record has 1 problem(s); see the fields (result: 结果: '不存在的结果' is not one of the choices)"
    )
    assert services.records.count("plant", "rounds") == 0
    assert _record(services, "inspection", made["id"])["result"] == "正常"


def test_a_change_that_rolls_back_queues_no_run(plant):
    services, boss, people = plant
    app = services.records.compiled_app("plant")
    queued = []
    with pytest.raises(RuntimeError), services.database.transaction() as session:
        services.records.insert(session, app, app.form("inspection"), {"result": "正常"}, boss)
        queued.append(session.scalar(select(func.count()).select_from(OutboxRow)))
        raise RuntimeError("the change fails after its automations were queued")

    assert queued == [2]  # stamp_equipment and fault_to_order, in the change's transaction

    with services.database.transaction() as session:
        assert session.scalar(select(func.count()).select_from(OutboxRow)) == 0
        assert session.scalar(select(func.count()).select_from(AutomationRunRow)) == 0
        assert session.scalar(select(func.count()).select_from(NotificationRow)) == 0


def test_a_disabled_automation_never_runs(services):
    quiet = {
        "id": "quiet",
        "enabled": False,
        "trigger": {"type": "record_created", "form": "rounds"},
        "actions": [{"type": "set_fields", "set": {"title": "'changed'"}}],
    }
    services.apps.import_package(package(quiet), actor="system")
    made, _ = services.records.create(SYSTEM, "plant", "rounds", {"title": "原样"})

    drain(services)

    assert (_record(services, "rounds", made["id"])["title"], runs(services, "quiet")) == ("原样", [])


def _query():
    from engine.storage.record_queries import ListQuery

    return ListQuery.from_args({"sort": "id"})
