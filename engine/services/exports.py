"""Exports of a form's records to CSV and XLSX, as the values a person reads (services layer).

Records are read in keyset batches with the records list's own filters and sort, each batch in a
short transaction of its own: a 100,000-record export holds one batch in memory and never keeps
SQLite's write lock (every transaction takes it) for longer than one batch. Relations show the
related record's title, resolved once per batch. Each field's type decides how its cells read
(``FieldType.export_shape``); which fields appear is decided in ``visible_fields`` alone.
"""

from __future__ import annotations

import tempfile
import unicodedata
from collections.abc import Generator, Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from engine.forms.export_shapes import LOCAL_DATETIME, TEXT, WHOLE, Cell, ExportShape, china_time
from engine.forms.permissions import FormAccess
from engine.forms.spec import FieldSpec
from engine.forms.types import FIELD_TYPES
from engine.forms.zone import LOCAL_ZONE
from engine.i18n import DEFAULT_LOCALE, translate
from engine.principal import Principal
from engine.services.export_files import (
    Batch,
    Chunks,
    ExportColumn,
    FileChunks,
    Sheet,
    csv_chunks,
    csv_text,
    write_xlsx,
)
from engine.services.list_filters import bind_query
from engine.storage.exports import StoredBatch, add_export_audit, read_batch, related_titles
from engine.storage.record_queries import ListQuery

if TYPE_CHECKING:
    from engine.services.records import RecordService
    from engine.storage.catalog import CompiledApp, CompiledForm

__all__ = ["Download", "ExportColumn", "ExportService", "RecordExport", "csv_text", "visible_fields"]

BATCH_SIZE = 500
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SPOOL_BYTES = 16 * 1024 * 1024  # an XLSX larger than this is built in a temporary file, not in memory
#: the columns every record has, with how they read: the id first, the rest after the fields
SYSTEM_COLUMNS: dict[str, ExportShape] = {
    "id": WHOLE,
    "created_at": LOCAL_DATETIME,
    "created_by": TEXT,
    "updated_at": LOCAL_DATETIME,
}
SYSTEM_TAIL = ("created_at", "created_by", "updated_at")


def visible_fields(access: FormAccess, fields: Iterable[FieldSpec]) -> tuple[FieldSpec, ...]:
    """The fields an export shows, in form order: stored fields the principal's export grants do not hide."""
    stored = [f for f in fields if FIELD_TYPES.get(f.type).stores_value]
    return tuple(access.visible_fields(stored, action="export"))


@dataclass(frozen=True, slots=True)
class Download:
    """A file on its way to the client: streamed (CSV) or already built (XLSX)."""

    file_name: str  # in the reader's language: <form name>-20261125.csv
    ascii_name: str  # for clients that do not read RFC 5987 names: repair_order-20261125.csv
    media_type: str
    chunks: Chunks
    size: int | None = None


@dataclass(slots=True)
class Lookups:
    """What turning one batch of values into cells needs (``engine.forms.export_shapes.Lookups``)."""

    locale: str
    titles: dict[tuple[str, int], str]  # (target form, record id) -> title

    def title(self, target: str, record_id: int) -> str:
        return self.titles.get((target, record_id)) or str(record_id)

    def joined(self, items: Iterable[Any]) -> str:
        return translate("export.list_separator", self.locale).join(str(item) for item in items)


def _shape(field: FieldSpec) -> ExportShape:
    return FIELD_TYPES.get(field.type).export_shape(field)


def _column(header: str, shape: ExportShape) -> ExportColumn:
    return ExportColumn(header, shape.number_format, min(60, max(shape.width, _display_width(header) + 2)))


def _display_width(text: str) -> int:
    """Characters as a spreadsheet column counts them: Chinese ones are two wide."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


class RecordExport:
    """One export under way: its columns, its sheets and the batches of records still to read.

    The first batch is read when the export opens, so an unknown field in a filter fails before
    any byte is sent; when the last batch has been handed out (or the reader gives up) the
    audit event is written with the number of rows that left.
    """

    def __init__(
        self,
        service: ExportService,
        principal: Principal,
        app: CompiledApp,
        form: CompiledForm,
        query: ListQuery,
        *,
        locale: str,
        fmt: str,
        access: FormAccess,
    ) -> None:
        self.service, self.principal, self.app, self.form = service, principal, app, form
        self.query, self.locale, self.fmt = query, locale, fmt
        self.title = form.spec.title(locale)
        self.access = access
        self.fields = visible_fields(access, form.spec.fields)
        self.columns = (
            _column(translate("export.id", locale), SYSTEM_COLUMNS["id"]),
            *(_column(f.title(locale), _shape(f)) for f in self.fields),
            *(_column(translate(f"export.{key}", locale), SYSTEM_COLUMNS[key]) for key in SYSTEM_TAIL),
        )
        self.sheets = tuple(self._sheet(f) for f in self.fields if f.id in form.children)
        # with grants hiding different fields on different rows, the columns are the union: check each row
        self._per_row = any(not access.shows_everywhere(f.id, "export") for f in self.fields)
        self._first: tuple[Batch, str | None] | None = None

    def _sheet(self, field: FieldSpec) -> Sheet:
        parent = translate("export.parent_id", self.locale, form=self.title)
        children = tuple(c for c in field.children if FIELD_TYPES.get(c.type).stores_value)
        columns = (_column(parent, WHOLE), *(_column(c.title(self.locale), _shape(c)) for c in children))
        return Sheet(field, field.title(self.locale), children, columns)

    def open(self, session: Any) -> None:
        """Read the first batch in the caller's transaction (``session`` is storage's, passed through)."""
        self._first = self._read(session, self.query)

    def file_name(self, today: date) -> str:
        stem = "".join(ch for ch in self.title if ch not in '\\/:*?"<>|' and ch.isprintable()) or self.form.spec.id
        return f"{stem}-{today:%Y%m%d}.{self.fmt}"

    def ascii_name(self, today: date) -> str:
        return f"{self.form.spec.id}-{today:%Y%m%d}.{self.fmt}"

    def batches(self) -> Generator[Batch, None, None]:
        assert self._first is not None, "open() reads the first batch"
        batch, cursor = self._first
        self._first = None
        sent, complete = 0, False
        try:
            while True:
                sent += len(batch.rows)  # counted when handed to the writer, so an aborted download shows too
                yield batch
                if cursor is None:
                    complete = True
                    return
                with self.service.database.transaction() as session:
                    batch, cursor = self._read(session, replace(self.query, cursor=cursor))
        finally:
            self.service.audit(self, rows=sent, complete=complete)

    def _read(self, session: Any, query: ListQuery) -> tuple[Batch, str | None]:
        stored = read_batch(session, self.form, query, self.access.bound_filter("export"), self.fields)
        titles = related_titles(session, self.app, self._wanted(stored))
        return self._batch(stored, Lookups(self.locale, titles)), stored.cursor

    def _batch(self, stored: StoredBatch, lookups: Lookups) -> Batch:
        main = []
        hidden = {record["id"]: self._hidden_on(record) for record in stored.records}
        for record in stored.records:
            cells: list[Cell] = [record["id"]]
            cells.extend(
                None if f.id in hidden[record["id"]] else _shape(f).cell(f, self._raw(f, record, stored), lookups)
                for f in self.fields
            )
            cells.extend((china_time(record["created_at"]), record["created_by"], china_time(record["updated_at"])))
            main.append(cells)
        sheets = {
            sheet.field.id: [
                [parent, *(_shape(c).cell(c, child.get(c.id), lookups) for c in sheet.fields)]
                for parent in stored.ids
                if sheet.field.id not in hidden[parent]
                for child in stored.children[sheet.field.id][parent]
            ]
            for sheet in self.sheets
        }
        return Batch(main, sheets)

    def _hidden_on(self, record: dict[str, Any]) -> frozenset[str]:
        """The exported fields hidden on this row (rows rules read the stored columns alone)."""
        if not self._per_row:
            return frozenset()
        return frozenset(f.id for f in self.fields if self.access.field_mode(f.id, record, "export") == "hidden")

    def _raw(self, field: FieldSpec, record: dict[str, Any], stored: StoredBatch) -> Any:
        if field.id in stored.children:
            return stored.children[field.id][record["id"]]
        if field.id in stored.links:
            return stored.links[field.id][record["id"]]
        kind = FIELD_TYPES.get(field.type)
        if kind.system_column is not None:
            return record[kind.system_column]
        return record[field.id] if kind.column(field) is not None else None

    def _wanted(self, stored: StoredBatch) -> dict[str, set[int]]:
        """Every record the batch's relations point at, by form, so their titles are read at once."""
        wanted: dict[str, set[int]] = {}

        def want(field: FieldSpec, value: Any) -> None:
            for target, record_id in FIELD_TYPES.get(field.type).linked_records(field, value):
                wanted.setdefault(target, set()).add(record_id)

        for field in self.fields:
            for record in stored.records:
                if field.id in stored.children:
                    for child_row in stored.children[field.id][record["id"]]:
                        for child in field.children:
                            want(child, child_row.get(child.id))
                else:
                    want(field, self._raw(field, record, stored))
        return wanted


class ExportService:
    """CSV and XLSX downloads of a form's records; every export leaves one audit event."""

    def __init__(self, records: RecordService, *, batch_size: int = BATCH_SIZE) -> None:
        self.records = records
        self.database = records.database
        self.batch_size = batch_size

    def csv(
        self, principal: Principal, app_id: str, form_id: str, query: ListQuery, *, locale: str = DEFAULT_LOCALE
    ) -> Download:
        """A CSV that streams: each batch is read only when the client has taken the one before."""
        export = self.open(principal, app_id, form_id, query, locale=locale, fmt="csv")
        today = datetime.now(LOCAL_ZONE).date()
        return Download(export.file_name(today), export.ascii_name(today), CSV_MEDIA_TYPE, csv_chunks(export))

    def xlsx(
        self, principal: Principal, app_id: str, form_id: str, query: ListQuery, *, locale: str = DEFAULT_LOCALE
    ) -> Download:
        """An XLSX built whole before the first byte leaves (a zip has its index at the end)."""
        export = self.open(principal, app_id, form_id, query, locale=locale, fmt="xlsx")
        target = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)
        try:
            write_xlsx(export, target)
            size = target.tell()
            target.seek(0)
        except BaseException:
            target.close()
            raise
        today = datetime.now(LOCAL_ZONE).date()
        return Download(export.file_name(today), export.ascii_name(today), XLSX_MEDIA_TYPE, FileChunks(target), size)

    def open(
        self, principal: Principal, app_id: str, form_id: str, query: ListQuery, *, locale: str, fmt: str
    ) -> RecordExport:
        """Check form, permission, filters and sort, and read the first batch; errors surface here."""
        query = replace(query, limit=self.batch_size, cursor=None, deleted=False)
        with self.database.transaction() as session:
            app = self.records.catalog.current(session, app_id)
            form = app.form(form_id)
            access = self.records.authorize(principal, "export", app, form)
            query = bind_query(query, principal, app, form, access, "export", self.records.now())
            export = RecordExport(self, principal, app, form, query, locale=locale, fmt=fmt, access=access)
            export.open(session)
        return export

    def audit(self, export: RecordExport, *, rows: int, complete: bool) -> None:
        details = {
            "format": export.fmt,
            "rows": rows,
            "complete": complete,
            "locale": export.locale,
            "filters": [list(f) for f in export.query.filters],
            "sort": export.query.sort,
        }
        if export.query.search:
            details["search"] = export.query.search
        with self.database.transaction() as session:
            add_export_audit(session, export.principal.id, f"{export.app.app_id}/{export.form.spec.id}", details)
