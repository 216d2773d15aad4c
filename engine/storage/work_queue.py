"""Redis + RQ: the queue several ``trellis worker`` processes share for due timers and outbox items.

One worker at a time (whoever holds the scheduler lock) looks for due work: timers are claimed
in Redis (``SET NX`` expiring with the lease) and outbox items in the database (``Outbox.claim``),
then enqueued in small batches as RQ jobs any worker may run. Redis only spreads the work: the
instance row lock in ``FlowService.fire`` is what makes a timer fire once. A claim outlives its
worker only until the lease runs out, so work held by a worker killed mid-job is enqueued again.
"""

from __future__ import annotations

import logging
import math
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

import redis
from redis.exceptions import LockError, RedisError
from rq import Queue, SimpleWorker

from engine.errors import StorageError
from engine.storage.outbox import Outbox

log = logging.getLogger("trellis.worker")
JOB_TIMEOUT_S = 600
FAILED_JOB_TTL_S = 7 * 24 * 3600


class Timers(Protocol):
    """What the queue needs of the flow service: the due timers, and firing one (``FlowService``)."""

    def due_timers(self, limit: int = 100) -> list[str]: ...

    def fire(self, timer_id: str) -> bool: ...


@dataclass(frozen=True, slots=True)
class Runtime:
    flows: Timers
    outbox: Outbox


_runtime: Runtime | None = None


def install(flows: Timers, outbox: Outbox) -> None:
    """Give the job functions below the services of this process (RQ jobs carry only ids)."""
    global _runtime
    _runtime = Runtime(flows, outbox)


def _installed() -> Runtime:
    if _runtime is None:
        raise RuntimeError("Trellis jobs run only inside `trellis worker`, not a bare `rq worker`")
    return _runtime


def fire_timers(timer_ids: list[str]) -> int:
    """An RQ job: fire these timers, each in its own transaction; returns how many fired here."""
    flows = _installed().flows
    fired = 0
    for timer_id in timer_ids:
        try:
            fired += flows.fire(timer_id)
        except Exception:  # one broken timer must not hold up the rest; its claim expires and it is retried
            log.exception("timer %s: firing failed; it is tried again when its claim expires", timer_id)
    log.info("fired %s of %s timer(s)", fired, len(timer_ids))
    return fired


def deliver_outbox(item_ids: list[int]) -> int:
    """An RQ job: deliver these claimed outbox items; returns how many were delivered."""
    outbox = _installed().outbox
    return sum(outbox.deliver(item_id) == "delivered" for item_id in item_ids)


class WorkQueue:
    def __init__(
        self,
        redis_url: str,
        *,
        name: str = "trellis",
        lease_seconds: float = 60.0,
        batch: int = 10,
        jobs_per_worker: int = 4,
    ):
        self.redis = redis.Redis.from_url(redis_url)
        self.queue = Queue(name, connection=self.redis)
        self.prefix = f"trellis:{name}"
        self.lease_seconds = lease_seconds
        self.batch = batch
        self.jobs_per_worker = jobs_per_worker

    def ping(self) -> None:
        """Fail fast, with the address, when Redis cannot be reached (instead of RQ's traceback)."""
        try:
            self.redis.ping()
        except RedisError as exc:
            where = self.redis.connection_pool.connection_kwargs.get("host", "?")
            raise StorageError.says("storage.redis_unreachable", where=where, reason=exc) from None

    def schedule(self, flows: Timers, outbox: Outbox, limit: int = 1000) -> tuple[int, int] | None:
        """One scheduler step: enqueue due timers and due outbox items nobody has claimed yet.

        The queue is only topped up to a few jobs per running worker, so a claim's lease has to
        cover running a job, not waiting behind a long queue: work is claimed when a worker is
        about to take it, and a claim that outlives its lease means its worker died. Returns
        (timers, outbox items) enqueued, or None when another worker holds the scheduler lock.
        """
        lock = self.redis.lock(f"{self.prefix}:scheduler", timeout=self.lease_seconds, blocking=False)
        if not lock.acquire():
            return None
        try:
            workers = max(1, SimpleWorker.count(connection=self.redis, queue=self.queue))
            room = workers * self.jobs_per_worker - self.queue.count
            if room <= 0:
                return 0, 0
            timers = self._claim_timers(flows.due_timers(limit), max(1, room - 1) * self.batch)
            self._enqueue(fire_timers, timers)
            room -= math.ceil(len(timers) / self.batch)
            items = outbox.claim(room * self.batch) if room > 0 else []
            self._enqueue(deliver_outbox, items)
            return len(timers), len(items)
        finally:
            try:
                lock.release()
            except LockError:  # it expired during a long step; the next holder simply runs again
                pass

    def work(self, *, burst: bool = False) -> None:
        """Run queued jobs in this process until stopped (SIGTERM/SIGINT finish the current job first)."""
        worker = SimpleWorker([self.queue], connection=self.redis, name=f"trellis-{uuid.uuid4().hex[:12]}")
        worker.work(burst=burst, logging_level="WARNING")

    def close(self) -> None:
        self.redis.close()

    def _claim_timers(self, timer_ids: Sequence[str], most: int) -> list[str]:
        """Claim up to ``most`` of these timers (those nobody holds); the claims expire with the lease."""
        claimed: list[str] = []
        for start in range(0, len(timer_ids), most):
            if len(claimed) >= most:
                break
            chunk = timer_ids[start : start + most]
            pipe = self.redis.pipeline(transaction=False)
            for timer_id in chunk:
                pipe.set(self._claim_key(timer_id), 1, nx=True, px=int(self.lease_seconds * 1000))
            claimed += [t for t, ok in zip(chunk, pipe.execute(), strict=True) if ok]
        surplus = claimed[most:]
        if surplus:
            self.redis.delete(*(self._claim_key(t) for t in surplus))  # ours, just taken: give them back
        return claimed[:most]

    def _claim_key(self, timer_id: str) -> str:
        return f"{self.prefix}:timer:{timer_id}"

    def _enqueue(self, job: Callable[..., int], ids: Sequence[object]) -> None:
        if not ids:
            return
        self.queue.enqueue_many(
            [
                Queue.prepare_data(
                    job,
                    (list(ids[start : start + self.batch]),),
                    timeout=JOB_TIMEOUT_S,
                    result_ttl=0,
                    failure_ttl=FAILED_JOB_TTL_S,
                )
                for start in range(0, len(ids), self.batch)
            ]
        )
