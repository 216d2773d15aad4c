"""Administration pages (web layer): people, groups, bulk import and the audit log, for administrators.

Thin views over the same stores the JSON API uses (DirectoryStore, UserImport, AuditLog). Every
route passes ``_only_administrators`` first: a stranger is sent to sign in, a signed-in
non-administrator gets a 403 page. A refused form is drawn again with everything that was typed
and a sentence next to each field; nothing a browser sends may end in a 500.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime, time, timedelta
from typing import Any

from flask import Blueprint, Response, flash, get_flashed_messages, redirect, render_template, request, url_for
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import RequestEntityTooLarge

from engine.errors import (
    ConflictError,
    EngineError,
    NotAuthenticatedError,
    NotFoundError,
    PermissionDeniedError,
    SubmissionError,
)
from engine.forms.spec import localized
from engine.forms.types.temporal import LOCAL_ZONE
from engine.packages.messages import LOCALES
from engine.people.rules import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
from engine.services.user_import import MAX_BYTES as MAX_IMPORT_BYTES
from engine.services.user_import import UserImport
from engine.storage.audit import AuditLog
from engine.web.account_pages import remember_locale
from engine.web.auth import current_principal, login_redirect
from engine.web.context import services
from engine.web.pages import current_locale

bp = Blueprint("admin_pages", __name__, url_prefix="/admin")
bp.after_request(remember_locale)
PAGE_SIZE = 50
AUDIT_PAGE_SIZE = 50
MAX_TEXT = 300  # longer than any field may be, so an overlong value is reported rather than cut silently
TRUE = ("1", "on", "true")
PROFILE = ("name", "mobile", "email", "locale")

TEXT = {
    "zh-CN": {
        "title": "管理",
        "nav_users": "用户",
        "nav_groups": "班组",
        "nav_import": "批量导入",
        "nav_audit": "审计日志",
        "home": "首页",
        "switch": "English",
        "logout": "退出",
        "my_password": "修改密码",
        "forbidden_title": "无权访问",
        "forbidden": "只有管理员可以打开管理页面。如需权限,请联系系统管理员。",
        "csrf": "页面已过期或不是从 Trellis 提交的。请刷新页面后再试一次。",
        "too_large": "文件太大:请上传不超过 2 MB 的文件,或分成几个文件导入。",
        "search_placeholder": "登录名、姓名、手机或邮箱",
        "search": "搜索",
        "new_user": "新建用户",
        "login": "登录名",
        "name": "姓名",
        "mobile": "手机",
        "email": "邮箱",
        "locale": "界面语言",
        "active": "启用",
        "active_help": "停用后不能登录,也不能使用 API 令牌",
        "on_duty": "值班中",
        "on_duty_help": "派单时只派给值班中的人员",
        "roles": "角色",
        "groups": "班组",
        "communities": "负责的社区",
        "communities_help": "社区记录的编号,用逗号分隔,例如 1, 2",
        "admin": "管理员",
        "yes": "是",
        "no": "否",
        "inactive": "已停用",
        "next_page": "下一页",
        "first_page": "第一页",
        "none_found": "没有找到用户。",
        "save": "保存",
        "create": "创建用户",
        "password": "初始密码",
        "new_password": "新密码",
        "password_help_new": "留空则自动生成,只显示一次",
        "generated": "密码(只显示这一次,请转交本人):",
        "reset_title": "重置密码",
        "reset_help": "留空则自动生成一个新密码;对方下次登录时使用",
        "reset_button": "重置密码",
        "no_apps": "还没有安装应用,暂时没有可分配的角色。",
        "back_to_users": "返回用户列表",
        "fix": "有内容需要修改,请看标红的地方。",
        "new_user_title": "新建用户",
        "leader": "负责人",
        "parent": "上级班组",
        "no_parent": "(无,作为顶级)",
        "members": "成员",
        "add_member": "添加成员",
        "member_login": "成员登录名",
        "remove": "移出",
        "create_group": "新建班组",
        "group_name": "班组名称",
        "leader_help": "填写负责人的登录名,可留空",
        "no_groups": "还没有班组。",
        "no_members": "还没有成员。",
        "import_title": "批量导入用户",
        "import_help": "上传 CSV(UTF-8)或 XLSX 文件。第一行是表头:登录名、姓名、手机、邮箱、角色、班组、密码"
        "(只有登录名必填)。多个角色或班组用分号分隔,角色写作 应用:角色。有任何一行出错时,不会导入任何用户。",
        "file": "文件",
        "upload": "上传并导入",
        "uploading": "正在上传… {percent}%",
        "processing": "正在检查并导入…",
        "upload_failed": "上传失败,请检查网络后重试。",
        "import_done": "已导入 {count} 个用户(文件:{file})。",
        "import_passwords": "自动生成的密码(只显示这一次,请转交本人):",
        "import_failed": "没有导入任何用户。请按下面的提示修改文件后重新上传:",
        "row": "行",
        "audit_title": "审计日志",
        "actor": "操作人",
        "actor_help": "登录名,或 system / anonymous",
        "action": "操作",
        "action_help": "如 user.create,或 user.* 表示所有用户操作",
        "subject": "对象",
        "subject_help": "如 user:wang、group:工程部、app:property_repair",
        "since": "开始时间",
        "time_help": "如 2026-11-25 或 2026-11-25 08:00(北京时间)",
        "until": "结束时间",
        "filter": "筛选",
        "at": "时间",
        "details": "详情",
        "no_events": "没有符合条件的记录。",
        "cursor_invalid": "翻页链接已失效,已回到第一页。",
        "created": "已创建用户 {login}。",
        "saved": "已保存。",
        "reset_done": "已为 {login} 设置新密码。",
        "password_invalid": f"密码需要 {MIN_PASSWORD_LENGTH} 到 {MAX_PASSWORD_LENGTH} 个字符",
        "flag_invalid": "这个选项的值无效,请刷新页面后重新勾选",
        "login_required": "请填写登录名",
        "login_invalid": "登录名只能用字母、数字和 . _ @ + -(以字母或数字开头,最多 100 个字符),且不能像手机号",
        "login_taken": "登录名“{value}”已被占用,请换一个",
        "name_long": "姓名最多 200 个字符",
        "mobile_invalid": "手机号应为 5 到 19 位数字,可以 + 开头",
        "mobile_taken": "手机号 {value} 已属于其他用户",
        "email_invalid": "邮箱格式不正确,例如 wang@example.com",
        "locale_invalid": "请选择“中文”或“English”",
        "role_unknown": "角色“{value}”不存在,请刷新页面后重新选择",
        "group_unknown": "班组“{value}”不存在,请刷新页面后重新选择",
        "communities_invalid": "社区编号应为大于 0 的整数,用逗号分隔,例如 1, 2",
        "password_short": "密码至少需要 {min} 个字符",
        "password_long": "密码最多 {max} 个字符",
        "group_name_required": "请填写班组名称",
        "group_name_long": "班组名称最多 200 个字符",
        "group_taken": "已经有名为“{value}”的班组",
        "user_unknown": "没有登录名为“{value}”的用户",
        "group_created": "已创建班组“{name}”。",
        "member_required": "请填写要添加的成员的登录名",
        "member_added": "已将 {login} 加入“{group}”。",
        "member_removed": "已将 {login} 移出“{group}”。",
        "file_missing": "请选择要导入的 CSV 或 XLSX 文件",
        "time_invalid": "请按 2026-11-25 或 2026-11-25 10:00 的格式填写",
    },
    "en": {
        "title": "Administration",
        "nav_users": "People",
        "nav_groups": "Groups",
        "nav_import": "Import",
        "nav_audit": "Audit log",
        "home": "Home",
        "switch": "中文",
        "logout": "Sign out",
        "my_password": "Change password",
        "forbidden_title": "Not allowed",
        "forbidden": "Only administrators may open the administration pages; ask your administrator for access.",
        "csrf": "The page has expired or was not sent by Trellis. Reload the page and try again.",
        "too_large": "The file is too large: send at most 2 MB, or split it into several files.",
        "search_placeholder": "login, name, mobile or email",
        "search": "Search",
        "new_user": "New user",
        "login": "Login",
        "name": "Name",
        "mobile": "Mobile",
        "email": "Email",
        "locale": "Language",
        "active": "Active",
        "active_help": "An inactive user can neither sign in nor use API tokens",
        "on_duty": "On duty",
        "on_duty_help": "Dispatch only assigns work to people on duty",
        "roles": "Roles",
        "groups": "Groups",
        "communities": "Communities covered",
        "communities_help": "Record ids of the communities, separated by commas, e.g. 1, 2",
        "admin": "Administrator",
        "yes": "yes",
        "no": "no",
        "inactive": "inactive",
        "next_page": "Next page",
        "first_page": "First page",
        "none_found": "No user found.",
        "save": "Save",
        "create": "Create user",
        "password": "Initial password",
        "new_password": "New password",
        "password_help_new": "Leave empty to generate one; it is shown once",
        "generated": "Password (shown only this once; pass it on to the person):",
        "reset_title": "Reset password",
        "reset_help": "Leave empty to generate a new one; they use it at their next sign-in",
        "reset_button": "Reset password",
        "no_apps": "No app is installed yet, so there are no roles to give.",
        "back_to_users": "Back to people",
        "fix": "Some entries need changing; see the messages in red.",
        "new_user_title": "New user",
        "leader": "Leader",
        "parent": "Parent group",
        "no_parent": "(none: a top-level group)",
        "members": "Members",
        "add_member": "Add member",
        "member_login": "Member's login",
        "remove": "Remove",
        "create_group": "New group",
        "group_name": "Group name",
        "leader_help": "The leader's login; may stay empty",
        "no_groups": "There are no groups yet.",
        "no_members": "No members yet.",
        "import_title": "Import users",
        "import_help": "Send a CSV (UTF-8) or XLSX file. The first row is the header: login, name, mobile, email, "
        "roles, groups, password (only login is required). Separate several roles or groups with ';' and write "
        "roles as APP:ROLE. If any row has a problem, no user is imported.",
        "file": "File",
        "upload": "Upload and import",
        "uploading": "Uploading… {percent}%",
        "processing": "Checking and importing…",
        "upload_failed": "The upload failed; check the connection and try again.",
        "import_done": "Imported {count} user(s) from {file}.",
        "import_passwords": "Generated passwords (shown only this once; pass them on):",
        "import_failed": "No user was imported. Fix the file as described below and upload it again:",
        "row": "Row",
        "audit_title": "Audit log",
        "actor": "Who",
        "actor_help": "a login, or system / anonymous",
        "action": "Action",
        "action_help": "e.g. user.create, or user.* for every user action",
        "subject": "Subject",
        "subject_help": "e.g. user:wang, group:工程部, app:property_repair",
        "since": "From",
        "time_help": "e.g. 2026-11-25 or 2026-11-25 08:00 (China time)",
        "until": "To",
        "filter": "Filter",
        "at": "When",
        "details": "Details",
        "no_events": "No event matches.",
        "cursor_invalid": "That page link is no longer valid; showing the first page.",
        "created": "Created the user {login}.",
        "saved": "Saved.",
        "reset_done": "Set a new password for {login}.",
        "password_invalid": f"A password needs {MIN_PASSWORD_LENGTH} to {MAX_PASSWORD_LENGTH} characters",
        "flag_invalid": "This option has an invalid value; reload the page and tick it again",
        "login_required": "Enter a login",
        "login_invalid": "Use up to 100 letters, digits and . _ @ + - (starting with a letter or digit); "
        "it must not look like a phone number",
        "login_taken": "The login '{value}' is taken; choose another",
        "name_long": "A name may have at most 200 characters",
        "mobile_invalid": "A mobile number has 5 to 19 digits and may start with +",
        "mobile_taken": "The mobile number {value} already belongs to another user",
        "email_invalid": "This is not an email address (like wang@example.com)",
        "locale_invalid": "Choose 中文 or English",
        "role_unknown": "There is no role '{value}'; reload the page and choose again",
        "group_unknown": "There is no group '{value}'; reload the page and choose again",
        "communities_invalid": "Write community ids as whole numbers above 0, separated by commas, e.g. 1, 2",
        "password_short": "A password needs at least {min} characters",
        "password_long": "A password may have at most {max} characters",
        "group_name_required": "Enter the group's name",
        "group_name_long": "A group name may have at most 200 characters",
        "group_taken": "There is already a group named '{value}'",
        "user_unknown": "There is no user with the login '{value}'",
        "group_created": "Created the group '{name}'.",
        "member_required": "Enter the login of the person to add",
        "member_added": "Added {login} to '{group}'.",
        "member_removed": "Removed {login} from '{group}'.",
        "file_missing": "Choose the CSV or XLSX file to import",
        "time_invalid": "Write a date like 2026-11-25, or a date and time like 2026-11-25 10:00",
    },
}


# -- access and drawing -----------------------------------------------------------------------


@bp.before_request
def _only_administrators() -> Response | None:
    principal = current_principal()
    if principal.anonymous:
        return login_redirect()
    if not principal.is_admin:
        return _page("admin/forbidden.html", 403)
    return None


@bp.errorhandler(CSRFError)
def _expired(error: CSRFError) -> Response:
    return _page("admin/forbidden.html", 403, message=_t()["csrf"])


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(error: RequestEntityTooLarge) -> Response:
    return _page("admin/forbidden.html", 413, message=_t()["too_large"])


@bp.errorhandler(EngineError)
def _engine_error(error: EngineError) -> Response:
    if isinstance(error, NotAuthenticatedError):
        return _page("admin/forbidden.html", 401, message=error.message)
    status = 404 if isinstance(error, NotFoundError) else 403 if isinstance(error, PermissionDeniedError) else 400
    return _page("admin/forbidden.html", status, message=error.message)


def _t() -> dict[str, str]:
    return TEXT[current_locale()]


def _page(template: str, status: int = 200, **context: Any) -> Response:
    locale = current_locale()
    principal = current_principal()
    html = render_template(
        template,
        t=TEXT[locale],
        locale=locale,
        other="en" if locale == "zh-CN" else "zh-CN",
        me=principal.name or principal.id,
        notices=get_flashed_messages(),
        **context,
    )
    return Response(html, status=status, mimetype="text/html")


def _actor() -> str:
    return f"user:{current_principal().id}"


@bp.get("/")
def index() -> Response:
    return redirect(url_for("admin_pages.users"))  # type: ignore[return-value]


# -- people -----------------------------------------------------------------------------------


@bp.get("/users")
def users() -> Response:
    directory = services().directory
    query = request.args.get("q", "")[:200]
    cursor = request.args.get("cursor") or None
    banner = None
    try:
        page = directory.list_users(query, limit=PAGE_SIZE, cursor=cursor)
    except SubmissionError:
        page, cursor, banner = directory.list_users(query, limit=PAGE_SIZE), None, _t()["cursor_invalid"]
    return _page(
        "admin/users.html",
        users=page["items"],
        next_cursor=page["next_cursor"],
        paged=cursor is not None,
        q=query,
        role_names=_role_names(),
        banner=banner,
    )


@bp.route("/users/new", methods=["GET", "POST"])
def new_user() -> Response:
    catalog, groups = _role_catalog(), services().directory.list_groups()
    if request.method == "GET":
        values: dict[str, Any] = {"locale": current_locale(), "roles": [], "groups": []}
        return _page("admin/user_new.html", values=values, errors={}, catalog=catalog, groups=groups)
    values, errors = _posted_user(catalog, groups, new=True)
    banner = None
    user_id = None
    generated = None
    if not errors:
        password = values["password"] or secrets.token_urlsafe(9)
        generated = None if values["password"] else password
        try:
            user_id = services().directory.create_user(
                values["login"],
                password,
                name=values["name"],
                mobile=values["mobile"] or None,
                email=values["email"] or None,
                locale=values["locale"],
                admin=values["admin"],
                roles=[_pair(r) for r in values["roles"]],
                groups=values["groups"],
                communities=values["community_ids"],
                actor=_actor(),
            )
        except SubmissionError as exc:
            errors = _store_errors(exc)
        except EngineError as exc:  # taken at the same moment, a group removed meanwhile, ...
            banner = exc.message
    if user_id is None:
        values["password"] = ""  # never sent back into the page
        context = {"values": values, "errors": errors, "catalog": catalog, "groups": groups, "banner": banner}
        return _page("admin/user_new.html", 422, **context)
    notice = _t()["created"].format(login=services().directory.get_user(user_id)["login"])
    return _user_page(user_id, 201, notice=notice, password=generated)


@bp.get("/users/<user_id>")
def user(user_id: str) -> Response:
    return _user_page(user_id)


def _user_page(user_id: str, status: int = 200, **context: Any) -> Response:
    found = services().directory.get_user(user_id)
    groups = services().directory.list_groups()
    values = {**found, "communities": ", ".join(str(c) for c in found["communities"])}
    values["groups"] = [g["id"] for g in groups if g["name"] in found["groups"]]
    context.setdefault("errors", {})
    return _page(
        "admin/user.html", status, user=found, values=values, catalog=_role_catalog(), groups=groups, **context
    )


@bp.post("/users/<user_id>")
def update_user(user_id: str) -> Response:
    directory = services().directory
    found = directory.get_user(user_id)
    catalog, groups = _role_catalog(), directory.list_groups()
    values, errors = _posted_user(catalog, groups, new=False, user_id=found["id"])
    if not errors:
        held = set(found["roles"])
        changes: dict[str, Any] = {key: values[key] or None for key in ("mobile", "email")}
        changes.update(name=values["name"], locale=values["locale"], active=values["active"])
        changes.update(on_duty=values["on_duty"])
        changes["roles"] = {"add": sorted(set(values["roles"]) - held), "remove": sorted(held - set(values["roles"]))}
        try:
            directory.update_user(found["id"], changes, actor=_actor())
            directory.set_communities(found["id"], values["community_ids"], actor=_actor())
            member_of = {g["id"] for g in groups if g["name"] in found["groups"]}
            for group_id in sorted(set(values["groups"]) - member_of):
                directory.add_member(group_id, found["id"], actor=_actor())
            for group_id in sorted(member_of - set(values["groups"])):
                directory.remove_member(group_id, found["id"], actor=_actor())
        except SubmissionError as exc:
            errors = _store_errors(exc)
        except EngineError as exc:  # for instance: the last active administrator cannot be deactivated
            return _redraw_user(found, values, errors, exc.message)
        if not errors:
            flash(_t()["saved"])
            return redirect(url_for("admin_pages.user", user_id=found["id"]))  # type: ignore[return-value]
    return _redraw_user(found, values, errors, None)


def _redraw_user(found: dict[str, Any], values: dict[str, Any], errors: dict[str, str], banner: str | None) -> Response:
    shown = {**found, **values}
    return _page(
        "admin/user.html",
        422,
        user=found,
        values=shown,
        errors=errors,
        banner=banner,
        catalog=_role_catalog(),
        groups=services().directory.list_groups(),
    )


@bp.post("/users/<user_id>/password")
def reset_password(user_id: str) -> Response:
    directory = services().directory
    found = directory.get_user(user_id)
    typed = request.form.get("password", "")[: MAX_PASSWORD_LENGTH + 1]
    password = typed or secrets.token_urlsafe(9)
    problem = _password_problem(password)
    if problem is None:
        try:
            directory.set_password(found["id"], password, actor=_actor())
        except SubmissionError:
            problem = _t()["password_invalid"]
    if problem is not None:
        return _user_page(found["id"], 422, errors={"reset": problem})
    notice = _t()["reset_done"].format(login=found["login"])
    return _user_page(found["id"], notice=notice, password=None if typed else password)


def _posted_user(
    catalog: list[dict[str, Any]], groups: list[dict[str, Any]], *, new: bool, user_id: str | None = None
) -> tuple[dict[str, Any], dict[str, str]]:
    """What the user form sent, kept as typed for redrawing, and a sentence per field that is wrong."""
    t = _t()
    form = request.form
    values: dict[str, Any] = {key: form.get(key, "")[:MAX_TEXT].strip() for key in ("login", *PROFILE)}
    values["password"] = form.get("password", "")[: MAX_PASSWORD_LENGTH + 1]
    values["roles"] = form.getlist("roles")[:500]
    values["groups"] = form.getlist("groups")[:500]
    values["communities"] = form.get("communities", "")[:MAX_TEXT]
    errors: dict[str, str] = {}
    for flag in ("admin", "active", "on_duty"):
        raw = form.get(flag)
        values[flag] = raw in TRUE
        if raw is not None and raw not in TRUE:
            errors[flag] = t["flag_invalid"]
    if new:
        if not values["login"]:
            errors["login"] = t["login_required"]
        elif len(values["login"]) > 100:
            errors["login"] = t["login_invalid"]
        elif _exists(values["login"]):
            errors["login"] = t["login_taken"].format(value=values["login"])
        if values["password"] and (problem := _password_problem(values["password"])):
            errors["password"] = problem
    if len(values["name"]) > 200:
        errors["name"] = t["name_long"]
    if len(values["email"]) > 254:
        errors["email"] = t["email_invalid"]
    if values["locale"] not in LOCALES:
        errors["locale"] = t["locale_invalid"]
    if values["mobile"] and _mobile_taken(values["mobile"], user_id):
        errors["mobile"] = t["mobile_taken"].format(value=values["mobile"])
    offered = {role["value"] for app in catalog for role in app["roles"]}
    unknown = [r for r in values["roles"] if r not in offered]
    if unknown:
        errors["roles"] = t["role_unknown"].format(value=unknown[0][:60])
    known_groups = {g["id"] for g in groups}
    strange = [g for g in values["groups"] if g not in known_groups]
    if strange:
        errors["groups"] = t["group_unknown"].format(value=strange[0][:60])
    values["community_ids"] = _communities(values["communities"])
    if values["community_ids"] is None:
        errors["communities"] = t["communities_invalid"]
    return values, errors


def _communities(text: str) -> list[int] | None:
    parts = [p.strip() for p in text.replace(",", ",").replace(";", ",").split(",") if p.strip()]
    if not all(p.isdigit() and len(p) < 10 and int(p) > 0 for p in parts) or len(parts) > 200:
        return None
    return sorted({int(p) for p in parts})


def _password_problem(password: str) -> str | None:
    if len(password) < MIN_PASSWORD_LENGTH:
        return _t()["password_short"].format(min=MIN_PASSWORD_LENGTH)
    if len(password) > MAX_PASSWORD_LENGTH:
        return _t()["password_long"].format(max=MAX_PASSWORD_LENGTH)
    return None


def _store_errors(error: SubmissionError) -> dict[str, str]:
    """The store's field problems as sentences of this page's language (the store decides, we word)."""
    t = _t()
    wording = {
        "login": t["login_invalid"],
        "password": t["password_short"].format(min=MIN_PASSWORD_LENGTH),
        "name": t["name_long"],
        "mobile": t["mobile_invalid"],
        "email": t["email_invalid"],
        "locale": t["locale_invalid"],
        "communities": t["communities_invalid"],
        "roles": t["role_unknown"].format(value="?"),
    }
    found = {key: wording.get(key, error.message) for key in error.field_errors}
    return found or {"_form": error.message}


def _exists(login: str) -> bool:
    try:
        services().directory.get_user(login)
    except NotFoundError:
        return False
    return True


def _mobile_taken(mobile: str, user_id: str | None) -> bool:
    digits = "".join(ch for ch in mobile if ch not in " -()")
    matches = services().directory.list_users(digits, limit=20)["items"]
    return any(u["mobile"] == digits and u["id"] != user_id for u in matches)


def _pair(text: str) -> tuple[str, str]:
    app_id, _, role = text.partition(":")
    return app_id, role


def _role_catalog() -> list[dict[str, Any]]:
    """Each installed app with the roles its current package declares, labelled in the page's language."""
    locale = current_locale()
    catalog = []
    for app in services().apps.list_apps():
        document = services().apps.export(app["id"])
        roles = [
            {"value": f"{app['id']}:{role['id']}", "label": localized(role.get("name"), locale, role["id"])}
            for role in document.get("roles", [])
        ]
        catalog.append({"id": app["id"], "label": localized(app["name"], locale, app["id"]), "roles": roles})
    return catalog


def _role_names() -> dict[str, str]:
    return {role["value"]: role["label"] for app in _role_catalog() for role in app["roles"]}


# -- groups -----------------------------------------------------------------------------------


@bp.get("/groups")
def groups() -> Response:
    return _groups_page()


def _groups_page(status: int = 200, **context: Any) -> Response:
    context.setdefault("errors", {})
    context.setdefault("values", {})
    people = services().directory.list_users(limit=200)["items"]
    return _page("admin/groups.html", status, groups=services().directory.list_groups(), people=people, **context)


@bp.post("/groups")
def create_group() -> Response:
    t = _t()
    directory = services().directory
    values = {key: request.form.get(key, "")[:MAX_TEXT].strip() for key in ("name", "parent", "leader")}
    errors: dict[str, str] = {}
    known = {g["id"]: g["name"] for g in directory.list_groups()}
    if not values["name"]:
        errors["name"] = t["group_name_required"]
    elif len(values["name"]) > 200:
        errors["name"] = t["group_name_long"]
    elif values["name"] in known.values():
        errors["name"] = t["group_taken"].format(value=values["name"])
    if values["parent"] and values["parent"] not in known:
        errors["parent"] = t["group_unknown"].format(value=values["parent"][:60])
    if values["leader"] and not _exists(values["leader"]):
        errors["leader"] = t["user_unknown"].format(value=values["leader"][:60])
    if not errors:
        try:
            directory.create_group(values["name"], values["parent"] or None, values["leader"] or None, actor=_actor())
        except SubmissionError as exc:
            errors["name"] = exc.message
        except (ConflictError, NotFoundError) as exc:
            errors["_form"] = exc.message
    if errors:
        return _groups_page(422, errors=errors, values=values)
    flash(t["group_created"].format(name=values["name"]))
    return redirect(url_for("admin_pages.groups"))  # type: ignore[return-value]


@bp.post("/groups/<group_id>/members")
def add_member(group_id: str) -> Response:
    t = _t()
    group = _group(group_id)
    login = request.form.get("login", "")[:MAX_TEXT].strip()
    problem = None
    if not login:
        problem = t["member_required"]
    elif not _exists(login):
        problem = t["user_unknown"].format(value=login[:60])
    if problem is not None:
        return _groups_page(422, errors={f"member:{group['id']}": problem}, values={f"member:{group['id']}": login})
    services().directory.add_member(group["id"], login, actor=_actor())
    flash(t["member_added"].format(login=login, group=group["name"]))
    return redirect(url_for("admin_pages.groups", _anchor=f"group-{group['id']}"))  # type: ignore[return-value]


@bp.post("/groups/<group_id>/members/<user_id>/remove")
def remove_member(group_id: str, user_id: str) -> Response:
    group = _group(group_id)
    person = services().directory.get_user(user_id)
    services().directory.remove_member(group["id"], person["id"], actor=_actor())
    flash(_t()["member_removed"].format(login=person["login"], group=group["name"]))
    return redirect(url_for("admin_pages.groups", _anchor=f"group-{group['id']}"))  # type: ignore[return-value]


def _group(group_id: str) -> dict[str, Any]:
    found = next((g for g in services().directory.list_groups() if g["id"] == group_id), None)
    if found is None:
        raise NotFoundError(_t()["group_unknown"].format(value=group_id[:60]))
    return found


# -- bulk import ------------------------------------------------------------------------------


@bp.route("/import", methods=["GET", "POST"])
def import_users() -> Response:
    if request.method == "GET":
        return _page("admin/import.html", result=None, problems=None)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _page("admin/import.html", 422, result=None, problems={"file": [_t()["file_missing"]]})
    data = upload.read(MAX_IMPORT_BYTES + 1)
    try:
        result = UserImport(services().directory).run(
            data, locale=current_locale(), actor=_actor(), file_name=upload.filename
        )
    except SubmissionError as exc:
        return _page("admin/import.html", 422, result=None, problems=exc.field_errors, summary=exc.message)
    except ConflictError as exc:
        return _page("admin/import.html", 409, result=None, problems={"file": [exc.message]})
    return _page("admin/import.html", result=result, problems=None, file_name=upload.filename)


# -- audit ------------------------------------------------------------------------------------


@bp.get("/audit")
def audit() -> Response:
    t = _t()
    args = request.args
    filters = {key: args.get(key, "")[:MAX_TEXT].strip() for key in ("actor", "action", "subject", "since", "until")}
    errors: dict[str, str] = {}
    since = _moment(filters["since"], end=False)
    until = _moment(filters["until"], end=True)
    for key, moment in (("since", since), ("until", until)):
        if filters[key] and moment is None:
            errors[key] = t["time_invalid"]
    cursor = args.get("cursor", "")[:20] or None
    page: dict[str, Any] = {"items": [], "next_cursor": None}
    if not errors:
        subject_type, subject_id = _subject(filters["subject"])
        try:
            page = AuditLog(services().database).query(
                actor=_actor_filter(filters["actor"]),
                action=filters["action"] or None,
                subject_type=subject_type,
                subject_id=subject_id,
                since=since,
                until=until,
                limit=AUDIT_PAGE_SIZE,
                cursor=cursor,
            )
        except SubmissionError:
            errors["cursor"] = t["cursor_invalid"]
    names = _names(page["items"])
    events = [_event(item, names) for item in page["items"]]
    return _page(
        "admin/audit.html",
        422 if errors else 200,
        events=events,
        filters=filters,
        errors=errors,
        next_cursor=page["next_cursor"],
        paged=cursor is not None,
    )


def _moment(text: str, *, end: bool) -> datetime | None:
    """A date, or a date and time, typed in local time; a bare date ``until`` covers that whole day."""
    if not text:
        return None
    try:
        if len(text) <= 10:
            day = date.fromisoformat(text)
            moment = datetime.combine(day + timedelta(days=1) if end else day, time())
        else:
            moment = datetime.fromisoformat(text.replace(" ", "T", 1).replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=LOCAL_ZONE)


def _actor_filter(text: str) -> str | None:
    """People are found by login; ``system``, ``anonymous`` or ``user:ID`` are taken as written."""
    if not text:
        return None
    if ":" in text or text in ("system", "anonymous"):
        return text
    try:
        return f"user:{services().directory.get_user(text)['id']}"
    except NotFoundError:
        return text


def _subject(text: str) -> tuple[str | None, str | None]:
    """``user:wang``, ``group:工程部``, ``app:property_repair`` or a bare id; logins and group names resolve."""
    if not text:
        return None, None
    kind, sep, ref = text.partition(":")
    if not sep:
        return None, text
    if kind == "user":
        try:
            return kind, services().directory.get_user(ref)["id"]
        except NotFoundError:
            return kind, ref
    if kind == "group":
        found = next((g["id"] for g in services().directory.list_groups() if ref in (g["id"], g["name"])), ref)
        return kind, found
    return kind or None, ref or None


def _names(items: list[dict[str, Any]]) -> dict[str, str]:
    """``user:ID`` -> ``user:login`` and ``group:ID`` -> ``group:name`` for one page of events."""
    names = {f"group:{g['id']}": f"group:{g['name']}" for g in services().directory.list_groups()}
    ids = {item["actor"][5:] for item in items if item["actor"].startswith("user:")}
    ids |= {item["subject_id"] for item in items if item["subject_type"] == "user"}
    for user_id in sorted(ids):  # a handful of people per page
        try:
            names[f"user:{user_id}"] = f"user:{services().directory.get_user(user_id)['login']}"
        except NotFoundError:
            continue
    return names


def _event(item: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    moment = datetime.fromisoformat(item["at"])  # stored in UTC, always read back with its zone
    details = item["details"]
    shown = ", ".join(f"{k}={v}" for k, v in details.items()) if isinstance(details, dict) else str(details or "")
    actor = names.get(item["actor"], item["actor"]).removeprefix("user:")
    subject = f"{item['subject_type']}:{item['subject_id']}"
    subject = names.get(subject, subject)
    local = f"{moment.astimezone(LOCAL_ZONE):%Y-%m-%d %H:%M:%S}"
    return {**item, "at_local": local, "actor_shown": actor, "subject_shown": subject, "details_text": shown[:300]}
