"""Engine-owned tables (prefixed ``trellis_`` so they never collide with the tables of forms).

Form records get tables of their own, generated from form definitions; these are the engine's
bookkeeping: installed apps and their immutable versions, the audit trail and the outbox.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

#: a form record's id wherever another table points at one: the record tables' own ids are bigint
RECORD_ID = BigInteger().with_variant(Integer(), "sqlite")


class UTCDateTime(TypeDecorator[datetime]):
    """Timestamps stored in UTC and always read back timezone-aware, on SQLite as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


class AppRow(Base):
    __tablename__ = "trellis_apps"

    id: Mapped[str] = mapped_column(String(63), primary_key=True)
    name: Mapped[Any] = mapped_column(JSON)
    current_version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AppVersionRow(Base):
    __tablename__ = "trellis_app_versions"
    __table_args__ = (UniqueConstraint("app_id", "number", name="uq_trellis_app_versions_number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    app_id: Mapped[str] = mapped_column(ForeignKey("trellis_apps.id", ondelete="RESTRICT"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    package_version: Mapped[str] = mapped_column(String(100))
    fingerprint: Mapped[str] = mapped_column(String(64))
    document: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(200))
    # where the version came from: bundled (a package file, `trellis import`), builder, api, rollback
    origin: Mapped[str] = mapped_column(String(16), server_default="api")


class BuilderDraftRow(Base):
    """The one draft of an app a builder edits; ``revision`` counts saves (optimistic locking)."""

    __tablename__ = "trellis_builder_drafts"

    app_id: Mapped[str] = mapped_column(String(63), primary_key=True)
    document: Mapped[str] = mapped_column(Text)
    revision: Mapped[int] = mapped_column(Integer)
    based_on_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    updated_by: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AuditEventRow(Base):
    """Append-only: who did what to which thing, and when."""

    __tablename__ = "trellis_audit_events"
    __table_args__ = (Index("ix_trellis_audit_events_subject", "subject_type", "subject_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(100))
    subject_type: Mapped[str] = mapped_column(String(100))
    subject_id: Mapped[str] = mapped_column(String(200))
    details: Mapped[Any] = mapped_column(JSON, default=dict)


class OutboxRow(Base):
    """Side effects written with the change that causes them, delivered later by a worker."""

    __tablename__ = "trellis_outbox"
    __table_args__ = (Index("ix_trellis_outbox_due", "delivered_at", "available_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    topic: Mapped[str] = mapped_column(String(100))
    payload: Mapped[Any] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    available_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)


class RecordCommentRow(Base):
    """Append-only: staff's internal comments on a record, kept with it (never shown to the public roles)."""

    __tablename__ = "trellis_record_comments"
    __table_args__ = (Index("ix_trellis_record_comments_record", "app_id", "form_id", "record_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    app_id: Mapped[str] = mapped_column(String(63))
    form_id: Mapped[str] = mapped_column(String(63))
    record_id: Mapped[int] = mapped_column(RECORD_ID)
    author: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RecordHistoryRow(Base):
    """Append-only: every change to a form record, field by field (old → new)."""

    __tablename__ = "trellis_record_history"
    __table_args__ = (Index("ix_trellis_record_history_record", "app_id", "form_id", "record_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    app_id: Mapped[str] = mapped_column(String(63))
    form_id: Mapped[str] = mapped_column(String(63))
    record_id: Mapped[int] = mapped_column(RECORD_ID)
    version: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(80))  # create, update, task:<action>, flow:<id>, automation:<id>
    changes: Mapped[Any] = mapped_column(JSON)


class IdempotencyKeyRow(Base):
    """A create seen before: retrying phones get the first record back instead of a duplicate."""

    __tablename__ = "trellis_idempotency_keys"

    app_id: Mapped[str] = mapped_column(String(63), primary_key=True)
    form_id: Mapped[str] = mapped_column(String(63), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    record_id: Mapped[int] = mapped_column(RECORD_ID)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SerialCounterRow(Base):
    """The last number handed out per serial field and period (BX-20260301-0001, -0002, ...)."""

    __tablename__ = "trellis_serial_counters"

    app_id: Mapped[str] = mapped_column(String(63), primary_key=True)
    form_id: Mapped[str] = mapped_column(String(63), primary_key=True)
    field_id: Mapped[str] = mapped_column(String(63), primary_key=True)
    period: Mapped[str] = mapped_column(String(20), primary_key=True)
    value: Mapped[int] = mapped_column(Integer)


class AttachmentRow(Base):
    """An uploaded file, checked and (for images) re-encoded; its bytes live in the upload folder.

    Uploads come before the record they belong to, so ``record_id`` stays empty until a record
    save claims the attachment. Paths are relative to the upload folder and built by the engine
    alone; the user's file name is kept here, sanitised, and never reaches the file system.
    """

    __tablename__ = "trellis_attachments"
    __table_args__ = (Index("ix_trellis_attachments_record", "app_id", "form_id", "record_id"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    app_id: Mapped[str] = mapped_column(String(63))
    form_id: Mapped[str] = mapped_column(String(63))
    field_id: Mapped[str] = mapped_column(String(127))
    record_id: Mapped[int | None] = mapped_column(RECORD_ID, nullable=True)
    original_name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(127))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_path: Mapped[str] = mapped_column(String(255))
    thumbnail_path: Mapped[str | None] = mapped_column(String(255), nullable=True)
    width: Mapped[int | None] = mapped_column(Integer, nullable=True)
    height: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(200))


class UserRow(Base):
    """A person who signs in. Never deleted (records and the audit trail name them): deactivated instead.

    ``id`` is a random hex uuid, not the login name: logins and mobiles get corrected, and the
    id is what records store (``created_by``, ``worker``), so it must never change or be reused.
    """

    __tablename__ = "trellis_users"
    __table_args__ = (
        UniqueConstraint("login", name="uq_trellis_users_login"),
        UniqueConstraint("mobile", name="uq_trellis_users_mobile"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    login: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(200))
    mobile: Mapped[str | None] = mapped_column(String(20), nullable=True)
    email: Mapped[str | None] = mapped_column(String(254), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    locale: Mapped[str] = mapped_column(String(10), default="zh-CN")
    #: the page language the person chose with a page's language link; None until then (the browser's applies)
    ui_locale: Mapped[str | None] = mapped_column(String(10), nullable=True)
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    password_hash: Mapped[str] = mapped_column(String(255))
    on_duty: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class LoginThrottleRow(Base):
    """Failed sign-ins under names no account has, so they lock exactly like real accounts do.

    Without it, five tries would tell anyone whether a login exists (only real ones would lock).
    ``key`` is the sha256 of the name typed: people type passwords into the login box.
    """

    __tablename__ = "trellis_login_throttle"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class GroupRow(Base):
    """A department or team; ``parent_id`` makes the tree (工程部 → 水电组)."""

    __tablename__ = "trellis_groups"
    __table_args__ = (UniqueConstraint("name", name="uq_trellis_groups_name"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    parent_id: Mapped[str | None] = mapped_column(
        ForeignKey("trellis_groups.id", ondelete="RESTRICT"), nullable=True, index=True
    )
    leader_id: Mapped[str | None] = mapped_column(ForeignKey("trellis_users.id", ondelete="RESTRICT"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class GroupMemberRow(Base):
    __tablename__ = "trellis_group_members"

    group_id: Mapped[str] = mapped_column(ForeignKey("trellis_groups.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[str] = mapped_column(
        ForeignKey("trellis_users.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class UserRoleRow(Base):
    """A role a user holds in one app (role ids come from the app package's ``roles``)."""

    __tablename__ = "trellis_user_roles"

    user_id: Mapped[str] = mapped_column(ForeignKey("trellis_users.id", ondelete="CASCADE"), primary_key=True)
    app_id: Mapped[str] = mapped_column(String(63), primary_key=True)
    role: Mapped[str] = mapped_column(String(63), primary_key=True)


class UserCommunityRow(Base):
    """A community (a record of the app's community form) a user covers; dispatch and row rules use it."""

    __tablename__ = "trellis_user_communities"

    user_id: Mapped[str] = mapped_column(ForeignKey("trellis_users.id", ondelete="CASCADE"), primary_key=True)
    community_id: Mapped[int] = mapped_column(Integer, primary_key=True)


class ApiTokenRow(Base):
    """An API token: only the sha256 of the token is kept; the token itself is shown once."""

    __tablename__ = "trellis_api_tokens"
    __table_args__ = (UniqueConstraint("token_hash", name="uq_trellis_api_tokens_token_hash"),)

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("trellis_users.id", ondelete="RESTRICT"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    scopes: Mapped[Any] = mapped_column(JSON)
    token_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(200))
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class FlowInstanceRow(Base):
    """One run of a flow over one record, pinned to the app version it started on.

    Tokens and the approval tallies are small and always read together with the instance, so
    they live in it as JSON; ``lock_version`` makes every action a compare-and-set.
    """

    __tablename__ = "trellis_flow_instances"
    __table_args__ = (
        Index("ix_trellis_flow_instances_record", "app_id", "form_id", "record_id"),
        Index("ix_trellis_flow_instances_status", "status"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    app_id: Mapped[str] = mapped_column(String(63))
    app_version: Mapped[int] = mapped_column(Integer)
    flow_id: Mapped[str] = mapped_column(String(63))
    form_id: Mapped[str] = mapped_column(String(63))
    record_id: Mapped[int] = mapped_column(RECORD_ID)
    status: Mapped[str] = mapped_column(String(20))
    end_status: Mapped[str | None] = mapped_column(String(60), nullable=True)
    stage: Mapped[str | None] = mapped_column(String(63), nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    tokens: Mapped[Any] = mapped_column(JSON)
    variables: Mapped[Any] = mapped_column(JSON)
    started_by: Mapped[str] = mapped_column(String(200))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    parent_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    parent_token: Mapped[str | None] = mapped_column(String(32), nullable=True)
    lock_version: Mapped[int] = mapped_column(Integer)


class FlowTaskRow(Base):
    """A task for people: who may take it (candidates), who holds it, and how it ended."""

    __tablename__ = "trellis_flow_tasks"
    __table_args__ = (
        Index("ix_trellis_flow_tasks_instance", "instance_id", "status"),
        Index("ix_trellis_flow_tasks_assignee", "assignee", "status"),
        Index("ix_trellis_flow_tasks_completed_by", "completed_by"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    instance_id: Mapped[str] = mapped_column(ForeignKey("trellis_flow_instances.id", ondelete="CASCADE"))
    app_id: Mapped[str] = mapped_column(String(63))
    flow_id: Mapped[str] = mapped_column(String(63))
    form_id: Mapped[str] = mapped_column(String(63))
    record_id: Mapped[int] = mapped_column(RECORD_ID)
    node_id: Mapped[str] = mapped_column(String(63))
    token_id: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(20))
    candidates: Mapped[Any] = mapped_column(JSON)
    assignee: Mapped[str | None] = mapped_column(String(200), nullable=True)
    owner: Mapped[str | None] = mapped_column(String(200), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    completed_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    outcome: Mapped[str | None] = mapped_column(String(63), nullable=True)
    comment: Mapped[str | None] = mapped_column(Text, nullable=True)
    position: Mapped[int] = mapped_column(Integer)
    touched: Mapped[bool] = mapped_column(Boolean)
    lock_version: Mapped[int] = mapped_column(Integer)
    #: the values this person gave for the step's editable fields (a signer's opinion); NULL: none
    data: Mapped[Any] = mapped_column(JSON, nullable=True)


class FlowTaskCandidateRow(Base):
    """Who may take an open task, one row per user / role / group, so inboxes are index lookups."""

    __tablename__ = "trellis_flow_task_candidates"
    __table_args__ = (Index("ix_trellis_flow_task_candidates_who", "kind", "value"),)

    task_id: Mapped[str] = mapped_column(ForeignKey("trellis_flow_tasks.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    value: Mapped[str] = mapped_column(String(200), primary_key=True)


class FlowTimerRow(Base):
    """A due moment: a task's boundary timer or a timer node's wait. Fired once, by whoever claims it."""

    __tablename__ = "trellis_flow_timers"
    __table_args__ = (Index("ix_trellis_flow_timers_due", "status", "due_at"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    instance_id: Mapped[str] = mapped_column(ForeignKey("trellis_flow_instances.id", ondelete="CASCADE"), index=True)
    node_id: Mapped[str] = mapped_column(String(63))
    spec_id: Mapped[str] = mapped_column(String(63))
    task_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    token_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(20))
    fired_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class FlowEventRow(Base):
    """Append-only: every transition of an instance (the owner's timeline, audit, process metrics)."""

    __tablename__ = "trellis_flow_events"
    __table_args__ = (Index("ix_trellis_flow_events_instance", "instance_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    instance_id: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40))
    node_id: Mapped[str | None] = mapped_column(String(63), nullable=True)
    task_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    details: Mapped[Any] = mapped_column(JSON)


class FailedOutboxRow(Base):
    """An outbox item that used up its attempts: moved here with its last error, never dropped.

    Kept apart from ``trellis_outbox`` so the worker's due-item query stays a plain index range;
    an admin can read the reason here and put the item back for another round of attempts.
    """

    __tablename__ = "trellis_outbox_failed"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    outbox_id: Mapped[int] = mapped_column(Integer, index=True)  # the id it had in the outbox (SQLite may reuse it)
    topic: Mapped[str] = mapped_column(String(100))
    payload: Mapped[Any] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer)
    failed_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    last_error: Mapped[str] = mapped_column(Text)


class NotificationRow(Base):
    """An in-app notification for one person (a role or group is expanded to its members on delivery).

    ``outbox_id`` with ``user_id`` is unique: delivering the same outbox item twice (a worker died
    after writing but before marking it delivered) never shows a person the message twice.
    """

    __tablename__ = "trellis_notifications"
    __table_args__ = (
        UniqueConstraint("outbox_id", "user_id", name="uq_trellis_notifications_outbox_user"),
        Index("ix_trellis_notifications_user", "user_id", "read_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(String(200))
    outbox_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    app_id: Mapped[str | None] = mapped_column(String(63), nullable=True)
    record_id: Mapped[int | None] = mapped_column(RECORD_ID, nullable=True)
    instance_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    node_id: Mapped[str | None] = mapped_column(String(63), nullable=True)
    task_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    message: Mapped[Any] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class AutomationRunRow(Base):
    """One run of an automation: what triggered it, on which record, and how it ended.

    ``key`` is chosen when the run is queued (it rides in the outbox payload), so a delivery
    repeated after a crash finds the run it already made instead of acting twice. ``pending``
    holds the connector calls not yet acknowledged.
    """

    __tablename__ = "trellis_automation_runs"
    __table_args__ = (
        UniqueConstraint("key", name="uq_trellis_automation_runs_key"),
        Index("ix_trellis_automation_runs_app", "app_id", "automation_id", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(32))
    app_id: Mapped[str] = mapped_column(String(63))
    app_version: Mapped[int] = mapped_column(Integer)
    automation_id: Mapped[str] = mapped_column(String(63))
    trigger: Mapped[str] = mapped_column(String(40))
    form_id: Mapped[str | None] = mapped_column(String(63), nullable=True)
    record_id: Mapped[int | None] = mapped_column(RECORD_ID, nullable=True)
    inputs: Mapped[Any] = mapped_column(JSON)
    outcome: Mapped[str] = mapped_column(String(16))
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    error_code: Mapped[str | None] = mapped_column(String(100), nullable=True)
    error_params: Mapped[Any] = mapped_column(JSON, nullable=True)
    pending: Mapped[Any] = mapped_column(JSON, nullable=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class AutomationTickRow(Base):
    """A scheduled automation's due moment, claimed by the one worker that queues its run.

    The unique key is what makes a schedule fire once however many workers see it due.
    """

    __tablename__ = "trellis_automation_ticks"
    __table_args__ = (UniqueConstraint("app_id", "automation_id", "due_at", name="uq_trellis_automation_ticks_due"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    app_id: Mapped[str] = mapped_column(String(63))
    automation_id: Mapped[str] = mapped_column(String(63))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime)


class KbVoteRow(Base):
    """One browser's helpful/unhelpful vote on one knowledge-base article.

    ``token`` is the random id of the voting browser's cookie; the unique key makes a second vote
    from the same browser on the same article fail even when two arrive at once.
    """

    __tablename__ = "trellis_kb_votes"
    __table_args__ = (
        UniqueConstraint("app_id", "form_id", "record_id", "token", name="uq_trellis_kb_votes_browser"),
        Index("ix_trellis_kb_votes_article", "app_id", "form_id", "record_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    app_id: Mapped[str] = mapped_column(String(63))
    form_id: Mapped[str] = mapped_column(String(63))
    record_id: Mapped[int] = mapped_column(RECORD_ID)
    token: Mapped[str] = mapped_column(String(64))
    helpful: Mapped[bool] = mapped_column(Boolean)
    voted_at: Mapped[datetime] = mapped_column(UTCDateTime)


class AppSecretRow(Base):
    """A secret an administrator stored for an app's connectors, encrypted (``storage.secret_box``).

    Kept apart from the app's versions, so exporting or publishing a package never carries it.
    """

    __tablename__ = "trellis_app_secrets"

    app_id: Mapped[str] = mapped_column(String(63), primary_key=True)
    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    ciphertext: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[str] = mapped_column(String(200))


class WebSessionRow(Base):
    """A browser signed in: the cookie holds a random token, this row its hash.

    Signing out deletes the row, so a copied cookie stops working at once, although the cookie
    itself is signed and would otherwise stay valid until it expires.
    """

    __tablename__ = "trellis_web_sessions"
    __table_args__ = (Index("ix_trellis_web_sessions_user", "user_id"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 hex of the cookie's token
    user_id: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
