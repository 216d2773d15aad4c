"""What changed in the flows: cursors over the flow event log and wake-ups after committed actions.

Live pages (the owner's tracking page, the staff inbox) hold a cursor - the newest flow event id
they have seen - and ask again when woken. Wake-ups come from Redis pub/sub when
TRELLIS_REDIS_URL is set (so every web process hears every other's actions), and from this
process's own publishers otherwise; a short poll of the event table covers everything nobody
announced (timers fired by ``trellis worker``, another process without Redis). A wake-up is only
a hint: the event table decides what changed.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from redis.client import PubSub
from redis.exceptions import RedisError
from sqlalchemy import func, select

from engine.storage.database import Database
from engine.storage.redis_link import connect
from engine.storage.tables import FlowEventRow, FlowInstanceRow

log = logging.getLogger(__name__)


class _LocalBell:
    """Wakes this process's listeners; each listener compares a counter, so no ring is missed."""

    def __init__(self) -> None:
        self.rung = 0
        self.condition = threading.Condition()

    def ring(self) -> None:
        with self.condition:
            self.rung += 1
            self.condition.notify_all()

    def wait(self, seen: int, timeout: float) -> int:
        with self.condition:
            self.condition.wait_for(lambda: self.rung != seen, timeout=timeout)
            return self.rung


class Listener:
    """One live page's wake-ups; ``wait`` returns True when something may have changed."""

    def __init__(self, bell: _LocalBell, pubsub: PubSub | None):
        self._bell = bell
        self._seen = bell.rung
        self._pubsub = pubsub

    def wait(self, timeout: float) -> bool:
        if self._pubsub is not None:
            try:
                message = self._pubsub.get_message(ignore_subscribe_messages=True, timeout=max(timeout, 0.0))
                return message is not None
            except (RedisError, OSError):
                log.warning("lost the Redis subscription; falling back to polling", exc_info=True)
                self._pubsub = None
        rung = self._bell.wait(self._seen, timeout)
        changed = rung != self._seen
        self._seen = rung
        return changed


class FlowFeed:
    def __init__(self, database: Database, redis_url: str | None = None):
        self.database = database
        self.redis_url = redis_url
        # deployments sharing one Redis stay apart: the channel is named after the database
        self.channel = "trellis:flows:" + hashlib.sha1(database.url.encode()).hexdigest()[:12]
        self._bell = _LocalBell()
        self._redis = connect(redis_url) if redis_url else None
        self.stopping = threading.Event()  # the process is stopping: live pages end instead of waiting on

    def stop(self) -> None:
        """Tell every live page of this process to end now (the server was asked to stop)."""
        self.stopping.set()
        self._bell.ring()

    # -- announcing ------------------------------------------------------------------------------
    def publish(self, change: Mapping[str, Any]) -> None:
        """Announce a committed flow action (a small message: which ticket, which instance).

        Never raises: the action is already committed, and pages that miss the hint still see the
        change on their next poll.
        """
        if self._redis is not None:
            try:
                self._redis.publish(self.channel, json.dumps(dict(change), default=str)[:2000])
                return  # this process hears it back through its own subscription
            except RedisError:
                log.warning("could not publish a flow change on Redis; pages will see it by polling", exc_info=True)
        self._bell.ring()

    @contextmanager
    def listen(self) -> Iterator[Listener]:
        """Wake-ups for one live page; closes its Redis subscription when the page goes."""
        pubsub: PubSub | None = None
        if self._redis is not None:
            try:
                pubsub = self._redis.pubsub()  # type: ignore[no-untyped-call]  # redis-py leaves it untyped
                pubsub.subscribe(self.channel)
            except RedisError:
                log.warning("could not subscribe on Redis; this page polls instead", exc_info=True)
                pubsub = None
        try:
            yield Listener(self._bell, pubsub)
        finally:
            if pubsub is not None:
                try:
                    pubsub.close()
                except RedisError:
                    pass

    def close(self) -> None:
        if self._redis is not None:
            self._redis.close()

    # -- cursors -----------------------------------------------------------------------------------
    def record_cursor(self, app_id: str, form_id: str, record_id: int) -> int:
        """The newest flow event of any flow on this record (0 before the first)."""
        with self.database.transaction() as session:
            found = session.scalar(
                select(func.max(FlowEventRow.id))
                .join(FlowInstanceRow, FlowInstanceRow.id == FlowEventRow.instance_id)
                .where(
                    FlowInstanceRow.app_id == app_id,
                    FlowInstanceRow.form_id == form_id,
                    FlowInstanceRow.record_id == record_id,
                )
            )
            return int(found or 0)

    def latest(self) -> int:
        """The newest flow event anywhere: a cheap test before recounting someone's inbox."""
        with self.database.transaction() as session:
            return int(session.scalar(select(func.max(FlowEventRow.id))) or 0)
