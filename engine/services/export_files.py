"""The files an export is written as (services layer): CSV streamed batch by batch, XLSX built whole.

Both take any ``Tabular`` (an export under way): its columns, its sub-table sheets and its batches
of cells. Text a spreadsheet would run as a formula is defused in both.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Generator, Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import IO, Any, Protocol

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from engine.forms.export_shapes import Cell
from engine.forms.spec import FieldSpec

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # what spreadsheets read as the start of a formula
XLSX_MAX_TEXT = 32_767  # Excel's limit per cell


@dataclass(frozen=True, slots=True)
class ExportColumn:
    header: str
    number_format: str = "General"  # how XLSX shows a number, date or time in this column
    width: float = 16


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


class Tabular(Protocol):
    """An export under way, as the file writers see it."""

    @property
    def title(self) -> str: ...

    @property
    def columns(self) -> tuple[ExportColumn, ...]: ...

    @property
    def sheets(self) -> tuple[Sheet, ...]: ...

    def batches(self) -> Generator[Batch, None, None]: ...


class Chunks(Protocol):
    """The bytes of a download; ``close`` lets go of the file or the batches when a client leaves early."""

    def __iter__(self) -> Iterator[bytes]: ...

    def __next__(self) -> bytes: ...

    def close(self) -> None: ...


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


def csv_chunks(export: Tabular) -> Generator[bytes, None, None]:
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


def write_xlsx(export: Tabular, target: IO[bytes]) -> None:
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


class FileChunks:
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
