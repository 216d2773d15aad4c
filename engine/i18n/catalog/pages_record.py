"""Words of the record page (``page.record.``) and the refusals of internal comments (``record.comment*``)."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "page.record.back": {"zh-CN": "返回", "en": "Back"},
    "page.record.fields": {"zh-CN": "记录内容", "en": "Details"},
    "page.record.related": {"zh-CN": "相关记录", "en": "Related records"},
    "page.record.history": {"zh-CN": "修改记录", "en": "Change history"},
    "page.record.history_create": {"zh-CN": "创建", "en": "Created"},
    "page.record.history_update": {"zh-CN": "修改了", "en": "Changed"},
    "page.record.timeline": {"zh-CN": "流程进度", "en": "Flow timeline"},
    "page.record.my_tasks": {"zh-CN": "我的待办", "en": "My open task"},
    "page.record.open_task": {"zh-CN": "去处理", "en": "Open the task"},
    "page.record.comments": {"zh-CN": "内部备注", "en": "Internal comments"},
    "page.record.comments_note": {"zh-CN": "仅内部人员可见", "en": "Seen by staff only"},
    "page.record.no_comments": {"zh-CN": "暂无备注", "en": "No comments yet"},
    "page.record.add_comment": {"zh-CN": "添加备注", "en": "Add comment"},
    "page.record.empty": {"zh-CN": "无", "en": "None"},
    "page.record.full_size": {"zh-CN": "查看原图", "en": "Full size"},
    "page.record.to": {"zh-CN": "交给", "en": "to"},
    "page.record.system": {"zh-CN": "系统", "en": "System"},
    "page.record.event.started": {"zh-CN": "流程开始", "en": "Flow started"},
    "page.record.event.stage": {"zh-CN": "进入", "en": "Reached"},
    "page.record.event.reopened": {"zh-CN": "重新处理,再次进入", "en": "Reopened, back at"},
    "page.record.event.escalated": {"zh-CN": "升级", "en": "Escalated"},
    "page.record.event.returned": {"zh-CN": "退回", "en": "Returned"},
    "page.record.event.handed_back": {"zh-CN": "退单", "en": "Handed back"},
    "page.record.event.completed_task": {"zh-CN": "完成", "en": "Done"},
    "page.record.event.decided": {"zh-CN": "审批", "en": "Decided"},
    "page.record.event.failed": {"zh-CN": "出错", "en": "Failed"},
    "record.comments_staff_only": {
        "zh-CN": "只有内部人员可以查看或添加这条记录的备注",
        "en": "Only staff may read or add comments on this record",
    },
    "record.comment_body": {
        "zh-CN": '请求正文应是 JSON 对象,例如 {{"body": "..."}}',
        "en": 'The request body must be a JSON object such as {{"body": "..."}}',
    },
    "record.comment_empty": {"zh-CN": "备注内容不能为空", "en": "The comment is empty: write some text"},
    "record.comment_long": {
        "zh-CN": "备注不能超过 {limit} 个字符",
        "en": "A comment may have at most {limit} characters",
    },
}
