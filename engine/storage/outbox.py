"""The outbox: side effects stored with the change that causes them, delivered later with retries.

An item is *claimed* before it is delivered: its attempt is counted and it is hidden for a lease,
so two workers never deliver it at the same moment, and an item whose worker died mid-delivery
comes back when the lease runs out. A failed attempt waits ``base * 2^(attempts-1)`` seconds
(capped) before the next; once the topic's ``max_attempts`` are used up, the item moves to
``trellis_outbox_failed`` with its last error - never dropped - and ``requeue`` puts it back
(as a new outbox item: SQLite may hand a deleted row's id out again, so ids are not carried over).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from engine.config import Settings, package_env_policy
from engine.errors import EngineError
from engine.storage.app_secrets import AppSecretStore
from engine.storage.catalog import AppCatalog
from engine.storage.database import Database
from engine.storage.secret_box import SecretBox
from engine.storage.tables import AuditEventRow, FailedOutboxRow, OutboxRow, utcnow
from engine.storage.topics import TOPICS, DeliveryContext, LocalTopicHandler, OutboxItem, TopicHandler

log = logging.getLogger("trellis.worker")
DELIVERED, RETRY, FAILED, GONE = "delivered", "retry", "failed", "gone"


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    base_seconds: float = 10.0
    cap_seconds: float = 3600.0

    def delay(self, attempts: int) -> timedelta:
        return timedelta(seconds=min(self.cap_seconds, self.base_seconds * 2 ** max(0, attempts - 1)))


def enqueue(session: Session, topic: str, payloads: Iterable[Mapping[str, Any]], now: datetime) -> None:
    """Items of ``topic`` for the worker, written in the caller's transaction (so they exist only if it commits)."""
    rows = [
        {"topic": topic, "payload": dict(p), "created_at": now, "available_at": now, "attempts": 0} for p in payloads
    ]
    if rows:
        session.execute(insert(OutboxRow), rows)


class Outbox:
    """Claims and delivers items; ``handlers`` are topics handled by services (automations), which
    storage cannot import: the composition root hands them in."""

    def __init__(
        self,
        database: Database,
        *,
        catalog: AppCatalog,
        environ: Mapping[str, str] | None = None,
        clock: Callable[[], datetime] = utcnow,
        retry: RetryPolicy | None = None,
        lease_seconds: float = 60.0,
        handlers: Mapping[str, TopicHandler] | None = None,
        secret_box: Callable[[], SecretBox] | None = None,
    ):
        self.database = database
        self.handlers = dict(handlers or {})
        self.clock = clock
        self.retry = retry or RetryPolicy()
        self.lease = timedelta(seconds=lease_seconds)
        source = os.environ if environ is None else environ
        # connectors see only what packages may read (TRELLIS_PACKAGE_ENV), never Trellis's own settings
        secrets = AppSecretStore(database, secret_box or (lambda: SecretBox.for_settings(Settings.from_env(source))))
        self.context = DeliveryContext(
            database, catalog, package_env_policy(source).visible(source), clock, secrets.values
        )

    def handler(self, topic: str) -> TopicHandler:
        return self.handlers.get(topic) or TOPICS.get(topic)

    def pending_count(self) -> int:
        with self.database.transaction() as session:
            count = session.scalar(select(func.count()).select_from(OutboxRow).where(OutboxRow.delivered_at.is_(None)))
        return int(count or 0)

    def claim(self, limit: int = 50) -> list[int]:
        """Take up to ``limit`` due items for this worker: each counts an attempt and is hidden for the lease."""
        now = self.clock()
        with self.database.transaction() as session:
            ids = list(
                session.scalars(
                    select(OutboxRow.id)
                    .where(OutboxRow.delivered_at.is_(None), OutboxRow.available_at <= now)
                    .order_by(OutboxRow.available_at, OutboxRow.id)
                    .limit(limit)
                    .with_for_update(skip_locked=True)
                )
            )
            if ids:
                session.execute(
                    update(OutboxRow)
                    .where(OutboxRow.id.in_(ids))
                    .values(attempts=OutboxRow.attempts + 1, available_at=now + self.lease)
                )
        return ids

    def deliver(self, item_id: int) -> str:
        """Deliver one claimed item; returns delivered, retry, failed (moved aside) or gone (done by another).

        A local handler (an inbox notification) writes in the transaction that marks the item
        delivered; a call to another system happens between two short transactions, holding no lock.
        """
        item: OutboxItem | None = None
        try:
            with self.database.transaction() as session:
                row = session.get(OutboxRow, item_id, with_for_update=True)
                if row is None or row.delivered_at is not None:
                    return GONE
                item = OutboxItem(row.id, row.topic, dict(row.payload or {}), row.attempts, row.created_at)
                handler = self.handler(item.topic)
                if isinstance(handler, LocalTopicHandler):
                    handler.write(session, self.context, item)
                    row.delivered_at, row.last_error = self.clock(), None
                    return DELIVERED
            handler.deliver(self.context, item)
        except EngineError as exc:
            if item is None:
                raise
            reason = exc.message
        except Exception as exc:  # a bug in a handler must not stop the worker: the item keeps its reason
            if item is None:
                raise
            log.exception("outbox %s (%s): delivery crashed", item.id, item.topic)
            reason = f"{exc.__class__.__name__}: {exc}"
        else:
            with self.database.transaction() as session:
                session.execute(
                    update(OutboxRow)
                    .where(OutboxRow.id == item.id, OutboxRow.delivered_at.is_(None))
                    .values(delivered_at=self.clock(), last_error=None)
                )
            return DELIVERED
        return self._failed_attempt(item, reason[:2000])

    def run(self, limit: int = 50) -> dict[str, int]:
        """Claim and deliver due items, one batch; returns how many ended each way."""
        counts = {DELIVERED: 0, RETRY: 0, FAILED: 0, GONE: 0}
        for item_id in self.claim(limit):
            counts[self.deliver(item_id)] += 1
        return counts

    def failed(self, limit: int = 100) -> list[dict[str, Any]]:
        """Items that used up their attempts, newest first, with the reason of the last failure."""
        with self.database.transaction() as session:
            rows = session.scalars(select(FailedOutboxRow).order_by(FailedOutboxRow.failed_at.desc()).limit(limit))
            return [
                {
                    "id": row.id,
                    "outbox_id": row.outbox_id,
                    "topic": row.topic,
                    "payload": row.payload,
                    "attempts": row.attempts,
                    "created_at": row.created_at.isoformat(),
                    "failed_at": row.failed_at.isoformat(),
                    "last_error": row.last_error,
                }
                for row in rows
            ]

    def requeue(self, failed_id: int, actor: str | None = None) -> bool:
        """Give a failed item (its id in ``failed()``) a fresh set of attempts, once the cause is fixed;
        with ``actor``, who did it is written to the audit log."""
        with self.database.transaction() as session:
            row = session.get(FailedOutboxRow, failed_id, with_for_update=True)
            if row is None:
                return False
            if actor:
                _audit(session, actor, "outbox.retry", row)
            session.execute(
                insert(OutboxRow).values(
                    topic=row.topic,
                    payload=row.payload,
                    created_at=row.created_at,
                    available_at=self.clock(),
                    attempts=0,
                    last_error=row.last_error,
                )
            )
            session.delete(row)
        return True

    def drop(self, failed_id: int, actor: str) -> bool:
        """Give up on a failed item for good (nobody will ever want it delivered); audited with its reason."""
        with self.database.transaction() as session:
            row = session.get(FailedOutboxRow, failed_id, with_for_update=True)
            if row is None:
                return False
            _audit(session, actor, "outbox.cancel", row)
            session.delete(row)
        return True

    def _failed_attempt(self, item: OutboxItem, reason: str) -> str:
        try:
            limit = self.handler(item.topic).max_attempts(self.context, item)
        except EngineError:
            limit = 1  # a topic nobody handles will not start being handled by waiting
        now = self.clock()
        with self.database.transaction() as session:
            if item.attempts < limit:
                session.execute(
                    update(OutboxRow)
                    .where(OutboxRow.id == item.id, OutboxRow.delivered_at.is_(None))
                    .values(available_at=now + self.retry.delay(item.attempts), last_error=reason)
                )
                log.warning(
                    "outbox %s (%s): attempt %s of %s failed: %s", item.id, item.topic, item.attempts, limit, reason
                )
                return RETRY
            result = session.execute(delete(OutboxRow).where(OutboxRow.id == item.id, OutboxRow.delivered_at.is_(None)))
            moved = getattr(result, "rowcount", 0)
            if moved:
                session.execute(
                    insert(FailedOutboxRow).values(
                        outbox_id=item.id,
                        topic=item.topic,
                        payload=dict(item.payload),
                        created_at=item.created_at,
                        attempts=item.attempts,
                        failed_at=now,
                        last_error=reason,
                    )
                )
        log.error("outbox %s (%s): gave up after %s attempts: %s", item.id, item.topic, item.attempts, reason)
        return FAILED


def _audit(session: Session, actor: str, action: str, row: FailedOutboxRow) -> None:
    details = {"topic": row.topic, "attempts": row.attempts, "last_error": (row.last_error or "")[:500]}
    for key in ("app", "connector", "operation", "instance"):
        if isinstance(row.payload, dict) and row.payload.get(key):
            details[key] = str(row.payload[key])
    session.add(
        AuditEventRow(actor=actor, action=action, subject_type="outbox", subject_id=str(row.id), details=details)
    )
