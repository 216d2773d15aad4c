"""How an export writes a field's values: the cell makers a field type picks from (forms domain).

A field type's ``export_shape`` names one of these, with the spreadsheet number format and column
width its values read best in. The cells are what a person reads (a relation's title, "是"/"否",
China time), and typed where a spreadsheet can compute with them (decimals, dates, counts).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any, Protocol

from engine.forms.spec import FieldSpec
from engine.forms.zone import LOCAL_ZONE
from engine.i18n import translate

Cell = str | int | Decimal | datetime | date | time | None
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"


class Lookups(Protocol):
    """What turning one batch of values into cells needs besides the values themselves."""

    @property
    def locale(self) -> str: ...

    def title(self, target: str, record_id: int) -> str:
        """A related record's title (its id when it has none)."""
        ...

    def joined(self, items: Iterable[Any]) -> str:
        """Several values in one cell, with the reader's list separator."""
        ...


CellMaker = Callable[[FieldSpec, Any, Lookups], Cell]


@dataclass(frozen=True, slots=True)
class ExportShape:
    cell: CellMaker
    number_format: str = "General"  # how XLSX shows a number, date or time in this column
    width: int = 16


def text_cell(field: FieldSpec, value: Any, lookups: Lookups) -> Cell:
    return None if value is None else str(value)


def listed_cell(field: FieldSpec, value: Any, lookups: Lookups) -> Cell:
    if isinstance(value, list):
        return lookups.joined(value)
    return text_cell(field, value, lookups)


def yes_no_cell(field: FieldSpec, value: Any, lookups: Lookups) -> Cell:
    if value is None:
        return None
    return translate("export.yes" if value else "export.no", lookups.locale)


def whole_cell(field: FieldSpec, value: Any, lookups: Lookups) -> Cell:
    return None if value is None else int(value)


def china_time(value: datetime | None) -> datetime | None:
    """Stored UTC moments as naive China time: what a person there reads, and what Excel can hold."""
    return None if value is None else value.astimezone(LOCAL_ZONE).replace(tzinfo=None)


def local_cell(field: FieldSpec, value: Any, lookups: Lookups) -> Cell:
    return china_time(value)


def as_is_cell(field: FieldSpec, value: Any, lookups: Lookups) -> Cell:
    return value if value is None or isinstance(value, date | time) else str(value)


def related_cell(field: FieldSpec, value: Any, lookups: Lookups) -> Cell:
    if value is None:
        return None
    target = field.config["target"]
    ids = value if isinstance(value, list) else [value]
    return lookups.joined(lookups.title(target, i) for i in ids)


def count_cell(field: FieldSpec, value: Any, lookups: Lookups) -> Cell:
    return None if value is None else len(value)


def address_cell(field: FieldSpec, value: Any, lookups: Lookups) -> Cell:
    if not isinstance(value, dict):
        return None
    return value.get("address") or f"{value.get('lat')}, {value.get('lng')}"


def plain(number: Decimal) -> Decimal:
    """2.500000 -> 2.5 and 100.000 -> 100 (never 1E+2)."""
    normal = number.normalize()
    return normal.quantize(Decimal(1)) if normal == normal.to_integral_value() else normal


def decimal_shape(places: int | None) -> ExportShape:
    """Numbers with ``places`` decimals, or with as few as are exact when None."""

    def cell(field: FieldSpec, value: Any, lookups: Lookups) -> Cell:
        if value is None:
            return None
        number = Decimal(value)
        return number.quantize(Decimal(1).scaleb(-places)) if places is not None else plain(number)

    number_format = "General" if places is None else "0." + "0" * places if places else "0"
    return ExportShape(cell, number_format, 12)


def dumped_shape(dump: Callable[[FieldSpec, Any], Any]) -> ExportShape:
    """A type without a shape of its own: its JSON form, so nothing is lost."""

    def cell(field: FieldSpec, value: Any, lookups: Lookups) -> Cell:
        found = dump(field, value)
        return None if found is None else found if isinstance(found, str) else json.dumps(found, ensure_ascii=False)

    return ExportShape(cell)


TEXT = ExportShape(text_cell)
WHOLE = ExportShape(whole_cell, "0", 8)
LOCAL_DATETIME = ExportShape(local_cell, DATETIME_FORMAT, 17)
