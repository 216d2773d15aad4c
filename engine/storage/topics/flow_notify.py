"""``flow.notify``: a flow tells people something; each of them gets an in-app notification.

Roles and groups are expanded to their active members when the item is delivered (a group
includes its sub-groups). Only the in-app inbox exists so far: other channels a definition asks
for (sms, wecom, email) are logged as not configured, and the inbox still gets the message.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from engine.storage.tables import GroupMemberRow, GroupRow, NotificationRow, UserRoleRow, UserRow
from engine.storage.topics.base import TOPICS, DeliveryContext, LocalTopicHandler, OutboxItem

log = logging.getLogger("trellis.worker")
CONFIGURED_CHANNELS = frozenset({"inbox"})


class FlowNotify(LocalTopicHandler):
    def write(self, session: Session, context: DeliveryContext, item: OutboxItem) -> None:
        payload = item.payload
        for channel in payload.get("channels") or ():
            if channel not in CONFIGURED_CHANNELS:
                log.info("outbox %s: channel %r is not configured; sent to the in-app inbox only", item.id, channel)
        people = recipients(session, payload.get("app"), payload.get("to") or [])
        already = set(session.scalars(select(NotificationRow.user_id).where(NotificationRow.outbox_id == item.id)))
        rows = [_row(item, user_id, context) for user_id in sorted(people - already)]
        if rows:
            session.execute(insert(NotificationRow), rows)
        if not people:
            log.info("outbox %s: no one to notify (%s)", item.id, payload.get("to"))


def recipients(session: Session, app_id: str | None, to: Iterable[Sequence[str]]) -> set[str]:
    """The ids of the people a list of ``[kind, value]`` candidates stands for."""
    wanted: dict[str, set[str]] = {}
    for kind, value in to:
        wanted.setdefault(kind, set()).add(value)
    found: set[str] = set(wanted.pop("tracking", ()))  # a ticket's tracking link: its owner reads it there
    active = UserRow.active.is_(True)
    if users := wanted.pop("user", None):
        found.update(session.scalars(select(UserRow.id).where(UserRow.id.in_(sorted(users)), active)))
    if (roles := wanted.pop("role", None)) and app_id:
        found.update(
            session.scalars(
                select(UserRoleRow.user_id)
                .join(UserRow, UserRow.id == UserRoleRow.user_id)
                .where(UserRoleRow.app_id == app_id, UserRoleRow.role.in_(sorted(roles)), active)
            )
        )
    if groups := wanted.pop("group", None):
        found.update(
            session.scalars(
                select(GroupMemberRow.user_id)
                .join(UserRow, UserRow.id == GroupMemberRow.user_id)
                .where(GroupMemberRow.group_id.in_(sorted(_with_subgroups(session, groups))), active)
            )
        )
    for kind in wanted:
        log.warning("notification recipients of kind %r are not understood; skipped", kind)
    return found


def _with_subgroups(session: Session, groups: set[str]) -> set[str]:
    children: dict[str, list[str]] = {}
    for group_id, parent_id in session.execute(select(GroupRow.id, GroupRow.parent_id)):
        if parent_id:
            children.setdefault(parent_id, []).append(group_id)
    found, todo = set(groups), list(groups)
    while todo:
        for child in children.get(todo.pop(), ()):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def _row(item: OutboxItem, user_id: str, context: DeliveryContext) -> dict[str, Any]:
    payload = item.payload
    return {
        "user_id": user_id,
        "outbox_id": item.id,
        "app_id": payload.get("app"),
        "record_id": payload.get("record"),
        "instance_id": payload.get("instance"),
        "node_id": payload.get("node"),
        "task_id": payload.get("task"),
        "message": payload.get("message") or {},
        "created_at": context.clock(),
    }


TOPICS.register("flow.notify", FlowNotify())
