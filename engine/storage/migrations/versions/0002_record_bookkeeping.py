"""Record history, idempotency keys and serial counters.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

from engine.storage.tables import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "trellis_record_history",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("app_id", sa.String(63), nullable=False),
        sa.Column("form_id", sa.String(63), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
    )
    op.create_index("ix_trellis_record_history_record", "trellis_record_history", ["app_id", "form_id", "record_id"])
    op.create_table(
        "trellis_idempotency_keys",
        sa.Column("app_id", sa.String(63), primary_key=True),
        sa.Column("form_id", sa.String(63), primary_key=True),
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "trellis_serial_counters",
        sa.Column("app_id", sa.String(63), primary_key=True),
        sa.Column("form_id", sa.String(63), primary_key=True),
        sa.Column("field_id", sa.String(63), primary_key=True),
        sa.Column("period", sa.String(20), primary_key=True),
        sa.Column("value", sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    raise RuntimeError("Trellis migrations only go forward; restore a backup to go back")
