"""Secrets an administrator stores for an app's connectors, encrypted at rest.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy import inspect

from engine.storage.tables import UTCDateTime

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if "trellis_app_secrets" in inspect(op.get_bind()).get_table_names():
        return  # already there (a database stamped back to an earlier revision)
    op.create_table(
        "trellis_app_secrets",
        sa.Column("app_id", sa.String(63), primary_key=True),
        sa.Column("name", sa.String(100), primary_key=True),
        sa.Column("ciphertext", sa.Text(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("updated_by", sa.String(200), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("trellis_app_secrets")
