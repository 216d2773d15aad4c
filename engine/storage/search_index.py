"""Fast substring search over a form's text columns (storage layer): trigram indexes the database keeps.

A search box finds any substring of a title, serial number, phone number or text field, Chinese
included, so word-based full text search does not fit; trigram indexes do. On PostgreSQL each
searchable column gets a ``pg_trgm`` GIN index, which serves ``ILIKE '%…%'`` directly. On SQLite one
FTS5 table per form with the ``trigram`` tokenizer mirrors the searchable columns (external content:
it stores only the index) and triggers keep it in step with every write, whichever path makes it.

Either index only narrows the candidates: the answer is always the same case-insensitive ``LIKE`` on
the record's own columns, so indexed and unindexed searches agree exactly. A trigram index cannot find
a substring shorter than three characters, yet two-character words are everyday Chinese searches (停车,
a surname and 女士): on PostgreSQL a second GIN index per column holds each value's characters, and
finds the rows holding both characters searched for (or the one).

Which plan is quick depends on how many rows match, which the planner cannot tell from a search text
(the trigrams of a serial number occur in every row, yet the serial in one): so on PostgreSQL
:func:`few_matches` first asks the indexes alone, by bitmap scans that stop after ``FEW`` matching rows.
When that is all there is, the page is ordered and cut from those ids; when more match, they are dense
enough that reading the table in the page's order fills a page soon. On SQLite a single or two
characters are searched by reading the table in the page's order until the page is full.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from sqlalchemy import String, Table, column, func, literal, null, or_, select, table, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement, Subquery

from engine.whole_numbers import parse_id

SEARCH_KINDS = ("string", "text")  # the column kinds a search looks in
MIN_INDEXED = 3  # shorter substrings hold no trigram: they are scanned
ESCAPE = "/"
FTS_PREFIX = "trellis_fts__"  # engine-owned: never the table of a form
FTS_RESERVED = ("rank", "rowid")  # names an FTS5 table keeps for itself: such a column is searched by LIKE alone
MAX_NAME = 63
FEW = 1000  # up to this many matching rows, a PostgreSQL search orders and pages the rows the indexes found


def _name(*parts: str) -> str:
    name = "".join(parts)
    if len(name) <= MAX_NAME:
        return name
    return f"{name[: MAX_NAME - 9]}_{hashlib.sha1(name.encode()).hexdigest()[:8]}"


def fts_name(table_name: str) -> str:
    """The SQLite FTS5 table mirroring a form table's searchable columns."""
    return _name(FTS_PREFIX, table_name)


def trigram_index_name(table_name: str, column_name: str) -> str:
    """The PostgreSQL trigram index of one searchable column."""
    return _name("tg_", table_name, "__", column_name)


def character_index_name(table_name: str, column_name: str) -> str:
    """The PostgreSQL index of the characters in one searchable column (searches shorter than a trigram)."""
    return _name("ch_", table_name, "__", column_name)


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def pattern(search: str) -> str:
    """``search`` as a LIKE pattern matching it anywhere, its own wildcards taken literally."""
    for special in (ESCAPE, "%", "_"):
        search = search.replace(special, ESCAPE + special)
    return f"%{search}%"


def search_condition(
    dialect: str, form_table: Table | Subquery, fields: Sequence[str], search: str, *, indexed: bool = False
) -> ColumnElement[bool]:
    """Rows where one of ``fields`` holds ``search`` (case-insensitive), or whose id it is.

    ``indexed``: a single character is looked up in the character index too (PostgreSQL), as
    :func:`few_matches` does; otherwise it is left to a read in the page's order.
    """
    found: list[ColumnElement[bool]] = []
    if fields and "\x00" not in search:  # no stored text holds NUL (PostgreSQL refuses it outright)
        if dialect == "postgresql":
            found.extend(_postgresql(form_table, fields, search, indexed))
        else:
            found.append(_sqlite(form_table, fields, search))
    record_id = parse_id(search)
    if record_id is not None:
        found.append(form_table.c.id == record_id)
    return or_(*found) if found else form_table.c.id.is_(None)


def few_matches(session: Session, form_table: Table, fields: Sequence[str], search: str) -> list[int] | None:
    """The ids of every row matching ``search`` when at most ``FEW`` do (PostgreSQL), else None.

    Only bitmap scans of the search indexes (and of the primary key, for an id) may answer: the
    planner would otherwise read the table in id order, hoping to meet ``FEW`` matches early, and
    read it whole for a serial number found once. Deleted rows and row rules are left to the
    caller's query, which keeps its own conditions and takes these ids in place of the search.
    """
    probe = (
        select(form_table.c.id)
        .where(search_condition("postgresql", form_table, fields, search, indexed=True))
        .limit(FEW + 1)
    )
    kept = session.execute(text("SELECT current_setting('enable_seqscan'), current_setting('enable_indexscan')")).one()
    session.execute(
        text("SELECT set_config('enable_seqscan', 'off', true), set_config('enable_indexscan', 'off', true)")
    )
    ids: list[int] = list(session.scalars(probe))  # should it fail, the transaction ends and the settings with it
    session.execute(
        text("SELECT set_config('enable_seqscan', :seq, true), set_config('enable_indexscan', :index, true)"),
        {"seq": kept[0], "index": kept[1]},
    )
    return ids if len(ids) <= FEW else None


def _postgresql(
    form_table: Table | Subquery, fields: Sequence[str], search: str, indexed: bool
) -> list[ColumnElement[bool]]:
    if len(search) >= MIN_INDEXED:  # the trigram index serves ILIKE itself
        like = pattern(search)
        return [form_table.c[name].ilike(like, escape=ESCAPE) for name in fields]
    # strpos, not ILIKE: no trigram index claims it (one would be read whole for want of a trigram)
    wanted = literal(search, String())
    found = [func.strpos(func.lower(form_table.c[name]), func.lower(wanted)) > 0 for name in fields]
    if len(search) == 1 and not indexed:  # one character: the table is read in the page's order
        return found
    # the character index finds the rows holding both characters (or the one), strpos keeps those holding the pair
    return [
        match & characters(form_table.c[name]).op("@>")(characters(wanted))
        for name, match in zip(fields, found, strict=True)
    ]


def characters(value: Any) -> ColumnElement[Any]:
    """A text as the array of its characters, lower-cased: what the character index holds."""
    return func.string_to_array(func.lower(value), null())


def _sqlite(form_table: Table | Subquery, fields: Sequence[str], search: str) -> ColumnElement[bool]:
    like = pattern(search)
    matches = or_(*(form_table.c[name].like(like, escape=ESCAPE) for name in fields))
    short = len(search) < MIN_INDEXED or any(name in FTS_RESERVED for name in fields)
    if short or not isinstance(form_table, Table):  # the FTS5 table mirrors a form table, not a query of it
        return matches
    index = table(fts_name(form_table.name), column("rowid"))
    phrase = '"' + search.replace('"', '""') + '"'
    query = "{" + " ".join(fields) + "} : " + phrase  # the phrase in these columns only
    match = text(f"{_quoted(index.name)} MATCH :fts_query").bindparams(fts_query=query)
    return form_table.c.id.in_(select(index.c.rowid).where(match).scalar_subquery()) & matches


# -- keeping the indexes ---------------------------------------------------------------------------


def ensure_search_indexes(connection: Connection, searchable: dict[Table, tuple[str, ...]]) -> list[str]:
    """Create the trigram indexes each form table's searchable columns lack; return what was done."""
    if connection.dialect.name == "postgresql":
        return _ensure_trigram_indexes(connection, searchable)
    if connection.dialect.name == "sqlite":
        return [done for form_table, names in searchable.items() for done in _ensure_fts(connection, form_table, names)]
    return []


def trigram_schema(connection: Connection) -> str | None:
    """The schema holding ``pg_trgm``, installing it in ``public`` when missing (None: it cannot be had)."""
    found = connection.execute(
        text("SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'pg_trgm'")
    ).scalar()
    if found is None:
        try:
            with connection.begin_nested():
                connection.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public"))
        except DBAPIError:
            pass  # no right to install it, or another process did at this moment: look again
        found = connection.execute(
            text("SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'pg_trgm'")
        ).scalar()
    return None if found is None else str(found)


def _ensure_trigram_indexes(connection: Connection, searchable: dict[Table, tuple[str, ...]]) -> list[str]:
    if not any(searchable.values()):
        return []
    schema = trigram_schema(connection)
    done: list[str] = []
    for form_table, names in searchable.items():
        for name in names:
            wanted = [(character_index_name(form_table.name, name), f"string_to_array(lower({_quoted(name)}), NULL)")]
            if schema is not None:  # without pg_trgm, longer searches are answered by reading the table
                trigrams = f"{_quoted(name)} {_quoted(schema)}.gin_trgm_ops"
                wanted.append((trigram_index_name(form_table.name, name), trigrams))
            for index, expression in wanted:
                if connection.execute(text("SELECT to_regclass(:name)"), {"name": _quoted(index)}).scalar() is None:
                    connection.execute(
                        text(f"CREATE INDEX {_quoted(index)} ON {_quoted(form_table.name)} USING gin ({expression})")
                    )
                    done.append(f"created index {index}")
    return done


def _fts_statements(form_table: Table, names: Sequence[str]) -> tuple[str, list[str]]:
    """The FTS5 table's CREATE statement and its three triggers."""
    fts = _quoted(fts_name(form_table.name))
    source = _quoted(form_table.name)
    columns = ", ".join(_quoted(n) for n in names)
    new = ", ".join(f"new.{_quoted(n)}" for n in names)
    old = ", ".join(f"old.{_quoted(n)}" for n in names)
    create = (
        f"CREATE VIRTUAL TABLE {fts} USING fts5({columns}, content={source}, content_rowid='id', tokenize='trigram')"
    )
    trigger = fts_name(form_table.name)
    triggers = [
        f"CREATE TRIGGER {_quoted(trigger + '_ai')} AFTER INSERT ON {source} BEGIN "
        f"INSERT INTO {fts}(rowid, {columns}) VALUES (new.id, {new}); END",
        f"CREATE TRIGGER {_quoted(trigger + '_ad')} AFTER DELETE ON {source} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, {columns}) VALUES ('delete', old.id, {old}); END",
        f"CREATE TRIGGER {_quoted(trigger + '_au')} AFTER UPDATE OF {columns} ON {source} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, {columns}) VALUES ('delete', old.id, {old}); "
        f"INSERT INTO {fts}(rowid, {columns}) VALUES (new.id, {new}); END",
    ]
    return create, triggers


def _ensure_fts(connection: Connection, form_table: Table, names: tuple[str, ...]) -> list[str]:
    name = fts_name(form_table.name)
    stored = {
        row.name: row.sql
        for row in connection.execute(
            text("SELECT name, sql FROM sqlite_master WHERE name = :fts OR (type = 'trigger' AND tbl_name = :source)"),
            {"fts": name, "source": form_table.name},
        )
    }
    names = tuple(n for n in names if n not in FTS_RESERVED)
    if not names:
        return []
    create, triggers = _fts_statements(form_table, names)
    if stored.get(name) == create and all(t in stored.values() for t in triggers):
        return []
    # new searchable columns (FTS5 tables cannot grow): build the index again from the records
    for suffix in ("_ai", "_ad", "_au"):
        connection.execute(text(f"DROP TRIGGER IF EXISTS {_quoted(name + suffix)}"))
    connection.execute(text(f"DROP TABLE IF EXISTS {_quoted(name)}"))
    connection.execute(text(create))
    for statement in triggers:
        connection.execute(text(statement))
    connection.execute(text(f"INSERT INTO {_quoted(name)}({_quoted(name)}) VALUES ('rebuild')"))
    return [f"created search index {name}"]
