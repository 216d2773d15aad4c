"""The designer's helpers: expression checks and completions, form preview, view as a role (``builder_checks.*``)."""

from __future__ import annotations


def _t(en: str, zh: str) -> dict[str, str]:
    return {"en": en, "zh-CN": zh}


#: one line per function of the expression language, shown beside its completion
FUNCTIONS: dict[str, dict[str, str]] = {
    "builder_checks.function.abs": _t("the value without its sign", "去掉正负号后的数值"),
    "builder_checks.function.add_days": _t("the date a number of days later", "若干天之后的日期"),
    "builder_checks.function.add_hours": _t("the moment a number of hours later", "若干小时之后的时刻"),
    "builder_checks.function.all": _t("true when every value is true", "所有值都为真时为真"),
    "builder_checks.function.any": _t("true when at least one value is true", "至少一个值为真时为真"),
    "builder_checks.function.bool": _t("the value as yes or no", "把值转换为是或否"),
    "builder_checks.function.coalesce": _t("the first value that is not empty", "第一个非空的值"),
    "builder_checks.function.contains": _t("whether a text or list holds a part", "文本或列表是否包含某部分"),
    "builder_checks.function.days_between": _t("whole days from one date to another", "两个日期之间相差的天数"),
    "builder_checks.function.duration": _t("a length of time written as text", "把文本写法的时长转换为时长"),
    "builder_checks.function.endswith": _t("whether a text ends with a suffix", "文本是否以某后缀结尾"),
    "builder_checks.function.float": _t("the value as a number with decimals", "把值转换为小数"),
    "builder_checks.function.hours_between": _t("hours from one moment to another", "两个时刻之间相差的小时数"),
    "builder_checks.function.int": _t("the value as a whole number", "把值转换为整数"),
    "builder_checks.function.len": _t("how many characters or items", "字符或项目的个数"),
    "builder_checks.function.lower": _t("the text in small letters", "把文本中的字母转为小写"),
    "builder_checks.function.matches": _t("whether a text fits a pattern", "文本是否符合某个模式"),
    "builder_checks.function.max": _t("the largest of the values", "各值中最大的一个"),
    "builder_checks.function.min": _t("the smallest of the values", "各值中最小的一个"),
    "builder_checks.function.now": _t("the current moment", "当前时刻"),
    "builder_checks.function.range": _t("the whole numbers from one bound to another", "从起点到终点的整数序列"),
    "builder_checks.function.round": _t("the number rounded to some decimals", "按指定小数位四舍五入"),
    "builder_checks.function.sorted": _t("the items in order", "按顺序排列的项目"),
    "builder_checks.function.startswith": _t("whether a text begins with a prefix", "文本是否以某前缀开头"),
    "builder_checks.function.str": _t("the value as text", "把值转换为文本"),
    "builder_checks.function.strip": _t("the text without spaces at its ends", "去掉文本两端的空白"),
    "builder_checks.function.sum": _t("the total of the values", "各值之和"),
    "builder_checks.function.today": _t("today's date in the company's time zone", "公司所在时区的今天日期"),
    "builder_checks.function.upper": _t("the text in capital letters", "把文本中的字母转为大写"),
    "builder_checks.function.related_count": _t(
        "how many records of another form point at this one", "另一表单中指向本记录的记录条数"
    ),
    "builder_checks.function.related_sum": _t(
        "the total of a field over the records pointing at this one", "指向本记录的记录中某字段之和"
    ),
    "builder_checks.function.related_max": _t(
        "the largest value of a field over the records pointing at this one", "指向本记录的记录中某字段的最大值"
    ),
    "builder_checks.function.related_min": _t(
        "the smallest value of a field over the records pointing at this one", "指向本记录的记录中某字段的最小值"
    ),
}

#: what the acting person and a record's system columns offer, beside their completions
NAMES: dict[str, dict[str, str]] = {
    "builder_checks.user": _t("the person acting", "当前操作的人"),
    "builder_checks.user.id": _t("the person themself", "当前人员本人"),
    "builder_checks.user.name": _t("the person's name", "当前人员的姓名"),
    "builder_checks.user.groups": _t("the groups the person belongs to", "当前人员所属的组"),
    "builder_checks.user.communities": _t("the communities the person covers", "当前人员负责的小区"),
    "builder_checks.system.id": _t("the record's number", "记录编号"),
    "builder_checks.system.created_at": _t("when the record was created", "记录的创建时间"),
    "builder_checks.system.updated_at": _t("when the record was last changed", "记录的最后修改时间"),
    "builder_checks.system.created_by": _t("who created the record", "记录的创建人"),
    "builder_checks.system.updated_by": _t("who last changed the record", "记录的最后修改人"),
    "builder_checks.system_label.id": _t("Number", "编号"),
    "builder_checks.system_label.created_at": _t("Created at", "创建时间"),
    "builder_checks.system_label.updated_at": _t("Updated at", "修改时间"),
    "builder_checks.system_label.created_by": _t("Created by", "创建人"),
    "builder_checks.system_label.updated_by": _t("Updated by", "修改人"),
    "builder_checks.flow.outcome": _t("the decision of the step just done", "刚完成步骤的处理结果"),
    "builder_checks.flow.instance": _t("the running flow", "正在运行的流程"),
    "builder_checks.path_detail": _t("{label} · {form}", "{label} · {form}"),
}

#: a row rule in words, for "view as role"
ROWS: dict[str, dict[str, str]] = {
    "builder_checks.rows_all": _t("every record", "全部记录"),
    "builder_checks.rows_where": _t("the records where {rule}", "满足“{rule}”的记录"),
    "builder_checks.rows.all": _t("every record", "全部记录"),
    "builder_checks.rows.none": _t("no record", "没有记录"),
    "builder_checks.rows.eq": _t("{field} is {value}", "{field}等于{value}"),
    "builder_checks.rows.ne": _t("{field} is not {value}", "{field}不等于{value}"),
    "builder_checks.rows.lt": _t("{field} is before or below {value}", "{field}小于{value}"),
    "builder_checks.rows.le": _t("{field} is at most {value}", "{field}不大于{value}"),
    "builder_checks.rows.gt": _t("{field} is after or above {value}", "{field}大于{value}"),
    "builder_checks.rows.ge": _t("{field} is at least {value}", "{field}不小于{value}"),
    "builder_checks.rows.in": _t("{field} is one of {value}", "{field}属于{value}"),
    "builder_checks.rows.not_in": _t("{field} is none of {value}", "{field}不属于{value}"),
    "builder_checks.rows.is_true": _t("{field} is ticked", "{field}已勾选"),
    "builder_checks.rows.not_true": _t("{field} is not ticked", "{field}未勾选"),
    "builder_checks.rows.not": _t("not ({rule})", "并非（{rule}）"),
    "builder_checks.rows.and": _t(" and ", "并且"),
    "builder_checks.rows.or": _t(" or ", "或者"),
    "builder_checks.rows.user.id": _t("the viewer themself", "查看者本人"),
    "builder_checks.rows.user.name": _t("the viewer's name", "查看者的姓名"),
    "builder_checks.rows.user.groups": _t("the viewer's groups", "查看者所属的组"),
    "builder_checks.rows.user.communities": _t("the viewer's communities", "查看者负责的小区"),
    "builder_checks.rows.clock.now": _t("now", "当前时刻"),
    "builder_checks.rows.clock.today": _t("today", "今天"),
    "builder_checks.rows.clock.day_start": _t("today", "今天"),
}

MESSAGES: dict[str, dict[str, str]] = {
    **FUNCTIONS,
    **NAMES,
    **ROWS,
    "builder_checks.no_form": _t("There is no form “{form}” in this app.", "此应用中没有表单“{form}”。"),
    "builder_checks.no_table": _t("Form “{form}” has no sub-table “{table}”.", "表单“{form}”中没有子表“{table}”。"),
    "builder_checks.no_role": _t("There is no role “{role}” in this app.", "此应用中没有角色“{role}”。"),
    "builder_checks.no_holder": _t(
        "That person does not hold role “{role}” in this app (or is no longer active).",
        "此人在本应用中没有角色“{role}”（或已停用）。",
    ),
    "builder_checks.forms_unreadable": _t(
        "The draft's forms cannot be read yet; fix the problems listed first.",
        "草稿中的表单暂时无法读取，请先修正列出的问题。",
    ),
    "builder_checks.not_visible": _t(
        "Role “{role}” does not see this record: its row rule leaves it out.",
        "角色“{role}”看不到这条记录：行规则把它排除了。",
    ),
    "builder_checks.cannot_read": _t(
        "Role “{role}” may not read the records of this form.", "角色“{role}”无权查看此表单的记录。"
    ),
    "builder_checks.no_record": _t(
        "There is no record {id} in the published form “{form}”.", "已发布的表单“{form}”中没有编号为{id}的记录。"
    ),
    "builder_checks.path_unknown": _t(
        "The draft reads “{path}” through fields the published version does not have yet; publish to see it.",
        "草稿读取的“{path}”经过已发布版本中还没有的字段，发布后才能预览。",
    ),
}
