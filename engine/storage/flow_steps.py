"""Where each record of a list stands in its flows (storage layer): open steps, who holds them, when due.

One query per page of records (the tasks index on ``app_id, form_id, record_id`` is not needed:
``record_id IN (...)`` over open tasks stays small), and one for the holders' names.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.storage.tables import FlowTaskRow, UserRow


@dataclass(frozen=True, slots=True)
class OpenStep:
    record_id: int
    flow_id: str
    node_id: str
    assignee: str | None  # a user id; None while the task waits in a pool
    due_at: datetime | None
    created_at: datetime  # with ``due_at``: the time the step allows


def open_steps(session: Session, app_id: str, form_id: str, record_ids: Iterable[int]) -> list[OpenStep]:
    ids = sorted(set(record_ids))
    if not ids:
        return []
    statement = (
        select(
            FlowTaskRow.record_id,
            FlowTaskRow.flow_id,
            FlowTaskRow.node_id,
            FlowTaskRow.assignee,
            FlowTaskRow.due_at,
            FlowTaskRow.created_at,
        )
        .where(
            FlowTaskRow.app_id == app_id,
            FlowTaskRow.form_id == form_id,
            FlowTaskRow.record_id.in_(ids),
            FlowTaskRow.status == "open",
        )
        .order_by(FlowTaskRow.record_id, FlowTaskRow.created_at)
    )
    return [OpenStep(*row) for row in session.execute(statement)]


def user_names(session: Session, ids: Iterable[str]) -> dict[str, str]:
    wanted = sorted({i for i in ids if i and len(i) <= 32})
    if not wanted:
        return {}
    return {row.id: row.name for row in session.execute(select(UserRow.id, UserRow.name).where(UserRow.id.in_(wanted)))}
