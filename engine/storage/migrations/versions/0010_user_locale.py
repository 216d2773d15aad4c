"""The page language a person chose with a page's language link, kept with them for every browser.

Null until they choose: until then their browser's language (Accept-Language) applies.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("trellis_users") as users:
        users.add_column(sa.Column("ui_locale", sa.String(10), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("trellis_users") as users:
        users.drop_column("ui_locale")
