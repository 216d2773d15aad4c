"""Internal comments on records as rows: list a record's, add one, with its audit event (storage layer)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.storage.tables import AuditEventRow, RecordCommentRow, UserRow


@dataclass(frozen=True, slots=True)
class RecordComment:
    id: int
    author: str
    author_name: str
    body: str
    at: datetime


class RecordCommentRepository:
    """The SQL of record comments; every method works in the session (transaction) the caller holds."""

    def of(self, session: Session, app_id: str, form_id: str, record_id: int, limit: int = 200) -> list[RecordComment]:
        statement = (
            select(RecordCommentRow, UserRow.name)
            .outerjoin(UserRow, UserRow.id == RecordCommentRow.author)
            .where(
                RecordCommentRow.app_id == app_id,
                RecordCommentRow.form_id == form_id,
                RecordCommentRow.record_id == record_id,
            )
            .order_by(RecordCommentRow.id)
            .limit(limit)
        )
        return [
            RecordComment(row.id, row.author, name or "", row.body, row.at) for row, name in session.execute(statement)
        ]

    def add(
        self, session: Session, app_id: str, form_id: str, record_id: int, author: str, body: str, at: datetime
    ) -> int:
        row = RecordCommentRow(app_id=app_id, form_id=form_id, record_id=record_id, author=author, body=body, at=at)
        session.add(row)
        session.flush()
        session.add(
            AuditEventRow(
                at=at,
                actor=author,
                action="record.comment",
                subject_type="record",
                subject_id=f"{app_id}/{form_id}/{record_id}",
                details={"comment": row.id},
            )
        )
        return row.id
