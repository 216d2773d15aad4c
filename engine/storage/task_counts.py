"""How many open tasks a person has in each app (storage layer): held by them, open to their roles and
groups and not yet taken, and how many of either are overdue. The app homes and the site home show these."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from engine.principal import Principal
from engine.storage.flows import candidate_clause
from engine.storage.tables import FlowTaskRow


@dataclass(frozen=True, slots=True)
class TaskCounts:
    mine: int = 0  # open, held by the person
    group: int = 0  # open, nobody holds it, offered to the person (their roles, groups, or them by name)
    mine_overdue: int = 0
    group_overdue: int = 0

    @property
    def overdue(self) -> int:
        return self.mine_overdue + self.group_overdue

    @property
    def total(self) -> int:
        return self.mine + self.group


def task_counts(session: Session, principal: Principal, now: datetime) -> Mapping[str, TaskCounts]:
    """The person's open task counts by app id (apps without any are left out); one query."""
    mine = FlowTaskRow.assignee == principal.id
    pool = and_(FlowTaskRow.assignee.is_(None), candidate_clause(principal))
    late = and_(FlowTaskRow.due_at.is_not(None), FlowTaskRow.due_at < now)

    def count(clause: Any) -> Any:
        return func.sum(case((clause, 1), else_=0))

    statement = (
        select(
            FlowTaskRow.app_id,
            count(mine),
            count(pool),
            count(and_(mine, late)),
            count(and_(pool, late)),
        )
        .where(FlowTaskRow.status == "open", or_(mine, pool))
        .group_by(FlowTaskRow.app_id)
    )
    found: dict[str, TaskCounts] = {}
    for row in session.execute(statement):
        app_id, *numbers = tuple(row)
        found[str(app_id)] = TaskCounts(*(int(str(n or 0)) for n in numbers))
    return found
