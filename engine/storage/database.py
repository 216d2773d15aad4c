"""One SQLAlchemy engine per database URL, with SQLite and PostgreSQL made to behave alike.

SQLite gets WAL (readers never block the writer), enforced foreign keys and a busy timeout,
so the embedded default keeps the same guarantees the tests check on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from engine.config import normalize_database_url
from engine.errors import StorageError
from engine.storage.report_sql import register_sqlite_functions


class WriteClashError(Exception):
    """The database refused a write because a concurrent one took the same unique value or key first."""


class Database:
    def __init__(self, url: str, *, echo: bool = False, connect_args: dict[str, Any] | None = None):
        self.url = normalize_database_url(url)
        parsed = make_url(self.url)
        self.dialect = parsed.get_backend_name()
        args: dict[str, Any] = dict(connect_args or {})
        options: dict[str, Any] = {"echo": echo, "future": True}
        if self.dialect == "sqlite":
            _make_parent_folder(parsed.database)
            args.setdefault("timeout", 30)
        else:
            options.update(pool_pre_ping=True, pool_size=5, max_overflow=10)
            # no server-side prepared statements: after a few runs PostgreSQL would plan a statement once for
            # any values, and such a generic plan cannot see that a search text or a page size makes an index pay
            args.setdefault("prepare_threshold", None)
        self.engine: Engine = create_engine(self.url, connect_args=args, **options)
        if self.dialect == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
            event.listen(self.engine, "begin", _sqlite_begin)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose work commits together at the end of the block, or not at all."""
        with self._sessions() as session, session.begin():
            yield session

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """A transaction whose unique-key collision (a concurrent writer got there first) is a ``WriteClashError``:
        services word that for people without importing SQLAlchemy."""
        try:
            with self.transaction() as session:
                yield session
        except IntegrityError as exc:
            raise WriteClashError(_one_line(exc)[:300]) from exc

    def ping(self) -> tuple[bool, str]:
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except SQLAlchemyError as exc:
            return False, _one_line(exc)
        return True, "ok"

    def dispose(self) -> None:
        self.engine.dispose()

    def describe(self) -> str:
        """The URL without its password, safe to print."""
        return make_url(self.url).render_as_string(hide_password=True)


def storage_failure(exc: SQLAlchemyError) -> StorageError:
    return StorageError.says("storage.database_refused", reason=_one_line(exc))


def _one_line(exc: BaseException) -> str:
    message = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return message[0][:300] if message else exc.__class__.__name__


def _make_parent_folder(database: str | None) -> None:
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).expanduser().resolve().parent.mkdir(parents=True, exist_ok=True)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite's own transaction handling is switched off so that BEGIN is ours (see _sqlite_begin)
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
    register_sqlite_functions(dbapi_connection)  # report buckets and percentiles (engine.storage.report_sql)


def _sqlite_begin(connection: Any) -> None:
    # BEGIN IMMEDIATE takes the write lock up front: two writers queue instead of deadlocking
    connection.exec_driver_sql("BEGIN IMMEDIATE")
