"""Refusals and words of the flow use cases and the flow API (services/flows.py, web/api_flows.py)."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    # finding things
    "flow_service.no_flow": {
        "en": "app '{app_id}' has no flow '{flow_id}'",
        "zh-CN": "应用“{app_id}”中没有流程“{flow_id}”",
    },
    "flow_service.no_task": {"en": "there is no task {task_id}", "zh-CN": "任务 {task_id} 不存在"},
    "flow_service.no_instance": {
        "en": "there is no flow instance {instance_id}",
        "zh-CN": "流程实例 {instance_id} 不存在",
    },
    "flow_service.no_action": {
        "en": "there is no task action '{action}'; use one of: {known}",
        "zh-CN": "没有任务操作“{action}”;可用的操作:{known}",
    },
    "flow_service.no_inbox": {
        "en": "there is no inbox '{box}'; use mine, groups or done",
        "zh-CN": "没有任务列表“{box}”;请使用“mine”、“groups”或“done”",
    },
    # who may
    "flow_service.scope": {
        "en": "this API token may not act on tasks or flows: it needs the scope app:{app_id}:write",
        "zh-CN": "此 API 令牌不能处理任务或流程:需要权限范围 app:{app_id}:write",
    },
    "flow_service.sign_in": {
        "en": "sign in to see and work on tasks",
        "zh-CN": "请先登录,再查看和处理任务",
    },
    # someone else was first
    "flow_service.already_running": {
        "en": "'{flow}' is already running on this record",
        "zh-CN": "此记录上的“{flow}”已在进行中",
    },
    "flow_service.task_changed": {
        "en": "this task changed meanwhile (now version {version}); reload it",
        "zh-CN": "此任务已被修改(当前版本 {version}),请刷新后再试",
    },
    "flow_service.moved_on": {
        "en": "this record moved on at the same moment; reload it and try again",
        "zh-CN": "记录刚刚已有变化,请刷新后再试",
    },
    # what a request carries
    "flow_service.not_text": {"en": "{name} must be text", "zh-CN": "{name} 必须是文本"},
    "flow_service.too_long": {
        "en": "{name} is longer than {limit} characters",
        "zh-CN": "{name} 超过 {limit} 个字符",
    },
    "flow_service.at_most": {"en": "at most {limit} characters", "zh-CN": "最多 {limit} 个字符"},
    "flow_service.required": {"en": "{name} is required", "zh-CN": "请填写 {name}"},
    "flow_service.no_user": {
        "en": "there is no active user '{ref}'",
        "zh-CN": "没有在职用户“{ref}”",
    },
    "flow_service.data_not_object": {
        "en": "data must be an object of field values",
        "zh-CN": "“data”必须是字段值组成的对象",
    },
    "flow_service.send_object": {
        "en": 'send an object: {{"field": value}}',
        "zh-CN": '请发送对象:{{"字段": 值}}',
    },
    "flow_service.not_editable": {
        "en": "{label}: not editable at this step",
        "zh-CN": "{label}:此步骤不可修改",
    },
    "flow_service.fields_refused": {
        "en": "{count} field(s) cannot be changed at this step",
        "zh-CN": "此步骤有 {count} 个字段不可修改",
    },
    "flow_service.json_object": {"en": "send a JSON object", "zh-CN": "请发送 JSON 对象"},
    "flow_service.record_number": {
        "en": "record_id must be a record's number",
        "zh-CN": "“record_id”必须是记录编号",
    },
    "flow_service.a_record_number": {"en": "a record's number", "zh-CN": "记录编号"},
    "flow_service.notification_ids": {
        "en": "ids must be a list of notification numbers",
        "zh-CN": "“ids”必须是通知编号的列表",
    },
    "flow_service.notification_ids_limit": {
        "en": "ids must be a list of up to 500 notification numbers",
        "zh-CN": "“ids”必须是最多 500 个通知编号的列表",
    },
    "flow_service.a_list_of_numbers": {"en": "a list of numbers", "zh-CN": "编号列表"},
    # how a flow ended, on the owner's timeline
    "flow_service.ended.rejected": {"en": "Rejected", "zh-CN": "已驳回"},
    "flow_service.ended.withdrawn": {"en": "Withdrawn", "zh-CN": "已撤回"},
    "flow_service.ended.cancelled": {"en": "Cancelled", "zh-CN": "已取消"},
    # a new round of work on the owner's timeline, when the flow's tracking block names no word for it
    "flow_service.rework": {"en": "Reopened", "zh-CN": "重新处理"},
    # trellis flows migrate
    "flow_service.cli.map_usage": {
        "en": "trellis: --map takes OLD=NEW, got {pair}",
        "zh-CN": "trellis:“--map”的格式是“旧节点=新节点”,收到的是 {pair}",
    },
    "flow_service.cli.refused": {"en": "refused: {problem}", "zh-CN": "拒绝:{problem}"},
    "flow_service.cli.instance": {
        "en": "instance {instance} (record {record_id}): {moves}",
        "zh-CN": "实例 {instance}(记录 {record_id}):{moves}",
    },
    "flow_service.cli.no_tokens": {"en": "(no tokens)", "zh-CN": "(没有令牌)"},
    "flow_service.cli.timers_dropped": {"en": "; timers dropped: {timers}", "zh-CN": ";丢弃的定时器:{timers}"},
    "flow_service.cli.nothing_moved": {
        "en": "nothing moved: fix the map and try again ({count} instance(s) checked)",
        "zh-CN": "没有迁移任何实例:请修正映射后重试(已检查 {count} 个实例)",
    },
    "flow_service.cli.moved": {
        "en": "{count} instance(s) moved from version {old} to {new}",
        "zh-CN": "已将 {count} 个实例从版本 {old} 迁移到版本 {new}",
    },
    "flow_service.cli.would_move": {
        "en": "{count} instance(s) would move (dry run; add --apply to carry it out) from version {old} to {new}",
        "zh-CN": "将有 {count} 个实例从版本 {old} 迁移到版本 {new}(试运行;加“--apply”才会执行)",
    },
}
