"""The flow designer's automatic steps (service task, notify, subflow), its boundary timers (reminders,
escalations, SLA targets) and dispatch tables (``builder.designers.flow.*``, embedded for the
single-page app as ``designers.*``), and the draft's warnings about dispatch tables (``builder.warning.*``)."""

from __future__ import annotations


def _t(zh: str, en: str) -> dict[str, str]:
    return {"zh-CN": zh, "en": en}


_UNITS = {
    "Y": _t("{n} 年", "{n} year(s)"),
    "M": _t("{n} 个月", "{n} month(s)"),
    "W": _t("{n} 周", "{n} week(s)"),
    "D": _t("{n} 天", "{n} day(s)"),
    "h": _t("{n} 小时", "{n} hour(s)"),
    "m": _t("{n} 分钟", "{n} minute(s)"),
    "s": _t("{n} 秒", "{n} second(s)"),
}

MESSAGES: dict[str, dict[str, str]] = {
    **{f"builder.designers.flow.unit.{k}": v for k, v in _UNITS.items()},
    "builder.designers.flow.duration_is": _t("即 {text}", "that is {text}"),
    "builder.designers.flow.duration_bad": _t(
        "看不懂这个时长：请写成 PT15M 这样的格式。", "Not a duration: write it like PT15M."
    ),
    "builder.designers.flow.assignee.dispatch": _t("派单表", "A dispatch table"),
    "builder.designers.flow.dispatch_hint": _t(
        "按表从上到下判断，任务派给第一行条件成立的组，再按分配方式选组里的一个人。",
        "The task goes to the group of the first row whose condition holds, then to one of its people by the strategy.",
    ),
    "builder.designers.flow.timer_title": _t("超时提醒/升级", "Reminder / escalation (SLA)"),
    "builder.designers.flow.timer_hint": _t(
        "任务在这段时间内没有办完（或没有人接单）时，提醒或升级给指定的人。",
        "When the task is not done (or not taken) in time, remind or escalate to the people chosen here.",
    ),
    "builder.designers.flow.timer_to": _t("通知谁", "Who is notified"),
    "builder.designers.flow.timer_to_task": _t("任务的处理人", "The task's assignees"),
    "builder.designers.flow.timer_message": _t("提醒内容", "Message"),
    "builder.designers.flow.business_hours": _t("只计工作时间", "Count working hours only"),
    "builder.designers.flow.business_hours_when": _t("按条件计工作时间", "Working hours when"),
    "builder.designers.flow.until_claimed": _t(
        "有人接单后就不再提醒（接单时限）", "Dropped once someone takes the task (accept within)"
    ),
    "builder.designers.flow.timer_when": _t("仅在条件成立时（可选）", "Only when (optional)"),
    "builder.designers.flow.notify_to": _t("通知谁", "Who is notified"),
    "builder.designers.flow.notify_message": _t("通知内容", "Message"),
    "builder.designers.flow.subflow_flow": _t("启动的流程", "Flow started"),
    "builder.designers.flow.subflow_hint": _t(
        "在同一条记录上启动所选流程，等它结束后再继续。",
        "Starts the chosen flow on the same record and goes on once it has ended.",
    ),
    "builder.designers.flow.service_set": _t("设置字段", "Set fields"),
    "builder.designers.flow.people_search": _t("输入姓名查找", "Type a name to find them"),
    "builder.designers.flow.people_remove": _t("移除", "Remove"),
    "builder.designers.flow.due": _t("办理时限（时效目标）", "Time limit (SLA target)"),
    "builder.designers.flow.due_hint": _t(
        "这一步应在多长时间内办完：写法同超时提醒的等待时长；过了时限的任务在待办和列表里标为超时。留空表示不限时。",
        "How long this step may take, written like a reminder's wait; a task past it shows as late in inboxes"
        " and lists. Empty: no limit.",
    ),
    "builder.designers.flow.script_assign": _t("计算并写入字段", "Compute into fields"),
    "builder.designers.flow.service_call": _t("调用连接器", "Call a connector"),
    "builder.designers.flow.service_key": _t(
        "去重键（同一个键只发送一次，可选）", "Idempotency key (a key is sent once; optional)"
    ),
    "builder.designers.warnings": _t("请注意：", "Worth a look:"),
    "builder.warning.dispatch_gap": _t(
        "派单表每一行都有条件：没有一行成立时找不到处理组。可在最后加一行不填条件的兜底行。",
        "Every row of the dispatch table has a condition: when none holds, no group is found. "
        "Add a last row without a condition to catch the rest.",
    ),
    "builder.warning.dispatch_same": _t(
        "派单表第 {row} 行的条件与第 {first} 行相同：它永远不会生效。",
        "Row {row} of the dispatch table has the same condition as row {first}: it never applies.",
    ),
    "builder.warning.dispatch_unreachable": _t(
        "派单表第 {row} 行在不填条件的兜底行之后：它永远不会生效。",
        "Row {row} of the dispatch table comes after the row that catches everything: it never applies.",
    ),
}
