"""A person's in-app notifications (escalations, tasks passed to them, reopened tickets): list and mark read."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update

from engine.errors import SubmissionError
from engine.storage.database import Database
from engine.storage.tables import NotificationRow, utcnow


class NotificationStore:
    def __init__(self, database: Database):
        self.database = database

    def list(self, user_id: str, *, unread_only: bool = False, limit: int = 50) -> dict[str, Any]:
        with self.database.transaction() as session:
            mine = NotificationRow.user_id == user_id
            unread = int(
                session.scalar(
                    select(func.count()).select_from(NotificationRow).where(mine, NotificationRow.read_at.is_(None))
                )
                or 0
            )
            statement = select(NotificationRow).where(mine)
            if unread_only:
                statement = statement.where(NotificationRow.read_at.is_(None))
            rows = session.scalars(
                statement.order_by(NotificationRow.created_at.desc(), NotificationRow.id.desc()).limit(
                    max(1, min(limit, 200))
                )
            ).all()
            return {"unread": unread, "items": [_view(row) for row in rows]}

    def mark_read(self, user_id: str, ids: Sequence[int] | None = None, *, at: datetime | None = None) -> int:
        """Mark these (or, without ids, all) of the person's notifications read; returns how many changed."""
        if ids is not None and (len(ids) > 500 or any(isinstance(i, bool) or not isinstance(i, int) for i in ids)):
            raise SubmissionError(
                "ids must be a list of up to 500 notification numbers", {"ids": ["a list of numbers"]}
            )
        with self.database.transaction() as session:
            statement = update(NotificationRow).where(
                NotificationRow.user_id == user_id, NotificationRow.read_at.is_(None)
            )
            if ids is not None:
                statement = statement.where(NotificationRow.id.in_(list(ids)))
            result = session.execute(statement.values(read_at=at or utcnow()))
            return int(getattr(result, "rowcount", 0) or 0)


def _view(row: NotificationRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "message": row.message,
        "app_id": row.app_id,
        "record_id": row.record_id,
        "instance_id": row.instance_id,
        "task_id": row.task_id,
        "created_at": row.created_at.isoformat(),
        "read_at": row.read_at.isoformat() if row.read_at else None,
    }
