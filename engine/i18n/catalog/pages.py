"""Words every page shares."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    #: a language's name in itself: a page's switch shows the other language's (English on a Chinese page)
    "page.language": {"zh-CN": "中文", "en": "English"},
    # the page a browser gets for an error (the API answers problem+json instead); the title is http.title.<status>
    "page.error.403": {
        "zh-CN": "您没有权限打开这个页面。如需访问,请联系管理员。",
        "en": "You may not open this page. Ask an administrator if you need it.",
    },
    "page.error.404": {
        "zh-CN": "没有找到这个页面:网址可能有误,或者它已被删除。",
        "en": "This page was not found: the address may be wrong, or it was removed.",
    },
    "page.error.405": {
        "zh-CN": "这个网址不能以这种方式打开。",
        "en": "This address cannot be opened this way.",
    },
    "page.error.500": {
        "zh-CN": "系统出了问题,我们已记录下来。请稍后再试。",
        "en": "Something went wrong on our side; it has been logged. Please try again later.",
    },
    "page.error.home": {"zh-CN": "返回首页", "en": "Go to the home page"},
    "page.error.back": {"zh-CN": "返回上一页", "en": "Back to the previous page"},
    # the session bar every signed-in page shares (engine/web/staff_bar.py)
    "page.bar.home": {"zh-CN": "首页", "en": "Home"},
    "page.bar.tasks": {"zh-CN": "我的任务", "en": "My tasks"},
    "page.bar.logout": {"zh-CN": "退出", "en": "Sign out"},
    "page.bar.search": {"zh-CN": "搜索全部表单", "en": "Search every form"},
    "page.bar.search_hint": {"zh-CN": "搜索编号、电话…", "en": "Search numbers, phones…"},
}
