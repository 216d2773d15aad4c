"""The words of the notification bell and the notification list (engine/web/notification_pages.py)."""

MESSAGES = {
    # the bell in the session bar every signed-in page shares
    "page.bar.notifications": {"zh-CN": "通知", "en": "Notifications"},
    # the list page
    "page.notifications.title": {"zh-CN": "通知", "en": "Notifications"},
    "page.notifications.unread_count": {"zh-CN": "{count} 条未读", "en": "{count} unread"},
    "page.notifications.unread": {"zh-CN": "未读", "en": "Unread"},
    "page.notifications.empty": {"zh-CN": "暂时没有通知。", "en": "No notifications yet."},
    "page.notifications.open": {"zh-CN": "打开", "en": "Open"},
    "page.notifications.mark_read": {"zh-CN": "标为已读", "en": "Mark read"},
    "page.notifications.mark_all_read": {"zh-CN": "全部标为已读", "en": "Mark all read"},
    "page.notifications.no_link": {
        "zh-CN": "没有您可以打开的相关任务或记录。",
        "en": "Nothing here that you may open.",
    },
    "page.notifications.older": {"zh-CN": "更早的通知", "en": "Older notifications"},
    "page.notifications.newest": {"zh-CN": "回到最新", "en": "Back to the newest"},
    "page.notifications.back": {"zh-CN": "返回首页", "en": "Back to the home page"},
    "page.notifications.live": {"zh-CN": "实时更新中", "en": "Updating live"},
}
