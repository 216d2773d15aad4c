"""An app's menu: the package check of ``navigation``, the generated menu's words and the app home page."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    # the package check
    "kind.menu_entry": {"en": "menu entry", "zh-CN": "菜单项"},
    "nav.no_label": {"en": "a menu entry needs a 'label'", "zh-CN": "菜单项需要“label”名称"},
    "nav.no_target": {
        "en": "a menu entry opens one thing: give it one of {targets}",
        "zh-CN": "菜单项需指定一个打开目标:{targets} 之一",
    },
    "nav.many_targets": {
        "en": "a menu entry opens exactly one thing: keep one of {targets}",
        "zh-CN": "菜单项只能有一个打开目标:{targets} 中保留一个",
    },
    "nav.group_without_label": {
        "en": "a group of menu entries needs a 'group' name",
        "zh-CN": "菜单分组需要“group”名称",
    },
    "nav.group_with_target": {
        "en": "a group of menu entries opens nothing itself: move '{key}' into one of its items",
        "zh-CN": "菜单分组本身不打开任何内容:请把“{key}”移到分组内的菜单项中",
    },
    "nav.group_without_items": {
        "en": "a group needs 'items' (groups inside groups are not allowed)",
        "zh-CN": "菜单分组需要“items”(分组内不能再有分组)",
    },
    "nav.no_flows": {
        "en": "the package has no flows, so there are no tasks to list",
        "zh-CN": "应用没有流程,没有可列出的任务",
    },
    "nav.not_knowledge_base": {
        "en": "form '{form}' has no 'knowledge_base' block",
        "zh-CN": "表单“{form}”没有“knowledge_base”设置",
    },
    "nav.role_cannot_open": {
        "en": "role '{role}' cannot open this entry ({kind} '{target}'): the package's permissions do not allow it",
        "zh-CN": "角色“{role}”无权打开此菜单项({kind}“{target}”):应用的权限设置不允许",
    },
    # the generated menu
    "nav.group.tasks": {"en": "Tasks", "zh-CN": "任务"},
    "nav.group.lists": {"en": "Records", "zh-CN": "记录"},
    "nav.group.new": {"en": "New", "zh-CN": "新建"},
    "nav.group.knowledge_base": {"en": "Knowledge base", "zh-CN": "知识库"},
    "nav.group.dashboards": {"en": "Dashboards", "zh-CN": "看板"},
    "nav.tasks.mine": {"en": "My tasks", "zh-CN": "我的任务"},
    "nav.tasks.group": {"en": "My groups' tasks", "zh-CN": "组内待领取"},
    "nav.tasks.overdue": {"en": "Overdue", "zh-CN": "已超时"},
    "nav.new": {"en": "New: {name}", "zh-CN": "新建{name}"},
}

#: the app home and the site home (``page.home.*``)
MESSAGES.update(
    {
        "page.home.menu": {"zh-CN": "菜单", "en": "Menu"},
        "page.home.tasks": {"zh-CN": "任务", "en": "Tasks"},
        "page.home.tasks_mine": {"zh-CN": "我的任务", "en": "My tasks"},
        "page.home.tasks_group": {"zh-CN": "组内待领取", "en": "My groups' tasks"},
        "page.home.tasks_overdue": {"zh-CN": "已超时", "en": "Overdue"},
        "page.home.knowledge_base": {"zh-CN": "知识库", "en": "Knowledge base"},
        "page.home.dashboards": {"zh-CN": "看板", "en": "Dashboards"},
        "page.home.notifications": {"zh-CN": "最新通知", "en": "Latest notifications"},
        "page.home.no_notifications": {"zh-CN": "暂无通知", "en": "No notifications"},
        "page.home.notification": {"zh-CN": "新通知", "en": "New notification"},
        "page.home.nothing": {
            "zh-CN": "您在此应用中暂无可用的功能,请联系管理员分配角色",
            "en": "There is nothing for you in this app yet; ask an administrator for a role",
        },
        "page.home.no_apps": {
            "zh-CN": "您还没有可用的应用,请联系管理员分配角色",
            "en": "You have no app yet; ask an administrator for a role",
        },
        "page.home.open_tasks": {"zh-CN": "待办 {count} 项", "en": "{count} open tasks"},
        "page.home.overdue_tasks": {"zh-CN": "超时 {count} 项", "en": "{count} overdue"},
    }
)
