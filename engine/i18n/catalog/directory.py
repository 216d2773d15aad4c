"""The directory's sentences: people, groups, tokens, sign-in and the bulk import of users."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    # creating and editing people
    "directory.user_id_invalid": {
        "en": "a user id is 1 to 32 lower-case letters, digits, '.', '_' or '-'",
        "zh-CN": "用户编号应为 1 到 32 个小写字母、数字、“.”、“_”或“-”",
    },
    "directory.field.user_id_invalid": {"en": "not a valid user id", "zh-CN": "不是有效的用户编号"},
    "directory.user_not_created": {"en": "the user was not created: {detail}", "zh-CN": "没有创建用户:{detail}"},
    "directory.user_not_changed": {"en": "the user was not changed: {detail}", "zh-CN": "没有修改用户:{detail}"},
    "directory.login_raced": {
        "en": "the login '{login}' or mobile number was taken at the same moment",
        "zh-CN": "登录名“{login}”或手机号刚刚被别人占用",
    },
    "directory.mobile_raced": {
        "en": "the mobile number was taken at the same moment; try again",
        "zh-CN": "手机号刚刚被别人占用,请重试",
    },
    "directory.login_taken": {
        "en": "the login '{login}' is taken; choose another",
        "zh-CN": "登录名“{login}”已被占用,请换一个",
    },
    "directory.mobile_taken": {
        "en": "the mobile number {mobile} already belongs to another user",
        "zh-CN": "手机号 {mobile} 已属于其他用户",
    },
    "directory.password_not_changed": {
        "en": "the password was not changed: {problem}",
        "zh-CN": "密码没有修改:{problem}",
    },
    "directory.communities_invalid": {
        "en": "community ids are whole numbers above 0",
        "zh-CN": "社区编号应为大于 0 的整数",
    },
    "directory.field.communities_invalid": {"en": "ids above 0", "zh-CN": "大于 0 的编号"},
    "directory.body_not_object": {"en": "send the changes as a JSON object", "zh-CN": "请以 JSON 对象发送修改内容"},
    "directory.field.json_object": {"en": "a JSON object", "zh-CN": "一个 JSON 对象"},
    "directory.not_editable": {
        "en": "'{field}' cannot be changed here{hint}",
        "zh-CN": "这里不能修改“{field}”{hint}",
    },
    "directory.field.not_editable": {"en": "not one of {fields}", "zh-CN": "不是 {fields} 之一"},
    "directory.last_admin": {
        "en": "'{login}' is the last active administrator; create another one first "
        "(`trellis users create NAME --admin`), then deactivate this account",
        "zh-CN": "“{login}”是最后一位启用中的管理员;请先创建另一位管理员"
        "(`trellis users create NAME --admin`),再停用这个账号",
    },
    "directory.no_user": {
        "en": "there is no user '{ref}'; `trellis users create` adds one",
        "zh-CN": "没有用户“{ref}”;可用 `trellis users create` 添加",
    },
    "directory.no_user_id": {"en": "there is no user with id '{user_id}'", "zh-CN": "没有编号为“{user_id}”的用户"},
    "directory.no_active_user": {
        "en": "there is no active user with id '{user_id}'",
        "zh-CN": "没有编号为“{user_id}”的启用用户",
    },
    "directory.no_group": {"en": "there is no group '{ref}'{hint}", "zh-CN": "没有班组“{ref}”{hint}"},
    "directory.no_app": {
        "en": "there is no app '{app_id}'{hint}; `trellis import` installs one",
        "zh-CN": "没有应用“{app_id}”{hint};可用 `trellis import` 安装",
    },
    "directory.no_role": {
        "en": "app '{app_id}' has no role '{role}'{hint}",
        "zh-CN": "应用“{app_id}”没有角色“{role}”{hint}",
    },
    "directory.limit_invalid": {"en": "limit must be 1 to {max}", "zh-CN": "“limit”应为 1 到 {max}"},
    "directory.field.limit_invalid": {"en": "1 to {max}", "zh-CN": "1 到 {max}"},
    "directory.cursor_invalid": {
        "en": "the cursor is not one this server gave out; start again without it",
        "zh-CN": "翻页标记不是本服务器给出的,请去掉它重新开始",
    },
    "directory.field.cursor_invalid": {"en": "not a valid cursor", "zh-CN": "无效的翻页标记"},
    # field problems (the rules in engine/people/rules.py)
    "directory.field.login_invalid": {
        "en": "use 1 to 100 letters, digits and . _ @ + - (starting with a letter or digit)",
        "zh-CN": "请用 1 到 100 个字母、数字和 . _ @ + -(以字母或数字开头)",
    },
    "directory.field.login_mobile": {
        "en": "cannot look like a phone number (sign-in would take it for a mobile number)",
        "zh-CN": "不能像手机号(登录时会被当作手机号)",
    },
    "directory.field.password_short": {
        "en": "must have at least {min} characters",
        "zh-CN": "至少需要 {min} 个字符",
    },
    "directory.field.password_long": {"en": "must have at most {max} characters", "zh-CN": "最多 {max} 个字符"},
    "directory.field.name_long": {"en": "must have at most 200 characters", "zh-CN": "最多 200 个字符"},
    "directory.field.mobile_invalid": {
        "en": "'{mobile}' is not a phone number (5 to 19 digits, optionally starting with +)",
        "zh-CN": "“{mobile}”不是手机号(5 到 19 位数字,可以 + 开头)",
    },
    "directory.field.email_invalid": {"en": "'{email}' is not an email address", "zh-CN": "“{email}”不是邮箱地址"},
    "directory.field.locale_invalid": {
        "en": "must be one of {locales}, not '{locale}'",
        "zh-CN": "应为 {locales} 之一,而不是“{locale}”",
    },
    "directory.field.not_text": {"en": "must be text", "zh-CN": "应为文本"},
    "directory.field.not_text_or_null": {"en": "must be text or null", "zh-CN": "应为文本或 null"},
    "directory.field.not_boolean": {"en": "must be true or false", "zh-CN": "应为 true 或 false"},
    "directory.field.roles_shape": {
        "en": 'write {{"add": ["APP:ROLE", ...], "remove": [...]}}',
        "zh-CN": '请写作 {{"add": ["应用:角色", ...], "remove": [...]}}',
    },
    "directory.field.role_shape": {
        "en": "'{role}' is not APP:ROLE (like property_repair:technician)",
        "zh-CN": "“{role}”不是 应用:角色 的写法(如 property_repair:technician)",
    },
    # groups
    "directory.group_name_invalid": {
        "en": "a group needs a name of 1 to 200 characters",
        "zh-CN": "班组名称应为 1 到 200 个字符",
    },
    "directory.field.group_name_invalid": {"en": "1 to 200 characters", "zh-CN": "1 到 200 个字符"},
    "directory.group_taken": {"en": "there is already a group named '{name}'", "zh-CN": "已经有名为“{name}”的班组"},
    # signing in
    "directory.login_failed": {
        "en": "wrong login name, mobile number or password",
        "zh-CN": "用户名、手机号或密码不正确",
    },
    "directory.login_locked": {
        "en": "too many failed sign-ins; try again after {time} UTC",
        "zh-CN": "登录失败次数过多,请在 {time}(UTC)之后再试",
    },
    "directory.account_inactive": {
        "en": "this account has been deactivated; ask an administrator to reactivate it",
        "zh-CN": "这个账号已停用,请联系管理员重新启用",
    },
    "directory.session_outdated": {
        "en": "this session began before the password was changed; sign in again",
        "zh-CN": "密码已修改,此前的登录已失效,请重新登录",
    },
    # API tokens
    "directory.token_label_invalid": {
        "en": "a token needs a label of 1 to 100 characters",
        "zh-CN": "令牌需要 1 到 100 个字符的名称",
    },
    "directory.field.token_label_invalid": {"en": "1 to 100 characters", "zh-CN": "1 到 100 个字符"},
    "directory.token_user_inactive": {
        "en": "'{login}' is deactivated; reactivate the account before giving it a token",
        "zh-CN": "“{login}”已停用;请先重新启用这个账号,再为它创建令牌",
    },
    "directory.no_token": {
        "en": "there is no API token with id '{token_id}'",
        "zh-CN": "没有编号为“{token_id}”的 API 令牌",
    },
    "directory.scopes_missing": {
        "en": "a token needs at least one scope, such as app:APP_ID:read, app:APP_ID:write or admin",
        "zh-CN": "令牌至少需要一个权限范围,如 app:APP_ID:read、app:APP_ID:write 或 admin",
    },
    "directory.field.scopes_missing": {"en": "at least one scope", "zh-CN": "至少一个权限范围"},
    "directory.scope_invalid": {
        "en": "'{scope}' is not a scope; write app:APP_ID:read, app:APP_ID:write or admin",
        "zh-CN": "“{scope}”不是权限范围;请写 app:APP_ID:read、app:APP_ID:write 或 admin",
    },
    "directory.admin_scope_refused": {
        "en": "only an administrator's token may have the 'admin' scope; '{login}' is not one",
        "zh-CN": "只有管理员的令牌可以有 admin 权限范围;“{login}”不是管理员",
    },
    # the administration API's request bodies
    "directory.send_object": {"en": "send a JSON object", "zh-CN": "请发送一个 JSON 对象"},
    "directory.api_limit_invalid": {
        "en": "limit must be a whole number from 1 to {max}",
        "zh-CN": "“limit”应为 1 到 {max} 的整数",
    },
    "directory.field.required": {"en": "required", "zh-CN": "必填"},
    "directory.field.not_texts": {"en": "must be a list of text", "zh-CN": "应为文本列表"},
    "directory.field.not_communities": {
        "en": "must be a list of community record ids",
        "zh-CN": "应为社区记录编号的列表",
    },
    "directory.field.not_group_field": {
        "en": "not one of name, parent, leader",
        "zh-CN": "不是“name”“parent”“leader”之一",
    },
    "directory.group_not_created": {"en": "the group was not created: {field}", "zh-CN": "没有创建班组:{field}"},
    "directory.field.users_missing": {
        "en": "name at least one user (login or id)",
        "zh-CN": "至少写一个用户(登录名或编号)",
    },
    "directory.users_missing": {
        "en": 'say which users to add: {{"users": ["login", ...]}}',
        "zh-CN": '请说明要添加哪些用户:{{"users": ["登录名", ...]}}',
    },
    "directory.import_file_missing": {
        "en": "send the CSV or XLSX file as the multipart file field 'file'",
        "zh-CN": "请以表单上传(“multipart”)的文件字段“file”发送 CSV 或 XLSX 文件",
    },
    "directory.field.missing": {"en": "missing", "zh-CN": "缺少"},
    "directory.moment_invalid": {
        "en": "{name} must be an ISO 8601 time with a zone, like 2026-11-25T10:00:00+08:00",
        "zh-CN": "{name} 应为带时区的 ISO 8601 时间,如 2026-11-25T10:00:00+08:00",
    },
    "directory.field.moment_invalid": {"en": "ISO 8601 with a time zone", "zh-CN": "带时区的 ISO 8601 时间"},
    # the bulk import of users
    "directory.import.row": {"zh-CN": "第 {row} 行:{message}", "en": "row {row}: {message}"},
    "directory.import.login_missing": {"zh-CN": "缺少登录名", "en": "the login is missing"},
    "directory.import.login_invalid": {
        "zh-CN": "登录名“{value}”只能包含字母、数字和 . _ @ + -(以字母或数字开头)",
        "en": "the login '{value}' may only hold letters, digits and . _ @ + - (starting with a letter or digit)",
    },
    "directory.import.login_mobile": {"zh-CN": "登录名不能像手机号", "en": "the login cannot look like a phone number"},
    "directory.import.login_duplicate": {
        "zh-CN": "登录名“{value}”与第 {other} 行重复",
        "en": "the login '{value}' repeats row {other}",
    },
    "directory.import.login_taken": {"zh-CN": "登录名“{value}”已被占用", "en": "the login '{value}' is taken"},
    "directory.import.name_long": {"zh-CN": "姓名最多 200 个字符", "en": "the name has more than 200 characters"},
    "directory.import.mobile_invalid": {"zh-CN": "手机号格式不正确", "en": "the mobile number is not valid"},
    "directory.import.mobile_duplicate": {
        "zh-CN": "手机号 {value} 与第 {other} 行重复",
        "en": "the mobile number {value} repeats row {other}",
    },
    "directory.import.mobile_taken": {
        "zh-CN": "手机号 {value} 已属于其他用户",
        "en": "the mobile number {value} belongs to another user",
    },
    "directory.import.email_invalid": {"zh-CN": "邮箱“{value}”格式不正确", "en": "the email '{value}' is not valid"},
    "directory.import.password_short": {
        "zh-CN": "密码至少 {min} 个字符",
        "en": "the password needs at least {min} characters",
    },
    "directory.import.password_long": {"zh-CN": "密码太长", "en": "the password is too long"},
    "directory.import.role_invalid": {
        "zh-CN": "角色“{value}”应写作 应用:角色(如 property_repair:technician)",
        "en": "the role '{value}' should read APP:ROLE (like property_repair:technician)",
    },
    "directory.import.role_unknown": {"zh-CN": "角色“{value}”不存在{hint}", "en": "there is no role '{value}'{hint}"},
    "directory.import.group_unknown": {"zh-CN": "班组“{value}”不存在{hint}", "en": "there is no group '{value}'{hint}"},
    "directory.import.formula": {
        "zh-CN": "“{column}”列是公式;请粘贴为数值后再导入",
        "en": "the '{column}' cell is a formula; paste it as values and import again",
    },
    "directory.import.file_too_big": {
        "zh-CN": "文件超过 2 MB;请分成几个文件导入",
        "en": "the file is larger than 2 MB; split it into several files",
    },
    "directory.import.file_empty": {"zh-CN": "文件是空的", "en": "the file is empty"},
    "directory.import.file_binary": {
        "zh-CN": "无法读取文件:请上传 UTF-8 编码的 CSV 或 XLSX 文件",
        "en": "the file cannot be read: send a UTF-8 CSV or an XLSX file",
    },
    "directory.import.file_xlsx": {
        "zh-CN": "无法读取 XLSX 文件:{reason}",
        "en": "the XLSX file cannot be read: {reason}",
    },
    "directory.import.xlsx_not_zip": {"zh-CN": "不是有效的 .xlsx(zip)文件", "en": "not a valid .xlsx (zip) file"},
    "directory.import.xlsx_too_big": {"zh-CN": "解压后超过 50 MB", "en": "it expands to more than 50 MB"},
    "directory.import.too_many_rows": {
        "zh-CN": "文件超过 {max} 行;请分成几个文件导入",
        "en": "the file has more than {max} rows; split it into several files",
    },
    "directory.import.no_rows": {"zh-CN": "文件中没有用户行", "en": "the file holds no users below its header"},
    "directory.import.too_many_passwords": {
        "zh-CN": "文件为 {count} 个用户设置了密码,一次最多 {max} 个;"
        "请清空“密码”列(系统会生成一次性密码),或分成几个文件导入",
        "en": "the file sets {count} passwords, at most {max} per file; leave the password column empty "
        "(one-time passwords are generated) or split it into several files",
    },
    "directory.import.header_unknown": {
        "zh-CN": "表头“{value}”无法识别;可用的表头:{known}",
        "en": "the header '{value}' is not known; use {known}",
    },
    "directory.import.header_duplicate": {"zh-CN": "表头“{value}”重复", "en": "the header '{value}' appears twice"},
    "directory.import.header_login": {
        "zh-CN": "表头缺少“登录名”(或“login”)列",
        "en": "the header has no 'login' (or 登录名) column",
    },
    "directory.import.summary": {
        "zh-CN": "没有导入任何用户:{count} 处问题,第一处是 {first}",
        "en": "no user was imported: {count} problem(s), the first being {first}",
    },
    "directory.import.raced": {
        "en": "a login or mobile number in the file was taken at the same moment; try again",
        "zh-CN": "文件中的某个登录名或手机号刚刚被别人占用,请重试",
    },
}
