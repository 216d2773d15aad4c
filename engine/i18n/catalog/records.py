"""Records, their lists and queries, attachments and the audit trail: refusals and field errors."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    # apps and forms
    "record.no_app": {
        "en": "there is no app '{app}'; `trellis import` installs one",
        "zh-CN": "没有应用“{app}”;用 `trellis import` 安装",
    },
    "record.no_app_version": {
        "en": "app '{app}' has no version {version}",
        "zh-CN": "应用“{app}”没有第 {version} 版",
    },
    "record.no_form": {
        "en": "app '{app}' has no form '{form}'",
        "zh-CN": "应用“{app}”没有表单“{form}”",
    },
    "record.no_form_near": {
        "en": "app '{app}' has no form '{form}' (did you mean '{near}'?)",
        "zh-CN": "应用“{app}”没有表单“{form}”(是指“{near}”吗?)",
    },
    "record.too_many_requests": {
        "en": "Too many submissions; wait a minute",
        "zh-CN": "提交太频繁,请一分钟后再试",
    },
    "record.no_public_link": {
        "en": "form '{form}' has no public link",
        "zh-CN": "表单“{form}”没有公开链接",
    },
    # who may do what
    "record.sign_in.create": {
        "en": "sign in to create records of '{form}'",
        "zh-CN": "请先登录,再新建“{form}”的记录",
    },
    "record.sign_in.read": {
        "en": "sign in to read records of '{form}'",
        "zh-CN": "请先登录,再查看“{form}”的记录",
    },
    "record.sign_in.update": {
        "en": "sign in to update records of '{form}'",
        "zh-CN": "请先登录,再修改“{form}”的记录",
    },
    "record.sign_in.delete": {
        "en": "sign in to delete records of '{form}'",
        "zh-CN": "请先登录,再删除“{form}”的记录",
    },
    "record.sign_in.export": {
        "en": "sign in to export records of '{form}'",
        "zh-CN": "请先登录,再导出“{form}”的记录",
    },
    "record.not_allowed.create": {
        "en": "you may not create records of '{form}'",
        "zh-CN": "您无权新建“{form}”的记录",
    },
    "record.not_allowed.read": {
        "en": "you may not read records of '{form}'",
        "zh-CN": "您无权查看“{form}”的记录",
    },
    "record.not_allowed.update": {
        "en": "you may not update records of '{form}'",
        "zh-CN": "您无权修改“{form}”的记录",
    },
    "record.not_allowed.delete": {
        "en": "you may not delete records of '{form}'",
        "zh-CN": "您无权删除“{form}”的记录",
    },
    "record.not_allowed.export": {
        "en": "you may not export records of '{form}'",
        "zh-CN": "您无权导出“{form}”的记录",
    },
    "record.not_yours": {"en": "you may not change {label} here", "zh-CN": "您无权修改{label}"},
    # rows and versions
    "kb.not_published": {
        "en": "app '{app}' publishes no knowledge base on form '{form}'",
        "zh-CN": "应用“{app}”没有把表单“{form}”发布为知识库",
    },
    "record.not_found": {
        "en": "there is no record {id} in '{form}'",
        "zh-CN": "“{form}”中没有记录 {id}",
    },
    "record.not_in_trash": {
        "en": "there is no record {id} in '{form}' in the trash",
        "zh-CN": "“{form}”的回收站中没有记录 {id}",
    },
    "record.stale_version": {
        "en": "record {id} was changed by someone else (now at version {current}, you had {expected}); "
        "reload it and apply your change again",
        "zh-CN": "记录 {id} 已被他人修改(当前版本 {current},您的版本 {expected});请刷新后重新修改",
    },
    "record.changed_meanwhile": {
        "en": "record {id} was changed by someone else; reload it and try again",
        "zh-CN": "记录 {id} 已被他人修改;请刷新后重试",
    },
    "record.race": {
        "en": "another change to the same data happened at the same moment; try again",
        "zh-CN": "同一时刻有另一处修改了相同的数据;请重试",
    },
    # field errors of a submission
    "record.missing": {"en": "{label}: record {value} does not exist", "zh-CN": "{label}:记录 {value} 不存在"},
    "record.not_narrowed": {
        "en": "{label}: record {value} does not belong to the chosen {sources}; choose again",
        "zh-CN": "{label}:记录 {value} 不属于所选的{sources},请重新选择",
    },
    "record.no_choices": {
        "en": "field '{field}' does not choose among records",
        "zh-CN": "字段“{field}”不是从记录中选择的字段",
    },
    "record.person_unknown": {
        "en": "{label}: there is no active user '{value}'",
        "zh-CN": "{label}:用户“{value}”不存在或已停用",
    },
    "record.person_not_in_role": {
        "en": "{label}: user '{value}' does not hold the role '{role}'",
        "zh-CN": "{label}:用户“{value}”没有角色“{role}”",
    },
    "record.person_not_in_group": {
        "en": "{label}: user '{value}' is not a member of the group '{group}'",
        "zh-CN": "{label}:用户“{value}”不是用户组“{group}”的成员",
    },
    "record.taken": {
        "en": "{label} '{value}' is already used by another record",
        "zh-CN": "{label}“{value}”已被其他记录使用",
    },
    "record.rows.create": {
        "en": "you may only create records of '{form}' that your role lets you work on",
        "zh-CN": "您只能新建自己有权处理的“{form}”记录",
    },
    "record.rows.create_fields": {
        "en": "you may only create records of '{form}' that your role lets you work on; check {fields}",
        "zh-CN": "您只能新建自己有权处理的“{form}”记录;请检查{fields}",
    },
    "record.rows.update": {
        "en": "this change would move the record of '{form}' out of the records your role lets you work on",
        "zh-CN": "此修改会使这条“{form}”记录超出您有权处理的范围",
    },
    "record.rows.update_fields": {
        "en": (
            "this change would move the record of '{form}' out of the records your role lets you work on; "
            "check {fields}"
        ),
        "zh-CN": "此修改会使这条“{form}”记录超出您有权处理的范围;请检查{fields}",
    },
    "record.list_separator": {"en": ", ", "zh-CN": "、"},
    "record.taken_together": {
        "en": "another record already has the same {labels}; each combination may be used once",
        "zh-CN": "已有其他记录使用了相同的{labels}组合;每种组合只能使用一次",
    },
    # the records API
    "record.if_match_required": {
        "en": "send If-Match with the record's version (its ETag) so that no one else's change is overwritten",
        "zh-CN": "请在 If-Match 中带上记录的版本(它的 ETag),以免覆盖他人的修改",
    },
    "record.if_match_invalid": {
        "en": 'If-Match must be the record\'s version, like "3", got {value}',
        "zh-CN": 'If-Match 必须是记录的版本,例如 "3",收到的是 {value}',
    },
    "record.idempotency_key_too_long": {
        "en": "Idempotency-Key is too long",
        "zh-CN": "Idempotency-Key 太长",
    },
    "record.idempotency_key_length": {
        "en": "Idempotency-Key allows 1 to 200 characters",
        "zh-CN": "Idempotency-Key 允许 1 到 200 个字符",
    },
    # listing: filters, sort, cursors
    "record.query.limit": {
        "en": "limit must be a whole number from 1 to {max}, got '{value}'",
        "zh-CN": "“limit”必须是 1 到 {max} 的整数,收到的是“{value}”",
    },
    "record.query.hidden": {
        "en": "cannot filter or sort on '{name}': that field is hidden from you",
        "zh-CN": "不能按“{name}”筛选或排序:该字段对您不可见",
    },
    "record.query.sort": {
        "en": "cannot sort by '{name}'; sort by id, created_at, updated_at or a field with single values",
        "zh-CN": "不能按“{name}”排序;请按“id”“created_at”“updated_at”或单值字段排序",
    },
    "record.query.cursor": {
        "en": "the cursor is not one this server handed out; start again from the first page",
        "zh-CN": "游标不是本服务器给出的;请从第一页重新开始",
    },
    "record.query.operator": {
        "en": "unknown filter operator '{operator}'; use one of {operators}",
        "zh-CN": "未知的筛选运算符“{operator}”;请使用以下之一:{operators}",
    },
    "record.query.filter": {
        "en": "cannot filter on '{name}'; filter on a field with single values",
        "zh-CN": "不能按“{name}”筛选;请按单值字段筛选",
    },
    "record.query.no_text": {
        "en": "'{name}' holds no text; use eq, lt, gt or in to filter it",
        "zh-CN": "“{name}”不是文本;请用“eq”“lt”“gt”或“in”筛选",
    },
    "record.query.yes_no": {
        "en": "'{name}' is yes or no; use eq or ne to filter it",
        "zh-CN": "“{name}”是“是/否”字段;请用“eq”或“ne”筛选",
    },
    "record.query.value": {
        "en": "'{value}' is not a value field '{name}' can hold",
        "zh-CN": "“{value}”不是字段“{name}”能保存的值",
    },
    "record.query.path": {
        "en": "cannot filter on '{name}': it is neither a field nor a path of single relation fields joined by dots"
        " (such as room.building)",
        "zh-CN": "不能按“{name}”筛选:它既不是字段,也不是用点号连接的单值关联字段标识路径",
    },
    "record.query.view": {
        "en": "this form has no list view '{view}' open to you",
        "zh-CN": "此表单没有您可以打开的列表视图“{view}”",
    },
    "record.query.flow_operator": {
        "en": "'{name}' is filtered with one of {operators}",
        "zh-CN": "“{name}”只能用以下运算符筛选:{operators}",
    },
    "record.query.flow_state": {
        "en": "'{value}' is not a flow state; use one of {states}",
        "zh-CN": "“{value}”不是流程状态;请使用以下之一:{states}",
    },
    # attachments
    "record.attachment.too_large": {
        "en": "{label}: the file is larger than {limit} MB; choose a smaller file",
        "zh-CN": "{label}:文件超过 {limit} MB,请选择更小的文件",
    },
    "record.attachment.empty": {
        "en": "{label}: '{name}' is empty; choose another file",
        "zh-CN": "{label}:“{name}”是空文件,请选择其他文件",
    },
    "record.attachment.type_refused": {
        "en": "{label}: '{name}' is really {real}; this field accepts {accepted}",
        "zh-CN": "{label}:“{name}”的实际类型是 {real},此字段只接受 {accepted}",
    },
    "record.attachment.unreadable": {
        "en": "{label}: '{name}' is damaged or incomplete and cannot be read as an image; send it again",
        "zh-CN": "{label}:“{name}”已损坏或不完整,无法作为图片读取,请重新上传",
    },
    "record.attachment.too_many_pixels": {
        "en": "{label}: '{name}' has more than {pixels} million pixels; make it smaller and send it again",
        "zh-CN": "{label}:“{name}”超过 {pixels} 百万像素,请缩小后重新上传",
    },
    "record.attachment.busy": {
        "en": "{label}: the server is busy with other photos; send '{name}' again in half a minute",
        "zh-CN": "{label}:服务器正在处理其他照片,请半分钟后重新上传“{name}”",
    },
    "record.attachment.too_many_uploads": {
        "en": "Too many files were sent from this network in the last hour; try again later",
        "zh-CN": "此网络在一小时内上传的文件过多,请稍后再试",
    },
    "record.attachment.too_many_upload_bytes": {
        "en": "Too much data was uploaded from this network in the last hour; try again later",
        "zh-CN": "此网络在一小时内上传的数据过多,请稍后再试",
    },
    "record.attachment.uploads_full": {
        "en": "Uploads are paused for now: too many files are waiting for their forms to be sent; try again later",
        "zh-CN": "暂时无法上传:等待提交的文件过多,请稍后再试",
    },
    "record.attachment.missing_file": {
        "en": "{label}: send the file as the multipart form field 'file'",
        "zh-CN": "{label}:请以“multipart/form-data”表单的“file”字段上传文件",
    },
    "record.attachment.unknown": {
        "en": "{label}: attachment {id} does not exist; upload the file again",
        "zh-CN": "{label}:附件 {id} 不存在,请重新上传",
    },
    "record.attachment.other_field": {
        "en": "{label}: attachment {id} was uploaded for another field; upload it here again",
        "zh-CN": "{label}:附件 {id} 是为其他字段上传的,请在此处重新上传",
    },
    "record.attachment.other_record": {
        "en": "{label}: attachment {id} already belongs to another record; upload the file again",
        "zh-CN": "{label}:附件 {id} 已属于其他记录,请重新上传",
    },
    "record.attachment.no_field": {
        "en": "form '{form}' has no image or file field '{field}'",
        "zh-CN": "表单“{form}”没有图片或文件字段“{field}”",
    },
    "record.attachment.no_field_near": {
        "en": "form '{form}' has no image or file field '{field}' (did you mean '{near}'?)",
        "zh-CN": "表单“{form}”没有图片或文件字段“{field}”(是指“{near}”吗?)",
    },
    "record.attachment.not_found": {
        "en": "there is no attachment '{id}'",
        "zh-CN": "没有附件“{id}”",
    },
    "record.attachment.no_thumbnail": {
        "en": "attachment '{id}' has no thumbnail; only images have one",
        "zh-CN": "附件“{id}”没有缩略图;只有图片才有",
    },
    "record.attachment.file_missing": {
        "en": "the file of attachment '{id}' is missing from the upload folder; an admin can restore it from a backup",
        "zh-CN": "附件“{id}”的文件不在上传目录中;管理员可以从备份中恢复",
    },
    # demo data
    "record.demo_unknown_key": {
        "en": "{where}: demo record refers to unknown key {key}",
        "zh-CN": "{where}:演示记录引用了不存在的键 {key}",
    },
    # the audit trail
    "record.audit.limit": {"en": "limit must be 1 to {max}", "zh-CN": "“limit”必须是 1 到 {max}"},
    "record.audit.limit_range": {"en": "1 to {max}", "zh-CN": "1 到 {max}"},
    "record.audit.no_zone": {
        "en": "{name} needs a time zone (like 2026-11-25T10:00:00+08:00)",
        "zh-CN": "{name} 需要带时区(例如“2026-11-25T10:00:00+08:00”)",
    },
    "record.audit.no_zone_short": {"en": "no zone", "zh-CN": "缺少时区"},
    "record.audit.cursor": {
        "en": "the cursor is not one this server gave out; start again without it",
        "zh-CN": "游标不是本服务器给出的;请去掉它重新开始",
    },
    "record.audit.cursor_short": {"en": "not a valid cursor", "zh-CN": "无效的游标"},
}
