"""The rows of automations (storage layer): queued runs, the run log, and claimed schedule moments.

Rows in, plain values out; what a run does and who may read the log is
``engine.services.automations``'s.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from engine.storage.outbox import enqueue
from engine.storage.tables import AppRow, AppVersionRow, AutomationRunRow, AutomationTickRow

TOPIC = "automation.run"
_CHAIN = "trellis.automation_chain"


@dataclass(frozen=True, slots=True)
class AutomationRun:
    id: int
    key: str
    app_id: str
    app_version: int
    automation_id: str
    trigger: str
    form_id: str | None
    record_id: int | None
    inputs: Mapping[str, Any]
    outcome: str
    error: str | None
    error_code: str | None
    error_params: Mapping[str, Any] | None
    pending: Sequence[Mapping[str, Any]]
    started_at: datetime
    finished_at: datetime | None


@dataclass(frozen=True, slots=True)
class PublishedApp:
    app_id: str
    version: int
    published_at: datetime


class AutomationRepository:
    """Every method works in the session (transaction) the caller holds."""

    # -- queueing --------------------------------------------------------------------------------
    @staticmethod
    def enqueue(session: Session, payloads: Iterable[Mapping[str, Any]], now: datetime) -> None:
        """Runs for the worker, committed with the change that triggered them."""
        enqueue(session, TOPIC, payloads, now)

    @staticmethod
    def note_chain(session: Session, chain: Sequence[Sequence[Any]]) -> None:
        """The chain of the run whose writes this transaction makes (the runs they trigger extend it)."""
        session.info[_CHAIN] = [list(pair) for pair in chain]

    @staticmethod
    def chain(session: Session) -> list[list[Any]]:
        return list(session.info.get(_CHAIN, []))

    # -- the run log -----------------------------------------------------------------------------
    @staticmethod
    def run(session: Session, key: str, *, lock: bool = False) -> AutomationRun | None:
        statement = select(AutomationRunRow).where(AutomationRunRow.key == key)
        row = session.scalars(statement.with_for_update() if lock else statement).first()
        return None if row is None else _run(row)

    @staticmethod
    def add_run(session: Session, values: Mapping[str, Any]) -> None:
        session.execute(insert(AutomationRunRow).values(**values))

    @staticmethod
    def finish(session: Session, key: str, values: Mapping[str, Any]) -> None:
        session.execute(update(AutomationRunRow).where(AutomationRunRow.key == key).values(**values))

    @staticmethod
    def runs(
        session: Session, app_id: str, *, automation: str | None, before: int | None, limit: int
    ) -> list[AutomationRun]:
        """The app's runs, newest first; ``before`` is the id the previous page ended at."""
        statement = select(AutomationRunRow).where(AutomationRunRow.app_id == app_id)
        if automation is not None:
            statement = statement.where(AutomationRunRow.automation_id == automation)
        if before is not None:
            statement = statement.where(AutomationRunRow.id < before)
        rows = session.scalars(statement.order_by(AutomationRunRow.id.desc()).limit(limit))
        return [_run(row) for row in rows]

    # -- schedules -------------------------------------------------------------------------------
    @staticmethod
    def published_apps(session: Session) -> list[PublishedApp]:
        """Every app's current version and when it was published."""
        rows = session.execute(
            select(AppRow.id, AppRow.current_version, AppVersionRow.created_at).join(
                AppVersionRow,
                (AppVersionRow.app_id == AppRow.id) & (AppVersionRow.number == AppRow.current_version),
            )
        )
        return [PublishedApp(app_id, version, at) for app_id, version, at in rows]

    @staticmethod
    def last_tick(session: Session, app_id: str, automation_id: str) -> datetime | None:
        found: datetime | None = session.scalar(
            select(func.max(AutomationTickRow.due_at)).where(
                AutomationTickRow.app_id == app_id, AutomationTickRow.automation_id == automation_id
            )
        )
        return found

    @staticmethod
    def claim_tick(session: Session, app_id: str, automation_id: str, due: datetime, now: datetime) -> None:
        """Claim one due moment; a second claim of it breaks the unique key (``Database.writing`` says so)."""
        session.execute(
            insert(AutomationTickRow).values(app_id=app_id, automation_id=automation_id, due_at=due, claimed_at=now)
        )


def _run(row: AutomationRunRow) -> AutomationRun:
    return AutomationRun(
        id=row.id,
        key=row.key,
        app_id=row.app_id,
        app_version=row.app_version,
        automation_id=row.automation_id,
        trigger=row.trigger,
        form_id=row.form_id,
        record_id=row.record_id,
        inputs=dict(row.inputs or {}),
        outcome=row.outcome,
        error=row.error,
        error_code=row.error_code,
        error_params=row.error_params,
        pending=list(row.pending or []),
        started_at=row.started_at,
        finished_at=row.finished_at,
    )
