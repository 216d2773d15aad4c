"""The builder's drafts, and where each app version came from (``origin``).

Versions stored before this revision came from ``trellis import`` (actor ``cli:…``: the bundled
packages) or from the API; the builder did not exist yet.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy import inspect

from engine.storage.tables import UTCDateTime

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    columns = {c["name"] for c in inspect(bind).get_columns("trellis_app_versions")}
    if "origin" not in columns:
        with op.batch_alter_table("trellis_app_versions") as batch:
            batch.add_column(sa.Column("origin", sa.String(16), nullable=False, server_default="api"))
        op.execute("UPDATE trellis_app_versions SET origin = 'bundled' WHERE created_by LIKE 'cli:%'")
    if "trellis_builder_drafts" in inspect(bind).get_table_names():
        return
    op.create_table(
        "trellis_builder_drafts",
        sa.Column("app_id", sa.String(63), primary_key=True),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("based_on_version", sa.Integer(), nullable=True),
        sa.Column("updated_by", sa.String(200), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("trellis_builder_drafts")
    with op.batch_alter_table("trellis_app_versions") as batch:
        batch.drop_column("origin")
