"""Directory: users, login throttling, groups and members, roles per app, communities, API tokens.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

from engine.storage.tables import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "trellis_users",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("login", sa.String(100), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("mobile", sa.String(20), nullable=True),
        sa.Column("email", sa.String(254), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("locale", sa.String(10), nullable=False),
        sa.Column("is_admin", sa.Boolean(), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("on_duty", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", UTCDateTime(), nullable=True),
        sa.UniqueConstraint("login", name="uq_trellis_users_login"),
        sa.UniqueConstraint("mobile", name="uq_trellis_users_mobile"),
    )
    op.create_table(
        "trellis_login_throttle",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("locked_until", UTCDateTime(), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_trellis_login_throttle_updated_at", "trellis_login_throttle", ["updated_at"])
    op.create_table(
        "trellis_groups",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("parent_id", sa.String(32), sa.ForeignKey("trellis_groups.id", ondelete="RESTRICT"), nullable=True),
        sa.Column("leader_id", sa.String(32), sa.ForeignKey("trellis_users.id", ondelete="RESTRICT"), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("name", name="uq_trellis_groups_name"),
    )
    op.create_index("ix_trellis_groups_parent_id", "trellis_groups", ["parent_id"])
    op.create_table(
        "trellis_group_members",
        sa.Column("group_id", sa.String(32), sa.ForeignKey("trellis_groups.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("user_id", sa.String(32), sa.ForeignKey("trellis_users.id", ondelete="CASCADE"), primary_key=True),
    )
    op.create_index("ix_trellis_group_members_user_id", "trellis_group_members", ["user_id"])
    op.create_table(
        "trellis_user_roles",
        sa.Column("user_id", sa.String(32), sa.ForeignKey("trellis_users.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("app_id", sa.String(63), primary_key=True),
        sa.Column("role", sa.String(63), primary_key=True),
    )
    op.create_table(
        "trellis_user_communities",
        sa.Column("user_id", sa.String(32), sa.ForeignKey("trellis_users.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("community_id", sa.Integer(), primary_key=True),
    )
    op.create_table(
        "trellis_api_tokens",
        sa.Column("id", sa.String(16), primary_key=True),
        sa.Column("user_id", sa.String(32), sa.ForeignKey("trellis_users.id", ondelete="RESTRICT"), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("scopes", sa.JSON(), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("last_used_at", UTCDateTime(), nullable=True),
        sa.Column("revoked_at", UTCDateTime(), nullable=True),
        sa.UniqueConstraint("token_hash", name="uq_trellis_api_tokens_token_hash"),
    )
    op.create_index("ix_trellis_api_tokens_user_id", "trellis_api_tokens", ["user_id"])


def downgrade() -> None:
    raise RuntimeError("Trellis migrations only go forward; restore a backup to go back")
