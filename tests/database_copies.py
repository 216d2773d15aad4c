"""Databases built once per test process and handed to each test as a copy of its own.

Migrating a database takes about 0.3–1 s and importing the property app about 0.7 s (most of it
validating the package); thousands of tests start from exactly such a database. So each test
process (one per xdist worker) builds a starting point once per back-end and kind, and every test
gets a fresh copy of it: a copied file on SQLite; on PostgreSQL a schema of its own, replayed from a
``pg_dump`` of the template schema in one transaction (about 0.3 s). Copies are as independent as
databases built from scratch: each test owns its database (or schema) and drops it afterwards.

Why schemas and not ``CREATE DATABASE … TEMPLATE``: PostgreSQL (15 here) forces a checkpoint on every
DROP DATABASE, which under two busy workers costs a second per test and slows every other client
of the server; dropping a schema is an ordinary transaction.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import uuid
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from engine.config import normalize_database_url
from engine.storage import Database
from engine.storage.migrate import upgrade

Build = Callable[[Database], Any]  # fills a migrated database; returns what tests need to know of it (ids)
# A seeding fixture's recipe: from the test's request, the kind of database (one name per distinct
# content, e.g. per package the test's module overrides) and how to build it.
Seeder = Callable[[pytest.FixtureRequest], tuple[str, Build]]
SEEDS: dict[str, Seeder] = {}
SEED_FACTS = pytest.StashKey[Any]()


def content_name(prefix: str, package: Any) -> str:
    """A kind's name for a database filled from ``package``: one template per distinct package, so a
    module overriding the package gets a database of its own."""
    return f"{prefix}-{hashlib.sha256(json.dumps(package, sort_keys=True).encode()).hexdigest()[:12]}"


def seeds(fixture: str) -> Callable[[Seeder], Seeder]:
    """Declare that tests using ``fixture`` start from a database ``seeder`` describes (built once per
    worker and back-end, copied per test) instead of an empty migrated one."""

    def register(seeder: Seeder) -> Seeder:
        SEEDS[fixture] = seeder
        return seeder

    return register


@dataclass
class Copy:
    """One test's database: its URL, what the build returned, and how to get rid of it."""

    url: str
    facts: Any
    drop: Callable[[], None]
    name: str = ""  # the PostgreSQL schema


class PostgresSchemas:
    """Schemas in the database of TRELLIS_TEST_DATABASE_URL, each reached through search_path in its URL."""

    def __init__(self, base_url: str):
        self.base_url = normalize_database_url(base_url)
        self._admin = create_engine(self.base_url)
        self._dumps: dict[str, str] = {}  # template schema -> the SQL that makes it

    @staticmethod
    def new_name() -> str:
        return f"t_{uuid.uuid4().hex[:16]}"  # random: never seen by another worker, run or Redis key

    def url(self, name: str) -> str:
        joiner = "&" if "?" in self.base_url else "?"
        return f"{self.base_url}{joiner}options={quote(f'-csearch_path={name}')}"

    def create(self, name: str) -> None:
        with self._admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{name}"'))

    def keep_as_template(self, name: str) -> None:
        """Dump the schema once; ``copy`` replays the dump under another name."""
        base = make_url(self.base_url)
        env = {**os.environ, "PGPASSWORD": base.password or ""} if base.password else None
        plain = base.set(drivername="postgresql", password=None, query={})
        command = ["pg_dump", "--schema", name, "--inserts", "--no-owner", "--no-privileges", "--dbname"]
        command.append(plain.render_as_string(hide_password=False))
        dump = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout
        # psql's own commands (\restrict …) out; the dump's empty search_path only for its transaction
        lines = [line for line in dump.splitlines() if not line.startswith("\\")]
        sql = "\n".join(lines).replace("set_config('search_path', '', false)", "set_config('search_path', '', true)")
        self._dumps[name] = sql

    def copy(self, template: str, name: str) -> None:
        with self._admin.begin() as connection:
            connection.exec_driver_sql(self._dumps[template].replace(template, name))

    def drop(self, name: str) -> None:
        with self._admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))

    def close(self) -> None:
        self._admin.dispose()


class DatabaseCopies:
    """Starting points by (back-end, kind), each built on first use and copied for every test."""

    def __init__(self, folder: Path, postgres_url: str | None):
        self.folder = folder
        self.postgres = PostgresSchemas(postgres_url) if postgres_url else None
        self._templates: dict[tuple[str, str], tuple[str, Any]] = {}  # (back-end, kind) -> (file or schema, facts)

    def empty(self, backend: str, folder: Path) -> Copy:
        """A database with no tables at all (for the tests of the migrations themselves)."""
        if backend == "sqlite":
            return Copy(f"sqlite:///{folder / 'trellis.db'}", None, lambda: None)
        postgres = self._postgres()
        name = postgres.new_name()
        postgres.create(name)
        return Copy(postgres.url(name), None, lambda: postgres.drop(name), name)

    def for_test(self, request: pytest.FixtureRequest, backend: str, folder: Path) -> Copy:
        """The test's database: a copy of the one its seeding fixture fills (see ``seeds``), else of a
        migrated one. The seed's facts go to ``request.node.stash[SEED_FACTS]``."""
        seeding = [name for name in request.fixturenames if name in SEEDS]
        if len(seeding) > 1:
            raise pytest.UsageError(f"{request.node.nodeid}: one seeded database per test, not {seeding}")
        kind, build = SEEDS[seeding[0]](request) if seeding else ("migrated", None)
        copy = self.copy(backend, kind, build, folder)
        request.node.stash[SEED_FACTS] = copy.facts
        return copy

    def copy(self, backend: str, kind: str, build: Build | None, folder: Path) -> Copy:
        """A copy of the migrated database that ``build`` filled (``kind`` names what it holds)."""
        template, facts = self._template(backend, kind, build)
        if backend == "sqlite":
            path = folder / "trellis.db"
            path.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(template, path)
            return Copy(f"sqlite:///{path}", facts, lambda: None)
        postgres = self._postgres()
        name = postgres.new_name()
        postgres.copy(template, name)
        return Copy(postgres.url(name), facts, lambda: postgres.drop(name), name)

    def close(self) -> None:
        if self.postgres is not None:
            for (backend, _), (name, _) in self._templates.items():
                if backend == "postgresql":
                    self.postgres.drop(name)
            self.postgres.close()

    def _template(self, backend: str, kind: str, build: Build | None) -> tuple[str, Any]:
        if (backend, kind) not in self._templates:
            self._templates[backend, kind] = self._build(backend, kind, build)
        return self._templates[backend, kind]

    def _build(self, backend: str, kind: str, build: Build | None) -> tuple[str, Any]:
        folder = self.folder / f"{backend}-{kind}"
        built = self.empty(backend, folder)
        database = Database(built.url)
        try:
            upgrade(database)
            facts = build(database) if build else None
        except BaseException:
            database.dispose()
            built.drop()
            raise
        database.dispose()
        if backend == "sqlite":
            path = folder / "trellis.db"
            with closing(sqlite3.connect(path)) as connection:  # all of it in the file: a copy takes the file alone
                connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            return str(path), facts
        name = built.name
        self._postgres().keep_as_template(name)
        return name, facts

    def _postgres(self) -> PostgresSchemas:
        if self.postgres is None:
            raise RuntimeError("PostgreSQL copies need TRELLIS_TEST_DATABASE_URL")
        return self.postgres
