"""Global search: the staff page /search and its refusals."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "page.search.title": {"zh-CN": "搜索", "en": "Search"},
    "page.search.back": {"zh-CN": "返回首页", "en": "Back to the home page"},
    "page.search.label": {"zh-CN": "搜索全部表单", "en": "Search every form"},
    "page.search.hint": {"zh-CN": "编号、标题、电话或文字", "en": "Number, title, phone or text"},
    "page.search.submit": {"zh-CN": "搜索", "en": "Search"},
    "page.search.none": {"zh-CN": "没有找到匹配的记录。", "en": "No records match."},
    "page.search.more": {"zh-CN": "查看全部结果", "en": "See all results"},
    "search.sign_in": {"zh-CN": "请先登录再搜索。", "en": "Sign in to search."},
}
