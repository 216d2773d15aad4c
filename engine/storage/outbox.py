"""The outbox: side effects stored with the change that causes them, for a worker to deliver."""

from __future__ import annotations

from sqlalchemy import func, select

from engine.storage.database import Database
from engine.storage.tables import OutboxRow


class Outbox:
    def __init__(self, database: Database):
        self.database = database

    def pending_count(self) -> int:
        with self.database.transaction() as session:
            count = session.scalar(select(func.count()).select_from(OutboxRow).where(OutboxRow.delivered_at.is_(None)))
        return int(count or 0)
