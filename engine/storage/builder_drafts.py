"""The builder's drafts (storage layer): one per app, saved with an optimistic revision.

A save names the revision it started from; it is written only when that is still the stored
one (``UPDATE … WHERE revision = :seen``), so two builders never overwrite each other silently.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from engine.flows.state import RUNNING
from engine.storage.tables import BuilderDraftRow, FlowInstanceRow, utcnow

MAX_REVISION = 2**31 - 1


@dataclass(frozen=True, slots=True)
class StoredDraft:
    app_id: str
    document: str
    revision: int
    based_on_version: int | None
    updated_by: str
    updated_at: datetime
    created_at: datetime


def _stored(row: BuilderDraftRow) -> StoredDraft:
    return StoredDraft(
        row.app_id, row.document, row.revision, row.based_on_version, row.updated_by, row.updated_at, row.created_at
    )


class DraftRepository:
    """Rows of ``trellis_builder_drafts``; every method works in the caller's session."""

    @staticmethod
    def get(session: Session, app_id: str) -> StoredDraft | None:
        row = session.get(BuilderDraftRow, app_id, populate_existing=True)
        return None if row is None else _stored(row)

    @staticmethod
    def all(session: Session) -> list[StoredDraft]:
        return [_stored(row) for row in session.scalars(select(BuilderDraftRow).order_by(BuilderDraftRow.app_id))]

    @staticmethod
    def create(session: Session, app_id: str, text: str, based_on: int | None, actor: str) -> StoredDraft:
        now = utcnow()
        row = BuilderDraftRow(
            app_id=app_id,
            document=text,
            revision=1,
            based_on_version=based_on,
            updated_by=actor,
            updated_at=now,
            created_at=now,
        )
        session.add(row)
        session.flush()
        return _stored(row)

    @staticmethod
    def save(session: Session, app_id: str, text: str, seen: int, actor: str) -> bool:
        """Write the next revision if ``seen`` is still the stored one; False when someone saved first."""
        if not 0 < seen < MAX_REVISION:
            return False  # never the stored one (revisions are INTEGER columns)
        result = session.execute(
            update(BuilderDraftRow)
            .where(BuilderDraftRow.app_id == app_id, BuilderDraftRow.revision == seen)
            .values(document=text, revision=seen + 1, updated_by=actor, updated_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        return bool(getattr(result, "rowcount", 0))

    @staticmethod
    def rebase(session: Session, app_id: str, version: int) -> None:
        """The draft was published as ``version``: it is based on that version now (same revision)."""
        session.execute(
            update(BuilderDraftRow)
            .where(BuilderDraftRow.app_id == app_id)
            .values(based_on_version=version)
            .execution_options(synchronize_session=False)
        )

    @staticmethod
    def delete(session: Session, app_id: str) -> bool:
        result = session.execute(delete(BuilderDraftRow).where(BuilderDraftRow.app_id == app_id))
        return bool(getattr(result, "rowcount", 0))


def running_instances(session: Session, app_id: str) -> dict[str, int]:
    """Flow id -> how many of its instances are still running (each on the version it started on)."""
    rows = session.execute(
        select(FlowInstanceRow.flow_id, func.count())
        .where(FlowInstanceRow.app_id == app_id, FlowInstanceRow.status == RUNNING)
        .group_by(FlowInstanceRow.flow_id)
    )
    return {flow_id: int(count) for flow_id, count in rows}
