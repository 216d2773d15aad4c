"""The builder's views, navigation and permissions designers (``builder.designers.*``).

The builder's shell embeds these next to ``builder.ui.*`` as ``designers.*`` (the single-page app
fills in ``{name}`` parameters).
"""

from __future__ import annotations

_ACTIONS = {
    "create": ("新建", "Create", "建"),
    "read": ("查看", "Read", "看"),
    "update": ("修改", "Update", "改"),
    "delete": ("删除", "Delete", "删"),
    "export": ("导出", "Export", "导"),
}
_OPERATORS = {
    "==": ("等于", "equals"),
    "!=": ("不等于", "is not"),
    "in": ("属于", "is one of"),
    "not_in": ("不属于", "is none of"),
    "<": ("小于", "is less than"),
    "<=": ("不大于", "is at most"),
    ">": ("大于", "is greater than"),
    ">=": ("不小于", "is at least"),
}
_FILTER_OPERATORS = {
    "eq": ("等于", "equals"),
    "ne": ("不等于", "is not"),
    "lt": ("小于", "less than"),
    "le": ("不大于", "at most"),
    "gt": ("大于", "greater than"),
    "ge": ("不小于", "at least"),
    "in": ("属于（逗号分隔）", "one of (comma separated)"),
    "notin": ("不属于（逗号分隔）", "none of (comma separated)"),
    "contains": ("包含", "contains"),
    "isnull": ("为空", "is empty"),
}

MESSAGES: dict[str, dict[str, str]] = {
    "builder.designers.tab.views": {"zh-CN": "列表视图与公开页", "en": "Views and public pages"},
    "builder.designers.tab.navigation": {"zh-CN": "导航菜单", "en": "Navigation"},
    "builder.designers.tab.permissions": {"zh-CN": "权限", "en": "Permissions"},
    "builder.designers.add": {"zh-CN": "添加", "en": "Add"},
    "builder.designers.field": {"zh-CN": "字段", "en": "Field"},
    "builder.designers.form": {"zh-CN": "表单", "en": "Form"},
    "builder.designers.id": {"zh-CN": "标识", "en": "Id"},
    "builder.designers.name": {"zh-CN": "名称", "en": "Name"},
    "builder.designers.role": {"zh-CN": "角色", "en": "Role"},
    "builder.designers.roles": {"zh-CN": "可见角色", "en": "Roles"},
    "builder.designers.role_add": {"zh-CN": "新增角色", "en": "Add a role"},
    "builder.designers.no_forms": {"zh-CN": "这个应用还没有表单。", "en": "This app has no form yet."},
    "builder.designers.system.created_at": {"zh-CN": "创建时间", "en": "Created at"},
    "builder.designers.system.updated_at": {"zh-CN": "更新时间", "en": "Updated at"},
    # views
    "builder.designers.view.list": {"zh-CN": "列表视图", "en": "List views"},
    "builder.designers.view.none": {"zh-CN": "这个表单还没有列表视图。", "en": "This form has no list view yet."},
    "builder.designers.view.new_id": {"zh-CN": "新视图标识", "en": "New view id"},
    "builder.designers.view.add": {"zh-CN": "添加视图", "en": "Add view"},
    "builder.designers.view.columns": {"zh-CN": "列", "en": "Columns"},
    "builder.designers.view.add_column": {"zh-CN": "添加列", "en": "Add a column"},
    "builder.designers.view.sort": {"zh-CN": "排序", "en": "Sort by"},
    "builder.designers.view.descending": {"zh-CN": "倒序", "en": "Descending"},
    "builder.designers.view.filters": {"zh-CN": "固定筛选", "en": "Fixed filters"},
    "builder.designers.view.add_filter": {"zh-CN": "添加筛选", "en": "Add a filter"},
    "builder.designers.view.filters_hint": {
        "zh-CN": "查看者可以再加筛选，但不能去掉这些；值填 {me} 表示当前用户。",
        "en": "Viewers may add filters but not remove these; the value {me} means the person viewing.",
    },
    "builder.designers.view.roles_hint": {
        "zh-CN": "都不勾选：所有能查看该表单的角色都能看到这个视图。",
        "en": "None ticked: every role that may read the form is offered the view.",
    },
    "builder.designers.view.preview_live": {
        "zh-CN": "（已发布版本的真实数据）",
        "en": "(real records of the published version)",
    },
    "builder.designers.view.preview_heads": {
        "zh-CN": "（发布后显示真实数据）",
        "en": "(real records show once published)",
    },
    # public pages
    "builder.designers.public.title": {"zh-CN": "公开页", "en": "Public page"},
    "builder.designers.public.enabled": {
        "zh-CN": "开放公开链接（无需账号即可提交）",
        "en": "Open a public link (submit without an account)",
    },
    "builder.designers.public.link": {"zh-CN": "公开链接：", "en": "Public link:"},
    "builder.designers.public.fields": {"zh-CN": "公开填写", "en": "On the public form"},
    "builder.designers.public.prefill": {"zh-CN": "可由链接预填", "en": "Prefilled from the link"},
    "builder.designers.public.rate_limit": {"zh-CN": "每分钟提交上限", "en": "Submissions per minute"},
    "builder.designers.public.tracking": {"zh-CN": "进度查询页（流程“{flow}”）", "en": "Tracking page (flow “{flow}”)"},
    "builder.designers.public.name_field": {"zh-CN": "提交人姓名字段", "en": "Submitter's name field"},
    "builder.designers.public.outcome_fields": {"zh-CN": "向提交人展示的结果字段", "en": "Outcome fields shown"},
    # navigation
    "builder.designers.nav.add": {"zh-CN": "添加菜单项", "en": "Add an entry"},
    "builder.designers.nav.entry": {"zh-CN": "菜单项", "en": "Entry"},
    "builder.designers.nav.group": {"zh-CN": "分组", "en": "Group"},
    "builder.designers.nav.label": {"zh-CN": "显示名称", "en": "Label"},
    "builder.designers.nav.opens": {"zh-CN": "打开", "en": "Opens"},
    "builder.designers.nav.target": {"zh-CN": "目标", "en": "Target"},
    "builder.designers.nav.in_group": {"zh-CN": "所在分组", "en": "In group"},
    "builder.designers.nav.top_level": {"zh-CN": "（顶层）", "en": "(top level)"},
    "builder.designers.nav.make_group": {"zh-CN": "建成分组", "en": "Make a group of it"},
    "builder.designers.nav.select": {"zh-CN": "选择左侧的菜单项来编辑。", "en": "Pick an entry to edit it."},
    "builder.designers.nav.every_role": {"zh-CN": "所有角色", "en": "Every role"},
    "builder.designers.nav.roles_hint": {
        "zh-CN": "都不勾选：所有角色（仍按权限决定能否打开）。",
        "en": "None ticked: every role (permissions still decide who may open it).",
    },
    "builder.designers.nav.generated": {
        "zh-CN": "还没有自定义菜单：应用首页按权限自动生成菜单。添加菜单项后改用这里的菜单。",
        "en": "No menu of its own yet: the app's home builds one from the permissions. Adding an entry replaces it.",
    },
    "builder.designers.nav.kind.view": {"zh-CN": "列表视图", "en": "List view"},
    "builder.designers.nav.kind.list": {"zh-CN": "表单记录", "en": "Form's records"},
    "builder.designers.nav.kind.new": {"zh-CN": "新建记录", "en": "New record"},
    "builder.designers.nav.kind.tasks": {"zh-CN": "任务箱", "en": "Task inbox"},
    "builder.designers.nav.kind.knowledge_base": {"zh-CN": "知识库", "en": "Knowledge base"},
    "builder.designers.nav.kind.dashboard": {"zh-CN": "看板", "en": "Dashboard"},
    "builder.designers.nav.tasks.mine": {"zh-CN": "我的任务", "en": "My tasks"},
    "builder.designers.nav.tasks.group": {"zh-CN": "组内待领取", "en": "Group tasks"},
    "builder.designers.nav.tasks.overdue": {"zh-CN": "超时任务", "en": "Overdue tasks"},
    # permissions
    "builder.designers.perm.intro": {
        "zh-CN": "勾选每个角色在每个表单上能做的事；点“…”设置字段权限和数据范围。",
        "en": "Tick what each role may do on each form; “…” opens its field grid and row rule.",
    },
    "builder.designers.perm.pick": {
        "zh-CN": "点表格中的“…”查看某个角色在某个表单上的详细权限。",
        "en": "Press “…” in the grid to set one role's details on one form.",
    },
    "builder.designers.perm.details_of": {"zh-CN": "{role}在{form}上的详细权限", "en": "Details of {role} on {form}"},
    "builder.designers.perm.detail": {"zh-CN": "{role} · {form}", "en": "{role} · {form}"},
    "builder.designers.perm.fields": {"zh-CN": "字段权限", "en": "Fields"},
    "builder.designers.mode.default": {"zh-CN": "按操作权限", "en": "As the actions say"},
    "builder.designers.mode.hidden": {"zh-CN": "隐藏", "en": "Hidden"},
    "builder.designers.mode.read_only": {"zh-CN": "只读", "en": "Read-only"},
    "builder.designers.mode.editable": {"zh-CN": "可编辑", "en": "Editable"},
    "builder.designers.rule.title": {"zh-CN": "数据范围（行规则）", "en": "Rows (row rule)"},
    "builder.designers.rule.add": {"zh-CN": "添加条件", "en": "Add a condition"},
    "builder.designers.rule.field": {"zh-CN": "字段或关联路径", "en": "Field or relation path"},
    "builder.designers.system.created_by": {
        "zh-CN": "创建人（提交这条记录的人）",
        "en": "Created by (who submitted the record)",
    },
    "builder.designers.rule.operator": {"zh-CN": "比较", "en": "Operator"},
    "builder.designers.rule.value": {"zh-CN": "值", "en": "Value"},
    "builder.designers.rule.literal": {"zh-CN": "固定值", "en": "A fixed value"},
    "builder.designers.rule.join": {"zh-CN": "条件之间", "en": "Between conditions"},
    "builder.designers.rule.and": {"zh-CN": "全部满足", "en": "all of them"},
    "builder.designers.rule.or": {"zh-CN": "满足任一", "en": "any of them"},
    "builder.designers.rule.raw": {"zh-CN": "表达式", "en": "Expression"},
    "builder.designers.rule.raw_only": {
        "zh-CN": "这条规则超出了选择列表能表示的范围，请直接编辑表达式。",
        "en": "This rule goes beyond what the pick lists can show: edit the expression.",
    },
    "builder.designers.rule.hint": {
        "zh-CN": "不设条件：能看到所有记录。",
        "en": "No condition: every record.",
    },
    "builder.designers.user.id": {"zh-CN": "当前用户", "en": "The person (user.id)"},
    "builder.designers.user.name": {"zh-CN": "当前用户的姓名", "en": "Their name (user.name)"},
    "builder.designers.user.groups": {"zh-CN": "当前用户所在的组", "en": "Their groups (user.groups)"},
    "builder.designers.user.communities": {"zh-CN": "当前用户负责的小区", "en": "Their communities (user.communities)"},
    "builder.designers.view_as.title": {"zh-CN": "以“{role}”的身份查看", "en": "View as “{role}”"},
    "builder.designers.view_as.role": {"zh-CN": "角色", "en": "Role"},
    "builder.designers.view_as.record": {"zh-CN": "记录编号", "en": "Record id"},
    "builder.designers.view_as.go": {"zh-CN": "查看", "en": "Show"},
    "builder.designers.view_as.person": {"zh-CN": "以谁的身份", "en": "As whom"},
    "builder.designers.view_as.nobody": {"zh-CN": "该角色的任意一人", "en": "Anyone with the role"},
    "builder.designers.view_as.hint": {
        "zh-CN": "按草稿判断；不选人时，行规则里的当前用户是一个不具名的该角色用户；"
        "选一个人，就按他的身份、分组和小区判断。",
        "en": "Judged on the draft. Without a person, row rules see an unnamed holder of the role; "
        "pick one to judge by their identity, groups and communities.",
    },
    "builder.designers.view_as.rows": {"zh-CN": "能看到的记录：", "en": "Rows seen:"},
    "builder.designers.seen.hidden": {"zh-CN": "看不到", "en": "hidden"},
    "builder.designers.seen.read": {"zh-CN": "只读", "en": "read-only"},
    "builder.designers.seen.edit": {"zh-CN": "可编辑", "en": "editable"},
}

for _key, (_zh, _en, _short) in _ACTIONS.items():
    MESSAGES[f"builder.designers.action.{_key}"] = {"zh-CN": _zh, "en": _en}
    MESSAGES[f"builder.designers.action_short.{_key}"] = {"zh-CN": _short, "en": _en[0]}
for _key, (_zh, _en) in _OPERATORS.items():
    MESSAGES[f"builder.designers.op.{_key}"] = {"zh-CN": _zh, "en": _en}
for _key, (_zh, _en) in _FILTER_OPERATORS.items():
    MESSAGES[f"builder.designers.filter_op.{_key}"] = {"zh-CN": _zh, "en": _en}
