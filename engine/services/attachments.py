"""The attachment use cases (services layer): upload, download and claim files of image and file fields.

Who may read a file is decided here: admins; its uploader until a record claims it; then whoever
may read that field of that record (asked of the record service through ``record_reader``).
Refusals are field errors in the uploader's language; files and rows are
``engine.storage.attachments.AttachmentRepository``'s.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from engine.errors import NotFoundError, SubmissionError
from engine.forms.spec import FieldSpec
from engine.forms.types import FIELD_TYPES
from engine.forms.types.media import ATTACHMENT_ID
from engine.i18n import DEFAULT_LOCALE, translate
from engine.principal import Principal
from engine.storage.attachments import (
    ANONYMOUS_UPLOADER,
    MAX_UPLOAD_TOKENS,
    AttachmentFile,
    AttachmentRepository,
    AttachmentRow,
    anonymous_uploader,
    describe,
)
from engine.storage.catalog import AppCatalog, closest
from engine.storage.database import Database
from engine.storage.records import Transaction
from engine.storage.tables import utcnow
from engine.storage.uploads import UNLIMITED, DecodeBudget, Readable, UploadRefusedError, UploadRules

#: "may this principal read this field of this record?" (principal, app, form, record id, field)
RecordReader = Callable[[Principal, str, str, int, str], bool]

__all__ = ["AttachmentFile", "AttachmentService", "UploadRules"]


class AttachmentService:
    def __init__(
        self,
        database: Database,
        upload_dir: Path,
        catalog: AppCatalog,
        record_reader: RecordReader | None = None,
        *,
        budget: DecodeBudget = UNLIMITED,
        clock: Callable[[], datetime] = utcnow,
    ):
        self.files = AttachmentRepository(database, upload_dir, catalog, budget)
        self.database = database
        self.catalog = self.files.catalog
        self.record_reader = record_reader
        self.clock = clock

    @property
    def root(self) -> Path:
        return self.files.root

    # -- permission: the one place ---------------------------------------------------------------
    def may_read(self, principal: Principal, row: AttachmentRow) -> bool:
        """Admins; the uploader until a record claims the file; then whoever may read that field of that record.

        An anonymous upload has no uploader anyone can be (see ``ANONYMOUS_UPLOADER``): before a
        record claims it, only an admin can read it, and only its upload token can claim it.
        """
        if principal.is_admin:
            return True
        if row.record_id is None:
            return not principal.anonymous and row.created_by == principal.id
        return self.record_reader is not None and self.record_reader(
            principal, row.app_id, row.form_id, row.record_id, row.field_id.partition(".")[0]
        )

    # -- upload --------------------------------------------------------------------------------
    def rules(self, app_id: str, form_id: str, field_id: str) -> UploadRules:
        """What the field takes; a field that is not an image or file field is not found."""
        fields = self.files.fields(app_id, form_id)
        if field_id not in fields:
            near = closest(field_id, fields)
            if near:
                error = NotFoundError.says("record.attachment.no_field_near", form=form_id, field=field_id, near=near)
            else:
                error = NotFoundError.says("record.attachment.no_field", form=form_id, field=field_id)
            error.details["field_id"] = field_id
            raise error
        return UploadRules.of(fields[field_id], field_id)

    @staticmethod
    def refusal(rules: UploadRules, reason: str, locale: str, name: str = "", **params: Any) -> SubmissionError:
        """A refusal of an upload to this field, as a field error the form can show under the field."""
        message = translate(
            f"record.attachment.{reason}",
            locale,
            label=rules.field.title(locale),
            name=name,
            limit=f"{rules.max_bytes / 1024 / 1024:g}",
            accepted=", ".join(rules.accept),
            **params,
        )
        error = SubmissionError(message, {rules.address or rules.field.id: [message]})
        error.code = f"attachment_{reason}"
        return error

    def upload(
        self,
        principal: Principal,
        app_id: str,
        form_id: str,
        field_id: str,
        filename: str | None,
        stream: Readable,
        declared_type: str | None,
        *,
        locale: str = DEFAULT_LOCALE,
    ) -> dict[str, Any]:
        """Check and store one file; its id goes into the field's value when the record is saved.

        An anonymous caller also gets ``upload_token``: the record that names this file must be
        sent with it (``claim``'s ``upload_tokens``), so knowing the id alone claims nothing.
        """
        rules = self.rules(app_id, form_id, field_id)
        upload_token = secrets.token_urlsafe(32) if principal.anonymous else None
        uploader = principal.id if upload_token is None else anonymous_uploader(upload_token)
        try:
            row = self.files.store(rules, app_id, form_id, filename, stream, declared_type, uploader)
        except UploadRefusedError as refused:
            raise self.refusal(rules, refused.reason, locale, **refused.params) from None
        described = describe(row)
        if upload_token is not None:
            described["upload_token"] = upload_token
        return described

    def anonymous_unclaimed_bytes(self) -> int:
        """What anonymous uploads no record has claimed hold on disk, together (their quota's measure)."""
        return self.files.unclaimed_bytes(ANONYMOUS_UPLOADER)

    def remove_unclaimed(self, older_than: timedelta) -> int:
        """Remove the uploads no record claimed within ``older_than`` (the worker calls this each round)."""
        return self.files.remove_unclaimed(self.clock() - older_than)

    # -- download ------------------------------------------------------------------------------
    def open(self, principal: Principal, attachment_id: str, *, thumbnail: bool = False) -> AttachmentFile:
        """The stored file, for those allowed to read it; everyone else learns nothing, not even that it exists."""
        row = self.files.get(attachment_id)
        if row is None or not self.may_read(principal, row):
            raise NotFoundError.says("record.attachment.not_found", id=attachment_id[:40])
        return self._stored(row, attachment_id, thumbnail)

    def open_on_record(
        self, app_id: str, form_id: str, record_id: int, fields: Collection[str], attachment_id: str, *, thumbnail: bool
    ) -> AttachmentFile:
        """A file held by one of ``fields`` of this very record - what a tracking link shows its owner
        (the caller has proved the link); any other file is not found."""
        row = self.files.get(attachment_id)
        if (
            row is None
            or (row.app_id, row.form_id, row.record_id) != (app_id, form_id, record_id)
            or row.field_id.partition(".")[0] not in fields
        ):
            raise NotFoundError.says("record.attachment.not_found", id=attachment_id[:40])
        return self._stored(row, attachment_id, thumbnail)

    def _stored(self, row: AttachmentRow, attachment_id: str, thumbnail: bool) -> AttachmentFile:
        if thumbnail and row.thumbnail_path is None:
            raise NotFoundError.says("record.attachment.no_thumbnail", id=attachment_id)
        found = self.files.file(row, thumbnail=thumbnail)
        if found is None:
            raise NotFoundError.says("record.attachment.file_missing", id=attachment_id)
        return found

    # -- claim (called by the record service inside its own transaction) ---------------------
    def claim(
        self,
        session: Transaction,
        app_id: str,
        form_id: str,
        record_id: int,
        values: Mapping[str, list[str]],
        principal: Principal,
        locale: str,
        upload_tokens: Collection[str] = (),
    ) -> dict[str, list[str]]:
        """Link the attachments named in the image and file fields of ``values`` to the record.

        Each must exist, have been uploaded for this app, form and field, and be either unlinked
        (and readable by the principal, or an anonymous upload whose token is among
        ``upload_tokens``: nobody claims someone else's fresh upload) or linked to this record
        already. Returns field errors instead of raising, so the caller can merge them
        with its own; nothing is linked unless every attachment passes.
        """
        form = self.catalog.current(session, app_id).form(form_id)
        wanted = list(_named_attachments(form.spec.fields, values))
        ids = sorted({i for *_, given in wanted for i in given if ATTACHMENT_ID.fullmatch(str(i))})
        rows = self.files.locked(session, ids)
        errors: dict[str, list[str]] = {}
        vouched = {anonymous_uploader(t) for t in list(upload_tokens)[:MAX_UPLOAD_TOKENS] if isinstance(t, str)}
        for address, error_key, field, given in wanted:
            for attachment_id in given:
                row = rows.get(str(attachment_id))
                if row is None or (
                    row.record_id is None and row.created_by not in vouched and not self.may_read(principal, row)
                ):
                    reason = "unknown"
                elif (row.app_id, row.form_id, row.field_id) != (app_id, form_id, address):
                    reason = "other_field"
                elif row.record_id not in (None, record_id):
                    reason = "other_record"
                else:
                    continue
                message = translate(f"record.attachment.{reason}", locale, label=field.title(locale), id=attachment_id)
                errors.setdefault(error_key, []).append(message)
        if not errors and ids:
            self.files.link(session, ids, record_id)
        return errors


def _named_attachments(
    fields: Iterable[FieldSpec], values: Mapping[str, Any]
) -> Iterator[tuple[str, str, FieldSpec, list[Any]]]:
    """(address, error key, field, ids) for every image or file value, sub-table rows included.

    A sub-table's file in row 2 is stored under the address ``parts.photo`` (what its upload
    named) and refused under ``parts/2/photo``, where the form shows the row's errors.
    """
    for field in fields:
        kind = FIELD_TYPES.get(field.type)
        if kind.holds_attachments and values.get(field.id):
            yield field.id, field.id, field, list(values[field.id])
        elif kind.holds_rows:
            for n, row in enumerate(values.get(field.id) or ()):
                for child in field.children:
                    if FIELD_TYPES.get(child.type).holds_attachments and isinstance(row, Mapping) and row.get(child.id):
                        yield f"{field.id}.{child.id}", f"{field.id}/{n}/{child.id}", child, list(row[child.id])
