"""The automation designer (``builder.designers.auto.*``), the names of trigger and action types in
its palette (``builder.automation.*``) and its expression checks (``builder_checks.automation.*``).

The builder's shell embeds ``builder.designers.*`` as ``designers.*`` for the single-page app.
"""

from __future__ import annotations


def _t(zh: str, en: str) -> dict[str, str]:
    return {"zh-CN": zh, "en": en}


_TRIGGERS = {
    "record_created": _t("新建记录时", "When a record is created"),
    "record_updated": _t("修改记录时", "When a record is updated"),
    "record_deleted": _t("删除记录时", "When a record is deleted"),
    "field_changed": _t("某字段变化时", "When a field changes"),
    "flow_event": _t("流程事件发生时", "When something happens in a flow"),
    "schedule": _t("按时间计划", "On a schedule"),
}
_ACTIONS = {
    "notify": _t("发送通知", "Send a notification"),
    "set_fields": _t("设置字段", "Set fields"),
    "create_record": _t("新建记录", "Create a record"),
    "update_related": _t("更新关联记录", "Update related records"),
    "start_flow": _t("发起流程", "Start a flow"),
    "call_connector": _t("调用连接器", "Call a connector"),
}
#: the label of each key a trigger or an action takes
_KEYS = {
    "form": _t("表单", "Form"),
    "field": _t("字段", "Field"),
    "flow": _t("流程", "Flow"),
    "event": _t("事件", "Event"),
    "node": _t("节点", "Node"),
    "cron": _t("时间计划(cron:分 时 日 月 周)", "Schedule (cron: minute hour day month weekday)"),
    "where": _t("对哪些记录运行", "Which records it runs for"),
    "to": _t("通知谁", "Who is notified"),
    "message": _t("通知内容", "Message"),
    "set": _t("设置的字段", "Fields to set"),
    "fields": _t("新记录的字段", "The new record's fields"),
    "connector": _t("连接器", "Connector"),
    "operation": _t("操作", "Operation"),
    "mapping": _t("发送的数据", "Data sent"),
    "role": _t("角色", "Role"),
    "roles": _t("角色", "Roles"),
    "group": _t("组", "Group"),
    "users": _t("用户(逗号分隔)", "Users (comma separated)"),
    "leader": _t("发给组长", "To the leader"),
    "match_community": _t("按小区匹配的字段", "Field matched to the community"),
    "table": _t("派单表", "Dispatch table"),
    "when": _t("条件", "When"),
    "strategy": _t("分配方式", "Strategy"),
    "only_on_duty": _t("只派给在岗的人", "Only people on duty"),
    "fallback": _t("找不到时", "When no one is found"),
    "write": _t("写回记录的字段", "Fields written back"),
}
_RECIPIENTS = {
    "role": _t("某个角色", "A role"),
    "roles": _t("几个角色", "Several roles"),
    "group": _t("某个组", "A group"),
    "users": _t("指定用户", "Named users"),
    "field": _t("记录中某字段的人", "The person in a field of the record"),
    "submitter": _t("提交人", "The submitter"),
    "submitter_manager": _t("提交人的上级", "The submitter's manager"),
    "dispatch": _t("派单表", "A dispatch table"),
}
_FLOW_EVENTS = {
    "instance_started": _t("流程发起", "the flow started"),
    "instance_finished": _t("流程结束", "the flow finished"),
    "task_created": _t("任务生成", "a task was created"),
    "task_completed": _t("任务完成", "a task was completed"),
    "task_overdue": _t("任务超时", "a task went overdue"),
}
_OUTCOMES = {
    "done": _t("完成", "done"),
    "skipped": _t("条件不满足,跳过", "skipped (condition false)"),
    "failed": _t("失败", "failed"),
    "stopped": _t("因循环而停止", "stopped (a loop)"),
    "calling": _t("正在调用连接器", "calling a connector"),
    "queued": _t("排队中", "queued"),
}

MESSAGES: dict[str, dict[str, str]] = {
    **{f"builder.automation.trigger.{k}": v for k, v in _TRIGGERS.items()},
    **{f"builder.automation.action.{k}": v for k, v in _ACTIONS.items()},
    **{f"builder.designers.auto.key.{k}": v for k, v in _KEYS.items()},
    **{f"builder.designers.auto.to.{k}": v for k, v in _RECIPIENTS.items()},
    **{f"builder.designers.auto.enum.event.{k}": v for k, v in _FLOW_EVENTS.items()},
    **{f"builder.designers.auto.outcome.{k}": v for k, v in _OUTCOMES.items()},
    "builder.designers.auto.enum.strategy.least_loaded": _t("派给手头任务最少的人", "the least loaded person"),
    "builder.designers.auto.enum.strategy.round_robin": _t("轮流派", "round robin"),
    "builder.designers.auto.enum.fallback.group_leader": _t("派给组长", "the group's leader"),
    "builder.designers.auto.enum.fallback.none": _t("不派给任何人", "nobody"),
    "builder.designers.tab.automations": _t("自动化", "Automations"),
    "builder.designers.auto.intro": _t(
        "自动化:当某件事发生(触发),且条件成立时,执行一个或多个动作。每次运行都记在右侧的运行记录中(发布后生效)。",
        "An automation: when something happens (the trigger) and its condition holds, it does one or more "
        "actions. Every run is listed in the run log on the right (once published).",
    ),
    "builder.designers.auto.none": _t("还没有自动化。", "No automations yet."),
    "builder.designers.auto.add": _t("添加自动化", "Add an automation"),
    "builder.designers.auto.pick": _t("从左侧选择一个自动化。", "Choose an automation on the left."),
    "builder.designers.auto.enabled": _t("启用", "Enabled"),
    "builder.designers.auto.off": _t("已停用", "switched off"),
    "builder.designers.auto.remove": _t("删除此自动化", "Remove this automation"),
    "builder.designers.auto.trigger": _t("触发", "Trigger"),
    "builder.designers.auto.trigger_type": _t("何时运行", "When it runs"),
    "builder.designers.auto.condition": _t("条件(可选)", "Condition (optional)"),
    "builder.designers.auto.condition_hint": _t(
        "为空时总是运行。可读取记录的字段、当前用户,以及触发提供的修改前的值或事件。",
        "Empty: it always runs. It reads the record's fields, user, and what the trigger offers: "
        "before (the earlier values) or event.",
    ),
    "builder.designers.auto.actions": _t("动作", "Actions"),
    "builder.designers.auto.add_action": _t("添加动作……", "Add an action…"),
    "builder.designers.auto.action_n": _t("动作 {n}:{name}", "Action {n}: {name}"),
    "builder.designers.auto.needs_record": _t("(需要记录)", "(needs a record)"),
    "builder.designers.auto.add_pair": _t("添加一项", "Add one"),
    "builder.designers.auto.pair_key": _t("字段", "Field"),
    "builder.designers.auto.pair_value": _t("值(表达式)", "Value (expression)"),
    "builder.designers.auto.runs": _t("运行记录", "Run log"),
    "builder.designers.auto.runs_refresh": _t("刷新", "Refresh"),
    "builder.designers.auto.runs_none": _t("还没有运行记录。", "No runs yet."),
    "builder.designers.auto.runs_record": _t("记录 #{id}", "record #{id}"),
    "builder.designers.auto.runs_hint": _t(
        "草稿中的修改发布后才生效;这里列出已发布版本的运行。",
        "Changes in the draft take effect once published; these are the published version's runs.",
    ),
    "builder.designers.auto.new_name": _t("新自动化", "New automation"),
    "builder.designers.auto.add_row": _t("添加一行", "Add a row"),
    "builder.designers.auto.rows_hint": _t(
        "从上到下逐行判断,第一行条件成立的生效;不填条件的一行总是成立。",
        "Rows are tried from the top; the first whose condition holds applies. A row without a condition always holds.",
    ),
    "builder_checks.automation.before": _t(
        "修改前的记录(变化字段的旧值)", "the record as it was (changed fields' earlier values)"
    ),
    "builder_checks.automation.event": _t("发生的事件(类型、流程、到期时间等)", "what happened (type, flow, due …)"),
    "builder_checks.no_automation": _t(
        "“{pointer}”处没有带有效触发的自动化。", "There is no automation with a valid trigger at “{pointer}”."
    ),
}
