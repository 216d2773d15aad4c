"""A scheduled automation fires once per due moment, however many workers see it due at once.

Three workers run concurrently over one database: as threads of this process (on each
back-end), and as real ``trellis worker`` processes sharing Redis when it is configured. The
due moment is claimed under a unique key in the database, so exactly one worker queues its run.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select, update

from engine.config import Settings
from engine.principal import SYSTEM
from engine.services import build_services
from engine.storage import Database
from engine.storage.record_queries import ListQuery
from engine.storage.tables import AppVersionRow, AutomationRunRow, AutomationTickRow, OutboxRow
from engine.worker import Worker
from tests.conftest import PG_URL, REDIS_URL, PostgresSchema
from tests.services.automation_app import package
from tests.test_worker import workers

pytestmark = pytest.mark.storage


def _counts(database: Database) -> dict[str, int]:
    with database.transaction() as session:
        return {
            "ticks": session.scalar(select(func.count()).select_from(AutomationTickRow)) or 0,
            "queued": session.scalar(
                select(func.count()).select_from(OutboxRow).where(OutboxRow.topic == "automation.run")
            )
            or 0,
            "done": session.scalar(
                select(func.count()).select_from(AutomationRunRow).where(AutomationRunRow.outcome == "done")
            )
            or 0,
            "runs": session.scalar(select(func.count()).select_from(AutomationRunRow)) or 0,
        }


def _services(url: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    settings = Settings.from_env({"TRELLIS_DATABASE_URL": url, "TRELLIS_INSTANCE_DIR": str(tmp_path / "instance")})
    return build_services(settings)


def _past_minute(services) -> str:  # type: ignore[no-untyped-def]
    """Import the app with one schedule, due at a minute that passed three minutes ago (and not due again for
    most of an hour), its version published before that; returns the due moment."""
    passed = (datetime.now(UTC) - timedelta(minutes=3)).astimezone(ZoneInfo("Asia/Shanghai"))
    schedule = {
        "id": "past_minute",
        "trigger": {"type": "schedule", "cron": f"{passed.minute} * * * *"},
        "actions": [{"type": "create_record", "form": "rounds", "fields": {"title": "'准点'", "due": "event.due"}}],
    }
    document = package()
    document["automations"] = [a for a in document["automations"] if a["trigger"]["type"] != "schedule"]
    document["automations"].append(schedule)
    services.apps.import_package(document, actor="system")
    with services.database.transaction() as session:
        session.execute(update(AppVersionRow).values(created_at=datetime.now(UTC) - timedelta(minutes=30)))
    return passed.replace(second=0, microsecond=0).astimezone(UTC).isoformat()


def _dues(services) -> list[str]:  # type: ignore[no-untyped-def]
    return [r["data"]["due"] for r in services.records.list_records(SYSTEM, "plant", "rounds", ListQuery())["items"]]


def test_three_worker_threads_fire_a_due_schedule_once(database_url, tmp_path):
    built = [_services(database_url, tmp_path) for _ in range(3)]
    due = _past_minute(built[0])
    start = threading.Barrier(3)
    counts: list[dict[str, int]] = []

    def work(services) -> None:  # type: ignore[no-untyped-def]
        start.wait(timeout=30)
        counts.append(Worker(services.database, flows=services.flows, automations=services.automations).run_once())

    threads = [threading.Thread(target=work, args=(s,)) for s in built]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        found = _counts(built[0].database)
        dues = _dues(built[0])
    finally:
        for services in built:
            services.close()

    assert sorted(c["scheduled"] for c in counts) == [0, 0, 1]
    assert found == {"ticks": 1, "queued": 1, "done": 1, "runs": 1}
    assert dues == [due]


@pytest.fixture
def shared_url(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Worker processes share one database: PostgreSQL when configured, else a SQLite file."""
    if not PG_URL:
        yield f"sqlite:///{tmp_path / 'trellis.db'}"
        return
    schema = PostgresSchema(PG_URL)
    try:
        yield schema.url
    finally:
        schema.drop()


def test_three_worker_processes_fire_a_due_schedule_once(shared_url, tmp_path):
    services = _services(shared_url, tmp_path)
    due = _past_minute(services)
    database = Database(shared_url)

    try:
        with workers(shared_url, tmp_path, redis_url=REDIS_URL) as group:
            for _ in range(3):
                group.start()
            deadline = time.monotonic() + 120
            while _counts(database)["done"] < 1 and time.monotonic() < deadline:
                time.sleep(0.2)
            time.sleep(2)  # several more rounds of every worker: none may fire the moment again
            found = _counts(database)
        dues = _dues(services)
    finally:
        services.close()
        database.dispose()

    assert found == {"ticks": 1, "queued": 1, "done": 1, "runs": 1}
    assert dues == [due]
