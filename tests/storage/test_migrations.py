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


def test_upgrade_creates_the_engine_tables(empty_database_url):
    database = Database(empty_database_url)

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


def test_the_migrations_match_the_table_definitions(empty_database_url):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from engine.storage.tables import Base

    database = Database(empty_database_url)
    upgrade(database)
    with database.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)

    engine_only = [d for d in diff if "trellis_" in str(d)]
    database.dispose()
    assert engine_only == []


def test_versions_stored_before_0017_say_where_they_came_from(empty_database_url):
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import text

    from engine.storage.migrate import MIGRATIONS

    database = Database(empty_database_url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with database.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0016")
    with database.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO trellis_apps (id, name, current_version, created_at, updated_at) "
                "VALUES ('a', '\"A\"', 2, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            )
        )
        for number, actor in ((1, "cli:ops"), (2, "user:u1")):
            connection.execute(
                text(
                    "INSERT INTO trellis_app_versions (app_id, number, package_version, fingerprint, document, "
                    "created_at, created_by) VALUES ('a', :n, '1.0.0', 'f', '{}', CURRENT_TIMESTAMP, :by)"
                ),
                {"n": number, "by": actor},
            )

    upgrade(database)

    with database.engine.connect() as connection:
        rows = connection.execute(text("SELECT number, origin FROM trellis_app_versions ORDER BY number")).all()
    assert [tuple(r) for r in rows] == [(1, "bundled"), (2, "api")]
    database.dispose()
