"""Attachments: uploaded files of image and file fields, linked to their record once it is saved.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

from engine.storage.tables import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "trellis_attachments",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("app_id", sa.String(63), nullable=False),
        sa.Column("form_id", sa.String(63), nullable=False),
        sa.Column("field_id", sa.String(63), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=True),
        sa.Column("original_name", sa.String(255), nullable=False),
        sa.Column("content_type", sa.String(127), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("storage_path", sa.String(255), nullable=False),
        sa.Column("thumbnail_path", sa.String(255), nullable=True),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
    )
    op.create_index("ix_trellis_attachments_record", "trellis_attachments", ["app_id", "form_id", "record_id"])


def downgrade() -> None:
    raise RuntimeError("Trellis migrations only go forward; restore a backup to go back")
