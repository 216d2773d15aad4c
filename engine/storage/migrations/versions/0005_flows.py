"""Flows: instances (with their tokens), tasks and their candidates, timers, the event log.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

from engine.storage.tables import UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "trellis_flow_instances",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("app_id", sa.String(63), nullable=False),
        sa.Column("app_version", sa.Integer(), nullable=False),
        sa.Column("flow_id", sa.String(63), nullable=False),
        sa.Column("form_id", sa.String(63), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("end_status", sa.String(60), nullable=True),
        sa.Column("stage", sa.String(63), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("tokens", sa.JSON(), nullable=False),
        sa.Column("variables", sa.JSON(), nullable=False),
        sa.Column("started_by", sa.String(200), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("ended_at", UTCDateTime(), nullable=True),
        sa.Column("parent_id", sa.String(32), nullable=True),
        sa.Column("parent_token", sa.String(32), nullable=True),
        sa.Column("lock_version", sa.Integer(), nullable=False),
    )
    op.create_index("ix_trellis_flow_instances_record", "trellis_flow_instances", ["app_id", "form_id", "record_id"])
    op.create_index("ix_trellis_flow_instances_status", "trellis_flow_instances", ["status"])
    op.create_table(
        "trellis_flow_tasks",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column(
            "instance_id",
            sa.String(32),
            sa.ForeignKey("trellis_flow_instances.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("app_id", sa.String(63), nullable=False),
        sa.Column("flow_id", sa.String(63), nullable=False),
        sa.Column("form_id", sa.String(63), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("node_id", sa.String(63), nullable=False),
        sa.Column("token_id", sa.String(32), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("candidates", sa.JSON(), nullable=False),
        sa.Column("assignee", sa.String(200), nullable=True),
        sa.Column("owner", sa.String(200), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("claimed_at", UTCDateTime(), nullable=True),
        sa.Column("completed_at", UTCDateTime(), nullable=True),
        sa.Column("completed_by", sa.String(200), nullable=True),
        sa.Column("due_at", UTCDateTime(), nullable=True),
        sa.Column("outcome", sa.String(63), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("touched", sa.Boolean(), nullable=False),
        sa.Column("lock_version", sa.Integer(), nullable=False),
    )
    op.create_index("ix_trellis_flow_tasks_instance", "trellis_flow_tasks", ["instance_id", "status"])
    op.create_index("ix_trellis_flow_tasks_assignee", "trellis_flow_tasks", ["assignee", "status"])
    op.create_index("ix_trellis_flow_tasks_completed_by", "trellis_flow_tasks", ["completed_by"])
    op.create_table(
        "trellis_flow_task_candidates",
        sa.Column(
            "task_id",
            sa.String(32),
            sa.ForeignKey("trellis_flow_tasks.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("kind", sa.String(20), primary_key=True),
        sa.Column("value", sa.String(200), primary_key=True),
    )
    op.create_index("ix_trellis_flow_task_candidates_who", "trellis_flow_task_candidates", ["kind", "value"])
    op.create_table(
        "trellis_flow_timers",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column(
            "instance_id",
            sa.String(32),
            sa.ForeignKey("trellis_flow_instances.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("node_id", sa.String(63), nullable=False),
        sa.Column("spec_id", sa.String(63), nullable=False),
        sa.Column("task_id", sa.String(32), nullable=True),
        sa.Column("token_id", sa.String(32), nullable=True),
        sa.Column("due_at", UTCDateTime(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("fired_at", UTCDateTime(), nullable=True),
    )
    op.create_index("ix_trellis_flow_timers_instance_id", "trellis_flow_timers", ["instance_id"])
    op.create_index("ix_trellis_flow_timers_due", "trellis_flow_timers", ["status", "due_at"])
    op.create_table(
        "trellis_flow_events",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("instance_id", sa.String(32), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("node_id", sa.String(63), nullable=True),
        sa.Column("task_id", sa.String(32), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
    )
    op.create_index("ix_trellis_flow_events_instance", "trellis_flow_events", ["instance_id", "id"])


def downgrade() -> None:
    for table in (
        "trellis_flow_events",
        "trellis_flow_timers",
        "trellis_flow_task_candidates",
        "trellis_flow_tasks",
        "trellis_flow_instances",
    ):
        op.drop_table(table)
