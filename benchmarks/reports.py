"""How fast the report engine answers over a million repair tickets, next to DuckDB and pandas timed in the same run.

Run: python benchmarks/reports.py [--rows 1000000] [--ten-million] [--postgres URL] [--no-postgres]
                                  [--sqlite] [--sqlite-rows 200000] [--rounds 7]
It imports a repair app without its reports (200 communities, 10 buildings each, 50 rooms per building:
``room.building.community`` exists next to the ticket's own ``community``), bulk-loads --rows tickets over
two years (PostgreSQL: COPY; SQLite: executemany), publishes the reports (their summary tables are built
from the tickets), then times through ``ReportService`` (the HTTP API's entry points) a community x type
pivot (count, average rating), the same through room.building.community, a monthly trend in Asia/Shanghai
and a 7-widget dashboard uncached and cached - with the summaries, then with them dropped - next to DuckDB
and pandas over the same in-memory frame, every answer checked against theirs. Milliseconds, median and
95th percentile of --rounds runs. PostgreSQL: a database trellis_bench_reports_<pid>, dropped afterwards.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import inspect, text

sys.path.insert(0, str(Path(__file__).resolve().parent))  # postgres_scratch, when imported by a test
from postgres_scratch import throwaway_database, unreachable  # noqa: E402

from engine.principal import LOCAL_ADMIN  # noqa: E402
from engine.services.apps import AppService  # noqa: E402
from engine.services.records import RecordService  # noqa: E402
from engine.services.reports import ReportService  # noqa: E402
from engine.storage import Database  # noqa: E402
from engine.storage.catalog import AppCatalog  # noqa: E402
from engine.storage.migrate import upgrade  # noqa: E402
from engine.storage.report_cache import ReportCache  # noqa: E402
from engine.storage.report_summaries import drop_summary, forget_summaries  # noqa: E402

APP, FORM = "bench", "repair_order"
COMMUNITIES, BUILDINGS, ROOMS = 200, 10, 50  # buildings per community, rooms per building
TYPES = ["水电", "门窗", "家电", "公共设施", "其他"]
TYPE_WEIGHTS = [0.42, 0.18, 0.2, 0.13, 0.07]
URGENCIES = ["一般", "紧急", "非常紧急"]
STATUSES = ["submitted", "dispatched", "working", "done", "closed"]
START = datetime(2024, 12, 1)  # UTC, as the frame keeps it (naive)
DAYS = 730
ROUNDS = 7


def _label(zh: str, en: str) -> dict[str, str]:
    return {"zh-CN": zh, "en": en}


def _form(form_id: str, title: str, fields: list[dict[str, Any]], **more: Any) -> dict[str, Any]:
    return {"id": form_id, "name": _label(form_id, form_id), "title_field": title, "fields": fields, **more}


def _select(field_id: str, values: list[str]) -> dict[str, Any]:
    return {"id": field_id, "type": "select", "label": field_id, "options": [{"value": v, "label": v} for v in values]}


TICKETS = {"id": "tickets", "agg": "count", "label": _label("工单数", "Tickets")}
RATING = {"id": "rating", "agg": "avg", "field": "rating", "label": _label("平均评分", "Average rating")}
REPORTS: list[dict[str, Any]] = [
    {
        "id": "pivot",
        "name": _label("小区 × 类型", "Community x type"),
        "source": {"form": FORM},
        "rows": [{"field": "community"}],
        "columns": [{"field": "repair_type"}],
        "measures": [TICKETS, RATING],
        "chart": {"type": "pivot"},
    },
    {
        "id": "pivot_path",
        "name": _label("小区(经房间) × 类型", "Community via room x type"),
        "source": {"form": FORM},
        "rows": [{"id": "community", "field": "room.building.community"}],
        "columns": [{"field": "repair_type"}],
        "measures": [TICKETS, RATING],
        "chart": {"type": "pivot"},
    },
    {
        "id": "trend",
        "name": _label("月度趋势", "Monthly trend"),
        "source": {"form": FORM},
        "rows": [{"id": "month", "field": "created_at", "bucket": "month"}],
        "measures": [TICKETS, RATING],
        "chart": {"type": "line", "x": "month", "y": ["tickets", "rating"]},
    },
    {
        "id": "type_share",
        "name": _label("各类型报修占比", "Repairs by type"),
        "source": {"form": FORM},
        "rows": [{"field": "repair_type"}],
        "measures": [TICKETS, {"id": "share", "agg": "share", "of": "tickets"}],
        "chart": {"type": "pie", "x": "repair_type", "y": ["tickets"]},
    },
    {
        "id": "tickets_today",
        "name": _label("今日新增工单", "New tickets today"),
        "source": {"form": FORM},
        "filters": [{"field": "created_at", "op": "within_last", "value": "P1D"}],
        "measures": [TICKETS],
        "chart": {"type": "kpi", "y": ["tickets"]},
    },
    {
        "id": "fix_rate",
        "name": _label("一次性修复率", "First-time fix rate"),
        "source": {"form": FORM},
        "measures": [
            {"id": "closed", "agg": "count", "where": "status == 'closed'"},
            {"id": "first_time", "agg": "count", "where": "status == 'closed' and reopen_count == 0"},
            {"id": "rate", "agg": "ratio", "expression": "first_time / closed", "format": "percent"},
        ],
        "chart": {"type": "kpi", "y": ["rate"]},
    },
    {
        "id": "top_communities",
        "name": _label("工单最多的小区", "Busiest communities"),
        "source": {"form": FORM},
        "rows": [{"field": "community", "top": 10}],
        "measures": [TICKETS, RATING],
        "sort": [{"by": "tickets", "desc": True}],
        "chart": {"type": "bar", "x": "community", "y": ["tickets"]},
    },
    {
        "id": "handling_by_urgency",
        "name": _label("各紧急程度处理时长", "Handling hours by urgency"),
        "source": {"form": FORM},
        "rows": [{"field": "urgency"}],
        "measures": [TICKETS, {"id": "hours", "agg": "avg", "field": "handling_hours"}],
        "chart": {"type": "bar", "x": "urgency", "y": ["hours"]},
    },
]
WIDGETS = ["tickets_today", "fix_rate", "type_share", "top_communities", "trend", "pivot", "handling_by_urgency"]
PACKAGE: dict[str, Any] = {
    "format": "trellis.app/1",
    "id": APP,
    "version": "1.0.0",
    "name": _label("报表基准", "Report benchmark"),
    "default_locale": "zh-CN",
    "forms": [
        _form("community", "name", [{"id": "name", "type": "text", "label": "名称", "required": True}]),
        _form(
            "building",
            "name",
            [
                {"id": "community", "type": "relation", "target": "community", "label": "小区"},
                {"id": "name", "type": "text", "label": "楼栋"},
            ],
        ),
        _form(
            "room",
            "room_no",
            [
                {"id": "building", "type": "relation", "target": "building", "label": "楼栋"},
                {"id": "room_no", "type": "text", "label": "房号"},
            ],
        ),
        _form(
            FORM,
            "status",
            [
                {"id": "community", "type": "relation", "target": "community", "label": "小区"},
                {"id": "room", "type": "relation", "target": "room", "label": "房间"},
                _select("repair_type", TYPES),
                _select("urgency", URGENCIES),
                _select("status", STATUSES),
                {"id": "rating", "type": "rating", "label": "评分"},
                {"id": "reopen_count", "type": "number", "label": "返修次数"},
                {"id": "handling_hours", "type": "number", "label": "处理时长"},
            ],
        ),
    ],
    "reports": REPORTS,
    "dashboards": [
        {
            "id": "board",
            "name": _label("看板", "Dashboard"),
            "filters": [
                {"id": "community", "field": "community", "kind": "select", "label": _label("小区", "Community")},
                {"id": "period", "field": "created_at", "kind": "date_range", "label": _label("日期", "Dates")},
            ],
            "widgets": [
                {"id": w, "report": w, "x": (n % 2) * 6, "y": (n // 2) * 4, "w": 6, "h": 4}
                for n, w in enumerate(WIDGETS)
            ],
        }
    ],
}
_SYSTEM = ("uuid", "app_version", "created_at", "updated_at", "created_by", "updated_by", "lock_version")
FIELDS = ("community", "room", "repair_type", "urgency", "status", "rating", "reopen_count", "handling_hours")


# -- data ----------------------------------------------------------------------------------------
def rooms_per_building(count: int) -> int:
    """50 rooms per building (100,000 rooms) for a million tickets; fewer for a small run, so it loads fast."""
    return max(1, min(ROOMS, count // (COMMUNITIES * BUILDINGS * 10)))


def frame(count: int, seed: int = 20261205) -> pd.DataFrame:
    """``count`` tickets (ids 1..count) as the reference engines read them: room, building and community
    are the 1-based ids the loader gives the relation records, created_at is UTC (naive)."""
    chance = np.random.default_rng(seed)
    rooms = rooms_per_building(count)
    room = chance.integers(1, COMMUNITIES * BUILDINGS * rooms + 1, count)
    building = (room - 1) // rooms + 1
    community = (building - 1) // BUILDINGS + 1
    moved = chance.random(count) < 0.02  # a ticket filed under another community than its room's
    own = np.where(moved, chance.integers(1, COMMUNITIES + 1, count), community)
    seconds = np.sort(chance.integers(0, DAYS * 86400, count))
    created = pd.to_datetime(START) + pd.to_timedelta(seconds, unit="s")
    status = chance.choice(len(STATUSES), count, p=[0.04, 0.04, 0.07, 0.15, 0.7])
    rated = (status >= 3) & (chance.random(count) < 0.8)
    rating = np.where(rated, chance.choice([1, 2, 3, 4, 5], count, p=[0.04, 0.06, 0.15, 0.35, 0.4]), 0)
    hours = np.round(chance.gamma(2.0, 6.0, count), 1)
    return pd.DataFrame(
        {
            "id": np.arange(1, count + 1),
            "created_at": created,
            "community": own,
            "room": room,
            "building_id": building,
            "room_community": community,
            "repair_type": np.array(TYPES, dtype=object)[chance.choice(len(TYPES), count, p=TYPE_WEIGHTS)],
            "urgency": np.array(URGENCIES, dtype=object)[chance.choice(3, count, p=[0.75, 0.2, 0.05])],
            "status": np.array(STATUSES, dtype=object)[status],
            "rating": pd.Series(rating, dtype="Int64").mask(~rated),
            "reopen_count": chance.choice([0, 0, 0, 0, 0, 0, 0, 0, 1, 2], count),
            "handling_hours": pd.Series(hours, dtype="Float64").mask(status < 3),
        }
    )


def _relations(database: Database, rooms: int) -> None:
    """200 communities, 2,000 buildings and ``rooms`` rooms each, with ids 1..n (a fresh database gives them so)."""
    stamp = datetime(2024, 11, 1, tzinfo=UTC)
    tables = {
        "community": (("name",), [(f"小区{c:03d}",) for c in range(1, COMMUNITIES + 1)]),
        "building": (
            ("community", "name"),
            [((b - 1) // BUILDINGS + 1, f"{(b - 1) % BUILDINGS + 1}栋") for b in range(1, COMMUNITIES * BUILDINGS + 1)],
        ),
        "room": (
            ("building", "room_no"),
            [((r - 1) // rooms + 1, f"{(r - 1) % rooms + 101}") for r in range(1, COMMUNITIES * BUILDINGS * rooms + 1)],
        ),
    }
    for form, (columns, values) in tables.items():
        rows = [(os.urandom(16).hex(), 1, stamp, stamp, "loader", "loader", 1, *v) for v in values]
        _bulk(database, f"{APP}__{form}", _SYSTEM + columns, rows)


def _bulk(database: Database, table: str, columns: tuple[str, ...], rows: Any) -> None:
    names = ", ".join(columns)
    raw = database.engine.raw_connection()
    try:
        if database.dialect == "postgresql":
            with raw.cursor() as cursor:  # type: ignore[attr-defined]
                with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
        else:
            marks = ", ".join("?" for _ in columns)
            stamped = (tuple(_sqlite(v) for v in row) for row in rows)
            raw.cursor().executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", stamped)
        raw.commit()
    finally:
        raw.close()


def _sqlite(value: Any) -> Any:
    if isinstance(value, datetime):  # SQLite keeps timestamps as UTC text, in SQLAlchemy's format
        return f"{value.astimezone(UTC):%Y-%m-%d %H:%M:%S.%f}"
    return value


def _tickets(data: pd.DataFrame) -> Any:
    created = [at.replace(tzinfo=UTC) for at in data["created_at"].dt.to_pydatetime()]
    columns = [data[f].astype(object).where(data[f].notna(), None).tolist() for f in FIELDS]
    for n, at in enumerate(created):
        yield (os.urandom(16).hex(), 1, at, at, "loader", "loader", 1, *(column[n] for column in columns))


def prepare(database: Database, data: pd.DataFrame, *, clock: Callable[[], datetime]) -> ReportService:
    """The app imported without its reports, the relations and the frame's tickets bulk-loaded, then the
    version with the reports published (which builds their summary tables from the existing tickets);
    Prints what each step cost, and
    the cost of a ticket written through the records service before and after the summaries exist."""
    bare = {key: value for key, value in PACKAGE.items() if key not in ("reports", "dashboards")}
    AppService(database).import_package(bare, actor="bench")
    store = RecordService(database, AppCatalog())
    started = time.perf_counter()
    _relations(database, rooms_per_building(len(data)))
    _bulk(database, f"{APP}__{FORM}", (*_SYSTEM, *FIELDS), _tickets(data))
    loaded = time.perf_counter() - started
    with database.engine.begin() as connection:
        for form in ("community", "building", "room", FORM):
            connection.execute(text(f"ANALYZE {APP}__{form}"))
    print(f"  loaded {len(data):,} tickets in {loaded:.1f} s")
    before = _write_cost(store)
    started = time.perf_counter()
    AppService(database).import_package({**PACKAGE, "version": "1.1.0"}, actor="bench")
    with database.engine.begin() as connection:
        names = [n for n in inspect(connection).get_table_names() if n.startswith("rsum_")]
        for name in names:
            connection.execute(text(f"ANALYZE {name}"))
    print(f"  reports published in {time.perf_counter() - started:.1f} s, {len(names)} summary tables built")
    print(
        f"  a ticket created and deleted through the records service: {before:.1f} ms without summaries, "
        f"{_write_cost(store):.1f} ms with them"
    )
    return ReportService(database, store, ReportCache(), clock=clock)


def _write_cost(store: RecordService, count: int = 30) -> float:
    """Median ms to create a ticket and delete it again (the frame's rows stay the live ones)."""
    samples = []
    for n in range(count):
        started = time.perf_counter()
        made = store.create(
            LOCAL_ADMIN,
            APP,
            FORM,
            {
                "community": 1 + n % COMMUNITIES,
                "repair_type": TYPES[n % 5],
                "rating": 4,
                "handling_hours": 2.5,
                "status": "closed",
            },
        )[0]
        store.delete(LOCAL_ADMIN, APP, FORM, made["id"])
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


# -- the references ------------------------------------------------------------------------------
def duckdb_queries(data: pd.DataFrame) -> tuple[Any, dict[str, Callable[[], Any]]]:
    """A DuckDB connection over the frame (copied into a DuckDB table) and the report queries written by hand."""
    import duckdb

    connection = duckdb.connect()
    connection.execute("SET threads = 2")
    connection.register("source", data)
    connection.execute("CREATE TABLE t AS SELECT * FROM source")
    connection.unregister("source")
    shift = "(created_at + INTERVAL 8 HOUR)"  # Asia/Shanghai: UTC+8 all year since 1991

    def run(sql: str) -> Callable[[], Any]:
        return lambda: connection.execute(sql).fetchall()

    return connection, {
        "pivot": run("SELECT community, repair_type, count(*), avg(rating) FROM t GROUP BY community, repair_type"),
        "pivot_path": run(
            "SELECT room_community, repair_type, count(*), avg(rating) FROM t GROUP BY room_community, repair_type"
        ),
        "trend": run(f"SELECT strftime({shift}, '%Y-%m') AS m, count(*), avg(rating) FROM t GROUP BY m"),
        "board": lambda: [
            connection.execute(sql).fetchall()
            for sql in (
                "SELECT count(*) FROM t WHERE created_at >= (SELECT max(created_at) FROM t) - INTERVAL 1 DAY",
                "SELECT count(*) FILTER (status = 'closed'), "
                "count(*) FILTER (status = 'closed' AND reopen_count = 0) FROM t",
                "SELECT repair_type, count(*) FROM t GROUP BY 1",
                "SELECT community, count(*), avg(rating) FROM t GROUP BY 1",
                f"SELECT strftime({shift}, '%Y-%m') AS m, count(*), avg(rating) FROM t GROUP BY m",
                "SELECT community, repair_type, count(*), avg(rating) FROM t GROUP BY 1, 2",
                "SELECT urgency, count(*), avg(handling_hours) FROM t GROUP BY 1",
            )
        ],
    }


def pandas_queries(data: pd.DataFrame) -> dict[str, Callable[[], Any]]:
    local = data["created_at"] + pd.Timedelta(hours=8)  # Asia/Shanghai: UTC+8 all year since 1991

    def pivot(key: str) -> Any:
        return data.groupby([key, "repair_type"]).agg(n=("id", "size"), rating=("rating", "mean"))

    def trend() -> Any:
        return (
            data.assign(month=local.dt.strftime("%Y-%m")).groupby("month").agg(n=("id", "size"), r=("rating", "mean"))
        )

    def board() -> Any:
        closed = data["status"] == "closed"
        return [
            int((data["created_at"] >= data["created_at"].max() - pd.Timedelta(days=1)).sum()),
            (int(closed.sum()), int((closed & (data["reopen_count"] == 0)).sum())),
            data.groupby("repair_type").size(),
            data.groupby("community").agg(n=("id", "size"), rating=("rating", "mean")),
            trend(),
            pivot("community"),
            data.groupby("urgency").agg(n=("id", "size"), hours=("handling_hours", "mean")),
        ]

    return {
        "pivot": lambda: pivot("community"),
        "pivot_path": lambda: pivot("room_community"),
        "trend": trend,
        "board": board,
    }


# -- checking ------------------------------------------------------------------------------------
def _close(a: Any, b: Any) -> bool:
    if a is None or b is None or (isinstance(b, float) and math.isnan(b)):
        return (a is None or (isinstance(a, float) and math.isnan(a))) and (
            b is None or (isinstance(b, float) and math.isnan(b))
        )
    return abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(b)))


def check(
    name: str,
    engine_rows: list[dict[str, Any]],
    reference: dict[Any, tuple[Any, ...]],
    keys: tuple[str, ...],
    measures: tuple[str, ...],
) -> None:
    """The engine's grouped numbers equal the reference's, group by group."""
    found = {tuple(row[k] for k in keys): tuple(row[m] for m in measures) for row in engine_rows}
    assert set(found) == set(reference), (
        f"{name}: groups differ: {sorted(found, key=str)[:3]} {sorted(reference, key=str)[:3]}"
    )
    for group, values in reference.items():
        assert all(_close(a, b) for a, b in zip(found[group], values, strict=True)), (name, group, found[group], values)


def verify(service: ReportService, data: pd.DataFrame, duck: dict[str, Callable[[], Any]]) -> None:
    """Every timed report's numbers are DuckDB's and pandas' (ids, month labels and averages alike)."""
    answers = {name: _report(service, name)["rows"] for name in ("pivot", "pivot_path", "trend")}
    by_pandas = pandas_queries(data)
    for name in ("pivot", "pivot_path"):
        from_duck = {(c, t): (n, r) for c, t, n, r in duck[name]()}
        frame_ = by_pandas[name]()
        from_pandas = {
            (int(c), t): (int(r.n), None if pd.isna(r.rating) else float(r.rating)) for (c, t), r in frame_.iterrows()
        }
        check(name, answers[name], from_duck, ("community", "repair_type"), ("tickets", "rating"))
        check(name, answers[name], from_pandas, ("community", "repair_type"), ("tickets", "rating"))
    from_duck = {(m,): (n, r) for m, n, r in duck["trend"]()}
    from_pandas = {
        (str(m),): (int(r.n), None if pd.isna(r.r) else float(r.r)) for m, r in by_pandas["trend"]().iterrows()
    }
    check("trend", answers["trend"], from_duck, ("month",), ("tickets", "rating"))
    check("trend", answers["trend"], from_pandas, ("month",), ("tickets", "rating"))
    board = service.dashboard(LOCAL_ADMIN, APP, "board", [], "zh-CN")
    assert [w["id"] for w in board["widgets"]] == WIDGETS
    assert board["widgets"][1]["totals"]["closed"] == int((data["status"] == "closed").sum())


def _report(service: ReportService, report: str) -> dict[str, Any]:
    return service.report(LOCAL_ADMIN, APP, report, [], "zh-CN")


# -- timing --------------------------------------------------------------------------------------
def latencies_ms(action: Callable[[], object], rounds: int, before: Callable[[], object] | None = None) -> list[float]:
    if before:
        before()
    action()  # warm: the compiled app, the statement cache, the pages read
    samples: list[float] = []
    for _ in range(rounds):
        if before:
            before()
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def spread(samples: list[float]) -> tuple[float, float]:
    p95 = statistics.quantiles(samples, n=20, method="inclusive")[-1] if len(samples) > 1 else samples[0]
    return statistics.median(samples), p95


def measure(service: ReportService, data: pd.DataFrame, rounds: int = ROUNDS) -> list[dict[str, Any]]:
    """Each case through the report service - with the summary tables, then with them dropped (every
    report reads the tickets) - and through DuckDB and pandas: medians and 95th percentiles in ms."""
    connection, duck = duckdb_queries(data)
    try:
        by_pandas = pandas_queries(data)
        cache = service.cache

        def board(*args: tuple[str, str]) -> Callable[[], Any]:
            return lambda: service.dashboard(LOCAL_ADMIN, APP, "board", list(args), "zh-CN")

        cases: list[tuple[str, Callable[[], Any], Any, Any]] = [
            (label, lambda name=name: _report(service, name), duck[name], by_pandas[name])
            for name, label in (
                ("pivot", "pivot community x type, count + avg"),
                ("pivot_path", "same via room.building.community"),
                ("trend", "month trend (Asia/Shanghai), count + avg"),
            )
        ]
        cases.append((f"dashboard, {len(WIDGETS)} widgets, uncached", board(), duck["board"], by_pandas["board"]))
        cases.append(("dashboard, one community, uncached", board(("community", "7")), None, None))
        timings: dict[str, dict[str, list[float]]] = {label: {} for label, *_ in cases}
        for mode in ("summaries", "live"):
            verify(service, data, duck)  # the engine's numbers are DuckDB's and pandas', either way
            for label, action, *_ in cases:
                timings[label][mode] = latencies_ms(action, rounds, cache.clear)
            if mode == "summaries":
                cached = latencies_ms(board(), rounds * 3)
                _drop_summaries(service.database)
        results = [
            {
                "case": label,
                "engine": timings[label]["summaries"],
                "live": timings[label]["live"],
                "duckdb": latencies_ms(reference, rounds) if reference else None,
                "pandas": latencies_ms(frame_reference, rounds) if frame_reference else None,
            }
            for label, _, reference, frame_reference in cases
        ]
        results.append({"case": "dashboard, cached", "engine": cached, "live": None, "duckdb": None, "pandas": None})
    finally:
        connection.close()
    return results


def _drop_summaries(database: Database) -> None:
    with database.engine.begin() as connection:
        for name in inspect(connection).get_table_names():
            if name.startswith("rsum_"):
                drop_summary(connection, name)
    forget_summaries()


def report(title: str, results: list[dict[str, Any]]) -> None:
    load = os.getloadavg()
    print(f"\n{title}  (ms, median / p95; load average {load[0]:.1f} {load[1]:.1f} on {os.cpu_count()} cores)")
    print(
        f"  {'case':<40} {'with summaries':>17}  {'live (no summary)':>17}  {'DuckDB':>15}  {'pandas':>15}"
        f"  {'/DuckDB':>7}  {'live/DuckDB':>11}"
    )
    for r in results:
        cells = []
        for key, width in (("engine", 17), ("live", 17), ("duckdb", 15), ("pandas", 15)):
            cells.append("{:7.1f} / {:6.1f}".format(*spread(r[key])).rjust(width) if r[key] else "-".rjust(width))
        ratios = []
        for key, width in (("engine", 7), ("live", 11)):
            good = r["duckdb"] and r[key]
            ratios.append(
                f"{spread(r[key])[0] / spread(r['duckdb'])[0]:.1f}x".rjust(width) if good else "-".rjust(width)
            )
        print(f"  {r['case']:<40} {'  '.join(cells)}  {'  '.join(ratios)}")


def run(url: str, count: int, title: str, rounds: int) -> list[dict[str, Any]]:
    print(f"{title}: {count:,} tickets")
    data = frame(count)
    latest = data["created_at"].max().to_pydatetime().replace(tzinfo=UTC)
    database = Database(url)
    try:
        upgrade(database)
        service = prepare(database, data, clock=lambda: latest + timedelta(minutes=1))
        results = measure(service, data, rounds)
    finally:
        database.dispose()
    report(f"{title}, {count:,} tickets", results)
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="tickets loaded into PostgreSQL")
    parser.add_argument("--ten-million", action="store_true", help="load 10,000,000 tickets (slow: minutes)")
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/postgres", help="admin URL")
    parser.add_argument("--no-postgres", action="store_true", help="skip PostgreSQL")
    parser.add_argument("--sqlite", action="store_true", help="also run on SQLite")
    parser.add_argument("--sqlite-rows", type=int, default=200_000, help="tickets loaded into SQLite")
    parser.add_argument("--rounds", type=int, default=ROUNDS, help="timed runs per case")
    args = parser.parse_args(argv)
    rows = 10_000_000 if args.ten_million else args.rows
    if args.sqlite:
        with tempfile.TemporaryDirectory() as folder:
            run(f"sqlite:///{folder}/bench.db", args.sqlite_rows, "SQLite", args.rounds)
    if not args.no_postgres:
        why = unreachable(args.postgres)
        if why:
            print(f"PostgreSQL skipped: {why}")
            return
        with throwaway_database(args.postgres, "reports") as url:
            run(url, rows, "PostgreSQL", args.rounds)


if __name__ == "__main__":
    main()
