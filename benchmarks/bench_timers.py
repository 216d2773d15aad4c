"""How long firing 10,000 due timers takes, next to raw SQL touching the same rows in the same run.

    python benchmarks/bench_timers.py [--timers 10000] [--postgres URL]

On a fresh SQLite file and a throw-away PostgreSQL database: the property app is imported, one
repair order is created through the records store (its flow starts and waits for acceptance with
the 15-minute escalation timer) and copied --timers - 1 times straight into the flow tables, every
copy already due. Then, in one process:
(1) Trellis: ``Worker.fire_due()`` - each timer fired by ``FlowService.fire`` in a transaction of its
    own under the instance row lock (load instance, tasks and timers; escalate the task; write the
    task, timer, events and a notification to the outbox);
(2) Trellis: ``Outbox.run`` until empty - the 10,000 escalation notifications delivered to the inbox;
and as references on identical rows: one ``UPDATE`` of all the timer rows in one statement, and one
single-row ``UPDATE`` per timer each committed on its own (the floor of one transaction per timer).
The PostgreSQL URL is only used to create and drop a database named trellis_bench_timers_<pid>.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout, installed or not

from postgres_scratch import throwaway_database, unreachable  # benchmarks/ is on the path when a script runs
from sqlalchemy import func, insert, select, text, update  # noqa: E402

from engine.principal import LOCAL_ADMIN  # noqa: E402
from engine.services.apps import AppService  # noqa: E402
from engine.services.directory import DirectoryService  # noqa: E402
from engine.services.flows import FlowService  # noqa: E402
from engine.services.records import RecordService
from engine.storage import Database  # noqa: E402
from engine.storage.catalog import AppCatalog  # noqa: E402
from engine.storage.migrate import upgrade  # noqa: E402
from engine.storage.tables import (  # noqa: E402
    FlowEventRow,
    FlowInstanceRow,
    FlowTaskCandidateRow,
    FlowTaskRow,
    FlowTimerRow,
    utcnow,
)
from engine.worker import Worker  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "apps" / "property_repair.json"
APP = "property_repair"
CHUNK = 2_000  # rows per INSERT while copying


def prepare(database: Database, timers: int) -> FlowService:
    """The app, an agent and a supervisor, one order through the flow, and ``timers - 1`` due copies of it."""
    upgrade(database)
    AppService(database).import_package(json.loads(PACKAGE.read_bytes()), actor="bench")
    directory = DirectoryService(database)
    directory.create_user("agent1", "a-long-password", roles=[(APP, "agent")])
    directory.create_user("supervisor1", "a-long-password", roles=[(APP, "agent_supervisor")])
    store = RecordService(database, AppCatalog())
    flows = FlowService(database, store)
    store.on_create.append(flows.record_created)  # creating an order starts the repair flow

    def create(form: str, data: dict[str, object]) -> int:
        return int(store.create(LOCAL_ADMIN, APP, form, data)[0]["id"])

    community = create("community", {"name": "阳光花园", "city": "杭州"})
    building = create("building", {"community": community, "name": "3栋"})
    room = create("room", {"building": building, "room_no": "1201", "area_m2": "89.5"})
    order = {"owner_name": "王女士", "phone": "138 1234 5678", "community": community, "room": room}
    create("repair_order", {**order, "repair_type": "水电", "urgency": "一般", "description": "厨房水管漏水"})
    with database.transaction() as session:
        instance = session.scalars(select(FlowInstanceRow)).one()
        task = session.scalars(select(FlowTaskRow)).one()
        candidates = session.scalars(select(FlowTaskCandidateRow)).all()
        timer = session.scalars(select(FlowTimerRow)).one()
        due = utcnow() - timedelta(minutes=1)
        session.execute(update(FlowTimerRow).values(due_at=due))
        copies = [(uuid.uuid4().hex, uuid.uuid4().hex, uuid.uuid4().hex) for _ in range(timers - 1)]
        for start in range(0, len(copies), CHUNK):
            chunk = copies[start : start + CHUNK]
            session.execute(insert(FlowInstanceRow), [{**_values(instance), "id": i} for i, _, _ in chunk])
            session.execute(insert(FlowTaskRow), [{**_values(task), "id": t, "instance_id": i} for i, t, _ in chunk])
            session.execute(
                insert(FlowTaskCandidateRow), [{**_values(c), "task_id": t} for _, t, _ in chunk for c in candidates]
            )
            session.execute(
                insert(FlowTimerRow),
                [{**_values(timer), "id": x, "instance_id": i, "task_id": t, "due_at": due} for i, t, x in chunk],
            )
    return flows


def _values(row: object) -> dict[str, object]:
    return {column.key: getattr(row, column.key) for column in row.__table__.columns}  # type: ignore[attr-defined]


def timed(action: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def references(database: Database) -> dict[str, float]:
    """Raw SQL on the timer rows, leaving them as they were (due_at is written back unchanged)."""
    with database.transaction() as session:
        ids = list(session.scalars(select(FlowTimerRow.id)))
    figures: dict[str, float] = {}
    with database.engine.begin() as connection:
        figures["raw SQL: one UPDATE of every timer row"] = timed(
            lambda: connection.execute(text("UPDATE trellis_flow_timers SET due_at = due_at"))
        )[0]
    one_row = text("UPDATE trellis_flow_timers SET due_at = due_at WHERE id = :id")

    def per_row() -> None:
        for timer_id in ids:
            with database.engine.begin() as connection:
                connection.execute(one_row, {"id": timer_id})

    figures["raw SQL: one UPDATE transaction per timer"] = timed(per_row)[0]
    return figures


def run(label: str, database: Database, timers: int) -> list[str]:
    print(f"{label}: preparing {timers:,} due timers ...", flush=True)
    flows = prepare(database, timers)
    figures = references(database)
    worker = Worker(database, flows=flows, batch=500)
    print(f"{label}: firing ...", flush=True)
    seconds, fired = timed(worker.fire_due)
    with database.transaction() as session:
        events = session.scalar(select(func.count()).select_from(FlowEventRow).where(FlowEventRow.kind == "escalated"))
    assert fired == events == timers, f"fired {fired}, escalated {events}, expected {timers}"
    print(f"{label}: delivering the notifications ...", flush=True)

    def deliver() -> int:
        total = 0
        while done := sum(worker.outbox.run(500).values()):
            total += done
        return total

    delivered_seconds, delivered = timed(deliver)
    assert delivered == timers, f"delivered {delivered} of {timers}"
    lines = [
        f"{label}: {timers:,} timers",
        f"  Trellis: fire every due timer (Worker.fire_due)     {seconds:8.2f} s   {timers / seconds:8,.0f} timers/s",
        f"  Trellis: deliver the {timers:,} notifications      {delivered_seconds:8.2f} s   "
        f"{timers / delivered_seconds:8,.0f} items/s",
    ]
    for name, value in figures.items():
        lines.append(f"  {name:<48}  {value:8.2f} s   {timers / value:8,.0f} rows/s")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--timers", type=int, default=10_000)
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/postgres", help="'' skips it")
    args = parser.parse_args()

    lines: list[str] = []
    with tempfile.TemporaryDirectory() as folder:
        database = Database(f"sqlite:///{folder}/bench.db")
        try:
            lines += run("SQLite", database, args.timers)
        finally:
            database.dispose()
    problem = unreachable(args.postgres) if args.postgres else "no --postgres URL"
    if problem is None:
        with throwaway_database(args.postgres, "timers") as url:
            database = Database(url)
            try:
                lines += run("PostgreSQL", database, args.timers)
            finally:
                database.dispose()
    else:
        lines.append(f"PostgreSQL figures skipped: {problem}")
    print("\n" + "\n".join(lines))


if __name__ == "__main__":
    main()
