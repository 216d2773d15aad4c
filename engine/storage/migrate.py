"""Apply the engine's Alembic migrations to a database (``trellis db upgrade`` and app start)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text

from engine.storage.database import Database

MIGRATIONS = Path(__file__).with_name("migrations")


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


@cache
def head_revision() -> str | None:
    """The newest revision the installed code knows; read once per process (Alembic parses every
    migration file to find it, about 13 ms, and every app start and worker asks)."""
    return ScriptDirectory.from_config(_config()).get_current_head()


def current_revision(database: Database) -> str | None:
    with database.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(database: Database) -> tuple[str | None, str | None]:
    """Bring the schema to the newest revision; return (before, after). Safe to run repeatedly."""
    before = current_revision(database)
    if before == head_revision():
        return before, before
    config = _config()
    with database.engine.begin() as connection:
        if database.dialect == "postgresql":
            # several web processes may start at once: one migrates, the others wait, then find it done
            connection.execute(text("SELECT pg_advisory_xact_lock(74823011)"))
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    return before, current_revision(database)
