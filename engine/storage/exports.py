"""Exports of a form's records to CSV and XLSX, as the values a person reads (storage layer).

Records are read in keyset batches with the records list's own filters and sort (``run_list``),
each batch in a short transaction of its own: a 100,000-record export holds one batch in memory
and never keeps SQLite's write lock (every transaction takes it) for longer than one batch.
Relations show the related record's title, resolved once per batch. Which fields appear is
decided in ``visible_fields`` alone, so hiding fields by permission will change one function.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
import unicodedata
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping
from contextlib import closing
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from decimal import Decimal
from typing import IO, Any, Protocol

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.forms.permissions import FormAccess
from engine.forms.spec import FieldSpec, Text, localized
from engine.forms.types import FIELD_TYPES
from engine.forms.types.computed import StampType
from engine.forms.types.temporal import LOCAL_ZONE
from engine.principal import Principal
from engine.storage.catalog import CompiledApp, CompiledForm
from engine.storage.record_queries import ListQuery, refuse_hidden, run_list
from engine.storage.records import RecordStore
from engine.storage.tables import AuditEventRow

BATCH_SIZE = 500
IN_CHUNK = 900  # ids per IN (...) list, well below SQLite's limit of bound parameters
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # what spreadsheets read as the start of a formula
XLSX_MAX_TEXT = 32_767  # Excel's limit per cell
SPOOL_BYTES = 16 * 1024 * 1024  # an XLSX larger than this is built in a temporary file, not in memory
SYSTEM_LABELS: Mapping[str, Text] = {
    "id": {"zh-CN": "编号", "en": "ID"},
    "created_at": {"zh-CN": "创建时间", "en": "Created at"},
    "created_by": {"zh-CN": "创建人", "en": "Created by"},
    "updated_at": {"zh-CN": "更新时间", "en": "Updated at"},
}
SYSTEM_TAIL = ("created_at", "created_by", "updated_at")  # after the fields, as the id comes before them
PARENT_ID_LABEL: Mapping[str, str] = {"zh-CN": "{form}编号", "en": "{form} ID"}
YES_NO: Mapping[str, tuple[str, str]] = {"zh-CN": ("是", "否"), "en": ("Yes", "No")}
LIST_SEPARATOR: Mapping[str, str] = {"zh-CN": "、", "en": ", "}
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"

Cell = str | int | Decimal | datetime | date | time | None


def visible_fields(access: FormAccess, fields: Iterable[FieldSpec]) -> tuple[FieldSpec, ...]:
    """The fields an export shows, in form order: stored fields the principal's export grants do not hide."""
    stored = [f for f in fields if FIELD_TYPES.get(f.type).stores_value]
    return tuple(access.visible_fields(stored, action="export"))


@dataclass(frozen=True, slots=True)
class ExportColumn:
    header: str
    number_format: str = "General"  # how XLSX shows a number, date or time in this column
    width: float = 16


class Chunks(Protocol):
    """The bytes of a download; ``close`` lets go of the file or the batches when a client leaves early."""

    def __iter__(self) -> Iterator[bytes]: ...

    def __next__(self) -> bytes: ...

    def close(self) -> None: ...


@dataclass(frozen=True, slots=True)
class Download:
    """A file on its way to the client: streamed (CSV) or already built (XLSX)."""

    file_name: str  # in the reader's language: 报修单-20261125.csv
    ascii_name: str  # for clients that do not read RFC 5987 names: repair_order-20261125.csv
    media_type: str
    chunks: Chunks
    size: int | None = None


# -- display values, one shape per field type -------------------------------------------------


@dataclass(slots=True)
class _Lookups:
    """What turning one batch of rows into cells needs besides the rows themselves."""

    locale: str
    children: dict[str, dict[int, list[dict[str, Any]]]]  # subtable field -> parent id -> rows
    links: dict[str, dict[int, list[int]]]  # multi-relation field -> record id -> target ids
    titles: dict[tuple[str, int], str]  # (target form, record id) -> title

    def title(self, target: str, record_id: int) -> str:
        return self.titles.get((target, record_id)) or str(record_id)

    def joined(self, items: Iterable[Any]) -> str:
        return LIST_SEPARATOR.get(self.locale, "、").join(str(item) for item in items)


CellMaker = Callable[[FieldSpec, Any, _Lookups], Cell]


def _places(field: FieldSpec) -> int | None:
    """Decimal places a number is shown with: the declared precision, 2 for money, else as few as exact."""
    if "precision" in field.config:
        return int(field.config["precision"])
    kind = field.config.get("result_type", "number") if field.type == "formula" else field.type
    return 2 if kind == "money" else None


def _decimal_format(field: FieldSpec) -> str:
    places = _places(field)
    if places is None:
        return "General"
    return "0." + "0" * places if places else "0"


def _text(field: FieldSpec, value: Any, lookups: _Lookups) -> Cell:
    return None if value is None else str(value)


def _listed(field: FieldSpec, value: Any, lookups: _Lookups) -> Cell:
    if isinstance(value, list):
        return lookups.joined(value)
    return _text(field, value, lookups)


def _yes_no(field: FieldSpec, value: Any, lookups: _Lookups) -> Cell:
    if value is None:
        return None
    yes, no = YES_NO.get(lookups.locale, YES_NO["en"])
    return yes if value else no


def _decimal(field: FieldSpec, value: Any, lookups: _Lookups) -> Cell:
    if value is None:
        return None
    number = Decimal(value)
    places = _places(field)
    return number.quantize(Decimal(1).scaleb(-places)) if places is not None else _plain(number)


def _plain(number: Decimal) -> Decimal:
    """2.500000 -> 2.5 and 100.000 -> 100 (never 1E+2)."""
    normal = number.normalize()
    return normal.quantize(Decimal(1)) if normal == normal.to_integral_value() else normal


def _whole(field: FieldSpec, value: Any, lookups: _Lookups) -> Cell:
    return None if value is None else int(value)


def _china_time(value: datetime | None) -> datetime | None:
    """Stored UTC moments as naive China time: what a person there reads, and what Excel can hold."""
    return None if value is None else value.astimezone(LOCAL_ZONE).replace(tzinfo=None)


def _local(field: FieldSpec, value: Any, lookups: _Lookups) -> Cell:
    return _china_time(value)


def _as_is(field: FieldSpec, value: Any, lookups: _Lookups) -> Cell:
    return value if value is None or isinstance(value, date | time) else str(value)


def _related(field: FieldSpec, value: Any, lookups: _Lookups) -> Cell:
    if value is None:
        return None
    target = field.config["target"]
    ids = value if isinstance(value, list) else [value]
    return lookups.joined(lookups.title(target, i) for i in ids)


def _count(field: FieldSpec, value: Any, lookups: _Lookups) -> Cell:
    return None if value is None else len(value)


def _address(field: FieldSpec, value: Any, lookups: _Lookups) -> Cell:
    if not isinstance(value, dict):
        return None
    return value.get("address") or f"{value.get('lat')}, {value.get('lng')}"


def _summary(field: FieldSpec, value: Any, lookups: _Lookups) -> Cell:
    """Sub-table rows in one cell: "角阀×2; 生料带×3" when rows name a record, else the row count."""
    rows: list[dict[str, Any]] = value or []
    relation = next((c for c in field.children if c.type == "relation" and not c.config.get("multiple")), None)
    if relation is None:
        return len(rows)
    quantity = next((c for c in field.children if c.type == "number"), None)
    parts = []
    for row in rows:
        target = row.get(relation.id)
        text = "" if target is None else lookups.title(relation.config["target"], target)
        amount = None if quantity is None else row.get(quantity.id)
        parts.append(text if amount is None else f"{text}×{_plain(Decimal(amount)):f}")
    return "; ".join(parts)


def _dumped(field: FieldSpec, value: Any, lookups: _Lookups) -> Cell:
    """A type this module does not know yet: its JSON form, so nothing is lost."""
    dumped = FIELD_TYPES.get(field.type).dump(field, value)
    return None if dumped is None else dumped if isinstance(dumped, str) else json.dumps(dumped, ensure_ascii=False)


@dataclass(frozen=True, slots=True)
class _Shape:
    cell: CellMaker
    number_format: str | Callable[[FieldSpec], str] = "General"
    width: int = 16


_TEXT = _Shape(_text)
_ID = _Shape(_whole, "0", 8)
_SHAPES: Mapping[str, _Shape] = {
    "text": _TEXT,
    "textarea": _Shape(_text, width=40),
    "mobile": _Shape(_text, width=14),
    "email": _Shape(_text, width=24),
    "serial": _Shape(_text, width=18),
    "select": _TEXT,
    "radio": _TEXT,
    "multiselect": _Shape(_listed, width=20),
    "checkbox": _Shape(_yes_no, width=8),
    "number": _Shape(_decimal, _decimal_format, 12),
    "money": _Shape(_decimal, _decimal_format, 12),
    "rating": _Shape(_whole, "0", 8),
    "date": _Shape(_as_is, "yyyy-mm-dd", 12),
    "datetime": _Shape(_local, DATETIME_FORMAT, 17),
    "time": _Shape(_as_is, "hh:mm", 8),
    "created_at": _Shape(_local, DATETIME_FORMAT, 17),
    "updated_at": _Shape(_local, DATETIME_FORMAT, 17),
    "created_by": _TEXT,
    "updated_by": _TEXT,
    "user": _Shape(_listed),
    "group": _Shape(_listed),
    "relation": _Shape(_related, width=20),
    "file": _Shape(_count, "0", 10),
    "image": _Shape(_count, "0", 10),
    "location": _Shape(_address, width=30),
    "subtable": _Shape(_summary, width=30),
}
_FORMULA_AS = {
    "number": "number",
    "money": "money",
    "text": "text",
    "boolean": "checkbox",
    "date": "date",
    "datetime": "datetime",
}


def _shape(field: FieldSpec) -> _Shape:
    """How a field's values read; a formula reads like the type of its result."""
    if field.type == "formula":
        return _SHAPES[_FORMULA_AS[field.config.get("result_type", "number")]]
    return _SHAPES.get(field.type) or _Shape(_dumped)


def _column(header: str, shape: _Shape, field: FieldSpec | None = None) -> ExportColumn:
    number_format = shape.number_format
    if callable(number_format):
        assert field is not None
        number_format = number_format(field)
    return ExportColumn(header, number_format, min(60, max(shape.width, _display_width(header) + 2)))


def _display_width(text: str) -> int:
    """Characters as a spreadsheet column counts them: Chinese ones are two wide."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


# -- reading records in batches ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Sheet:
    """A sub-table's own XLSX sheet: one line per row, led by the parent record's id."""

    field: FieldSpec
    title: str
    fields: tuple[FieldSpec, ...]
    columns: tuple[ExportColumn, ...]


@dataclass(frozen=True, slots=True)
class Batch:
    rows: list[list[Cell]]
    sheets: dict[str, list[list[Cell]]]  # subtable field id -> rows of its sheet


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
            _column(localized(SYSTEM_LABELS["id"], locale), _ID),
            *(_column(f.title(locale), _shape(f), f) for f in self.fields),
            *(_column(localized(SYSTEM_LABELS[key], locale), _SHAPES[key]) for key in SYSTEM_TAIL),
        )
        self.sheets = tuple(self._sheet(f) for f in self.fields if f.id in form.children)
        # with grants hiding different fields on different rows, the columns are the union: check each row
        self._per_row = any(not access.shows_everywhere(f.id, "export") for f in self.fields)
        self._first: tuple[Batch, str | None] | None = None

    def _sheet(self, field: FieldSpec) -> Sheet:
        parent = PARENT_ID_LABEL.get(self.locale, PARENT_ID_LABEL["en"]).format(form=self.title)
        children = tuple(c for c in field.children if FIELD_TYPES.get(c.type).stores_value)
        columns = (_column(parent, _ID), *(_column(c.title(self.locale), _shape(c), c) for c in children))
        return Sheet(field, field.title(self.locale), children, columns)

    def open(self, session: Session) -> None:
        rows, cursor = run_list(session, self.form, self.query, self.access.bound_filter("export"))
        self._first = (self._batch(session, rows), cursor)

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
                    rows, cursor = run_list(
                        session, self.form, replace(self.query, cursor=cursor), self.access.bound_filter("export")
                    )
                    batch = self._batch(session, rows)
        finally:
            self.service.audit(self, rows=sent, complete=complete)

    def _batch(self, session: Session, rows: list[Any]) -> Batch:
        ids = [row.id for row in rows]
        lookups = _Lookups(
            self.locale,
            children={
                f.id: RecordStore.child_rows(session, self.form, f, ids)
                for f in self.fields
                if f.id in self.form.children
            },
            links={
                f.id: RecordStore.links_of(session, self.form.links[f.id], ids)
                for f in self.fields
                if f.id in self.form.links
            },
            titles={},
        )
        self._resolve_titles(session, rows, lookups)
        main = []
        hidden = {row.id: self._hidden_on(row) for row in rows}
        for row in rows:
            cells: list[Cell] = [row.id]
            cells.extend(
                None if f.id in hidden[row.id] else _shape(f).cell(f, self._raw(f, row, lookups), lookups)
                for f in self.fields
            )
            cells.extend((_china_time(row.created_at), row.created_by, _china_time(row.updated_at)))
            main.append(cells)
        sheets = {
            sheet.field.id: [
                [parent, *(_shape(c).cell(c, child.get(c.id), lookups) for c in sheet.fields)]
                for parent in ids
                if sheet.field.id not in hidden[parent]
                for child in lookups.children[sheet.field.id][parent]
            ]
            for sheet in self.sheets
        }
        return Batch(main, sheets)

    def _hidden_on(self, row: Any) -> frozenset[str]:
        """The exported fields hidden on this row (rows rules read the stored columns alone)."""
        if not self._per_row:
            return frozenset()
        record = dict(row._mapping)
        return frozenset(f.id for f in self.fields if self.access.field_mode(f.id, record, "export") == "hidden")

    def _raw(self, field: FieldSpec, row: Any, lookups: _Lookups) -> Any:
        if field.id in lookups.children:
            return lookups.children[field.id][row.id]
        if field.id in lookups.links:
            return lookups.links[field.id][row.id]
        kind = FIELD_TYPES.get(field.type)
        if isinstance(kind, StampType):
            return getattr(row, kind.system_column)
        return getattr(row, field.id) if kind.column(field) is not None else None

    def _resolve_titles(self, session: Session, rows: list[Any], lookups: _Lookups) -> None:
        """Every related record of the batch, one query per target form (and per IN_CHUNK ids)."""
        wanted: dict[str, set[int]] = {}

        def want(field: FieldSpec, value: Any) -> None:
            if field.type == "relation" and value is not None:
                wanted.setdefault(field.config["target"], set()).update(value if isinstance(value, list) else [value])

        for field in self.fields:
            for row in rows:
                if field.id in lookups.children:
                    for child_row in lookups.children[field.id][row.id]:
                        for child in field.children:
                            want(child, child_row.get(child.id))
                else:
                    want(field, self._raw(field, row, lookups))
        for target, ids in wanted.items():
            lookups.titles.update(_titles(session, self.app.forms[target], sorted(ids)))


def _titles(session: Session, form: CompiledForm, ids: list[int]) -> dict[tuple[str, int], str]:
    """Titles of related records, deleted ones included: an old order still names its room."""
    name = form.spec.title_field
    if not name or name not in form.table.c:
        return {}
    title_field = form.spec.field(name)
    kind = FIELD_TYPES.get(title_field.type)
    found: dict[tuple[str, int], str] = {}
    table = form.table
    for start in range(0, len(ids), IN_CHUNK):
        chunk = ids[start : start + IN_CHUNK]
        for row in session.execute(select(table.c.id, table.c[name]).where(table.c.id.in_(chunk))):
            record_id: int = row[0]
            value = row[1]
            if value not in (None, ""):
                found[(form.spec.id, record_id)] = str(kind.dump(title_field, value))
    return found


class ExportService:
    """CSV and XLSX downloads of a form's records; every export leaves one audit event."""

    def __init__(self, records: RecordStore, *, batch_size: int = BATCH_SIZE) -> None:
        self.records = records
        self.database = records.database
        self.batch_size = batch_size

    def csv(
        self, principal: Principal, app_id: str, form_id: str, query: ListQuery, *, locale: str = "zh-CN"
    ) -> Download:
        """A CSV that streams: each batch is read only when the client has taken the one before."""
        export = self.open(principal, app_id, form_id, query, locale=locale, fmt="csv")
        today = datetime.now(LOCAL_ZONE).date()
        return Download(export.file_name(today), export.ascii_name(today), CSV_MEDIA_TYPE, csv_chunks(export))

    def xlsx(
        self, principal: Principal, app_id: str, form_id: str, query: ListQuery, *, locale: str = "zh-CN"
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
        return Download(export.file_name(today), export.ascii_name(today), XLSX_MEDIA_TYPE, _FileChunks(target), size)

    def open(
        self, principal: Principal, app_id: str, form_id: str, query: ListQuery, *, locale: str, fmt: str
    ) -> RecordExport:
        """Check form, permission, filters and sort, and read the first batch; errors surface here."""
        query = replace(query, limit=self.batch_size, cursor=None, deleted=False)
        with self.database.transaction() as session:
            app = self.records.catalog.current(session, app_id)
            form = app.form(form_id)
            access = self.records.authorize(principal, "export", app, form)
            refuse_hidden(query, access, "export")
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
        with self.database.transaction() as session:
            session.add(
                AuditEventRow(
                    actor=export.principal.id,
                    action="records.export",
                    subject_type="form",
                    subject_id=f"{export.app.app_id}/{export.form.spec.id}",
                    details=details,
                )
            )


# -- file formats -----------------------------------------------------------------------------


def csv_text(cell: Cell) -> str:
    """A cell as CSV text; text a spreadsheet would run as a formula gets a leading apostrophe."""
    if cell is None:
        return ""
    if isinstance(cell, str):
        return "'" + cell if cell.startswith(FORMULA_START) else cell
    if isinstance(cell, Decimal):
        return f"{cell:f}"
    if isinstance(cell, datetime):
        return f"{cell:%Y-%m-%d %H:%M}"
    if isinstance(cell, time):
        return f"{cell:%H:%M}" if not cell.second else cell.isoformat()
    if isinstance(cell, date):
        return cell.isoformat()
    return str(cell)


def csv_chunks(export: RecordExport) -> Generator[bytes, None, None]:
    """UTF-8 with a BOM (so Excel reads the Chinese right) and CRLF line ends, one chunk per batch."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)  # the "excel" dialect: CRLF, quotes only where a cell needs them
    writer.writerow([csv_text(column.header) for column in export.columns])
    yield ("\ufeff" + _drain(buffer)).encode("utf-8")
    with closing(export.batches()) as batches:
        for batch in batches:
            writer.writerows([csv_text(cell) for cell in row] for row in batch.rows)
            yield _drain(buffer).encode("utf-8")


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def write_xlsx(export: RecordExport, target: IO[bytes]) -> None:
    """The main sheet, then one sheet per sub-table; write-only, so rows go to disk as they come."""
    workbook = Workbook(write_only=True)
    used: set[str] = set()
    main = _worksheet(workbook, _sheet_name(export.title, used), export.columns)
    sheets = {
        sheet.field.id: (_worksheet(workbook, _sheet_name(sheet.title, used), sheet.columns), sheet.columns)
        for sheet in export.sheets
    }
    with closing(export.batches()) as batches:
        for batch in batches:
            for row in batch.rows:
                main.append([_xlsx_cell(main, column, cell) for column, cell in zip(export.columns, row, strict=True)])
            for field_id, rows in batch.sheets.items():
                worksheet, columns = sheets[field_id]
                for row in rows:
                    worksheet.append([_xlsx_cell(worksheet, c, cell) for c, cell in zip(columns, row, strict=True)])
    workbook.save(target)


def _worksheet(workbook: Any, name: str, columns: tuple[ExportColumn, ...]) -> Any:
    """Widths and the frozen header must be set before the first row in write-only mode."""
    sheet = workbook.create_sheet(name)
    for number, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(number)].width = column.width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for column in columns:
        cell = _xlsx_cell(sheet, column, column.header)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    return sheet


def _xlsx_cell(sheet: Any, column: ExportColumn, value: Cell) -> Any:
    if value is None:
        return None
    if isinstance(value, str):
        cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value)[:XLSX_MAX_TEXT])
        cell.data_type = "s"  # text stays text: openpyxl would store "=..." as a formula
        return cell
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = column.number_format
    return cell


def _sheet_name(title: str, used: set[str]) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\, unique regardless of case."""
    base = "".join(ch for ch in title if ch not in "[]:*?/\\").strip("' ")[:31] or "Sheet"
    name, number = base, 2
    while name.lower() in used:
        suffix = f" ({number})"
        name, number = base[: 31 - len(suffix)] + suffix, number + 1
    used.add(name.lower())
    return name


class _FileChunks:
    """A built file, read out in pieces; ``close`` (which WSGI servers call) removes it, read or not."""

    def __init__(self, file: IO[bytes], size: int = 64 * 1024) -> None:
        self.file, self.size = file, size

    def __iter__(self) -> Iterator[bytes]:
        return self

    def __next__(self) -> bytes:
        chunk = self.file.read(self.size)
        if not chunk:
            self.close()
            raise StopIteration
        return chunk

    def close(self) -> None:
        self.file.close()
