"""Directory administration API: people, groups, roles and the audit log (administrators only).

Every route asks ``require_admin()`` first, so a stranger learns nothing (401) and a signed-in
non-administrator is refused (403) before any lookup. Bodies are checked for shape here; the
directory service checks meaning (taken logins, unknown roles with a did-you-mean) and audits.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from flask import Blueprint, Response, request

from engine.errors import EngineError, SubmissionError
from engine.i18n import DEFAULT_LOCALE
from engine.packages import parse_json
from engine.services.refusals import field_text, invalid
from engine.services.user_import import MAX_BYTES as MAX_IMPORT_BYTES
from engine.storage.audit import AuditLog
from engine.web.auth import require_admin
from engine.web.context import services
from engine.web.http import json_response, locale
from engine.whole_numbers import parse_whole

bp = Blueprint("api_directory", __name__, url_prefix="/api/v1")
MAX_BODY_BYTES = 64 * 1024
NEW_USER_FIELDS = (
    "login",
    "password",
    "name",
    "mobile",
    "email",
    "locale",
    "admin",
    "roles",
    "groups",
    "communities",
    "id",
)


def _actor() -> str:
    return f"user:{require_admin().id}"


def _object() -> dict[str, Any]:
    try:
        body = parse_json(request.get_data(cache=False), max_bytes=MAX_BODY_BYTES)
    except EngineError as exc:
        raise SubmissionError(exc.message, {"_body": [exc.message]}) from None
    if not isinstance(body, dict):
        raise invalid("directory.send_object", {"_body": [field_text("directory.field.json_object")]})
    return body


def _limit(default: int, maximum: int) -> int:
    raw = request.args.get("limit")
    if raw is None:
        return default
    found = parse_whole(raw, low=1, high=maximum)
    if found is None:
        fields = {"limit": [field_text("directory.field.limit_invalid", max=maximum)]}
        raise invalid("directory.api_limit_invalid", fields, max=maximum)
    return found


def _text(body: dict[str, Any], key: str, problems: dict[str, list[str]], *, required: bool = False) -> Any:
    value = body.get(key)
    if value is None:
        if required:
            problems[key] = [field_text("directory.field.required")]
        return None
    if not isinstance(value, str):
        problems[key] = [field_text("directory.field.not_text")]
        return None
    return value


def _texts(body: dict[str, Any], key: str, problems: dict[str, list[str]]) -> list[str]:
    value = body.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value) or len(value) > 200:
        problems[key] = [field_text("directory.field.not_texts")]
        return []
    return value


# people


@bp.get("/users")
def list_users() -> Response:
    require_admin()
    query = request.args.get("q", "")
    page = services().directory.list_users(query, limit=_limit(50, 200), cursor=request.args.get("cursor"))
    return json_response(page)


@bp.post("/users")
def create_user() -> Response:
    """Create a user; without a ``password`` one is generated and returned this once."""
    actor = _actor()
    body = _object()
    problems: dict[str, list[str]] = {}
    unknown = sorted(set(body) - set(NEW_USER_FIELDS))
    for key in unknown:
        problems[key] = [field_text("directory.field.not_editable", fields=", ".join(NEW_USER_FIELDS))]
    login = _text(body, "login", problems, required=True)
    password = _text(body, "password", problems)
    texts = {key: _text(body, key, problems) for key in ("name", "mobile", "email", "id")}
    user_locale = _text(body, "locale", problems) or DEFAULT_LOCALE
    admin = body.get("admin", False)
    if not isinstance(admin, bool):
        problems["admin"] = [field_text("directory.field.not_boolean")]
    roles = _texts(body, "roles", problems)
    pairs = []
    for role in roles:
        app_id, sep, role_id = role.partition(":")
        if not sep or not app_id or not role_id:
            problems["roles"] = [field_text("directory.field.role_shape", role=role[:60])]
        pairs.append((app_id, role_id))
    groups = _texts(body, "groups", problems)
    communities = body.get("communities", [])
    if not isinstance(communities, list) or not all(
        isinstance(c, int) and not isinstance(c, bool) and 0 < c < 2**31 for c in communities
    ):
        problems["communities"] = [field_text("directory.field.not_communities")]
    if problems:
        detail = "; ".join(f"{key}: {messages[0]}" for key, messages in problems.items())
        raise invalid("directory.user_not_created", problems, detail=detail)
    generated = password is None
    if generated:
        password = secrets.token_urlsafe(9)
    directory = services().directory
    user_id = directory.create_user(
        login,
        password,
        name=texts["name"],
        mobile=texts["mobile"],
        email=texts["email"],
        locale=user_locale,
        admin=admin,
        roles=pairs,
        groups=groups,
        communities=communities,
        actor=actor,
        user_id=texts["id"],
    )
    user = directory.get_user(user_id)
    if generated:
        user["password"] = password
    return json_response(user, 201, Location=f"{request.path}/{user_id}")


@bp.get("/users/<user_id>")
def get_user(user_id: str) -> Response:
    require_admin()
    return json_response(services().directory.get_user(user_id))


@bp.patch("/users/<user_id>")
def update_user(user_id: str) -> Response:
    actor = _actor()
    return json_response(services().directory.update_user(user_id, _object(), actor=actor))


@bp.post("/users/import")
def import_users() -> Response:
    """Multipart file field ``file``: CSV or XLSX; all users are created, or none (422 with the rows)."""
    actor = _actor()
    upload = request.files.get("file") if request.mimetype == "multipart/form-data" else None
    if upload is None:
        raise invalid("directory.import_file_missing", {"file": [field_text("directory.field.missing")]})
    data = upload.read(MAX_IMPORT_BYTES + 1)
    result = services().user_import.run(data, locale=locale(), actor=actor, file_name=upload.filename or "")
    return json_response(result)


# groups


@bp.get("/groups")
def list_groups() -> Response:
    require_admin()
    return json_response({"items": services().directory.list_groups()})


@bp.post("/groups")
def create_group() -> Response:
    actor = _actor()
    body = _object()
    problems: dict[str, list[str]] = {}
    for key in sorted(set(body) - {"name", "parent", "leader"}):
        problems[key] = [field_text("directory.field.not_group_field")]
    name = _text(body, "name", problems, required=True)
    parent = _text(body, "parent", problems)
    leader = _text(body, "leader", problems)
    if problems:
        raise invalid("directory.group_not_created", problems, field=next(iter(problems)))
    directory = services().directory
    group_id = directory.create_group(name, parent, leader, actor=actor)
    group = next(g for g in directory.list_groups() if g["id"] == group_id)
    return json_response(group, 201)


@bp.post("/groups/<group_id>/members")
def add_members(group_id: str) -> Response:
    """Body ``{"users": [login or id, ...]}`` (or ``{"user": ...}``); adding a member twice changes nothing."""
    actor = _actor()
    body = _object()
    problems: dict[str, list[str]] = {}
    users = [body["user"]] if isinstance(body.get("user"), str) else _texts(body, "users", problems)
    if not users and not problems:
        problems["users"] = [field_text("directory.field.users_missing")]
    if problems:
        raise invalid("directory.users_missing", problems)
    directory = services().directory
    for user in users:  # every name is checked before anyone is added
        directory.get_user(user)
    for user in users:
        directory.add_member(group_id, user, actor=actor)
    groups = directory.list_groups()
    group = next((g for g in groups if group_id in (g["id"], g["name"])), None)
    return json_response(group or {"id": group_id})


# audit


@bp.get("/audit")
def audit() -> Response:
    """Filters: actor, action (``user.*`` for a prefix), subject_type, subject_id, since, until, limit, cursor."""
    require_admin()
    args = request.args
    page = AuditLog(services().database).query(
        actor=args.get("actor") or None,
        action=args.get("action") or None,
        subject_type=args.get("subject_type") or None,
        subject_id=args.get("subject_id") or None,
        since=_moment("since"),
        until=_moment("until"),
        limit=_limit(100, 500),
        cursor=args.get("cursor") or None,
    )
    return json_response(page)


def _moment(name: str) -> datetime | None:
    raw = request.args.get(name)
    if not raw:
        return None
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise invalid("directory.moment_invalid", {name: [field_text("directory.field.moment_invalid")]}, name=name)
    return moment
