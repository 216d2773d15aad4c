"""Date and time field types; datetimes are stored in UTC, read in the company's time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from engine.forms.export_shapes import DATETIME_FORMAT, ExportShape, as_is_cell, local_cell
from engine.forms.spec import FieldSpec
from engine.forms.types.base import Column, FieldType, FieldValueError, Reader
from engine.forms.zone import LOCAL_ZONE as LOCAL_ZONE  # re-exported: pages read the zone from here

TEMPORAL_MESSAGES = {
    "not_date": "field.temporal.not_date",
    "not_datetime": "field.temporal.not_datetime",
    "not_time": "field.temporal.not_time",
    "in_past": "field.temporal.in_past",
    "before_min": "field.temporal.before_min",
    "after_max": "field.temporal.after_max",
}

TEMPORAL_CONFIG = {
    "properties": {
        "min": {"type": "string", "maxLength": 40},
        "max": {"type": "string", "maxLength": 40},
        "not_in_past": {"type": "boolean"},
    }
}


def _text(value: Any, code: str) -> str:
    if not isinstance(value, str) or not 0 < len(value) <= 40:
        raise FieldValueError(code)
    return value.strip()


def _bounds(spec: FieldSpec, value: Any, parse: Any) -> None:
    if "min" in spec.config and value < parse(spec.config["min"]):
        raise FieldValueError("before_min", limit=spec.config["min"])
    if "max" in spec.config and value > parse(spec.config["max"]):
        raise FieldValueError("after_max", limit=spec.config["max"])


def parse_datetime(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=LOCAL_ZONE)
    return moment.astimezone(UTC)


def local_text(value: Any, pattern: str) -> Any:
    """An ISO moment (JSON) as the company's wall-clock time; anything else as it is."""
    if isinstance(value, str):
        return datetime.fromisoformat(value).astimezone(LOCAL_ZONE).strftime(pattern)
    return value


class DateType(FieldType):
    key = "date"
    messages = TEMPORAL_MESSAGES
    config_schema = TEMPORAL_CONFIG
    input_kind = "date"
    invalid_code = "not_date"

    def column(self, spec: FieldSpec) -> Column:
        return Column("date")

    def value_schema(self, spec: FieldSpec) -> dict[str, Any]:
        return {"type": "string", "format": "date"}

    def clean(self, spec: FieldSpec, value: Any) -> date:
        try:
            day = date.fromisoformat(_text(value, "not_date"))
        except ValueError:
            raise FieldValueError("not_date") from None
        if spec.config.get("not_in_past") and day < datetime.now(LOCAL_ZONE).date():
            raise FieldValueError("in_past")
        _bounds(spec, day, date.fromisoformat)
        return day

    def dump(self, spec: FieldSpec, value: Any) -> Any:
        return None if value is None else value.isoformat()

    def export_shape(self, spec: FieldSpec) -> ExportShape:
        return ExportShape(as_is_cell, "yyyy-mm-dd", 12)


class DatetimeType(FieldType):
    key = "datetime"
    messages = TEMPORAL_MESSAGES
    config_schema = TEMPORAL_CONFIG
    input_kind = "datetime-local"
    invalid_code = "not_datetime"

    def column(self, spec: FieldSpec) -> Column:
        return Column("datetime")

    def value_schema(self, spec: FieldSpec) -> dict[str, Any]:
        return {"type": "string", "format": "date-time"}

    def clean(self, spec: FieldSpec, value: Any) -> datetime:
        try:
            moment = parse_datetime(_text(value, "not_datetime"))
        except ValueError:
            raise FieldValueError("not_datetime") from None
        if spec.config.get("not_in_past") and moment < datetime.now(UTC):
            raise FieldValueError("in_past")
        _bounds(spec, moment, parse_datetime)
        return moment

    def dump(self, spec: FieldSpec, value: Any) -> Any:
        return None if value is None else value.astimezone(UTC).isoformat()

    def input_extras(self, spec: FieldSpec, ui: dict[str, Any], reader: Reader) -> None:
        if isinstance(ui.get("value"), str):
            ui["value"] = local_text(ui["value"], "%Y-%m-%dT%H:%M")  # what a datetime-local input takes

    def display(self, spec: FieldSpec, value: Any, reader: Reader) -> Any:
        if isinstance(value, str):
            return local_text(value, "%Y-%m-%d %H:%M")
        return super().display(spec, value, reader)

    def export_shape(self, spec: FieldSpec) -> ExportShape:
        return ExportShape(local_cell, DATETIME_FORMAT, 17)


class TimeType(FieldType):
    key = "time"
    messages = TEMPORAL_MESSAGES
    config_schema = TEMPORAL_CONFIG
    input_kind = "time"
    invalid_code = "not_time"

    def column(self, spec: FieldSpec) -> Column:
        return Column("time")

    def value_schema(self, spec: FieldSpec) -> dict[str, Any]:
        return {"type": "string", "pattern": r"^\d{2}:\d{2}(:\d{2})?$"}

    def clean(self, spec: FieldSpec, value: Any) -> time:
        try:
            moment = time.fromisoformat(_text(value, "not_time"))
        except ValueError:
            raise FieldValueError("not_time") from None
        if moment.tzinfo is not None:
            raise FieldValueError("not_time")
        _bounds(spec, moment, time.fromisoformat)
        return moment

    def dump(self, spec: FieldSpec, value: Any) -> Any:
        return None if value is None else value.isoformat()

    def export_shape(self, spec: FieldSpec) -> ExportShape:
        return ExportShape(as_is_cell, "hh:mm", 8)
