"""Automations: definition problems, why a run stopped or failed, and the run log's API refusals."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    # definitions
    "automation.bad_cron": {
        "en": "'{cron}' is not a cron schedule; write five parts: minute hour day month weekday ('0 8 * * 1')",
        "zh-CN": "“{cron}”不是有效的定时规则;请写五段:分 时 日 月 星期(如“0 8 * * 1”)",
    },
    "automation.needs_record": {
        "en": "a '{action}' action needs the record that triggered the automation; a '{trigger}' trigger has none "
        "(a schedule runs on records when it names their 'form')",
        "zh-CN": "“{action}”动作需要触发自动化的那条记录,而“{trigger}”触发器没有记录"
        "(定时触发写明“form”时才逐条记录运行)",
    },
    "automation.not_a_relation": {
        "en": "'{field}' is not a relation field, so it points at no record to update",
        "zh-CN": "“{field}”不是关联字段,没有可以更新的关联记录",
    },
    "automation.flow_other_form": {
        "en": "flow '{flow}' runs on another form than '{form}', the form of the triggering record",
        "zh-CN": "流程“{flow}”不是在表单“{form}”(触发记录所在表单)上运行的",
    },
    "package.unknown_time_zone": {
        "en": "unknown time zone '{zone}'; use an IANA name such as 'Asia/Shanghai'",
        "zh-CN": "未知的时区“{zone}”;请使用标准时区名,如“Asia/Shanghai”",
    },
    # runs
    "automation.loop_repeated": {
        "en": "stopped: automation '{automation}' already ran on {record} in this chain ({path}); a loop",
        "zh-CN": "已停止:自动化“{automation}”在这一串触发中已对 {record} 运行过({path}),形成循环",
    },
    "automation.loop_too_deep": {
        "en": "stopped: automation '{automation}' would follow {depth} automations set off by one change; "
        "at most {limit} may follow one another",
        "zh-CN": "已停止:自动化“{automation}”前面已有同一次变更连续触发的 {depth} 个自动化,最多允许连续 {limit} 个",
    },
    "automation.schedule_too_many": {
        "en": "not run: more than {limit} records of form '{form}' match the schedule of automation '{automation}' "
        "(one firing runs on at most {limit}); narrow its 'where'",
        "zh-CN": "未运行:表单“{form}”中符合自动化“{automation}”定时条件的记录超过 {limit} 条"
        "(每次最多对 {limit} 条运行);请收窄“where”条件",
    },
    "automation.gone": {
        "en": "automation '{automation}' is not in version {version} of app '{app}'",
        "zh-CN": "应用“{app}”的第 {version} 版中没有自动化“{automation}”",
    },
    "automation.crashed": {
        "en": "the automation broke off: {reason}",
        "zh-CN": "自动化运行中断:{reason}",
    },
    # the run log over the API
    "automation.runs.admin_only": {
        "en": "only administrators and the builders of app '{app}' may read its automation runs",
        "zh-CN": "只有管理员和应用“{app}”的搭建者可以查看它的自动化运行记录",
    },
    "automation.runs.bad_limit": {
        "en": "'limit' must be a whole number from 1 to {most}, not '{value}'",
        "zh-CN": "“limit”必须是 1 到 {most} 之间的整数,而不是“{value}”",
    },
    "automation.runs.bad_cursor": {
        "en": "'cursor' must be the next_cursor of an earlier page, not '{value}'",
        "zh-CN": "“cursor”必须是上一页返回的 next_cursor,而不是“{value}”",
    },
    "automation.runs.bad_automation": {
        "en": "'automation' must be an automation id (letters, digits, underscores), not '{value}'",
        "zh-CN": "“automation”必须是自动化的标识(字母、数字、下划线),而不是“{value}”",
    },
}
