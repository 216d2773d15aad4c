"""Knowledge-base votes: one row per (article, browser), helpful or not.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

from engine.storage.tables import UTCDateTime

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "trellis_kb_votes",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("app_id", sa.String(63), nullable=False),
        sa.Column("form_id", sa.String(63), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(64), nullable=False),
        sa.Column("helpful", sa.Boolean(), nullable=False),
        sa.Column("voted_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("app_id", "form_id", "record_id", "token", name="uq_trellis_kb_votes_browser"),
    )
    op.create_index("ix_trellis_kb_votes_article", "trellis_kb_votes", ["app_id", "form_id", "record_id"])


def downgrade() -> None:
    op.drop_index("ix_trellis_kb_votes_article", "trellis_kb_votes")
    op.drop_table("trellis_kb_votes")
