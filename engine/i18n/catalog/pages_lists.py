"""The generated list of a form's records (records.html) and its link on the app page."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "page.forms.list.back": {"zh-CN": "返回应用", "en": "Back to the app"},
    "page.forms.list.logout": {"zh-CN": "退出", "en": "Sign out"},
    "page.forms.list.search": {"zh-CN": "搜索", "en": "Search"},
    "page.forms.list.search_hint": {"zh-CN": "编号、标题、电话或文字", "en": "Number, title, phone or text"},
    "page.forms.list.pick_hint": {"zh-CN": "输入名称查找", "en": "Type to find"},
    "page.forms.list.any": {"zh-CN": "全部", "en": "Any"},
    "page.forms.list.from": {"zh-CN": "从", "en": "From"},
    "page.forms.list.to": {"zh-CN": "至", "en": "to"},
    "page.forms.list.apply": {"zh-CN": "筛选", "en": "Filter"},
    "page.forms.list.reset": {"zh-CN": "清除条件", "en": "Clear"},
    "page.forms.list.export": {"zh-CN": "导出筛选结果", "en": "Export these rows as"},
    "page.forms.list.new": {"zh-CN": "新建记录", "en": "New record"},
    "page.forms.list.none": {"zh-CN": "没有符合条件的记录。", "en": "No records match."},
    "page.forms.list.first": {"zh-CN": "第一页", "en": "First page"},
    "page.forms.list.next": {"zh-CN": "下一页", "en": "Next page"},
    "page.forms.list.step": {"zh-CN": "当前环节", "en": "Current step"},
    "page.forms.list.assignee": {"zh-CN": "处理人", "en": "Handled by"},
    "page.forms.list.due": {"zh-CN": "到期时间", "en": "Due"},
    "page.forms.home.list": {"zh-CN": "查看记录", "en": "Records"},
}
