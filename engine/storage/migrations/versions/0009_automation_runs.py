"""Automation runs (the run log) and the claimed due moments of scheduled automations.

A record's history names what wrote it: ``automation:<id>`` and ``flow:<id>`` outgrow the 20
characters ``action`` had, so it widens (on SQLite, Alembic's batch mode copies the table).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

from engine.storage.tables import UTCDateTime

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("trellis_record_history") as history:
        history.alter_column("action", type_=sa.String(80), existing_type=sa.String(20), existing_nullable=False)
    op.create_table(
        "trellis_automation_runs",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("key", sa.String(32), nullable=False),
        sa.Column("app_id", sa.String(63), nullable=False),
        sa.Column("app_version", sa.Integer(), nullable=False),
        sa.Column("automation_id", sa.String(63), nullable=False),
        sa.Column("trigger", sa.String(40), nullable=False),
        sa.Column("form_id", sa.String(63), nullable=True),
        sa.Column("record_id", sa.Integer(), nullable=True),
        sa.Column("inputs", sa.JSON(), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("error_code", sa.String(100), nullable=True),
        sa.Column("error_params", sa.JSON(), nullable=True),
        sa.Column("pending", sa.JSON(), nullable=True),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
        sa.UniqueConstraint("key", name="uq_trellis_automation_runs_key"),
    )
    op.create_index("ix_trellis_automation_runs_app", "trellis_automation_runs", ["app_id", "automation_id", "id"])
    op.create_table(
        "trellis_automation_ticks",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("app_id", sa.String(63), nullable=False),
        sa.Column("automation_id", sa.String(63), nullable=False),
        sa.Column("due_at", UTCDateTime(), nullable=False),
        sa.Column("claimed_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("app_id", "automation_id", "due_at", name="uq_trellis_automation_ticks_due"),
    )


def downgrade() -> None:
    with op.batch_alter_table("trellis_record_history") as history:
        history.alter_column("action", type_=sa.String(20), existing_type=sa.String(80), existing_nullable=False)
    op.drop_table("trellis_automation_ticks")
    op.drop_index("ix_trellis_automation_runs_app", "trellis_automation_runs")
    op.drop_table("trellis_automation_runs")
