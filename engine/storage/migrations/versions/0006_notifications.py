"""In-app notifications, and failed outbox items kept with their reason.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

from engine.storage.tables import UTCDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "trellis_outbox_failed",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("outbox_id", sa.Integer(), nullable=False),
        sa.Column("topic", sa.String(100), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("failed_at", UTCDateTime(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
    )
    op.create_index("ix_trellis_outbox_failed_outbox_id", "trellis_outbox_failed", ["outbox_id"])
    op.create_index("ix_trellis_outbox_failed_failed_at", "trellis_outbox_failed", ["failed_at"])
    op.create_table(
        "trellis_notifications",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("user_id", sa.String(200), nullable=False),
        sa.Column("outbox_id", sa.Integer(), nullable=True),
        sa.Column("app_id", sa.String(63), nullable=True),
        sa.Column("record_id", sa.Integer(), nullable=True),
        sa.Column("instance_id", sa.String(32), nullable=True),
        sa.Column("node_id", sa.String(63), nullable=True),
        sa.Column("task_id", sa.String(32), nullable=True),
        sa.Column("message", sa.JSON(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("read_at", UTCDateTime(), nullable=True),
        sa.UniqueConstraint("outbox_id", "user_id", name="uq_trellis_notifications_outbox_user"),
    )
    op.create_index("ix_trellis_notifications_user", "trellis_notifications", ["user_id", "read_at", "created_at"])


def downgrade() -> None:
    op.drop_table("trellis_notifications")
    op.drop_table("trellis_outbox_failed")
