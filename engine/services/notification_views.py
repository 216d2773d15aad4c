"""A person's notifications as a page shows them (service layer): text in the reader's language and
where each leads - the task, else the record - only if the reader may open it now.

The same checks as the task and record pages decide (``FlowService.task``, ``RecordService.get``):
a task passed on to someone else since, or a record outside the reader's rows, gets no link.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engine.errors import NotFoundError, PermissionDeniedError
from engine.forms.spec import localized
from engine.principal import Principal
from engine.services.flows import FlowService
from engine.services.notifications import NotificationService
from engine.services.records import RecordService
from engine.storage.notifications import Notification

PAGE_SIZE = 20


@dataclass(frozen=True, slots=True)
class Target:
    """Where a notification leads: a task (``task_id``) or a record (app, form, record)."""

    kind: str  # "task" | "record"
    app_id: str
    form_id: str
    record_id: int | None
    task_id: str | None = None
    title: str = ""


class NotificationPageService:
    def __init__(self, notifications: NotificationService, flows: FlowService, records: RecordService):
        self.notifications = notifications
        self.flows = flows
        self.records = records

    def page(self, principal: Principal, locale: str, *, before: int | None = None) -> dict[str, Any]:
        """One page of the person's notifications newest first; ``older`` is the ``before`` of the next page."""
        rows = self.notifications.page(principal.id, before=before, limit=PAGE_SIZE + 1)
        shown = rows[:PAGE_SIZE]
        return {
            "unread": self.notifications.unread(principal.id),
            "items": [self._item(principal, row, locale) for row in shown],
            "older": shown[-1].id if len(rows) > PAGE_SIZE else None,
        }

    def open(self, principal: Principal, notification_id: int) -> Target | None:
        """Mark one of the person's notifications read and say where it leads (None: nowhere they may go).

        Someone else's id is treated as unknown: nothing is marked and nothing revealed.
        """
        row = self.notifications.one(principal.id, notification_id)
        if row is None:
            return None
        self.notifications.mark_read(principal.id, [row.id])
        return self.target(principal, row)

    def target(self, principal: Principal, row: Notification) -> Target | None:
        if row.task_id:
            try:
                task = self.flows.task(principal, row.task_id)
            except (NotFoundError, PermissionDeniedError):
                pass
            else:
                return Target("task", task["app_id"], task["form_id"], task["record_id"], task["id"])
        if row.app_id and row.form_id and row.record_id is not None:
            try:
                self.records.get(principal, row.app_id, row.form_id, row.record_id)
            except (NotFoundError, PermissionDeniedError):
                return None
            return Target("record", row.app_id, row.form_id, row.record_id)
        return None

    def _item(self, principal: Principal, row: Notification, locale: str) -> dict[str, Any]:
        target = self.target(principal, row)
        return {
            "id": row.id,
            "text": localized(row.message, locale),
            "at": row.created_at,
            "unread": row.read_at is None,
            "target": target,
            "about": self._title(principal, target) if target else "",
        }

    def _title(self, principal: Principal, target: Target) -> str:
        if target.record_id is None:
            return ""
        try:
            found = self.records.titles(
                principal, target.app_id, target.form_id, "", record_id=target.record_id, limit=1
            )
        except (NotFoundError, PermissionDeniedError):
            found = []
        return str(found[0]["title"]) if found else f"#{target.record_id}"
