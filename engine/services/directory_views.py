"""How the administration API shows people and groups (services layer): view dictionaries and page cursors."""

from __future__ import annotations

import base64
from typing import Any

from engine.services.refusals import field_text, invalid


def describe_users(
    rows: list[Any],
    roles: dict[str, list[str]],
    groups: dict[str, list[str]],
    communities: dict[str, list[int]],
) -> list[dict[str, Any]]:
    """Users as the administration API shows them; never the password hash."""
    return [
        {
            "id": row.id,
            "login": row.login,
            "name": row.name,
            "mobile": row.mobile,
            "email": row.email,
            "active": row.active,
            "is_admin": row.is_admin,
            "on_duty": row.on_duty,
            "locale": row.locale,
            "roles": roles.get(row.id, []),
            "groups": groups.get(row.id, []),
            "communities": communities.get(row.id, []),
        }
        for row in rows
    ]


def group_tree(groups: list[Any], people: dict[str, Any], memberships: list[tuple[str, str]]) -> list[dict[str, Any]]:
    """Every group, depth first (a parent before its children, siblings by name), with ``depth``."""
    members: dict[str, list[dict[str, Any]]] = {}
    for group_id, user_id in memberships:
        members.setdefault(group_id, []).append(person(people[user_id]))
    known = {g.id for g in groups}
    children: dict[str | None, list[Any]] = {}
    for group in groups:
        parent = group.parent_id if group.parent_id in known else None
        children.setdefault(parent, []).append(group)
    ordered: list[dict[str, Any]] = []
    seen: set[str] = set()

    def visit(parent: str | None, depth: int) -> None:
        for group in children.get(parent, []):
            if group.id in seen:  # the tree has no cycles; stay safe anyway
                continue
            seen.add(group.id)
            leader = people.get(group.leader_id) if group.leader_id else None
            ordered.append(
                {
                    "id": group.id,
                    "name": group.name,
                    "parent": group.parent_id,
                    "depth": depth,
                    "leader": person(leader) if leader is not None else None,
                    "members": sorted(members.get(group.id, []), key=lambda m: m["login"]),
                }
            )
            visit(group.id, depth + 1)

    visit(None, 0)
    return ordered


def person(row: Any) -> dict[str, Any]:
    return {"id": row.id, "login": row.login, "name": row.name, "active": row.active}


def encode_cursor(login: str) -> str:
    return base64.urlsafe_b64encode(login.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> str:
    try:
        return base64.b64decode(cursor + "=" * (-len(cursor) % 4), altchars=b"-_", validate=True).decode()
    except (ValueError, UnicodeDecodeError):
        fields = {"cursor": [field_text("directory.field.cursor_invalid")]}
        raise invalid("directory.cursor_invalid", fields) from None
