"""Reading the audit trail (storage layer): filtered, newest first, paged by event id.

Writing stays with each store (an event commits with the change it describes); this module only
answers an administrator's question "who did what, to which thing, when".
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from engine.errors import SubmissionError
from engine.i18n import LOG_LOCALE, translate
from engine.storage.database import Database
from engine.storage.tables import AuditEventRow
from engine.whole_numbers import parse_whole

MAX_LIMIT = 500


class AuditLog:
    def __init__(self, database: Database):
        self.database = database

    def query(
        self,
        actor: str | None = None,
        action: str | None = None,
        subject_type: str | None = None,
        subject_id: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 100,
        cursor: str | int | None = None,
    ) -> dict[str, Any]:
        """Events matching every filter given, newest first: ``{items, next_cursor}``.

        ``action`` is exact, or a prefix when it ends with ``*`` (``user.*``); ``since`` is
        inclusive and ``until`` exclusive (both aware datetimes); ``cursor`` is the previous
        page's ``next_cursor`` (keyset on the id, so new events never shift a page).
        """
        if not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
            raise _refusal("record.audit.limit", "limit", "record.audit.limit_range", max=MAX_LIMIT)
        for name, moment in (("since", since), ("until", until)):
            if moment is not None and moment.tzinfo is None:
                raise _refusal("record.audit.no_zone", name, "record.audit.no_zone_short", name=name)
        statement = select(AuditEventRow).order_by(AuditEventRow.id.desc()).limit(limit + 1)
        if actor:
            statement = statement.where(AuditEventRow.actor == actor)
        if action:
            if action.endswith("*"):
                prefix = action[:-1].replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
                statement = statement.where(AuditEventRow.action.like(prefix + "%", escape="\\"))
            else:
                statement = statement.where(AuditEventRow.action == action)
        if subject_type:
            statement = statement.where(AuditEventRow.subject_type == subject_type)
        if subject_id:
            statement = statement.where(AuditEventRow.subject_id == subject_id)
        if since is not None:
            statement = statement.where(AuditEventRow.at >= since)
        if until is not None:
            statement = statement.where(AuditEventRow.at < until)
        if cursor is not None and cursor != "":
            statement = statement.where(AuditEventRow.id < _cursor(cursor))
        with self.database.transaction() as session:
            rows = list(session.scalars(statement))
        more = len(rows) > limit
        rows = rows[:limit]
        items = [
            {
                "id": row.id,
                "at": row.at.isoformat(),
                "actor": row.actor,
                "action": row.action,
                "subject_type": row.subject_type,
                "subject_id": row.subject_id,
                "details": row.details,
            }
            for row in rows
        ]
        return {"items": items, "next_cursor": str(rows[-1].id) if more and rows else None}


def _cursor(value: str | int) -> int:
    text = str(value)
    found = parse_whole(text)
    if found is None:
        raise _refusal("record.audit.cursor", "cursor", "record.audit.cursor_short")
    return found


def _refusal(code: str, field: str, field_code: str, **params: Any) -> SubmissionError:
    """A bad filter, by catalog code; the field error is English like the message (the API renders both)."""
    error = SubmissionError.says(code, **params)
    error.field_errors = {field: [translate(field_code, LOG_LOCALE, **params)]}
    return error
