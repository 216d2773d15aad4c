"""A person's in-app notifications (escalations, tasks passed to them, reopened tickets): list and mark read.

Service layer: the checks on what a request names and the view a page reads; the SQL is
``engine.storage.notifications``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from engine.forms.spec import localized
from engine.i18n import DEFAULT_LOCALE
from engine.services.flow_actions import refusal
from engine.storage.database import Database
from engine.storage.notifications import Notification, NotificationRepository
from engine.storage.tables import utcnow

MAX_MARKED = 500  # ids one request may mark read


class NotificationService:
    def __init__(self, database: Database, repository: NotificationRepository | None = None):
        self.database = database
        self.repository = repository or NotificationRepository()

    def list(self, user_id: str, *, unread_only: bool = False, limit: int = 50) -> dict[str, Any]:
        with self.database.transaction() as session:
            unread = self.repository.unread_count(session, user_id)
            rows = self.repository.newest(session, user_id, unread_only=unread_only, limit=max(1, min(limit, 200)))
            return {"unread": unread, "items": [_view(row) for row in rows]}

    def cursor(self, user_id: str) -> int:
        """Grows whenever the person gets a notification or marks one read (what a live bell polls)."""
        with self.database.transaction() as session:
            return self.repository.cursor(session, user_id)

    def unread(self, user_id: str) -> int:
        with self.database.transaction() as session:
            return self.repository.unread_count(session, user_id)

    def badge(self, user_id: str, locale: str) -> dict[str, Any]:
        """What the bell shows: the unread count and the newest unread message in the reader's language."""
        with self.database.transaction() as session:
            unread = self.repository.unread_count(session, user_id)
            newest = self.repository.newest(session, user_id, unread_only=True, limit=1) if unread else []
        return {"unread": unread, "latest": localized(newest[0].message, locale) if newest else ""}

    def page(self, user_id: str, *, before: int | None = None, limit: int = 20) -> Sequence[Notification]:
        """The person's notifications newest first; ``before`` (an id) pages back."""
        with self.database.transaction() as session:
            return self.repository.page(session, user_id, before=before, limit=max(1, min(limit, 200)))

    def one(self, user_id: str, notification_id: int) -> Notification | None:
        with self.database.transaction() as session:
            return self.repository.one(session, user_id, notification_id)

    def send(
        self,
        session: Any,
        *,
        app_id: str,
        to: Sequence[Sequence[str]],
        message: Any,
        record_id: int | None = None,
        at: datetime | None = None,
    ) -> None:
        """Notify ``to`` (``[kind, value]`` candidates: user, role, group) in the caller's transaction: each
        person gets the message in their inbox once it commits and a worker delivers it."""
        payload = {"app": app_id, "record": record_id, "to": [list(c) for c in to], "message": message}
        self.repository.enqueue(session, {**payload, "channels": ["inbox"]}, at or utcnow())

    def mark_read(
        self,
        user_id: str,
        ids: Sequence[int] | None = None,
        *,
        at: datetime | None = None,
        locale: str = DEFAULT_LOCALE,
    ) -> int:
        """Mark these (or, without ids, all) of the person's notifications read; returns how many changed."""
        if ids is not None and (
            len(ids) > MAX_MARKED or any(isinstance(i, bool) or not isinstance(i, int) for i in ids)
        ):
            raise refusal("ids", "flow_service.notification_ids_limit", locale, note="flow_service.a_list_of_numbers")
        with self.database.transaction() as session:
            return self.repository.mark_read(session, user_id, ids, at or utcnow())


def _view(row: Notification) -> dict[str, Any]:
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
