"""Attachments of sub-table fields: the field address ``<sub-table>.<field>`` needs 127 characters.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("trellis_attachments") as table:
        table.alter_column("field_id", type_=sa.String(127), existing_type=sa.String(63), existing_nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("trellis_attachments") as table:
        table.alter_column("field_id", type_=sa.String(63), existing_type=sa.String(127), existing_nullable=False)
