"""A task keeps the values its person gave for the step's editable fields (a signer's opinion).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("trellis_flow_tasks", sa.Column("data", sa.JSON(), nullable=True))


def downgrade() -> None:
    op.drop_column("trellis_flow_tasks", "data")
