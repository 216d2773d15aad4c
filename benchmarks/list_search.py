"""How fast a form's list filters and searches a million records, next to the bare SQL timed in the same run.

Run: python benchmarks/list_search.py [--rows 1000000] [--postgres URL] [--sqlite] [--sqlite-rows 100000]
It imports a ticket-like form (serial numbers, Chinese titles and addresses, phone numbers, a status
and a community), bulk-loads --rows records (PostgreSQL: COPY; SQLite: executemany), builds the search
indexes with the engine's own ``ensure_search_indexes`` (as an upgrade does for an existing table), then
times, through ``run_list`` (the storage path the records API and the list page use) and through
``RecordService.list_records`` (with permissions and the documents the API returns):

  - the first page of a filtered list: one status in one community, newest first, 20 rows;
  - substring searches: a 3+ character Chinese word, a 2-character one (shorter than a trigram), words
    found nowhere (the worst case: nothing stops a scan early), a phone number fragment and a serial number;

each next to the same query written by hand in SQL. Figures are milliseconds, median / 95th percentile.
The PostgreSQL URL is only used to create and drop a database named trellis_bench_search_<pid>.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parent))  # postgres_scratch, when imported by a test
from postgres_scratch import throwaway_database, unreachable  # noqa: E402

from engine.principal import LOCAL_ADMIN  # noqa: E402
from engine.services.apps import AppService  # noqa: E402
from engine.services.records import RecordService  # noqa: E402
from engine.storage import Database  # noqa: E402
from engine.storage.catalog import AppCatalog, CompiledForm  # noqa: E402
from engine.storage.migrate import upgrade  # noqa: E402
from engine.storage.record_queries import ListQuery, run_list, scoped  # noqa: E402
from engine.storage.search_index import character_index_name, ensure_search_indexes, fts_name, trigram_index_name  # noqa: E402

APP, FORM = "bench", "ticket"
PAGE = 20
COMMUNITIES = [
    "阳光花园",
    "翠苑",
    "金色家园",
    "湖滨新村",
    "紫金城",
    "绿城玫瑰园",
    "碧水湾",
    "锦绣华庭",
    "书香门第",
    "御景湾",
]
STATUSES = ["new", "assigned", "working", "done", "closed"]
PROBLEMS = [
    *("厨房水管漏水", "卫生间下水道堵塞", "地下停车场灯不亮", "电梯异响", "门禁卡失灵", "楼道灯坏了"),
    *("空调外机噪音大", "停车位被占用", "窗户玻璃破裂", "墙面渗水发霉", "燃气灶打不着火", "防盗门锁芯损坏"),
    *("小区路灯不亮", "垃圾清运不及时", "热水器不出热水", "天花板掉灰", "阳台地漏返味", "单元门闭门器坏了"),
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
TITLES = ("先生", "女士")
ROUNDS = 15
TIME_BUDGET_S = 5.0

PACKAGE: dict[str, Any] = {
    "format": "trellis.app/1",
    "id": APP,
    "version": "1.0.0",
    "name": {"zh-CN": "报表基准", "en": "Benchmark"},
    "default_locale": "zh-CN",
    "forms": [
        {
            "id": "community",
            "name": {"zh-CN": "小区", "en": "Community"},
            "title_field": "name",
            "fields": [{"id": "name", "type": "text", "label": "名称", "required": True}],
        },
        {
            "id": FORM,
            "name": {"zh-CN": "工单", "en": "Ticket"},
            "title_field": "ticket_no",
            "fields": [
                {"id": "ticket_no", "type": "text", "label": "单号"},
                {"id": "title", "type": "text", "label": "标题"},
                {"id": "owner_name", "type": "text", "label": "联系人"},
                {"id": "phone", "type": "text", "label": "电话"},
                {"id": "address", "type": "text", "label": "地址"},
                {"id": "description", "type": "textarea", "label": "说明"},
                {
                    "id": "status",
                    "type": "select",
                    "label": "状态",
                    "options": [{"value": s, "label": s} for s in STATUSES],
                },
                {"id": "community", "type": "relation", "target": "community", "label": "小区"},
            ],
            "indexes": [{"fields": ["community", "status"]}],
        },
    ],
}
COLUMNS = ("uuid", "app_version", "created_at", "updated_at", "created_by", "updated_by", "lock_version")
FIELDS = ("ticket_no", "title", "owner_name", "phone", "address", "description", "status", "community")


# -- data ----------------------------------------------------------------------------------------
def rows(count: int, communities: list[int], seed: int = 20261205) -> Iterator[tuple[Any, ...]]:
    """``count`` ticket rows in creation order, over two years up to now, as (system columns..., fields...)."""
    chance = random.Random(seed)
    start = datetime(2025, 1, 1, tzinfo=UTC)
    step = (datetime(2026, 12, 1, tzinfo=UTC) - start) / max(count, 1)
    for n in range(count):
        at = start + step * n
        place = chance.randrange(len(COMMUNITIES))
        problem = chance.choice(PROBLEMS)
        building, unit, floor, door = (
            chance.randint(1, 30),
            chance.randint(1, 4),
            chance.randint(1, 32),
            chance.randint(1, 4),
        )
        address = f"{COMMUNITIES[place]}{building}栋{unit}单元{floor}0{door}室"
        yield (
            uuid.uuid4().hex,
            1,
            at,
            at,
            "loader",
            "loader",
            1,
            f"BX-{at:%Y%m%d}-{n % 10000:04d}",
            f"{address}{problem}",
            f"{chance.choice(SURNAMES)}{chance.choice(TITLES)}",
            f"1{chance.choice('3578')}{chance.randint(0, 999_999_999):09d}",
            address,
            f"业主来电：{problem}，希望尽快上门处理。" if chance.random() < 0.7 else None,
            chance.choice(STATUSES),
            communities[place],
        )


def prepare(database: Database, count: int) -> RecordService:
    """The benchmark app imported and ``count`` tickets loaded, the search indexes built over them."""
    AppService(database).import_package(PACKAGE, actor="bench")
    store = RecordService(database, AppCatalog())
    communities = [store.create(LOCAL_ADMIN, APP, "community", {"name": name})[0]["id"] for name in COMMUNITIES]
    form = compiled_form(store)
    table = form.table
    searchable = {table: tuple(c for c in FIELDS if c in form.table.c and c not in ("community",))}
    with database.engine.begin() as connection:
        _drop_search_indexes(connection, table.name, searchable[table])
    started = time.perf_counter()
    names = ", ".join(COLUMNS + FIELDS)
    if database.dialect == "postgresql":
        raw = database.engine.raw_connection()
        try:
            with raw.cursor() as cursor:  # type: ignore[attr-defined]
                with cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
                    for row in rows(count, communities):
                        copy.write_row(row)
            raw.commit()
        finally:
            raw.close()
    else:
        marks = ", ".join("?" for _ in COLUMNS + FIELDS)
        raw = database.engine.raw_connection()
        try:
            stamped = (  # SQLite keeps timestamps as text, in SQLAlchemy's format
                (*row[:2], f"{row[2]:%Y-%m-%d %H:%M:%S.%f}", f"{row[3]:%Y-%m-%d %H:%M:%S.%f}", *row[4:])
                for row in rows(count, communities)
            )
            raw.cursor().executemany(f"INSERT INTO {table.name} ({names}) VALUES ({marks})", stamped)
            raw.commit()
        finally:
            raw.close()
    loaded = time.perf_counter() - started
    started = time.perf_counter()
    with database.engine.begin() as connection:
        if database.dialect == "postgresql":
            connection.execute(text("SET LOCAL maintenance_work_mem = '1GB'"))
        ensure_search_indexes(connection, searchable)
        connection.execute(text(f"ANALYZE {table.name}"))
    print(f"  loaded {count:,} rows in {loaded:.1f} s, search indexes built in {time.perf_counter() - started:.1f} s")
    return store


def _drop_search_indexes(connection: Any, table: str, columns: tuple[str, ...]) -> None:
    """Loading into a bare table and indexing afterwards is many times faster than indexing row by row."""
    if connection.dialect.name == "postgresql":
        for column in columns:
            connection.execute(text(f'DROP INDEX IF EXISTS "{trigram_index_name(table, column)}"'))
            connection.execute(text(f'DROP INDEX IF EXISTS "{character_index_name(table, column)}"'))
        return
    for suffix in ("_ai", "_ad", "_au"):
        connection.execute(text(f'DROP TRIGGER IF EXISTS "{fts_name(table)}{suffix}"'))
    connection.execute(text(f'DROP TABLE IF EXISTS "{fts_name(table)}"'))


def compiled_form(store: RecordService) -> CompiledForm:
    with store.database.transaction() as session:
        return store.catalog.current(session, APP).form(FORM)


# -- the measured queries ------------------------------------------------------------------------
def cases(store: RecordService) -> list[tuple[str, ListQuery, str]]:
    """(what, the engine's query, the same query written by hand in SQL)."""
    with store.database.engine.connect() as connection:
        community = connection.execute(text("SELECT id FROM bench__community WHERE name = '翠苑'")).scalar_one()
        phone = connection.execute(text("SELECT phone FROM bench__ticket ORDER BY id LIMIT 1 OFFSET 7")).scalar_one()
        serial = connection.execute(text("SELECT ticket_no FROM bench__ticket ORDER BY id LIMIT 1 OFFSET 77")).scalar()
    like = "ILIKE" if store.database.dialect == "postgresql" else "LIKE"
    searched = ("ticket_no", "title", "owner_name", "phone", "address", "description", "status")

    def search_sql(word: str) -> str:
        found = " OR ".join(f"{c} {like} '%{word}%'" for c in searched) + (f" OR id = {word}" if word.isdigit() else "")
        return f"SELECT * FROM bench__ticket WHERE deleted_at IS NULL AND ({found}) ORDER BY id DESC LIMIT {PAGE + 1}"

    return [
        (
            "filtered page: status + community, newest first",
            ListQuery(
                filters=(("status", "eq", "working"), ("community", "eq", str(community))),
                sort="-created_at",
                limit=PAGE,
            ),
            "SELECT * FROM bench__ticket WHERE deleted_at IS NULL AND status = 'working' "
            f"AND community = {community} ORDER BY created_at DESC, id DESC LIMIT {PAGE + 1}",
        ),
        ("search 3+ chars: 停车场", ListQuery(search="停车场", limit=PAGE), search_sql("停车场")),
        ("search 2 chars: 停车", ListQuery(search="停车", limit=PAGE), search_sql("停车")),
        ("search 1 char, absent: 鑫", ListQuery(search="鑫", limit=PAGE), search_sql("鑫")),
        ("search 2 chars, absent: 火星", ListQuery(search="火星", limit=PAGE), search_sql("火星")),
        ("search 3+ chars, absent: 火星人", ListQuery(search="火星人", limit=PAGE), search_sql("火星人")),
        (f"search phone fragment: {phone[3:9]}", ListQuery(search=phone[3:9], limit=PAGE), search_sql(phone[3:9])),
        (f"search serial: {serial}", ListQuery(search=serial, limit=PAGE), search_sql(serial)),
    ]


def latencies_ms(action: Callable[[], object]) -> list[float]:
    action()  # warm: the compiled version, the statement cache, the pages read
    samples: list[float] = []
    while len(samples) < ROUNDS and (len(samples) < 3 or sum(samples) < TIME_BUDGET_S * 1000):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def spread(samples: list[float]) -> str:
    p95 = statistics.quantiles(samples, n=20, method="inclusive")[-1] if len(samples) > 1 else samples[0]
    return f"{statistics.median(samples):8.2f} / {p95:8.2f}"


def measure(store: RecordService) -> list[dict[str, Any]]:
    """Each case through run_list, through list_records and as bare SQL; the rows each found."""
    form = compiled_form(store)
    results = []
    for label, raw_query, sql in cases(store):
        query = scoped(raw_query, form, _everything(store))

        def storage(query: ListQuery = query) -> list[Any]:
            with store.database.transaction() as session:
                return run_list(session, form, query)[0]

        def service(query: ListQuery = query) -> list[Any]:
            return list(store.list_records(LOCAL_ADMIN, APP, FORM, query)["items"])

        def bare(sql: str = sql) -> list[Any]:
            with store.database.engine.connect() as connection:
                return list(connection.execute(text(sql)))

        found = storage()
        expected = bare()[:PAGE]
        assert [r.id for r in found] == [r.id for r in expected], label  # the engine answers what the SQL does
        results.append(
            {
                "case": label,
                "rows": len(found),
                "run_list": latencies_ms(storage),
                "list_records": latencies_ms(service),
                "sql": latencies_ms(bare),
            }
        )
    return results


def _everything(store: RecordService) -> Any:
    with store.database.transaction() as session:
        app = store.catalog.current(session, APP)
    return app.permissions.effective(LOCAL_ADMIN, APP, FORM)


def report(title: str, results: list[dict[str, Any]]) -> None:
    print(f"\n{title}  (ms, median / p95)")
    print(f"  {'case':<48} {'rows':>4}  {'run_list':>19}  {'list_records':>19}  {'bare SQL':>19}")
    for r in results:
        print(
            f"  {r['case']:<48} {r['rows']:>4}  "
            f"{spread(r['run_list'])}  {spread(r['list_records'])}  {spread(r['sql'])}"
        )


def run(url: str, count: int, title: str) -> list[dict[str, Any]]:
    print(f"{title}: {count:,} tickets")
    database = Database(url)
    try:
        upgrade(database)
        store = prepare(database, count)
        results = measure(store)
    finally:
        database.dispose()
    report(title, results)
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="tickets loaded into PostgreSQL")
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/postgres", help="admin URL")
    parser.add_argument("--no-postgres", action="store_true", help="skip PostgreSQL")
    parser.add_argument("--sqlite", action="store_true", help="also run on SQLite")
    parser.add_argument("--sqlite-rows", type=int, default=100_000, help="tickets loaded into SQLite")
    args = parser.parse_args(argv)
    if args.sqlite:
        with tempfile.TemporaryDirectory() as folder:
            run(f"sqlite:///{folder}/bench.db", args.sqlite_rows, "SQLite")
    if not args.no_postgres:
        why = unreachable(args.postgres)
        if why:
            print(f"PostgreSQL skipped: {why}")
            return
        with throwaway_database(args.postgres, "search") as url:
            run(url, args.rows, "PostgreSQL")


if __name__ == "__main__":
    main()
