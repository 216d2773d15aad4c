"""A PostgreSQL database of the benchmark's own: created for one run and dropped afterwards, even on failure."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from engine.config import normalize_database_url


def unreachable(admin_url: str) -> str | None:
    """Why PostgreSQL at ``admin_url`` cannot be reached (one line), or None when it can."""
    admin = create_engine(normalize_database_url(admin_url))
    try:
        with admin.connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError as exc:
        return str(exc.orig or exc).strip().splitlines()[0]
    finally:
        admin.dispose()
    return None


@contextmanager
def throwaway_database(admin_url: str, label: str) -> Iterator[str]:
    """The URL of a new database ``trellis_bench_<label>_<pid>``, dropped when the block ends."""
    name = f"trellis_bench_{label}_{os.getpid()}"
    admin = create_engine(normalize_database_url(admin_url), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        yield make_url(normalize_database_url(admin_url)).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()
