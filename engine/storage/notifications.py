"""A person's in-app notifications as rows: count, list and mark read (storage layer)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from engine.storage.outbox import enqueue
from engine.storage.tables import FlowInstanceRow, NotificationRow

TOPIC = "flow.notify"  # delivered by engine.storage.topics.flow_notify, whoever sends it


@dataclass(frozen=True, slots=True)
class Notification:
    id: int
    message: dict[str, Any]
    app_id: str | None
    record_id: int | None
    instance_id: str | None
    task_id: str | None
    created_at: datetime
    read_at: datetime | None
    form_id: str | None = None  # the form of the flow it came from (for a link to its record)


class NotificationRepository:
    """The SQL of notifications; every method works in the session (transaction) the caller holds."""

    def unread_count(self, session: Session, user_id: str) -> int:
        mine = NotificationRow.user_id == user_id
        return int(
            session.scalar(
                select(func.count()).select_from(NotificationRow).where(mine, NotificationRow.read_at.is_(None))
            )
            or 0
        )

    def newest(self, session: Session, user_id: str, *, unread_only: bool, limit: int) -> list[Notification]:
        statement = select(NotificationRow).where(NotificationRow.user_id == user_id)
        if unread_only:
            statement = statement.where(NotificationRow.read_at.is_(None))
        rows = session.scalars(
            statement.order_by(NotificationRow.created_at.desc(), NotificationRow.id.desc()).limit(limit)
        ).all()
        return [
            Notification(r.id, r.message, r.app_id, r.record_id, r.instance_id, r.task_id, r.created_at, r.read_at)
            for r in rows
        ]

    def cursor(self, session: Session, user_id: str) -> int:
        """A number that grows whenever the person gets a notification or marks one read: the newest id
        plus how many are read (both only grow), one indexed aggregate for a live page to poll."""
        newest, read = session.execute(
            select(func.max(NotificationRow.id), func.count(NotificationRow.read_at)).where(
                NotificationRow.user_id == user_id
            )
        ).one()
        return int(newest or 0) + int(read or 0)

    def page(self, session: Session, user_id: str, *, before: int | None, limit: int) -> list[Notification]:
        """The person's notifications newest first (by id), those older than ``before`` when given,
        each with the form of the flow it came from."""
        statement = (
            select(NotificationRow, FlowInstanceRow.form_id)
            .outerjoin(FlowInstanceRow, FlowInstanceRow.id == NotificationRow.instance_id)
            .where(NotificationRow.user_id == user_id)
        )
        if before is not None:
            statement = statement.where(NotificationRow.id < before)
        rows = session.execute(statement.order_by(NotificationRow.id.desc()).limit(limit)).all()
        return [
            Notification(
                r.id, r.message, r.app_id, r.record_id, r.instance_id, r.task_id, r.created_at, r.read_at, form_id
            )
            for r, form_id in rows
        ]

    def one(self, session: Session, user_id: str, notification_id: int) -> Notification | None:
        """One of the person's notifications (someone else's is None, as if it did not exist)."""
        found = self.page(session, user_id, before=notification_id + 1, limit=1)
        return found[0] if found and found[0].id == notification_id else None

    def enqueue(self, session: Session, payload: dict[str, Any], now: datetime) -> None:
        """A notification to deliver after the caller's transaction commits (roles and groups expanded then)."""
        enqueue(session, TOPIC, [payload], now)

    def mark_read(self, session: Session, user_id: str, ids: Sequence[int] | None, at: datetime) -> int:
        """Mark these (or, without ids, all) of the person's unread notifications read; how many changed."""
        statement = update(NotificationRow).where(NotificationRow.user_id == user_id, NotificationRow.read_at.is_(None))
        if ids is not None:
            statement = statement.where(NotificationRow.id.in_(list(ids)))
        result = session.execute(statement.values(read_at=at))
        return int(getattr(result, "rowcount", 0) or 0)
