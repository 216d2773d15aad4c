"""What computing process facts live in SQL costs, next to the same aggregate over a stored facts table.

    python benchmarks/bench_flow_facts.py [--instances 100000] [--postgres URL]

On a fresh SQLite file and a throw-away PostgreSQL database, --instances closed repair instances are
written straight into the flow tables as the property flow leaves them (11 events, 4 tasks, one
reopened in ten, one deadline timer fired in twenty). Then, best of three:
(1) Trellis: a KPI query over ``instance_facts`` (count, average response time in wall-clock and
    business seconds, first-time fixes, SLA met, grouped by outcome) over every instance;
(2) the same over the 1% of instances of a few records (``record_id`` range: a report filtered to
    a community);
(3) ``task_facts``: overdue tasks per node, over every task;
and as the reference, (1) again over a plain table holding the facts precomputed (``CREATE TABLE AS``
the selectable): what a facts table kept on write would answer in.
The PostgreSQL URL is only used to create and drop a database named trellis_bench_facts_<pid>.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout, installed or not

from postgres_scratch import throwaway_database, unreachable  # benchmarks/ is on the path when a script runs
from sqlalchemy import Column, Float, Integer, MetaData, String, Table, case, func, insert, select, text  # noqa: E402

from engine.flows.facts import flow_facts  # noqa: E402
from engine.storage.database import Database  # noqa: E402
from engine.storage.flow_facts import instance_facts, task_facts  # noqa: E402
from engine.storage.flows import EVENTS, INSTANCES, TASKS, TIMERS  # noqa: E402
from engine.storage.migrate import upgrade  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = json.loads((ROOT / "apps" / "property_repair.json").read_text("utf-8"))
FACTS = flow_facts(next(f for f in PACKAGE["flows"] if f["id"] == "repair"))
APP = "property_repair"


def _fill(database: Database, count: int) -> None:
    start = datetime(2025, 1, 1, 1, 0, tzinfo=UTC)
    batch = 5000
    for first in range(0, count, batch):
        instances, events, tasks, timers = [], [], [], []
        for n in range(first, min(first + batch, count)):
            at = start + timedelta(minutes=37 * n)
            iid = f"i{n:031d}"
            reopened = n % 10 == 0
            steps = [
                ("started", "start", None, 0),
                ("entered", "start", None, 0),
                ("entered", "accept", "e_start", 0),
                ("entered", "repair", "e_dispatch", 12 + n % 20),
                ("checked_in", "repair", None, 90 + n % 120),
                ("entered", "rate", "e_settled", 200 + n % 90),
                ("entered", "rating_gate", "e_rated", 600),
            ]
            if reopened:
                steps.append(("entered", "reopen", "e_unhappy", 600))
            steps += [("entered", "close", "e_happy", 900), ("entered", "closed", "e_closed", 900)]
            steps.append(("completed", "closed", None, 900))
            for kind, node, via, minutes in steps:
                events.append(
                    {
                        "instance_id": iid,
                        "at": at + timedelta(minutes=minutes),
                        "actor": "system",
                        "kind": kind,
                        "node_id": node,
                        "task_id": None,
                        "details": {"via": via} if via else {},
                    }
                )
            for k, (node, created, claimed, done) in enumerate(
                [("accept", 0, 5, 12), ("repair", 12 + n % 20, 40 + n % 30, 200 + n % 90), ("rate", 300, 600, 600)]
            ):
                tid = f"t{k}{n:030d}"
                tasks.append(
                    {
                        "id": tid,
                        "instance_id": iid,
                        "app_id": APP,
                        "flow_id": "repair",
                        "form_id": "repair_order",
                        "record_id": n + 1,
                        "node_id": node,
                        "token_id": "x",
                        "status": "completed",
                        "candidates": [],
                        "assignee": f"worker{n % 12}",
                        "owner": None,
                        "created_at": at + timedelta(minutes=created),
                        "claimed_at": at + timedelta(minutes=claimed),
                        "completed_at": at + timedelta(minutes=done),
                        "completed_by": f"worker{n % 12}",
                        "due_at": None,
                        "outcome": None,
                        "comment": None,
                        "position": 0,
                        "touched": True,
                        "lock_version": 1,
                        "data": None,
                    }
                )
                if node == "repair" and n % 20 == 0:
                    timers.append(
                        {
                            "id": f"m{n:031d}",
                            "instance_id": iid,
                            "node_id": "repair",
                            "spec_id": "resolve_sla",
                            "task_id": tid,
                            "token_id": "x",
                            "due_at": at,
                            "status": "fired",
                            "fired_at": at,
                        }
                    )
            instances.append(
                {
                    "id": iid,
                    "app_id": APP,
                    "app_version": 1,
                    "flow_id": "repair",
                    "form_id": "repair_order",
                    "record_id": n + 1,
                    "status": "completed",
                    "end_status": "closed",
                    "stage": "done",
                    "error": None,
                    "tokens": [],
                    "variables": {},
                    "started_by": "owner",
                    "started_at": at,
                    "updated_at": at + timedelta(minutes=900),
                    "ended_at": at + timedelta(minutes=900),
                    "parent_id": None,
                    "parent_token": None,
                    "lock_version": 1,
                }
            )
        with database.transaction() as session:
            session.execute(insert(INSTANCES), instances)
            session.execute(insert(EVENTS), events)
            session.execute(insert(TASKS), tasks)
            if timers:
                session.execute(insert(TIMERS), timers)


def _kpis(source: Any) -> Any:
    row = source.c
    return select(
        row.outcome,
        func.count(),
        func.avg(row.response_seconds),
        func.avg(row.response_business_seconds),
        func.sum(case((row.reopen_count == 0, 1), else_=0)),
        func.sum(row.sla_met),
    ).group_by(row.outcome)


def _best(run: Callable[[], Any]) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(3):
        began = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - began)
    return min(times), result


def measure(database: Database, count: int, label: str) -> None:
    upgrade(database)
    began = time.perf_counter()
    _fill(database, count)
    print(f"{label}: wrote {count:,} instances in {time.perf_counter() - began:.1f} s")
    facts = instance_facts(FACTS, APP).subquery("facts")
    few = instance_facts(FACTS, APP).subquery("few")
    tasks = task_facts(FACTS, APP, datetime.now(UTC)).subquery("tasks")

    def query(statement: Any) -> Callable[[], Any]:
        def run() -> Any:
            with database.transaction() as session:
                return session.execute(statement).all()

        return run

    filtered = _kpis(few).where(few.c.record_id <= max(count // 100, 1))
    overdue = select(tasks.c.node, func.count(), func.sum(tasks.c.overdue)).group_by(tasks.c.node)
    whole, rows = _best(query(_kpis(facts)))
    part, _ = _best(query(filtered))
    per_task, _ = _best(query(overdue))
    stored = Table(
        "bench_stored_facts",
        MetaData(),
        Column("outcome", String(63)),
        Column("response_seconds", Float),
        Column("response_business_seconds", Float),
        Column("reopen_count", Integer),
        Column("sla_met", Integer),
    )
    stored.create(database.engine)
    live = instance_facts(FACTS, APP).subquery("live")
    with database.transaction() as session:
        session.execute(
            stored.insert().from_select([c.name for c in stored.c], select(*(live.c[c.name] for c in stored.c)))
        )
    reference, _ = _best(
        query(
            text(
                "SELECT outcome, count(*), avg(response_seconds), avg(response_business_seconds), "
                "sum(CASE WHEN reopen_count = 0 THEN 1 ELSE 0 END), sum(sla_met) "
                "FROM bench_stored_facts GROUP BY outcome"
            )
        )
    )
    print(f"  {rows}")
    print(f"  instance facts, all {count:,}:           {whole * 1000:9.1f} ms")
    print(f"  instance facts, 1% of records:           {part * 1000:9.1f} ms")
    print(f"  task facts, overdue per node:             {per_task * 1000:9.1f} ms")
    print(f"  reference: the same KPIs, stored facts:  {reference * 1000:9.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", type=int, default=100_000)
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        measure(Database(f"sqlite:///{folder}/bench.db"), args.instances, "SQLite")
    problem = unreachable(args.postgres)
    if problem:
        print(f"PostgreSQL skipped: {problem}")
        return
    with throwaway_database(args.postgres, "facts") as url:
        database = Database(url)
        try:
            measure(database, args.instances, "PostgreSQL")
        finally:
            database.engine.dispose()


if __name__ == "__main__":
    main()
