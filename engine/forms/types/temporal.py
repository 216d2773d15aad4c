"""Date and time field types; datetimes are stored in UTC, read in the company's time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from engine.forms.spec import FieldSpec
from engine.forms.types.base import Column, FieldType, FieldValueError, register

LOCAL_ZONE = ZoneInfo("Asia/Shanghai")  # naive datetimes from phones are local time in China
TEMPORAL_MESSAGES = {
    "not_date": {"en": "{label} must be a date like 2026-03-01", "zh-CN": "{label}应为日期,如 2026-03-01"},
    "not_datetime": {
        "en": "{label} must be a date and time like 2026-03-01T09:30",
        "zh-CN": "{label}应为日期时间,如 2026-03-01T09:30",
    },
    "not_time": {"en": "{label} must be a time like 09:30", "zh-CN": "{label}应为时间,如 09:30"},
    "in_past": {"en": "{label} cannot be in the past", "zh-CN": "{label}不能早于当前时间"},
    "before_min": {"en": "{label} cannot be before {limit}", "zh-CN": "{label}不能早于 {limit}"},
    "after_max": {"en": "{label} cannot be after {limit}", "zh-CN": "{label}不能晚于 {limit}"},
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


@register
class DateType(FieldType):
    key = "date"
    messages = TEMPORAL_MESSAGES

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


@register
class DatetimeType(FieldType):
    key = "datetime"
    messages = TEMPORAL_MESSAGES

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


@register
class TimeType(FieldType):
    key = "time"
    messages = TEMPORAL_MESSAGES

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
