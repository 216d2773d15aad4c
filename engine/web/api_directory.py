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

from engine.i18n import DEFAULT_LOCALE
from engine.services.refusals import field_text, invalid
from engine.services.user_import import MAX_BYTES as MAX_IMPORT_BYTES
from engine.storage.audit import AuditLog
from engine.web.auth import require_admin
from engine.web.context import services
from engine.web.contract import operation
from engine.web.contract.directory import (
    AuditPage,
    AuditQuery,
    Group,
    Groups,
    ImportedPeople,
    NewGroup,
    NewMembers,
    NewPerson,
    People,
    PeopleQuery,
    Person,
    PersonChanges,
)
from engine.web.contract.operations import Answer
from engine.web.http import json_response, locale
from engine.whole_numbers import parse_whole

bp = Blueprint("api_directory", __name__, url_prefix="/api/v1")


def _actor() -> str:
    return f"user:{require_admin().id}"


def _limit(default: int, maximum: int) -> int:
    raw = request.args.get("limit")
    if raw is None:
        return default
    found = parse_whole(raw, low=1, high=maximum)
    if found is None:
        fields = {"limit": [field_text("directory.field.limit_invalid", max=maximum)]}
        raise invalid("directory.api_limit_invalid", fields, max=maximum)
    return found


# people


@bp.get("/users")
@operation(
    "People (administrators)",
    tags="directory",
    access="admin",
    query=PeopleQuery,
    answers={200: Answer("a page", People)},
)
def list_users() -> Response:
    require_admin()
    query = request.args.get("q", "")
    page = services().directory.list_users(query, limit=_limit(50, 200), cursor=request.args.get("cursor"))
    return json_response(page)


@bp.post("/users")
@operation(
    "Create a person (administrators)",
    tags="directory",
    access="admin",
    body=NewPerson,
    answers={201: Answer("the person; with `password` when it was generated", Person, headers=("Location",))},
)
def create_user(body: dict[str, Any]) -> Response:
    """Without a ``password`` one is generated and returned this once."""
    actor = _actor()
    generated = body.get("password") is None
    password: str = secrets.token_urlsafe(9) if generated else body["password"]
    directory = services().directory
    user_id = directory.create_user(
        body["login"],
        password,
        name=body.get("name"),
        mobile=body.get("mobile"),
        email=body.get("email"),
        locale=body.get("locale") or DEFAULT_LOCALE,
        admin=body["admin"],
        roles=[tuple(role.split(":", 1)) for role in body["roles"]],
        groups=body["groups"],
        communities=body["communities"],
        actor=actor,
        user_id=body.get("id"),
    )
    user = directory.get_user(user_id)
    if generated:
        user["password"] = password
    return json_response(user, 201, Location=f"{request.path}/{user_id}")


@bp.get("/users/<user_id>")
@operation("A person (administrators)", tags="directory", access="admin", answers={200: Answer("the person", Person)})
def get_user(user_id: str) -> Response:
    require_admin()
    return json_response(services().directory.get_user(user_id))


@bp.patch("/users/<user_id>")
@operation(
    "Change a person (administrators)",
    tags="directory",
    access="admin",
    body=PersonChanges,
    answers={200: Answer("the person after the change", Person)},
)
def update_user(user_id: str, body: dict[str, Any]) -> Response:
    actor = _actor()
    return json_response(services().directory.update_user(user_id, body, actor=actor))


@bp.post("/users/import")
@operation(
    "Import people from CSV or XLSX (administrators)",
    tags="directory",
    access="admin",
    raw_body="multipart_file",
    answers={200: Answer("what was created", ImportedPeople)},
)
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
@operation("Groups (administrators)", tags="directory", access="admin", answers={200: Answer("every group", Groups)})
def list_groups() -> Response:
    require_admin()
    return json_response({"items": services().directory.list_groups()})


@bp.post("/groups")
@operation(
    "Create a group (administrators)",
    tags="directory",
    access="admin",
    body=NewGroup,
    answers={201: Answer("the group", Group)},
)
def create_group(body: dict[str, Any]) -> Response:
    actor = _actor()
    name, parent, leader = body["name"], body.get("parent"), body.get("leader")
    directory = services().directory
    group_id = directory.create_group(name, parent, leader, actor=actor)
    group = next(g for g in directory.list_groups() if g["id"] == group_id)
    return json_response(group, 201)


@bp.post("/groups/<group_id>/members")
@operation(
    "Add people to a group (administrators)",
    tags="directory",
    access="admin",
    body=NewMembers,
    answers={200: Answer("the group", Group)},
)
def add_members(group_id: str, body: dict[str, Any]) -> Response:
    """Body ``{"users": [login or id, ...]}`` (or ``{"user": ...}``); adding a member twice changes nothing."""
    actor = _actor()
    users = [body["user"]] if "user" in body else body.get("users", [])
    if not users:
        raise invalid("directory.users_missing", {"users": [field_text("directory.field.users_missing")]})
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
@operation(
    "The audit log (administrators)",
    tags="directory",
    access="admin",
    query=AuditQuery,
    answers={200: Answer("newest first", AuditPage)},
)
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
