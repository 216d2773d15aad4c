"""The contract of an outbox topic handler, and the registry the worker looks topics up in."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from engine.registry import Registry
from engine.storage.catalog import AppCatalog
from engine.storage.database import Database

DEFAULT_MAX_ATTEMPTS = 10


@dataclass(frozen=True, slots=True)
class OutboxItem:
    id: int
    topic: str
    payload: Mapping[str, Any]
    attempts: int  # including the attempt being made
    created_at: datetime


@dataclass(frozen=True, slots=True)
class DeliveryContext:
    database: Database
    catalog: AppCatalog
    environ: Mapping[str, str]
    clock: Callable[[], datetime]
    stored_secrets: Callable[[str], Mapping[str, str]] = lambda app_id: {}  # an app's stored secrets, opened


class TopicHandler(ABC):
    """Delivers one item; returns when it is done and raises an ``EngineError`` saying why when not.

    A call to another system is made outside any transaction (no row or SQLite write lock is held
    while waiting for an answer), so delivery is at least once: a worker may die after the call and
    before marking the item delivered. Such a handler passes a stable idempotency key on.
    """

    @abstractmethod
    def deliver(self, context: DeliveryContext, item: OutboxItem) -> None: ...

    def max_attempts(self, context: DeliveryContext, item: OutboxItem) -> int:
        return DEFAULT_MAX_ATTEMPTS


class LocalTopicHandler(TopicHandler):
    """A handler that only writes to this database: it writes in the very transaction that marks the
    item delivered, so its effect happens exactly once and costs one commit."""

    @abstractmethod
    def write(self, session: Session, context: DeliveryContext, item: OutboxItem) -> None: ...

    def deliver(self, context: DeliveryContext, item: OutboxItem) -> None:
        with context.database.transaction() as session:
            self.write(session, context, item)


TOPICS: Registry[TopicHandler] = Registry("outbox topic")
