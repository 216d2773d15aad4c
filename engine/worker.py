"""The background worker: fire due timers and deliver the outbox, alone or sharing Redis with others.

Two ways to run, one job. Without Redis the loop does the work itself, round after round; this
is what ``trellis serve`` runs in a thread of each web process (``start_thread``), so the
embedded default needs no extra service. With ``TRELLIS_REDIS_URL`` the work goes through RQ
(``engine.storage.work_queue``): a scheduler thread enqueues due work and the main thread runs
jobs, so several ``trellis worker`` processes on several machines share it. Either way each timer
fires once (the instance row lock in ``FlowService.fire``), a timer that fell due while no worker
ran fires when one starts, and SIGTERM/SIGINT stop it cleanly between jobs.
"""

from __future__ import annotations

import logging
import random
import signal
import threading
import time
from datetime import timedelta
from types import FrameType

from engine.services.attachments import AttachmentService
from engine.services.automations import AutomationService
from engine.services.flows import FlowService
from engine.storage import Database, work_queue
from engine.storage.automations import TOPIC as AUTOMATION_TOPIC
from engine.storage.outbox import Outbox, RetryPolicy

log = logging.getLogger("trellis.worker")
FIRE_SLICE = 10  # timers fired between two looks at what is still due
SKIP_BROKEN_TIMER_S = 60.0  # a timer whose firing raised is left alone this long (its error is logged)
SWEEP_EVERY_S = 60.0  # how often unclaimed uploads are looked for


class Worker:
    def __init__(
        self,
        database: Database,
        *,
        flows: FlowService,
        outbox: Outbox | None = None,
        interval: float = 1.0,
        batch: int = 100,
        lease_seconds: float = 60.0,
        retry: RetryPolicy | None = None,
        automations: AutomationService | None = None,
        attachments: AttachmentService | None = None,
        unclaimed_after: timedelta = timedelta(hours=24),
    ):
        self.database = database
        self.attachments = attachments
        self.unclaimed_after = unclaimed_after
        self._swept_at: float | None = None
        self.flows = flows  # build_services' (the worker assembles nothing of its own)
        self.automations = automations
        handlers = {AUTOMATION_TOPIC: automations.topic()} if automations is not None else None
        self.outbox = outbox or Outbox(
            database, catalog=flows.catalog, lease_seconds=lease_seconds, retry=retry, handlers=handlers
        )
        self.interval = interval
        self.batch = batch
        self.lease_seconds = lease_seconds
        self._stop = threading.Event()
        self._broken: dict[str, float] = {}

    # -- one round, in-process ---------------------------------------------------------------------
    def run_once(self) -> dict[str, int]:
        """Fire due timers, queue due schedules, deliver every due outbox item (in batches, until none is left)."""
        counts = {"fired": self.fire_due(), "scheduled": self.fire_schedules(), "delivered": 0, "retry": 0, "failed": 0}
        counts["removed"] = self.remove_unclaimed()
        while not self._stop.is_set():
            done = self.outbox.run(self.batch)
            for key in ("delivered", "retry", "failed"):
                counts[key] += done[key]
            if sum(done.values()) < self.batch:
                break
        if any(counts.values()):
            log.info(
                "fired %(fired)s timer(s); outbox: %(delivered)s delivered, %(retry)s to retry, %(failed)s failed;"
                " %(removed)s unclaimed upload(s) removed",
                counts,
            )
        return counts

    def fire_schedules(self) -> int:
        """Queue the runs of scheduled automations now due (each due moment once, across all workers)."""
        if self.automations is None:
            return 0
        try:
            return self.automations.fire_schedules()
        except Exception:  # logged; the next round looks again (a moment missed now is still due then)
            log.exception("scheduled automations: looking for due ones failed")
            return 0

    def remove_unclaimed(self) -> int:
        """Remove uploads no record claimed within ``unclaimed_after`` (at most once a minute)."""
        now = time.monotonic()
        if self.attachments is None or (self._swept_at is not None and now - self._swept_at < SWEEP_EVERY_S):
            return 0
        self._swept_at = now
        try:
            return self.attachments.remove_unclaimed(self.unclaimed_after)
        except Exception:  # logged; the next sweep looks again
            log.exception("removing unclaimed uploads failed")
            return 0

    def fire_due(self) -> int:
        """Fire due timers until none is left; returns how many fired here.

        Each step fires a small random slice of a wide window of due timers, so several in-process
        workers (one per web process) seldom reach for the same timer at the same moment; when
        they do, the instance row lock in ``FlowService.fire`` lets only the first one fire it.
        """
        fired = 0
        while not self._stop.is_set():
            now = time.monotonic()
            self._broken = {k: until for k, until in self._broken.items() if until > now}
            due = [t for t in self.flows.due_timers(self.batch * 10 + len(self._broken)) if t not in self._broken]
            random.shuffle(due)
            for timer_id in due[:FIRE_SLICE]:
                try:
                    fired += self.flows.fire(timer_id)
                except Exception:  # logged and skipped for a while: one broken timer must not stall the rest
                    log.exception("timer %s: firing failed; trying again in %g s", timer_id, SKIP_BROKEN_TIMER_S)
                    self._broken[timer_id] = now + SKIP_BROKEN_TIMER_S
                if self._stop.is_set():
                    break
            if len(due) <= FIRE_SLICE:
                break
        return fired

    # -- running -----------------------------------------------------------------------------------
    def run_forever(self, redis_url: str | None = None, queue: str = "trellis") -> None:
        """The foreground loop of ``trellis worker``; with a Redis URL it shares work through RQ."""
        if redis_url:
            self._run_queue(redis_url, queue)
            return
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, self._on_signal)
        print(f"trellis worker: polling {self.database.describe()} every {self.interval:g}s (Ctrl-C stops)", flush=True)
        self._loop()
        print("trellis worker: stopped", flush=True)

    def start_thread(self) -> threading.Thread:
        """Run the in-process loop in a daemon thread (``trellis serve`` without Redis)."""
        thread = threading.Thread(target=self._loop, name="trellis-worker", daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        self._stop.set()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.run_once()
            except Exception:  # the database went away for a moment: log it and try again next round
                log.exception("worker round failed; trying again in %g s", self.interval)
            self._stop.wait(self.interval)

    def _run_queue(self, redis_url: str, name: str) -> None:
        queue = work_queue.WorkQueue(redis_url, name=name, lease_seconds=self.lease_seconds)
        queue.ping()
        work_queue.install(self.flows, self.outbox)
        scheduler = threading.Thread(target=self._schedule_loop, args=(queue,), name="trellis-scheduler", daemon=True)
        scheduler.start()
        print(f"trellis worker: sharing queue '{name}' on Redis with other workers (Ctrl-C stops)", flush=True)
        try:
            queue.work()  # RQ's loop, in the main thread: it handles SIGTERM/SIGINT itself
        finally:
            self.stop()
            scheduler.join(timeout=10)
            queue.close()
        print("trellis worker: stopped", flush=True)

    def _schedule_loop(self, queue: work_queue.WorkQueue) -> None:
        while not self._stop.is_set():
            try:
                self.fire_schedules()
                self.remove_unclaimed()
                enqueued = queue.schedule(self.flows, self.outbox)
                if enqueued and any(enqueued):
                    log.info("enqueued %s timer(s) and %s outbox item(s)", *enqueued)
            except Exception:
                log.exception("scheduling failed; trying again in %g s", self.interval)
            self._stop.wait(self.interval)

    def run_queue_once(self, redis_url: str, name: str = "trellis") -> None:
        """``trellis worker --once`` with Redis: one scheduler step, then the jobs queued now."""
        queue = work_queue.WorkQueue(redis_url, name=name, lease_seconds=self.lease_seconds)
        queue.ping()
        work_queue.install(self.flows, self.outbox)
        try:
            self.remove_unclaimed()
            while not self._stop.is_set():
                self.fire_schedules()
                enqueued = queue.schedule(self.flows, self.outbox)
                queue.work(burst=True)
                if not enqueued or not any(enqueued):  # firing timers queues notifications: go until quiet
                    break
        finally:
            queue.close()

    def _on_signal(self, _signum: int, _frame: FrameType | None) -> None:
        self.stop()
