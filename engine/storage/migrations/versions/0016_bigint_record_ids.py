"""Columns that point at a form record hold its whole id: the record tables' ids are bigint on
PostgreSQL, and an id past 2**31 - 1 (sent to the API, or reached one day) overflowed these.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

TABLES = (
    "trellis_record_comments",
    "trellis_record_history",
    "trellis_idempotency_keys",
    "trellis_attachments",
    "trellis_flow_instances",
    "trellis_flow_tasks",
    "trellis_notifications",
    "trellis_automation_runs",
    "trellis_kb_votes",
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return  # SQLite's INTEGER already holds 64 bits
    for table in TABLES:
        op.alter_column(table, "record_id", type_=sa.BigInteger(), existing_type=sa.Integer())


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TABLES:
        op.alter_column(table, "record_id", type_=sa.Integer(), existing_type=sa.BigInteger())
