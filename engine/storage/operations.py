"""What an administrator looks at when something went wrong: flow instances stopped by an error."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from engine.storage.database import Database
from engine.storage.tables import FlowInstanceRow


def failed_instances(database: Database, limit: int = 100) -> list[dict[str, Any]]:
    """Failed flow instances, the most recently changed first, each with the error that stopped it."""
    with database.transaction() as session:
        rows = session.scalars(
            select(FlowInstanceRow)
            .where(FlowInstanceRow.status == "failed")
            .order_by(FlowInstanceRow.updated_at.desc(), FlowInstanceRow.id)
            .limit(limit)
        )
        return [
            {
                "id": row.id,
                "app_id": row.app_id,
                "flow_id": row.flow_id,
                "form_id": row.form_id,
                "record_id": row.record_id,
                "started_by": row.started_by,
                "error": row.error or "",
                "failed_at": row.updated_at,
            }
            for row in rows
        ]
