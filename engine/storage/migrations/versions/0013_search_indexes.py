"""Search indexes for the tables of forms imported before search had them.

Trigrams (pg_trgm on PostgreSQL, FTS5 on SQLite) and, on PostgreSQL, the characters of each value.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05
"""

import json

from alembic import op
from sqlalchemy import inspect, text

from engine.forms.spec import FormSpec
from engine.storage.form_tables import build_tables
from engine.storage.search_index import ensure_search_indexes

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    connection = op.get_bind()
    present = set(inspect(connection).get_table_names())
    documents = connection.execute(
        text(
            "SELECT v.document FROM trellis_app_versions v JOIN trellis_apps a "
            "ON a.id = v.app_id AND a.current_version = v.number"
        )
    )
    for (document,) in list(documents):
        package = json.loads(str(document))
        tables = build_tables(
            package["id"], [FormSpec.from_definition(package["id"], f) for f in package.get("forms", [])]
        )
        ensure_search_indexes(
            connection,
            {
                tables.main[form]: names
                for form, names in tables.searchable.items()
                if tables.main[form].name in present
            },
        )


def downgrade() -> None:
    pass  # the indexes only speed searches up; an older engine ignores them
