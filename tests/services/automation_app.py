"""An equipment-inspection app whose automations use every trigger and action type (shared by the tests)."""

from __future__ import annotations

import copy
from typing import Any

from engine.storage.automations import TOPIC
from engine.storage.outbox import Outbox, RetryPolicy

HOOK_ENV = "TRELLIS_APP_TEST_HOOK_URL"

PACKAGE: dict[str, Any] = {
    "format": "trellis.app/1",
    "id": "plant",
    "version": "1.0.0",
    "name": "设备巡检",
    "time_zone": "Asia/Shanghai",
    "roles": [{"id": "supervisor", "name": "主管"}, {"id": "inspector", "name": "巡检员"}],
    "forms": [
        {
            "id": "equipment",
            "name": "设备",
            "fields": [
                {"id": "name", "type": "text", "label": "名称"},
                {"id": "state", "type": "select", "label": "状态", "options": [{"value": "在用"}, {"value": "停用"}]},
                {"id": "last_inspected", "type": "date", "label": "上次巡检", "read_only": True},
                {"id": "inspections", "type": "number", "label": "巡检次数", "precision": 0},
            ],
        },
        {
            "id": "inspection",
            "name": "巡检",
            "fields": [
                {"id": "equipment", "type": "relation", "target": "equipment", "label": "设备"},
                {"id": "result", "type": "select", "label": "结果", "options": [{"value": "正常"}, {"value": "异常"}]},
                {"id": "note", "type": "text", "label": "说明"},
            ],
        },
        {
            "id": "work_order",
            "name": "维修单",
            "fields": [
                {"id": "equipment", "type": "relation", "target": "equipment", "label": "设备"},
                {"id": "summary", "type": "text", "label": "摘要"},
                {"id": "stage", "type": "text", "label": "进度"},
            ],
        },
        {
            "id": "rounds",
            "name": "巡检轮次",
            "fields": [
                {"id": "title", "type": "text", "label": "标题"},
                {"id": "due", "type": "text", "label": "时刻"},
            ],
        },
        {
            "id": "counter",
            "name": "计数",
            "fields": [
                {"id": "a", "type": "number", "label": "A", "precision": 0},
                {"id": "b", "type": "number", "label": "B", "precision": 0},
            ],
        },
    ],
    "flows": [
        {
            "id": "repair",
            "name": "维修",
            "form": "work_order",
            "start_on": "manual",
            "nodes": [
                {"id": "start", "type": "start"},
                {
                    "id": "fix",
                    "type": "user_task",
                    "assignee": {"type": "role", "role": "supervisor"},
                    "timers": [{"id": "late", "after": "PT1H", "action": "notify"}],
                },
                {"id": "end", "type": "end"},
            ],
            "edges": [
                {"id": "e1", "source": "start", "target": "fix"},
                {"id": "e2", "source": "fix", "target": "end"},
            ],
        }
    ],
    "automations": [
        {
            "id": "stamp_equipment",
            "trigger": {"type": "record_created", "form": "inspection"},
            "actions": [
                {
                    "type": "update_related",
                    "field": "equipment",
                    "set": {"last_inspected": "today()", "inspections": "1"},
                }
            ],
        },
        {
            "id": "fault_to_order",
            "trigger": {"type": "record_created", "form": "inspection"},
            "condition": "result == '异常'",
            "actions": [
                {
                    "type": "create_record",
                    "form": "work_order",
                    "fields": {"equipment": "equipment", "summary": "'巡检异常:' + (note or '')"},
                }
            ],
        },
        {
            "id": "result_changed",
            "trigger": {"type": "field_changed", "form": "inspection", "field": "result"},
            "actions": [{"type": "set_fields", "set": {"note": "'由' + before.result + '改为' + result"}}],
        },
        {
            "id": "equipment_touched",
            "trigger": {"type": "record_updated", "form": "equipment"},
            "actions": [{"type": "notify", "to": {"type": "role", "role": "supervisor"}, "message": "设备已更新"}],
        },
        {
            "id": "inspection_deleted",
            "trigger": {"type": "record_deleted", "form": "inspection"},
            "actions": [{"type": "notify", "to": {"type": "role", "role": "supervisor"}, "message": "巡检被删除"}],
        },
        {
            "id": "order_starts_repair",
            "trigger": {"type": "record_created", "form": "work_order"},
            "actions": [{"type": "start_flow", "flow": "repair"}],
        },
        {
            "id": "repair_started",
            "trigger": {"type": "flow_event", "flow": "repair", "event": "instance_started"},
            "actions": [{"type": "set_fields", "set": {"stage": "'started'"}}],
        },
        {
            "id": "repair_task",
            "trigger": {"type": "flow_event", "flow": "repair", "event": "task_created", "node": "fix"},
            "actions": [{"type": "notify", "to": {"type": "role", "role": "inspector"}, "message": "有维修任务"}],
        },
        {
            "id": "repair_late",
            "trigger": {"type": "flow_event", "flow": "repair", "event": "task_overdue"},
            "actions": [{"type": "set_fields", "set": {"stage": "'late ' + event.node"}}],
        },
        {
            "id": "repair_done",
            "trigger": {"type": "flow_event", "flow": "repair", "event": "task_completed"},
            "actions": [{"type": "set_fields", "set": {"summary": "'done by ' + user.id"}}],
        },
        {
            "id": "repair_finished",
            "trigger": {"type": "flow_event", "flow": "repair", "event": "instance_finished"},
            "actions": [{"type": "set_fields", "set": {"stage": "'finished ' + event.status"}}],
        },
        {
            "id": "hourly_round",
            "trigger": {"type": "schedule", "cron": "0 * * * *"},
            "actions": [{"type": "create_record", "form": "rounds", "fields": {"title": "'巡检'", "due": "event.due"}}],
        },
        {
            "id": "a_bumps_b",
            "trigger": {"type": "field_changed", "form": "counter", "field": "a"},
            "actions": [{"type": "set_fields", "set": {"b": "(b or 0) + 1"}}],
        },
        {
            "id": "b_bumps_a",
            "trigger": {"type": "field_changed", "form": "counter", "field": "b"},
            "actions": [{"type": "set_fields", "set": {"a": "(a or 0) + 1"}}],
        },
    ],
    "connectors": [
        {
            "id": "assets",
            "type": "webhook",
            "config": {"url": "{{env.TRELLIS_APP_TEST_HOOK_URL}}", "max_attempts": 1, "timeout_seconds": 5},
            "mapping": {"name": "name"},
        }
    ],
}


def package(*extra: dict[str, Any]) -> dict[str, Any]:
    """The app, with more automations when a test needs them."""
    document = copy.deepcopy(PACKAGE)
    document["automations"].extend(copy.deepcopy(list(extra)))
    return document


def outbox(services: Any, **environ: str) -> Outbox:
    """The worker's outbox for these services (automation runs included), retrying at once."""
    return Outbox(
        services.database,
        catalog=services.catalog,
        environ=environ,
        retry=RetryPolicy(base_seconds=0, cap_seconds=0),
        handlers={TOPIC: services.automations.topic()},
    )


def drain(services: Any, **environ: str) -> None:
    """Deliver every queued item, and what delivering them queues, until nothing is left."""
    box = outbox(services, **environ)
    for _ in range(20):
        if not sum(box.run(100).values()):
            return
    raise AssertionError("the outbox never emptied: automations keep triggering one another")


def runs(services: Any, automation: str | None = None) -> list[dict[str, Any]]:
    from engine.principal import LOCAL_ADMIN

    found = services.automations.runs(LOCAL_ADMIN, "plant", automation=automation, limit=200, locale="en")
    return list(reversed(found["items"]))  # oldest first
