"""Substring search through trigram indexes (pg_trgm on PostgreSQL, FTS5 trigram on SQLite): created when a
form is published and for tables made before, kept in step with every write, and answering exactly what a
case-insensitive substring match answers, on both back-ends."""

from __future__ import annotations

import copy

import pytest
from sqlalchemy import select, text

from engine.principal import LOCAL_ADMIN
from engine.services.apps import AppService
from engine.services.records import RecordService
from engine.storage import record_queries, search_index
from engine.storage.catalog import AppCatalog
from engine.storage.migrate import upgrade
from engine.storage.record_queries import ListQuery, run_list
from engine.storage.search_index import character_index_name, fts_name, search_condition, trigram_index_name

TABLE = "notes__ticket"
SEARCHED = ("code", "title", "phone", "note")  # ``secret`` is a text column too, but never searched here
PACKAGE = {
    "format": "trellis.app/1",
    "id": "notes",
    "version": "1.0.0",
    "name": {"zh-CN": "记事", "en": "Notes"},
    "default_locale": "zh-CN",
    "forms": [
        {
            "id": "ticket",
            "name": {"zh-CN": "记录", "en": "Ticket"},
            "title_field": "title",
            "fields": [
                {"id": "code", "type": "text", "label": "编号"},
                {"id": "title", "type": "text", "label": "标题"},
                {"id": "phone", "type": "text", "label": "电话"},
                {"id": "note", "type": "textarea", "label": "说明"},
                {"id": "secret", "type": "text", "label": "备注"},
                {"id": "amount", "type": "number", "label": "数量"},
            ],
        }
    ],
}
ROWS = [
    {"code": "BX-20261205-1507", "title": "地下停车场灯不亮", "phone": "138 1234 5678", "note": "Hello World"},
    {"code": "BX-20261205-0001", "title": "停车", "phone": "13912345678", "note": "打折 50% off_now"},
    {"code": "bx-20261206-1507", "title": "车场管理", "phone": None, "note": 'it\'s "quoted" a/b c\\d'},
    {"code": "A_B", "title": "停", "phone": "010-8888", "note": "HELLO world 停车费"},
    {"code": "AxB", "title": "水管漏水", "phone": "", "note": None, "secret": "停车场秘密 hidden"},
    {"code": "50x", "title": "Mixed CaSe", "phone": "+86 138", "note": "多行\n文字%_"},
]
QUERIES = [
    *("%", "_", "50%", "%_", "A_B", "a_b", "'", '"', "it's", "/", "a/b", "\\", "c\\d"),
    *("停", "停车", "停车场", "车场管理", "地下停车场灯不亮", "停车费", "秘密", "不存在的词"),
    *("hello", "HELLO", "wOrLd", "mixed case", "o w", "cAsE"),
    *("138", "1234", "5678", "1234 5678", "12345678", "010-", "+86"),
    *("BX-2026", "bx-20261205-1507", "1205-15", "-1507", "X-"),
    *("1", "3", "6", "x", "文字", "\n", "off_now"),
]


def _package(**extra_fields) -> dict:
    package = copy.deepcopy(PACKAGE)
    package["forms"][0]["fields"].extend(extra_fields.values())
    return package


@pytest.fixture
def records(database) -> RecordService:
    AppService(database).import_package(PACKAGE, actor="test")
    service = RecordService(database, AppCatalog())
    for row in ROWS:
        service.create(LOCAL_ADMIN, "notes", "ticket", {k: v for k, v in row.items() if v is not None})
    return service


def _found(service: RecordService, query: str, fields=SEARCHED) -> list[int]:
    with service.database.transaction() as session:
        form = service.catalog.current(session, "notes").form("ticket")
        rows, _ = run_list(session, form, ListQuery(search=query, search_in=fields, sort="id", limit=200))
    return [row.id for row in rows]


def _expected(query: str, fields=SEARCHED) -> list[int]:
    """Plain substring semantics: ASCII letters in any case, every other character as itself."""
    wanted = query.lower()
    return [
        number
        for number, row in enumerate(ROWS, start=1)
        if any(wanted in (row.get(name) or "").lower() for name in fields) or query == str(number)
    ]


def test_search_answers_exactly_what_a_substring_match_does(records):
    found = {query: _found(records, query) for query in QUERIES}

    assert found == {query: _expected(query) for query in QUERIES}


@pytest.mark.parametrize(("few", "window"), [(0, 0), (1, 0), (2, 1), (1000, 2)])
def test_whichever_way_postgresql_answers_a_search_the_answer_is_the_same(records, monkeypatch, few, window):
    monkeypatch.setattr(search_index, "FEW", few)  # beyond FEW matches, the table is read in the page's order
    monkeypatch.setattr(record_queries, "WINDOW", window)  # a page filled among the first WINDOW rows is the page
    found = {query: _found(records, query) for query in QUERIES}

    assert found == {query: _expected(query) for query in QUERIES}


def test_pages_of_a_search_follow_one_another_whichever_way_it_is_answered(records, monkeypatch):
    for few, window in ((search_index.FEW, record_queries.WINDOW), (1000, 0), (1, 0), (1, 2)):
        monkeypatch.setattr(search_index, "FEW", few)
        monkeypatch.setattr(record_queries, "WINDOW", window)
        seen: list[int] = []
        cursor = None
        with records.database.transaction() as session:
            form = records.catalog.current(session, "notes").form("ticket")
            for _ in range(5):
                query = ListQuery(search="1", search_in=SEARCHED, sort="-id", limit=1, cursor=cursor)
                rows, cursor = run_list(session, form, query)
                seen.extend(row.id for row in rows)
        assert seen == _expected("1")[::-1] == [6, 4, 3, 2, 1]


@pytest.mark.parametrize(("query", "count"), [("BX-20261205-1507", 1), ("停", 3), ("鑫", 0), ("1", 4), ("2", 3)])
def test_few_matches_are_the_ids_the_indexes_find_and_more_than_few_none(records, monkeypatch, query, count):
    if records.database.dialect == "sqlite":  # SQLite answers every search by its condition, never probing
        monkeypatch.setattr(record_queries, "few_matches", None)
        assert _found(records, query) == _expected(query)
        return
    with records.database.transaction() as session:
        form = records.catalog.current(session, "notes").form("ticket")
        found = search_index.few_matches(session, form.table, SEARCHED, query)
        monkeypatch.setattr(search_index, "FEW", count - 1)
        beyond = search_index.few_matches(session, form.table, SEARCHED, query) if count else None
        settings = session.execute(
            text("SELECT current_setting('enable_seqscan'), current_setting('enable_indexscan')")
        )

    assert found is not None and sorted(found) == _expected(query)
    assert beyond is None
    assert settings.one() == ("on", "on")  # the probe's planner settings end with it


def test_a_field_not_searched_is_never_matched(records):
    assert _found(records, "秘密") == []
    assert _found(records, "秘密", (*SEARCHED, "secret")) == [5]
    assert _found(records, "停车场", ()) == []  # nothing to look in: nothing found (but an id still is)
    assert _found(records, "2", ()) == [2]


def test_a_search_holding_nul_finds_nothing_and_is_no_error(records):
    assert _found(records, "停\x00车") == []


def test_publishing_a_form_indexes_each_of_its_text_columns(records):
    database = records.database
    with database.engine.connect() as connection:
        if database.dialect == "postgresql":
            names = set(connection.execute(text("SELECT indexname FROM pg_indexes WHERE tablename = :t"), {"t": TABLE}))
            for name in (trigram_index_name, character_index_name):  # three characters or more, and two
                assert {(name(TABLE, c),) for c in (*SEARCHED, "secret")} <= names
                assert (name(TABLE, "amount"),) not in names
        else:
            sql = connection.execute(text("SELECT sql FROM sqlite_master WHERE name = :n"), {"n": fts_name(TABLE)})
            assert "tokenize='trigram'" in sql.scalar_one()


@pytest.mark.parametrize("query", ["停车场", "停车", "停"])
def test_searches_are_answered_from_the_index_that_fits_their_length(records, query):
    database = records.database
    with database.transaction() as session:
        form = records.catalog.current(session, "notes").form("ticket")
        if database.dialect == "postgresql":
            session.execute(text("SET LOCAL enable_seqscan = off"))  # a table this small would be read whole
        statement = select(form.table.c.id).where(search_condition(database.dialect, form.table, SEARCHED, query))
        compiled = statement.compile(session.get_bind(), compile_kwargs={"literal_binds": True})
        explain = "EXPLAIN" if database.dialect == "postgresql" else "EXPLAIN QUERY PLAN"
        plan = "\n".join(str(row[-1]) for row in session.execute(text(f"{explain} {compiled}")))
    indexes = {
        "sqlite": {3: "VIRTUAL TABLE"},  # FTS5's trigrams cannot look up fewer than three characters
        "postgresql": {3: trigram_index_name(TABLE, "title"), 2: character_index_name(TABLE, "title")},
    }[database.dialect]
    used = [name for name in indexes.values() if name in plan]
    assert used == ([indexes[len(query)]] if len(query) in indexes else [])  # else the table is read in order


def test_writes_keep_the_index_in_step(records):
    current = records.get(LOCAL_ADMIN, "notes", "ticket", 1)
    records.update(LOCAL_ADMIN, "notes", "ticket", 1, {"title": "电梯故障"}, expected_version=current["version"])
    with records.database.engine.begin() as connection:
        connection.execute(text(f"DELETE FROM {TABLE} WHERE id = 3"))

    assert _found(records, "电梯故障") == [1]
    assert _found(records, "地下停车场") == []
    assert _found(records, "车场管理") == []
    assert _found(records, "BX-2026") == [1, 2]


def test_a_text_field_added_later_is_indexed_with_the_records_already_there(records):
    added = {"id": "address", "type": "text", "label": "地址"}
    AppService(records.database).import_package(_package(address=added) | {"version": "1.1.0"}, actor="test")
    records.create(LOCAL_ADMIN, "notes", "ticket", {"title": "新记录", "address": "阳光花园3栋"})

    assert _found(records, "阳光花园", (*SEARCHED, "address")) == [7]
    assert _found(records, "停车场", (*SEARCHED, "address")) == [1]  # older rows are still found


def test_upgrading_indexes_tables_made_before_search_had_indexes(records):
    database = records.database
    with database.engine.begin() as connection:
        if database.dialect == "postgresql":
            for column in (*SEARCHED, "secret"):
                connection.execute(text(f'DROP INDEX "{trigram_index_name(TABLE, column)}"'))
                connection.execute(text(f'DROP INDEX "{character_index_name(TABLE, column)}"'))
        else:
            for suffix in ("_ai", "_ad", "_au"):
                connection.execute(text(f'DROP TRIGGER "{fts_name(TABLE)}{suffix}"'))
            connection.execute(text(f'DROP TABLE "{fts_name(TABLE)}"'))
        connection.execute(text("UPDATE alembic_version SET version_num = '0012'"))

    upgrade(database)

    test_publishing_a_form_indexes_each_of_its_text_columns(records)
    assert _found(records, "停车场") == [1]


def test_a_field_named_like_a_column_fts5_keeps_for_itself_is_searched_all_the_same(records):
    ranked = {"id": "rank", "type": "text", "label": "等级"}
    AppService(records.database).import_package(_package(rank=ranked) | {"version": "1.2.0"}, actor="test")
    records.create(LOCAL_ADMIN, "notes", "ticket", {"title": "新记录", "rank": "一级响应"})

    assert _found(records, "一级响应", (*SEARCHED, "rank")) == [7]
    assert _found(records, "停车场", (*SEARCHED, "rank")) == [1]
    assert _found(records, "停车场") == [1]
