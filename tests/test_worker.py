"""`trellis worker` and `trellis serve` as real processes: every due timer fires exactly once.

The timers are the property app's 15-minute acceptance deadline (escalate to the agent
supervisors, who get an inbox notification through the outbox). One ticket goes through the
flow service; the others are copies of its instance, task and timer written straight to the
tables, already due, so a thousand of them cost a second instead of a minute. The processes
share one PostgreSQL schema (SQLite when no PostgreSQL is configured) and, when configured, a
real Redis.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
import redis
from sqlalchemy import func, insert, select, update

from engine.storage.tables import (
    FlowEventRow,
    FlowInstanceRow,
    FlowTaskCandidateRow,
    FlowTaskRow,
    FlowTimerRow,
    NotificationRow,
    OutboxRow,
    utcnow,
)
from tests.conftest import PG_URL, REDIS_URL
from tests.database_copies import DatabaseCopies
from tests.flows.conftest import company  # noqa: F401 - the fixture, shared with the flow tests

TRELLIS = Path(sys.executable).with_name("trellis")


@pytest.fixture(params=["postgresql" if PG_URL else "sqlite"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path, database_copies: DatabaseCopies) -> Iterator[str]:
    """Worker processes share one database: PostgreSQL when configured (as in CI), else a SQLite file."""
    copy = database_copies.for_test(request, request.param, tmp_path)
    try:
        yield copy.url
    finally:
        copy.drop()


def due_tickets(company, database, count: int) -> None:  # noqa: F811
    """``count`` tickets waiting for acceptance, each with its 15-minute deadline already passed."""
    company.order()
    with database.transaction() as session:
        instance = session.scalars(select(FlowInstanceRow)).one()
        task = session.scalars(select(FlowTaskRow)).one()
        candidates = session.scalars(select(FlowTaskCandidateRow)).all()
        timer = session.scalars(select(FlowTimerRow)).one()
        due = utcnow() - timedelta(minutes=1)
        session.execute(update(FlowTimerRow).values(due_at=due))
        copies = [(uuid.uuid4().hex, uuid.uuid4().hex, uuid.uuid4().hex) for _ in range(count - 1)]
        session.execute(insert(FlowInstanceRow), [{**_values(instance), "id": i} for i, _, _ in copies])
        session.execute(insert(FlowTaskRow), [{**_values(task), "id": t, "instance_id": i} for i, t, _ in copies])
        session.execute(
            insert(FlowTaskCandidateRow),
            [{**_values(c), "task_id": t} for _, t, _ in copies for c in candidates],
        )
        session.execute(
            insert(FlowTimerRow),
            [{**_values(timer), "id": x, "instance_id": i, "task_id": t, "due_at": due} for i, t, x in copies],
        )


def _values(row: object) -> dict[str, object]:
    return {column.key: getattr(row, column.key) for column in row.__table__.columns}  # type: ignore[attr-defined]


class Workers:
    """``trellis worker`` processes started on demand; at the end each gets SIGTERM and must stop cleanly."""

    def __init__(self, database_url: str, tmp_path: Path, *extra: str, redis_url: str | None):
        self.queue = f"test-{uuid.uuid4().hex[:12]}"
        self.env = {**os.environ, "TRELLIS_DATABASE_URL": database_url}
        self.env["TRELLIS_INSTANCE_DIR"] = str(tmp_path / "instance")
        self.env.pop("TRELLIS_REDIS_URL", None)
        if redis_url:
            self.env["TRELLIS_REDIS_URL"] = redis_url
        self.redis_url = redis_url
        self.extra = extra
        self.tmp_path = tmp_path
        self.started: list[tuple[subprocess.Popen, Path]] = []
        self.logs: list[str] = []

    def start(self) -> subprocess.Popen:
        log = self.tmp_path / f"worker-{len(self.started)}.log"
        with log.open("wb") as out:
            command = [str(TRELLIS), "worker", "--interval", "0.2", "--queue", self.queue, *self.extra]
            process = subprocess.Popen(command, env=self.env, stdout=out, stderr=subprocess.STDOUT)
        self.started.append((process, log))
        return process

    def stop(self) -> None:
        for process, _ in self.started:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        codes = [process.wait(timeout=30) for process, _ in self.started]
        self.logs = [log.read_text() for _, log in self.started]
        if self.redis_url:
            client = redis.Redis.from_url(self.redis_url)
            for key in client.scan_iter(match=f"*{self.queue}*"):
                client.delete(key)
            client.close()
        for code, log in zip(codes, self.logs, strict=True):
            assert code in (0, -signal.SIGKILL), f"a worker exited with {code}:\n{log}"


@contextmanager
def workers(database_url: str, tmp_path: Path, *extra: str, redis_url: str | None = REDIS_URL) -> Iterator[Workers]:
    group = Workers(database_url, tmp_path, *extra, redis_url=redis_url)
    try:
        yield group
    finally:
        group.stop()


def wait_until(database, done: Callable[[dict[str, int]], bool], timeout: float = 120) -> dict[str, int]:
    deadline = time.monotonic() + timeout
    while True:
        with database.transaction() as session:
            counts = {
                "pending_timers": session.scalar(
                    select(func.count()).select_from(FlowTimerRow).where(FlowTimerRow.status == "pending")
                ),
                "fired_events": session.scalar(
                    select(func.count()).select_from(FlowEventRow).where(FlowEventRow.kind == "timer_fired")
                ),
                "undelivered": session.scalar(
                    select(func.count()).select_from(OutboxRow).where(OutboxRow.delivered_at.is_(None))
                ),
                "outbox": session.scalar(select(func.count()).select_from(OutboxRow)),
            }
        if done(counts):
            return counts
        if time.monotonic() > deadline:
            raise AssertionError(f"not done after {timeout} s: {counts}")
        time.sleep(0.2)


def all_done(count: int) -> Callable[[dict[str, int]], bool]:
    return lambda c: c["pending_timers"] == 0 and c["outbox"] == count and c["undelivered"] == 0


def assert_each_fired_once(database, count: int) -> None:
    with database.transaction() as session:
        per_task = dict(
            session.execute(
                select(FlowEventRow.task_id, func.count())
                .where(FlowEventRow.kind == "timer_fired")
                .group_by(FlowEventRow.task_id)
            ).all()
        )
        escalated = session.scalar(
            select(func.count()).select_from(FlowEventRow).where(FlowEventRow.kind == "escalated")
        )
        tasks = session.execute(select(FlowTaskRow.candidates, FlowTaskRow.lock_version)).all()
        notified = session.execute(
            select(
                NotificationRow.user_id, func.count(), func.count(func.distinct(NotificationRow.outbox_id))
            ).group_by(NotificationRow.user_id)
        ).all()
    assert (len(per_task), set(per_task.values())) == (count, {1})
    # the 15-minute timer tells the supervisor and leaves the task in every agent's queue, untouched
    assert escalated == 0
    assert {(tuple(map(tuple, c)), v) for c, v in tasks} == {((("role", "agent"),), 1)}
    assert [tuple(n) for n in notified] == [("supervisor1", count, count)]


def test_three_workers_fire_a_thousand_due_timers_exactly_once(company, database, tmp_path):  # noqa: F811
    due_tickets(company, database, 1000)

    with workers(database.url, tmp_path) as group:
        for _ in range(3):
            group.start()
        wait_until(database, all_done(1000))

    assert_each_fired_once(database, 1000)
    assert all("trellis worker: stopped" in log for log in group.logs)  # SIGTERM: a clean stop
    assert sum(bool(re.search(r"fired [1-9]", log)) for log in group.logs) >= 2  # the work was shared


def test_workers_without_redis_still_fire_each_timer_once(company, database, tmp_path):  # noqa: F811
    due_tickets(company, database, 200)

    with workers(database.url, tmp_path, redis_url=None) as group:
        for _ in range(3):
            group.start()
        wait_until(database, all_done(200))

    assert_each_fired_once(database, 200)  # the instance row lock alone keeps them apart


def test_a_worker_killed_mid_run_loses_nothing(company, database, tmp_path):  # noqa: F811
    due_tickets(company, database, 300)

    with workers(database.url, tmp_path, "--lease", "5") as group:
        doomed = group.start()
        wait_until(database, lambda c: c["fired_events"] >= 50)
        doomed.kill()  # SIGKILL: no chance to finish the job in hand or give anything back
        doomed.wait(timeout=10)
        group.start()
        group.start()
        wait_until(database, all_done(300))

    assert_each_fired_once(database, 300)


def test_a_timer_that_fell_due_while_no_worker_ran_fires_on_the_next_round(company, database, tmp_path):  # noqa: F811
    record = company.order()  # the company's clock is months behind: its deadline passed long ago

    with workers(database.url, tmp_path, "--once") as group:
        assert group.start().wait(timeout=60) == 0

    assert company.open_tasks(record["id"], "accept")[0]["candidates"] == [["role", "agent"]]
    assert_each_fired_once(database, 1)


def test_serve_fires_due_timers_in_process_without_redis(company, database, live_server):  # noqa: F811
    record = company.order()  # due long ago; the server's worker thread picks it up

    wait_until(database, all_done(1), timeout=30)

    assert company.open_tasks(record["id"], "accept")[0]["candidates"] == [["role", "agent"]]
    assert_each_fired_once(database, 1)
