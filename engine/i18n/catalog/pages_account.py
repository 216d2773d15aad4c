"""The account pages' words (changing one's password) and the sign-in page's."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "page.account.title": {
        "zh-CN": "修改密码",
        "en": "Change password",
    },
    "page.account.current": {
        "zh-CN": "当前密码",
        "en": "Current password",
    },
    "page.account.new": {
        "zh-CN": "新密码",
        "en": "New password",
    },
    "page.account.confirm": {
        "zh-CN": "再次输入新密码",
        "en": "New password again",
    },
    "page.account.new_help": {
        "zh-CN": "至少 {min} 个字符",
        "en": "At least {min} characters",
    },
    "page.account.submit": {
        "zh-CN": "修改密码",
        "en": "Change password",
    },
    "page.account.home": {
        "zh-CN": "返回首页",
        "en": "Back to the home page",
    },
    "page.account.current_missing": {
        "zh-CN": "请输入当前密码",
        "en": "Enter your current password",
    },
    "page.account.current_wrong": {
        "zh-CN": "当前密码不正确",
        "en": "The current password is not right",
    },
    "page.account.locked": {
        "zh-CN": "输错次数过多,请在 {time} 之后再试",
        "en": "Too many wrong attempts; try again after {time}",
    },
    "page.account.too_short": {
        "zh-CN": "新密码至少需要 {min} 个字符",
        "en": "The new password needs at least {min} characters",
    },
    "page.account.too_long": {
        "zh-CN": "新密码最多 {max} 个字符",
        "en": "The new password may have at most {max} characters",
    },
    "page.account.mismatch": {
        "zh-CN": "两次输入的新密码不一致",
        "en": "The two new passwords are not the same",
    },
    "page.account.same": {
        "zh-CN": "新密码不能与当前密码相同",
        "en": "The new password must differ from the current one",
    },
    "page.account.changed": {
        "zh-CN": "密码已修改。下次登录请使用新密码。",
        "en": "Your password has been changed. Use the new one next time you sign in.",
    },
    "page.account.failed": {
        "zh-CN": "密码没有修改:{message}",
        "en": "The password was not changed: {message}",
    },
    "page.account.admin": {
        "zh-CN": "用户管理",
        "en": "Administration",
    },
    "page.account.password": {
        "zh-CN": "修改密码",
        "en": "Change password",
    },
    "page.auth.title": {
        "zh-CN": "登录",
        "en": "Sign in",
    },
    "page.auth.login": {
        "zh-CN": "用户名或手机号",
        "en": "User name or mobile",
    },
    "page.auth.password": {
        "zh-CN": "密码",
        "en": "Password",
    },
    "page.auth.submit": {
        "zh-CN": "登录",
        "en": "Sign in",
    },
    "page.auth.logout": {
        "zh-CN": "退出登录",
        "en": "Sign out",
    },
    # refusals of the sign-in gate (API answers and pages)
    "page.auth.token_invalid": {
        "zh-CN": "API 令牌无效(输错、已吊销或其用户已停用);请用 `trellis tokens create` 新建一个",
        "en": "the API token is not valid (mistyped, revoked, or its user deactivated); "
        "create a new one with `trellis tokens create`",
    },
    "page.auth.csrf_failed": {
        "zh-CN": "页面已过期或不是从 Trellis 提交的;请刷新后再试",
        "en": "the page has expired or was not sent by Trellis; reload it and try again",
    },
    "page.auth.sign_in_needed": {
        "zh-CN": "请先登录(或发送 API 令牌)再进行此操作",
        "en": "sign in (or send an API token) to do this",
    },
    "page.auth.token_read_only": {
        "zh-CN": "此 API 令牌只能读取:更改数据需要权限范围 app:{app_id}:write",
        "en": "this API token may only read: changing data needs the scope app:{app_id}:write",
    },
    "page.auth.token_read_only_any": {
        "zh-CN": "此 API 令牌只能读取:更改数据需要写入权限范围(app:应用:write)",
        "en": "this API token may only read: changing data needs a write scope (app:APP:write)",
    },
    "page.auth.no_role_in_app": {
        "zh-CN": "你在应用 {app} 中没有角色;请联系管理员",
        "en": "you hold no role in the app {app}; ask an administrator",
    },
    "page.auth.admin_only": {"zh-CN": "只有管理员可以进行此操作", "en": "only an administrator may do this"},
}
