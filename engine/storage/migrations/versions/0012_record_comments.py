"""Internal comments on records: staff's notes kept with a record (the record page lists them).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

from engine.storage.tables import UTCDateTime

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "trellis_record_comments",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("app_id", sa.String(63), nullable=False),
        sa.Column("form_id", sa.String(63), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
    )
    op.create_index(
        "ix_trellis_record_comments_record", "trellis_record_comments", ["app_id", "form_id", "record_id", "id"]
    )


def downgrade() -> None:
    op.drop_index("ix_trellis_record_comments_record", table_name="trellis_record_comments")
    op.drop_table("trellis_record_comments")
