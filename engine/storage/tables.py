"""Engine-owned tables (prefixed ``trellis_`` so they never collide with the tables of forms).

Form records get tables of their own, generated from form definitions; these are the engine's
bookkeeping: installed apps and their immutable versions, the audit trail and the outbox.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator


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


class RecordHistoryRow(Base):
    """Append-only: every change to a form record, field by field (old → new)."""

    __tablename__ = "trellis_record_history"
    __table_args__ = (Index("ix_trellis_record_history_record", "app_id", "form_id", "record_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    app_id: Mapped[str] = mapped_column(String(63))
    form_id: Mapped[str] = mapped_column(String(63))
    record_id: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(20))
    changes: Mapped[Any] = mapped_column(JSON)


class IdempotencyKeyRow(Base):
    """A create seen before: retrying phones get the first record back instead of a duplicate."""

    __tablename__ = "trellis_idempotency_keys"

    app_id: Mapped[str] = mapped_column(String(63), primary_key=True)
    form_id: Mapped[str] = mapped_column(String(63), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    record_id: Mapped[int] = mapped_column(Integer)
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
    field_id: Mapped[str] = mapped_column(String(63))
    record_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
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
