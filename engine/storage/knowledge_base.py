"""Knowledge-base reads and votes (storage layer): substring search over a form's text fields,
within a bound row rule, and the per-browser votes table.

The search is ``LIKE '%term%'`` with the term escaped and bound as a parameter: every term must
occur in one of the searched fields. Chinese has no spaces, so a term is usually a phrase (停车费).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, insert, or_, select
from sqlalchemy.orm import Session

from engine.forms.row_rules import RowRule
from engine.storage.catalog import CompiledForm
from engine.storage.row_rule_sql import rule_sql
from engine.storage.tables import KbVoteRow

VOTES: Any = KbVoteRow.__table__


def search(
    session: Session, form: CompiledForm, visible: RowRule, fields: Sequence[str], terms: Sequence[str], limit: int
) -> list[Any]:
    """Live records inside ``visible`` whose searched fields hold every term, newest first."""
    table = form.table
    statement = select(table).where(table.c.deleted_at.is_(None), rule_sql(table, visible, form.rule_paths))
    for term in terms:
        statement = statement.where(or_(*(table.c[name].contains(term, autoescape=True) for name in fields)))
    return list(session.execute(statement.order_by(table.c.id.desc()).limit(limit)))


def has_voted(session: Session, app_id: str, form_id: str, record_id: int, token: str) -> bool:
    found = session.execute(select(VOTES.c.id).where(_article(app_id, form_id, record_id), VOTES.c.token == token))
    return found.first() is not None


def add_vote(
    session: Session, app_id: str, form_id: str, record_id: int, token: str, helpful: bool, at: datetime
) -> None:
    session.execute(
        insert(VOTES).values(
            app_id=app_id, form_id=form_id, record_id=record_id, token=token, helpful=helpful, voted_at=at
        )
    )


def vote_counts(session: Session, app_id: str, form_id: str, record_ids: Sequence[int]) -> dict[int, dict[str, int]]:
    """``{record id: {"helpful": n, "unhelpful": m}}`` for the given articles (zeros when none)."""
    counts = {record_id: {"helpful": 0, "unhelpful": 0} for record_id in record_ids}
    if not record_ids:
        return counts
    rows = session.execute(
        select(VOTES.c.record_id, VOTES.c.helpful, func.count())
        .where(VOTES.c.app_id == app_id, VOTES.c.form_id == form_id, VOTES.c.record_id.in_(list(record_ids)))
        .group_by(VOTES.c.record_id, VOTES.c.helpful)
    )
    for row in rows:
        counts[int(row[0])]["helpful" if row[1] else "unhelpful"] = int(row[2])
    return counts


def _article(app_id: str, form_id: str, record_id: int) -> Any:
    return and_(VOTES.c.app_id == app_id, VOTES.c.form_id == form_id, VOTES.c.record_id == record_id)
