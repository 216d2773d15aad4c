"""How fast records are validated, stored and listed, next to bare jsonschema and raw SQL timed in the same run.

Run: python benchmarks/bench_records.py [--rows 1000000] [--postgres URL] [--explain]
Part 1 imports apps/property_repair.json into a fresh SQLite file and a throw-away PostgreSQL
database, then times RecordService.create of a repair order with a two-row parts_used sub-table (so
the part.unit_price defaults, both formulas and the relation checks run). References: bare
jsonschema on the same payload, FormValidator.validate alone, and the same rows INSERTed directly.
Part 2 bulk-loads --rows repair orders into the PostgreSQL database with one INSERT ... SELECT and
times list_records for page 1 and page 1,000 under three sorts, next to the SQL it sends run alone,
the naive OFFSET query and a keyset query written by hand.
The PostgreSQL URL is only used to create and drop a database named trellis_bench_<pid>.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from postgres_scratch import throwaway_database, unreachable  # benchmarks/ is on the path when a script runs
from sqlalchemy import event, insert, select, text
from sqlalchemy.engine import Connection

from engine.forms.json_schema import form_json_schema
from engine.principal import LOCAL_ADMIN
from engine.services.apps import AppService
from engine.services.records import RecordService
from engine.storage import Database
from engine.storage.catalog import AppCatalog, CompiledForm
from engine.storage.migrate import upgrade
from engine.storage.record_queries import ListQuery, _encode
from engine.storage.tables import RecordHistoryRow

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "apps" / "property_repair.json"
APP, FORM = "property_repair", "repair_order"
PAGE, DEEP_PAGE = 50, 1_000
SORTS = ("-id", "-created_at", "repair_type")  # the primary key, an indexed timestamp, an indexed select field
ROUNDS = 5  # a rate is the median of this many rounds: one slow moment on a shared machine does not decide it
TIME_BUDGET_S = 4.0  # a latency figure stops repeating once it has used this long (after at least 3 runs)
Lookup = Callable[[str, Any], Mapping[str, Any] | None]


# -- timing ----------------------------------------------------------------------------------
def per_second(action: Callable[[], object], count: int) -> float:
    action()  # warm caches: the compiled app version, SQLAlchemy's statement cache, the pool
    rates = []
    size = max(1, count // ROUNDS)
    for _ in range(ROUNDS):
        started = time.perf_counter()
        for _ in range(size):
            action()
        rates.append(size / (time.perf_counter() - started))
    return statistics.median(rates)


def latencies_ms(action: Callable[[], object], repeat: int) -> list[float]:
    action()
    samples: list[float] = []
    while len(samples) < repeat and (len(samples) < 3 or sum(samples) < TIME_BUDGET_S * 1000):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def spread(samples: list[float], repeat: int) -> str:
    p95 = statistics.quantiles(samples, n=20, method="inclusive")[-1]
    short = f"({len(samples)})" if len(samples) < repeat else ""
    return f"{statistics.median(samples):.2f} / {p95:.2f}{short}"


def rate(per_s: float) -> str:
    return f"{per_s:,.0f}/s {1000 / per_s:7.3f} ms"


@contextmanager
def statements(database: Database) -> Iterator[list[tuple[str, Any]]]:
    """Every SQL statement (with its parameters) sent while the block runs, BEGIN left out."""
    seen: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        if not statement.startswith("BEGIN"):
            seen.append((statement, parameters))

    event.listen(database.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(database.engine, "before_cursor_execute", record)


def driver_ms(database: Database, action: Callable[[], object], count: int) -> float:
    """Milliseconds per call spent inside the DB driver's cursor.execute (COMMIT not included)."""
    spent, started = [0.0], [0.0]

    def before(*_: Any) -> None:
        started[0] = time.perf_counter()

    def after(*_: Any) -> None:
        spent[0] += time.perf_counter() - started[0]

    event.listen(database.engine, "before_cursor_execute", before)
    event.listen(database.engine, "after_cursor_execute", after)
    try:
        for _ in range(count):
            action()
    finally:
        event.remove(database.engine, "before_cursor_execute", before)
        event.remove(database.engine, "after_cursor_execute", after)
    return spent[0] / count * 1000


# -- part 1: submissions ---------------------------------------------------------------------
def prepare(database: Database) -> tuple[RecordService, dict[str, Any]]:
    """The app imported, one community/building/room and two spare parts; returns the order payload."""
    upgrade(database)
    AppService(database).import_package(json.loads(PACKAGE.read_bytes()), actor="bench")
    store = RecordService(database, AppCatalog())

    def create(form: str, data: dict[str, Any]) -> int:
        return int(store.create(LOCAL_ADMIN, APP, form, data)[0]["id"])

    community = create("community", {"name": "阳光花园", "city": "杭州"})
    building = create("building", {"community": community, "name": "3栋"})
    room = create("room", {"building": building, "room_no": "1201", "area_m2": "89.5"})
    valve = create("spare_part", {"code": "V-1", "name": "角阀", "unit": "个", "unit_price": "35.50"})
    tape = create("spare_part", {"code": "T-1", "name": "生料带", "unit": "卷", "unit_price": 2})
    payload = {
        "owner_name": "王女士",
        "phone": "138 1234 5678",
        "community": community,
        "building": building,
        "room": room,
        "repair_type": "水电",
        "urgency": "紧急",
        "description": "厨房水管漏水,角阀需要更换",
        "parts_used": [{"part": valve, "qty": 2}, {"part": tape, "qty": 3}],
    }
    return store, payload


def compiled_form(store: RecordService) -> CompiledForm:
    with store.database.transaction() as session:
        return store.catalog.current(session, APP).form(FORM)


def direct_writes(store: RecordService, record_id: int) -> Callable[[], None]:
    """The rows one create wrote (order, sub-table rows, history), INSERTed again in one transaction."""
    form = compiled_form(store)
    table, parts = form.table, form.children["parts_used"]
    history = RecordHistoryRow.__table__
    with store.database.transaction() as session:
        main = dict(session.execute(select(table).where(table.c.id == record_id)).mappings().one())
        children = [dict(r) for r in session.execute(select(parts).where(parts.c.parent_id == record_id)).mappings()]
        entry = dict(
            session.execute(select(history).where(history.c.form_id == FORM, history.c.record_id == record_id))
            .mappings()
            .one()
        )
    for row in (main, entry, *children):
        del row["id"]

    def write() -> None:
        with store.database.engine.begin() as connection:
            key = uuid.uuid4().hex
            row = dict(main, uuid=key, order_no=f"RAW-{key}")
            new_id = connection.execute(insert(table).returning(table.c.id), row).scalar_one()
            connection.execute(insert(parts), [dict(c, parent_id=new_id) for c in children])
            connection.execute(insert(RecordHistoryRow), dict(entry, record_id=new_id))

    return write


def recorded_lookups(store: RecordService, form: CompiledForm, payload: dict[str, Any]) -> tuple[Lookup, int]:
    """The related records the validator asks for, fetched once through the store's own lookup."""
    seen: dict[tuple[str, Any], Mapping[str, Any] | None] = {}
    with store.database.transaction() as session:
        live = store.rows.lookup(session, store.catalog.current(session, APP))

        def recording(target: str, record_id: Any) -> Mapping[str, Any] | None:
            seen[(target, record_id)] = live(target, record_id)
            return seen[(target, record_id)]

        form.validator.validate(payload, lookup=recording)
    return (lambda target, record_id: seen[(target, record_id)]), len(seen)


def submissions(store: RecordService, payload: dict[str, Any], count: int) -> dict[str, float]:
    def create() -> dict[str, Any]:
        return store.create(LOCAL_ADMIN, APP, FORM, payload)[0]

    with statements(store.database) as sent:
        record = create()
    assert record["data"]["total_cost"] == "77.00", record["data"]
    figures = {"create": per_second(create, count), "statements": len(sent)}
    figures["create_driver"] = driver_ms(store.database, create, max(50, count // 10))
    figures["direct"] = per_second(direct_writes(store, record["id"]), count)
    form = compiled_form(store)
    schema = Draft202012Validator(form_json_schema(form.spec))
    problems = [error.message for error in schema.iter_errors(payload)]
    assert not problems, f"the payload does not match the form's own JSON Schema: {problems}"
    lookup, figures["lookups"] = recorded_lookups(store, form, payload)
    figures["jsonschema"] = per_second(lambda: schema.validate(payload), count)
    figures["validator"] = per_second(lambda: form.validator.validate(payload, lookup=lookup), count)
    with store.database.transaction() as session:
        app = store.catalog.current(session, APP)
        # a fresh lookup per call, as in create: the related records are read from the database again
        figures["validator_db"] = per_second(
            lambda: form.validator.validate(payload, lookup=store.rows.lookup(session, app)), count
        )
    return figures


def submission_table(figures: dict[str, dict[str, float]]) -> list[str]:
    backends = list(figures)
    lookups = next(iter(figures.values()))["lookups"]
    lines = [
        f"Submissions: one repair order, 2 sub-table rows, 2 formulas, {lookups:.0f} related records read"
        " (goal: ≥ 1,000/s in-process on SQLite; validation a small share)",
        f"{'':52}" + "".join(f"{name:>24}" for name in backends),
    ]

    def line(label: str, cell: Callable[[dict[str, float]], str]) -> None:
        lines.append(f"{label:52}" + "".join(f"{cell(figures[name]):>24}" for name in backends))

    line("RecordService.create", lambda f: rate(f["create"]))
    line("  SQL statements per create (BEGIN not counted)", lambda f: f"{f['statements']:.0f}")
    line("  time inside cursor.execute per create", lambda f: f"{f['create_driver']:.3f} ms")
    line("the same rows INSERTed directly, 1 tx (reference)", lambda f: rate(f["direct"]))
    line("FormValidator.validate, related records in memory", lambda f: rate(f["validator"]))
    line("FormValidator.validate, related records queried", lambda f: rate(f["validator_db"]))
    line("bare jsonschema Draft 2020-12 (reference)", lambda f: rate(f["jsonschema"]))
    line("share of a create: FormValidator (in memory)", lambda f: f"{f['create'] / f['validator']:.1%}")
    line("share of a create: FormValidator + its queries", lambda f: f"{f['create'] / f['validator_db']:.1%}")
    line("share of a create: bare jsonschema", lambda f: f"{f['create'] / f['jsonschema']:.1%}")
    return lines


# -- part 2: listing -------------------------------------------------------------------------
# uuid and order_no ascend with i, so their unique indexes grow at the end instead of splitting pages at
# random: the load takes half the time it takes with md5(i). created_at ascends with id, as it does in use.
BULK_ORDERS = """
INSERT INTO {table} (uuid, app_version, created_at, updated_at, created_by, updated_by, lock_version,
    order_no, owner_name, phone, room, repair_type, urgency, description, total_cost, chargeable, reopen_count)
SELECT lpad(to_hex(i), 32, '0'), 1, at, at, 'bench', 'bench', 1,
    'BULK-' || lpad(i::text, 10, '0'), '业主' || (i % 997), '138' || lpad((i % 100000000)::text, 8, '0'), :room,
    (ARRAY['水电', '门窗', '家电', '公共设施', '其他'])[1 + i % 5], (ARRAY['一般', '紧急', '非常紧急'])[1 + i % 3],
    '批量生成的报修单 #' || i, 0, false, 0
FROM generate_series(1, :rows) AS i,
    LATERAL (SELECT timestamptz '2025-01-01 00:00:00+00' + i * interval '15 seconds') AS t(at)
"""


def bulk_load(store: RecordService, room: int, rows: int) -> tuple[float, int]:
    table = compiled_form(store).table
    started = time.perf_counter()
    with store.database.engine.begin() as connection:
        connection.execute(text(BULK_ORDERS.format(table=table.name)), {"room": room, "rows": rows})
    with store.database.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql(f"VACUUM ANALYZE {table.name}")
        total = connection.execute(select(text("count(*)")).select_from(table)).scalar_one()
    return time.perf_counter() - started, int(total)


def plan_outline(connection: Connection, statement: str, parameters: Any, table: str) -> str:
    """The plan's chain of nodes, first child first: enough to see an index scan or a full sort."""
    document = connection.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {statement}", parameters).scalar_one()
    node: dict[str, Any] | None = document[0]["Plan"]
    parts = []
    while node is not None:
        index = node.get("Index Name")
        parts.append(node["Node Type"] + (f" {index.replace(table, 't')}" if index else ""))
        node = (node.get("Plans") or [None])[0]
    return " > ".join(parts)


def explain(connection: Connection, statement: str, parameters: Any) -> str:
    plan = connection.exec_driver_sql(f"EXPLAIN (ANALYZE, BUFFERS) {statement}", parameters)
    return "\n".join(f"    {line}" for (line,) in plan)


def listing(store: RecordService, repeat: int, show_plans: bool) -> list[str]:
    table = compiled_form(store).table
    lines: list[str] = []
    plans: list[str] = []
    skip = (DEEP_PAGE - 1) * PAGE
    with store.database.engine.connect() as connection:

        def timed(action: Callable[[], object]) -> str:
            return spread(latencies_ms(action, repeat), repeat)

        def raw(sql: Any, params: Any) -> Callable[[], list[Any]]:
            run = connection.exec_driver_sql if isinstance(sql, str) else connection.execute
            return lambda: list(run(sql, params))

        for sort in SORTS:
            name, descending = sort.lstrip("-"), sort.startswith("-")
            direction, after = ("DESC", "<") if descending else ("ASC", ">")
            order = f"id {direction}" if name == "id" else f"{name} {direction}, id {direction}"
            keyset = "id < :id" if name == "id" else f"({name}, id) {after} (:value, :id)"
            live = f"SELECT * FROM {table.name} WHERE deleted_at IS NULL"
            offset_sql = text(f"{live} ORDER BY {order} LIMIT {PAGE} OFFSET :skip")
            keyset_sql = text(f"{live} AND {keyset} ORDER BY {order} LIMIT {PAGE}")
            # the cursor of page 1,000 names the last row of page 999: the row just before OFFSET 49,950
            before = text(
                f"SELECT {name}, id FROM {table.name} WHERE deleted_at IS NULL ORDER BY {order} OFFSET :skip LIMIT 1"
            )
            value, last_id = connection.execute(before, {"skip": skip - 1}).one()
            cursor = _encode(value, last_id)

            def page(cursor: str | None, sort: str = sort) -> dict[str, Any]:
                return store.list_records(LOCAL_ADMIN, APP, FORM, ListQuery(sort=sort, limit=PAGE, cursor=cursor))

            expected = [row.id for row in raw(offset_sql, {"skip": skip})()]
            assert [item["id"] for item in page(cursor)["items"]] == expected, f"page {DEEP_PAGE:,} differs ({sort})"
            assert [row.id for row in raw(keyset_sql, {"value": value, "id": last_id})()] == expected
            for number, page_cursor, offset in ((1, None, 0), (DEEP_PAGE, cursor, skip)):
                with statements(store.database) as sent:
                    page(page_cursor)
                statement, parameters = next(s for s in sent if "LIMIT" in s[0])
                by_hand = "(= OFFSET 0)" if number == 1 else timed(raw(keyset_sql, {"value": value, "id": last_id}))
                cells = (
                    timed(partial(page, page_cursor)),
                    timed(raw(statement, parameters)),
                    timed(raw(offset_sql, {"skip": offset})),
                    by_hand,
                )
                lines.append(
                    f"{sort:12} {number:>5} {len(sent):>4}"
                    + "".join(f"{cell:>22}" for cell in cells)
                    + f"  {plan_outline(connection, statement, parameters, table.name)}"
                )
                if show_plans:
                    plans.append(
                        f"list_records sort={sort} page={number}:\n{explain(connection, statement, parameters)}"
                    )
            connection.rollback()
    header = f"{'sort':12} {'page':>5} {'SQL':>4}" + "".join(
        f"{title:>22}" for title in ("list_records", "its SQL alone", "raw OFFSET", "raw keyset")
    )
    return [f"{header}  plan of list_records' page query", *lines, *plans]


def postgres_run(args: argparse.Namespace, figures: dict[str, dict[str, float]]) -> list[str]:
    with throwaway_database(args.postgres, "records") as url:
        database = Database(url)
        try:
            print(f"PostgreSQL, {database.describe()}: {args.postgres_creates:,} creates ...", flush=True)
            store, payload = prepare(database)
            figures["PostgreSQL"] = submissions(store, payload, args.postgres_creates)
            print(f"PostgreSQL: bulk-loading {args.rows:,} repair orders ...", flush=True)
            seconds, total = bulk_load(store, payload["room"], args.rows)
            print(f"PostgreSQL: loaded and VACUUM ANALYZEd in {seconds:.1f} s; timing lists ...", flush=True)
            title = (
                f"Listing {FORM} on PostgreSQL, {total:,} rows, {PAGE} per page (goal: under 50 ms): "
                f"ms median / p95 of {args.repeat} runs ((n): fewer runs); SQL = statements per list_records"
            )
            return [title, *listing(store, args.repeat, args.explain)]
        finally:
            database.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="repair orders to bulk-load for the listing")
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/postgres", help="'' skips it")
    parser.add_argument("--sqlite-creates", type=int, default=2_000)
    parser.add_argument("--postgres-creates", type=int, default=1_000)
    parser.add_argument("--repeat", type=int, default=20, help="runs per listing figure")
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE of the engine's list queries")
    args = parser.parse_args()
    if args.rows < DEEP_PAGE * PAGE:
        parser.error(f"--rows must be at least {DEEP_PAGE * PAGE:,} so that page {DEEP_PAGE:,} exists")

    figures: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as folder:
        database = Database(f"sqlite:///{folder}/bench.db")
        try:
            print(f"SQLite: {args.sqlite_creates:,} creates ...", flush=True)
            figures["SQLite"] = submissions(*prepare(database), args.sqlite_creates)
        finally:
            database.dispose()
    listed: list[str] = []
    problem = unreachable(args.postgres) if args.postgres else "no --postgres URL"
    if problem is None:
        listed = postgres_run(args, figures)
    else:
        print(f"PostgreSQL figures skipped: {problem}")
    print("\n" + "\n".join(submission_table(figures)))
    if listed:
        print("\n" + "\n".join(listed))


if __name__ == "__main__":
    main()
