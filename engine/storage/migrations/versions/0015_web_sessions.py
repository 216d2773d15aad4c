"""Browser sessions kept on the server, so signing out ends a session even if its cookie was copied.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy import inspect

from engine.storage.tables import UTCDateTime

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if "trellis_web_sessions" in inspect(op.get_bind()).get_table_names():
        return  # already there (a database stamped back to an earlier revision)
    op.create_table(
        "trellis_web_sessions",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_trellis_web_sessions_user", "trellis_web_sessions", ["user_id"])


def downgrade() -> None:
    op.drop_index("ix_trellis_web_sessions_user", table_name="trellis_web_sessions")
    op.drop_table("trellis_web_sessions")
