"""The attachment repository (storage layer): files of image and file fields and their rows.

Files live under the upload folder as ``<yyyy>/<mm>/<uuid-hex>``: nothing the user sends (file
name, declared type) decides where a file goes or how it is served. Who may read or claim a file,
and what a refusal says, belong to ``engine.services.attachments``.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from engine.forms.spec import FieldSpec
from engine.forms.types import FIELD_TYPES
from engine.forms.types.media import ATTACHMENT_ID
from engine.storage.catalog import AppCatalog
from engine.storage.database import Database
from engine.storage.tables import AttachmentRow, utcnow
from engine.storage.uploads import (
    DECODERS,
    UNLIMITED,
    DecodeBudget,
    Readable,
    UploadRefusedError,
    UploadRules,
    decodable,
    receive,
    reencode,
    safe_name,
    sniff,
    with_extension,
)

INCOMING = ".incoming"  # half-received uploads, on the same file system as their final place
SWEEP_BATCH = 500  # unclaimed uploads removed per statement
# Anonymous uploads are stored as made by ``public#<sha256 of their upload token>``: every public
# submitter is the same principal, so only the token handed to the uploader proves whose file it is.
ANONYMOUS_UPLOADER = "public#"
MAX_UPLOAD_TOKENS = 50

__all__ = ["AttachmentFile", "AttachmentRepository", "AttachmentRow", "UploadRules", "safe_name"]


@dataclass(frozen=True, slots=True)
class AttachmentFile:
    """What a download needs: where the bytes are and how to label them."""

    path: Path
    content_type: str
    name: str
    size: int
    etag: str
    is_image: bool  # re-encoded by Trellis, so safe to show inline


class AttachmentRepository:
    def __init__(self, database: Database, upload_dir: Path, catalog: AppCatalog, budget: DecodeBudget = UNLIMITED):
        self.database = database
        self.root = Path(upload_dir).resolve()
        self.catalog = catalog
        self.budget = budget  # this process's share of memory for decoding images

    def fields(self, app_id: str, form_id: str) -> dict[str, FieldSpec]:
        """The image and file fields of a form, by address: ``photo``, or ``parts.photo`` inside a sub-table."""
        with self.database.transaction() as session:
            form = self.catalog.current(session, app_id).form(form_id)
        return attachment_fields(form.spec.fields)

    # -- upload --------------------------------------------------------------------------------
    def store(
        self,
        rules: UploadRules,
        app_id: str,
        form_id: str,
        filename: str | None,
        stream: Readable,
        declared_type: str | None,
        uploader: str,
    ) -> AttachmentRow:
        """Check, transform and store one file, then its row; ``UploadRefusedError`` for a file the field refuses.

        Files are written before the row and removed again if the row does not commit, so a
        row never points at a missing file (a crash can leave an orphan file, never the reverse).
        """
        name = safe_name(filename)
        attachment_id = uuid.uuid4().hex
        now = utcnow()
        folder = PurePosixPath(f"{now:%Y}", f"{now:%m}")
        incoming = self.root / INCOMING / attachment_id
        written: list[Path] = []
        try:
            size, digest, head = receive(stream, incoming, rules, name)
            content_type, extension = sniff(incoming, head, declared_type or "")
            if not rules.allows(content_type):
                raise UploadRefusedError("type_refused", name, real=content_type)
            main = folder / attachment_id
            thumbnail = None
            width = height = None
            if decodable(content_type):
                encoded = reencode(incoming, DECODERS[content_type], name, self.budget)
                content_type, width, height = encoded.content_type, encoded.width, encoded.height
                extension = "png" if content_type == "image/png" else "jpg"
                thumbnail = folder / f"{attachment_id}-thumb"
                self._write(main, encoded.data, written)
                self._write(thumbnail, encoded.thumbnail, written)
                size, digest = len(encoded.data), hashlib.sha256(encoded.data).hexdigest()
            else:
                (self.root / main).parent.mkdir(parents=True, exist_ok=True)
                written.append(self.root / main)
                os.replace(incoming, self.root / main)
            row = AttachmentRow(
                id=attachment_id,
                app_id=app_id,
                form_id=form_id,
                field_id=rules.address or rules.field.id,
                record_id=None,
                original_name=with_extension(name, extension),
                content_type=content_type,
                size=size,
                sha256=digest,
                storage_path=str(main),
                thumbnail_path=str(thumbnail) if thumbnail else None,
                width=width,
                height=height,
                created_at=now,
                created_by=uploader,
            )
            with self.database.transaction() as session:
                session.add(row)
        except BaseException:
            for path in written:
                path.unlink(missing_ok=True)
            raise
        finally:
            incoming.unlink(missing_ok=True)
        return row

    def _write(self, relative: PurePosixPath, data: bytes, written: list[Path]) -> None:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        written.append(path)
        with path.open("xb") as out:
            out.write(data)

    # -- download ------------------------------------------------------------------------------
    def get(self, attachment_id: str) -> AttachmentRow | None:
        """The row of a well-formed attachment id, or None."""
        if not ATTACHMENT_ID.fullmatch(attachment_id):
            return None
        with self.database.transaction() as session:
            return session.get(AttachmentRow, attachment_id)

    def file(self, row: AttachmentRow, *, thumbnail: bool) -> AttachmentFile | None:
        """The stored file (or its thumbnail) of ``row``; None when it is missing from the upload folder."""
        relative = row.thumbnail_path if thumbnail else row.storage_path
        assert relative is not None
        path = (self.root / relative).resolve()
        if not path.is_relative_to(self.root) or not path.is_file():
            return None
        if thumbnail:
            stem = row.original_name.rpartition(".")[0] or row.original_name
            return AttachmentFile(path, "image/jpeg", f"{stem}-thumb.jpg", path.stat().st_size, f"{row.sha256}t", True)
        is_image = row.width is not None
        return AttachmentFile(path, row.content_type, row.original_name, row.size, row.sha256, is_image)

    # -- claim (inside the record's own transaction) -------------------------------------------
    @staticmethod
    def locked(session: Session, ids: Collection[str]) -> dict[str, AttachmentRow]:
        """The rows of ``ids``, locked until the caller's transaction ends."""
        return {
            row.id: row
            for row in session.scalars(
                select(AttachmentRow).where(AttachmentRow.id.in_(ids)).order_by(AttachmentRow.id).with_for_update()
            )
        }

    @staticmethod
    def link(session: Session, ids: Collection[str], record_id: int) -> None:
        """Link the still unlinked attachments among ``ids`` to the record."""
        session.execute(
            update(AttachmentRow)
            .where(AttachmentRow.id.in_(ids), AttachmentRow.record_id.is_(None))
            .values(record_id=record_id)
        )

    # -- unclaimed uploads -----------------------------------------------------------------------
    def unclaimed_bytes(self, created_by_prefix: str) -> int:
        """The bytes held by unclaimed uploads of uploaders starting with ``created_by_prefix``."""
        with self.database.transaction() as session:
            total = session.scalar(
                select(func.coalesce(func.sum(AttachmentRow.size), 0)).where(
                    AttachmentRow.record_id.is_(None), AttachmentRow.created_by.startswith(created_by_prefix)
                )
            )
        return int(total or 0)

    def remove_unclaimed(self, before: datetime) -> int:
        """Remove the uploads made before ``before`` that no record claimed: rows first, then their files.

        A claim locks the rows it links, and the delete only takes rows still unlinked, so a file
        is either claimed or removed, never both; half-received files of crashed uploads go too.
        """
        removed = 0
        while True:
            with self.database.transaction() as session:
                stale = select(AttachmentRow.id).where(
                    AttachmentRow.record_id.is_(None), AttachmentRow.created_at < before
                )
                ids = list(session.scalars(stale.order_by(AttachmentRow.created_at).limit(SWEEP_BATCH)))
                gone = session.execute(
                    delete(AttachmentRow)
                    .where(AttachmentRow.id.in_(ids), AttachmentRow.record_id.is_(None))
                    .returning(AttachmentRow.storage_path, AttachmentRow.thumbnail_path)
                ).all()
            for paths in gone:
                for relative in paths:
                    if relative and (self.root / relative).resolve().is_relative_to(self.root):
                        (self.root / relative).unlink(missing_ok=True)
            removed += len(gone)
            if len(ids) < SWEEP_BATCH:
                break
        cutoff = before.timestamp()
        for half in (self.root / INCOMING).glob("*"):
            if half.is_file() and half.stat().st_mtime < cutoff:
                half.unlink(missing_ok=True)
        return removed


def attachment_fields(fields: Iterable[FieldSpec]) -> dict[str, FieldSpec]:
    """Every image and file field by its address; a sub-table's own are ``<sub-table>.<field>``.

    The address is what an upload names and what its row keeps in ``field_id``: a dot, because
    it travels in a URL path segment and no field id may hold one.
    """
    found: dict[str, FieldSpec] = {}
    for field in fields:
        kind = FIELD_TYPES.get(field.type)
        if kind.holds_attachments:
            found[field.id] = field
        elif kind.holds_rows:
            for child in field.children:
                if FIELD_TYPES.get(child.type).holds_attachments:
                    found[f"{field.id}.{child.id}"] = child
    return found


def anonymous_uploader(upload_token: str) -> str:
    """Who an anonymous upload is stored as: only its token's holder can be that (see ``ANONYMOUS_UPLOADER``)."""
    return ANONYMOUS_UPLOADER + hashlib.sha256(upload_token[:200].encode()).hexdigest()


def describe(row: AttachmentRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "name": row.original_name,
        "content_type": row.content_type,
        "size": row.size,
        "width": row.width,
        "height": row.height,
        "thumbnail": row.thumbnail_path is not None,
    }
