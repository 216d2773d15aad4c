"""The administration pages' words: people, groups, bulk import and the audit log."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "page.admin.title": {
        "zh-CN": "管理",
        "en": "Administration",
    },
    "page.admin.nav_users": {
        "zh-CN": "用户",
        "en": "People",
    },
    "page.admin.nav_groups": {
        "zh-CN": "班组",
        "en": "Groups",
    },
    "page.admin.nav_import": {
        "zh-CN": "批量导入",
        "en": "Import",
    },
    "page.admin.nav_audit": {
        "zh-CN": "审计日志",
        "en": "Audit log",
    },
    "page.admin.home": {
        "zh-CN": "首页",
        "en": "Home",
    },
    "page.admin.logout": {
        "zh-CN": "退出",
        "en": "Sign out",
    },
    "page.admin.my_password": {
        "zh-CN": "修改密码",
        "en": "Change password",
    },
    "page.admin.forbidden_title": {
        "zh-CN": "无权访问",
        "en": "Not allowed",
    },
    "page.admin.forbidden": {
        "zh-CN": "只有管理员可以打开管理页面。如需权限,请联系系统管理员。",
        "en": "Only administrators may open the administration pages; ask your administrator for access.",
    },
    "page.admin.csrf": {
        "zh-CN": "页面已过期或不是从 Trellis 提交的。请刷新页面后再试一次。",
        "en": "The page has expired or was not sent by Trellis. Reload the page and try again.",
    },
    "page.admin.too_large": {
        "zh-CN": "文件太大:请上传不超过 2 MB 的文件,或分成几个文件导入。",
        "en": "The file is too large: send at most 2 MB, or split it into several files.",
    },
    "page.admin.search_placeholder": {
        "zh-CN": "登录名、姓名、手机或邮箱",
        "en": "login, name, mobile or email",
    },
    "page.admin.search": {
        "zh-CN": "搜索",
        "en": "Search",
    },
    "page.admin.new_user": {
        "zh-CN": "新建用户",
        "en": "New user",
    },
    "page.admin.login": {
        "zh-CN": "登录名",
        "en": "Login",
    },
    "page.admin.name": {
        "zh-CN": "姓名",
        "en": "Name",
    },
    "page.admin.mobile": {
        "zh-CN": "手机",
        "en": "Mobile",
    },
    "page.admin.email": {
        "zh-CN": "邮箱",
        "en": "Email",
    },
    "page.admin.locale": {
        "zh-CN": "界面语言",
        "en": "Language",
    },
    "page.admin.active": {
        "zh-CN": "启用",
        "en": "Active",
    },
    "page.admin.active_help": {
        "zh-CN": "停用后不能登录,也不能使用 API 令牌",
        "en": "An inactive user can neither sign in nor use API tokens",
    },
    "page.admin.on_duty": {
        "zh-CN": "值班中",
        "en": "On duty",
    },
    "page.admin.on_duty_help": {
        "zh-CN": "派单时只派给值班中的人员",
        "en": "Dispatch only assigns work to people on duty",
    },
    "page.admin.roles": {
        "zh-CN": "角色",
        "en": "Roles",
    },
    "page.admin.groups": {
        "zh-CN": "班组",
        "en": "Groups",
    },
    "page.admin.communities": {
        "zh-CN": "负责的社区",
        "en": "Communities covered",
    },
    "page.admin.communities_help": {
        "zh-CN": "社区记录的编号,用逗号分隔,例如 1, 2",
        "en": "Record ids of the communities, separated by commas, e.g. 1, 2",
    },
    "page.admin.admin": {
        "zh-CN": "管理员",
        "en": "Administrator",
    },
    "page.admin.yes": {
        "zh-CN": "是",
        "en": "yes",
    },
    "page.admin.no": {
        "zh-CN": "否",
        "en": "no",
    },
    "page.admin.inactive": {
        "zh-CN": "已停用",
        "en": "inactive",
    },
    "page.admin.next_page": {
        "zh-CN": "下一页",
        "en": "Next page",
    },
    "page.admin.first_page": {
        "zh-CN": "第一页",
        "en": "First page",
    },
    "page.admin.none_found": {
        "zh-CN": "没有找到用户。",
        "en": "No user found.",
    },
    "page.admin.save": {
        "zh-CN": "保存",
        "en": "Save",
    },
    "page.admin.create": {
        "zh-CN": "创建用户",
        "en": "Create user",
    },
    "page.admin.password": {
        "zh-CN": "初始密码",
        "en": "Initial password",
    },
    "page.admin.new_password": {
        "zh-CN": "新密码",
        "en": "New password",
    },
    "page.admin.password_help_new": {
        "zh-CN": "留空则自动生成,只显示一次",
        "en": "Leave empty to generate one; it is shown once",
    },
    "page.admin.generated": {
        "zh-CN": "密码(只显示这一次,请转交本人):",
        "en": "Password (shown only this once; pass it on to the person):",
    },
    "page.admin.reset_title": {
        "zh-CN": "重置密码",
        "en": "Reset password",
    },
    "page.admin.reset_help": {
        "zh-CN": "留空则自动生成一个新密码;对方下次登录时使用",
        "en": "Leave empty to generate a new one; they use it at their next sign-in",
    },
    "page.admin.reset_button": {
        "zh-CN": "重置密码",
        "en": "Reset password",
    },
    "page.admin.no_apps": {
        "zh-CN": "还没有安装应用,暂时没有可分配的角色。",
        "en": "No app is installed yet, so there are no roles to give.",
    },
    "page.admin.back_to_users": {
        "zh-CN": "返回用户列表",
        "en": "Back to people",
    },
    "page.admin.fix": {
        "zh-CN": "有内容需要修改,请看标红的地方。",
        "en": "Some entries need changing; see the messages in red.",
    },
    "page.admin.new_user_title": {
        "zh-CN": "新建用户",
        "en": "New user",
    },
    "page.admin.leader": {
        "zh-CN": "负责人",
        "en": "Leader",
    },
    "page.admin.parent": {
        "zh-CN": "上级班组",
        "en": "Parent group",
    },
    "page.admin.no_parent": {
        "zh-CN": "(无,作为顶级)",
        "en": "(none: a top-level group)",
    },
    "page.admin.members": {
        "zh-CN": "成员",
        "en": "Members",
    },
    "page.admin.add_member": {
        "zh-CN": "添加成员",
        "en": "Add member",
    },
    "page.admin.member_login": {
        "zh-CN": "成员登录名",
        "en": "Member's login",
    },
    "page.admin.remove": {
        "zh-CN": "移出",
        "en": "Remove",
    },
    "page.admin.create_group": {
        "zh-CN": "新建班组",
        "en": "New group",
    },
    "page.admin.group_name": {
        "zh-CN": "班组名称",
        "en": "Group name",
    },
    "page.admin.leader_help": {
        "zh-CN": "填写负责人的登录名,可留空",
        "en": "The leader's login; may stay empty",
    },
    "page.admin.no_groups": {
        "zh-CN": "还没有班组。",
        "en": "There are no groups yet.",
    },
    "page.admin.no_members": {
        "zh-CN": "还没有成员。",
        "en": "No members yet.",
    },
    "page.admin.import_title": {
        "zh-CN": "批量导入用户",
        "en": "Import users",
    },
    "page.admin.import_help": {
        "zh-CN": (
            "上传 CSV(UTF-8)或 XLSX 文件。第一行是表头:登录名、姓名、手机、邮箱、角色、班组、密码"
            "(只有登录名必填)。多个角色或班组用分号分隔,角色写作 应用:角色。有任何一行出错时,不会导入任何用户。"
        ),
        "en": (
            "Send a CSV (UTF-8) or XLSX file. The first row is the header: login, name, mobile, email, "
            "roles, groups, password (only login is required). Separate several roles or groups with ';' and write "
            "roles as APP:ROLE. If any row has a problem, no user is imported."
        ),
    },
    "page.admin.file": {
        "zh-CN": "文件",
        "en": "File",
    },
    "page.admin.upload": {
        "zh-CN": "上传并导入",
        "en": "Upload and import",
    },
    "page.admin.uploading": {
        "zh-CN": "正在上传… {percent}%",
        "en": "Uploading… {percent}%",
    },
    "page.admin.processing": {
        "zh-CN": "正在检查并导入…",
        "en": "Checking and importing…",
    },
    "page.admin.upload_failed": {
        "zh-CN": "上传失败,请检查网络后重试。",
        "en": "The upload failed; check the connection and try again.",
    },
    "page.admin.import_done": {
        "zh-CN": "已导入 {count} 个用户(文件:{file})。",
        "en": "Imported {count} user(s) from {file}.",
    },
    "page.admin.import_passwords": {
        "zh-CN": "自动生成的密码(只显示这一次,请转交本人):",
        "en": "Generated passwords (shown only this once; pass them on):",
    },
    "page.admin.import_failed": {
        "zh-CN": "没有导入任何用户。请按下面的提示修改文件后重新上传:",
        "en": "No user was imported. Fix the file as described below and upload it again:",
    },
    "page.admin.row": {
        "zh-CN": "行",
        "en": "Row",
    },
    "page.admin.audit_title": {
        "zh-CN": "审计日志",
        "en": "Audit log",
    },
    "page.admin.actor": {
        "zh-CN": "操作人",
        "en": "Who",
    },
    "page.admin.actor_help": {
        "zh-CN": "登录名,或“system”(系统)/“anonymous”(匿名)",
        "en": "a login, or system / anonymous",
    },
    "page.admin.action": {
        "zh-CN": "操作",
        "en": "Action",
    },
    "page.admin.action_help": {
        "zh-CN": "如“user.create”,或“user.*”表示所有用户操作",
        "en": "e.g. user.create, or user.* for every user action",
    },
    "page.admin.subject": {
        "zh-CN": "对象",
        "en": "Subject",
    },
    "page.admin.subject_help": {
        "zh-CN": "如 user:wang、group:工程部、app:property_repair",
        "en": "e.g. user:wang, group:工程部, app:property_repair",
    },
    "page.admin.since": {
        "zh-CN": "开始时间",
        "en": "From",
    },
    "page.admin.time_help": {
        "zh-CN": "如 2026-11-25 或 2026-11-25 08:00(北京时间)",
        "en": "e.g. 2026-11-25 or 2026-11-25 08:00 (China time)",
    },
    "page.admin.until": {
        "zh-CN": "结束时间",
        "en": "To",
    },
    "page.admin.filter": {
        "zh-CN": "筛选",
        "en": "Filter",
    },
    "page.admin.at": {
        "zh-CN": "时间",
        "en": "When",
    },
    "page.admin.details": {
        "zh-CN": "详情",
        "en": "Details",
    },
    "page.admin.no_events": {
        "zh-CN": "没有符合条件的记录。",
        "en": "No event matches.",
    },
    "page.admin.cursor_invalid": {
        "zh-CN": "翻页链接已失效,已回到第一页。",
        "en": "That page link is no longer valid; showing the first page.",
    },
    "page.admin.created": {
        "zh-CN": "已创建用户 {login}。",
        "en": "Created the user {login}.",
    },
    "page.admin.saved": {
        "zh-CN": "已保存。",
        "en": "Saved.",
    },
    "page.admin.reset_done": {
        "zh-CN": "已为 {login} 设置新密码。",
        "en": "Set a new password for {login}.",
    },
    "page.admin.password_invalid": {
        "zh-CN": "密码需要 {min} 到 {max} 个字符",
        "en": "A password needs {min} to {max} characters",
    },
    "page.admin.flag_invalid": {
        "zh-CN": "这个选项的值无效,请刷新页面后重新勾选",
        "en": "This option has an invalid value; reload the page and tick it again",
    },
    "page.admin.login_required": {
        "zh-CN": "请填写登录名",
        "en": "Enter a login",
    },
    "page.admin.login_invalid": {
        "zh-CN": "登录名只能用字母、数字和 . _ @ + -(以字母或数字开头,最多 100 个字符),且不能像手机号",
        "en": "Use up to 100 letters, digits and . _ @ + - (starting with a letter or digit); "
        "it must not look like a phone number",
    },
    "page.admin.login_taken": {
        "zh-CN": "登录名“{value}”已被占用,请换一个",
        "en": "The login '{value}' is taken; choose another",
    },
    "page.admin.name_long": {
        "zh-CN": "姓名最多 200 个字符",
        "en": "A name may have at most 200 characters",
    },
    "page.admin.mobile_invalid": {
        "zh-CN": "手机号应为 5 到 19 位数字,可以 + 开头",
        "en": "A mobile number has 5 to 19 digits and may start with +",
    },
    "page.admin.mobile_taken": {
        "zh-CN": "手机号 {value} 已属于其他用户",
        "en": "The mobile number {value} already belongs to another user",
    },
    "page.admin.email_invalid": {
        "zh-CN": "邮箱格式不正确,例如 wang@example.com",
        "en": "This is not an email address (like wang@example.com)",
    },
    "page.admin.locale_invalid": {
        "zh-CN": "请选择“中文”或“English”",
        "en": "Choose 中文 or English",
    },
    "page.admin.role_builder": {
        "en": "Builder (edits and publishes this app in the builder)",
        "zh-CN": "搭建者（可在搭建工具中修改并发布此应用）",
    },
    "page.admin.role_unknown": {
        "zh-CN": "角色“{value}”不存在,请刷新页面后重新选择",
        "en": "There is no role '{value}'; reload the page and choose again",
    },
    "page.admin.group_unknown": {
        "zh-CN": "班组“{value}”不存在,请刷新页面后重新选择",
        "en": "There is no group '{value}'; reload the page and choose again",
    },
    "page.admin.communities_invalid": {
        "zh-CN": "社区编号应为大于 0 的整数,用逗号分隔,例如 1, 2",
        "en": "Write community ids as whole numbers above 0, separated by commas, e.g. 1, 2",
    },
    "page.admin.password_short": {
        "zh-CN": "密码至少需要 {min} 个字符",
        "en": "A password needs at least {min} characters",
    },
    "page.admin.password_long": {
        "zh-CN": "密码最多 {max} 个字符",
        "en": "A password may have at most {max} characters",
    },
    "page.admin.group_name_required": {
        "zh-CN": "请填写班组名称",
        "en": "Enter the group's name",
    },
    "page.admin.group_name_long": {
        "zh-CN": "班组名称最多 200 个字符",
        "en": "A group name may have at most 200 characters",
    },
    "page.admin.group_taken": {
        "zh-CN": "已经有名为“{value}”的班组",
        "en": "There is already a group named '{value}'",
    },
    "page.admin.user_unknown": {
        "zh-CN": "没有登录名为“{value}”的用户",
        "en": "There is no user with the login '{value}'",
    },
    "page.admin.group_created": {
        "zh-CN": "已创建班组“{name}”。",
        "en": "Created the group '{name}'.",
    },
    "page.admin.member_required": {
        "zh-CN": "请填写要添加的成员的登录名",
        "en": "Enter the login of the person to add",
    },
    "page.admin.member_added": {
        "zh-CN": "已将 {login} 加入“{group}”。",
        "en": "Added {login} to '{group}'.",
    },
    "page.admin.member_removed": {
        "zh-CN": "已将 {login} 移出“{group}”。",
        "en": "Removed {login} from '{group}'.",
    },
    "page.admin.file_missing": {
        "zh-CN": "请选择要导入的 CSV 或 XLSX 文件",
        "en": "Choose the CSV or XLSX file to import",
    },
    "page.admin.time_invalid": {
        "zh-CN": "请按 2026-11-25 或 2026-11-25 10:00 的格式填写",
        "en": "Write a date like 2026-11-25, or a date and time like 2026-11-25 10:00",
    },
    "page.admin.public_url_unset": {
        "zh-CN": "尚未设置 `TRELLIS_PUBLIC_URL`:二维码和进度查询链接用的是本页的地址,外部用户的手机可能打不开。"
        "请把它设为外部用户访问的地址,如 https://service.example.com。",
        "en": "TRELLIS_PUBLIC_URL is not set: QR codes and tracking links use this page's address, which the "
        "public's phones may not reach. Set it to the address the public opens, such as https://service.example.com.",
    },
    "page.admin.public_url_local": {
        "zh-CN": "`TRELLIS_PUBLIC_URL` 指向本机({url}):外部用户的手机打不开二维码和进度查询链接。"
        "请把它设为外部用户访问的地址,如 https://service.example.com。",
        "en": "TRELLIS_PUBLIC_URL points at this computer ({url}): the public's phones cannot open QR codes and "
        "tracking links. Set it to the address the public opens, such as https://service.example.com.",
    },
}
