"""Engine tables are created by Alembic migrations, the same on SQLite and PostgreSQL."""

from sqlalchemy import inspect

from engine.storage import Database
from engine.storage.migrate import current_revision, head_revision, upgrade

ENGINE_TABLES = {
    "trellis_apps",
    "trellis_app_versions",
    "trellis_audit_events",
    "trellis_outbox",
    "trellis_record_history",
    "trellis_idempotency_keys",
    "trellis_serial_counters",
    "trellis_attachments",
    "trellis_users",
    "trellis_login_throttle",
    "trellis_groups",
    "trellis_group_members",
    "trellis_user_roles",
    "trellis_user_communities",
    "trellis_api_tokens",
}


def test_upgrade_creates_the_engine_tables(database_url):
    database = Database(database_url)

    before, after = upgrade(database)

    assert (before, after) == (None, head_revision())
    assert ENGINE_TABLES <= set(inspect(database.engine).get_table_names())
    database.dispose()


def test_upgrade_twice_changes_nothing(database):
    revision = current_revision(database)

    assert upgrade(database) == (revision, revision)


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path):
    database = Database(f"sqlite:///{tmp_path / 'x' / 'nested' / 'trellis.db'}")
    with database.engine.connect() as connection:
        journal = connection.exec_driver_sql("PRAGMA journal_mode").scalar()
        foreign_keys = connection.exec_driver_sql("PRAGMA foreign_keys").scalar()
    assert (journal, foreign_keys) == ("wal", 1)
    database.dispose()


def test_the_migrations_match_the_table_definitions(database):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from engine.storage.tables import Base

    with database.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)

    engine_only = [d for d in diff if "trellis_" in str(d)]
    assert engine_only == []
