"""Date and time helpers: now(), today(), days_between(), hours_between(), add_days(),
add_hours() and ISO-8601 durations.

Time zones: ``now()`` is an aware date-time in the company's zone (Asia/Shanghai); a naive date-time from a
record is taken as server-local time, so naive and aware values mix without Python's
"can't subtract offset-naive and offset-aware" error. Dates may also be ISO-8601 text, as they
arrive from JSON. Hours come back as Decimals, so ``hours_between(a, b) * hourly_rate`` stays
exact. ``days_between`` counts calendar days of the dates as recorded, without converting
zones. Every helper passes an empty value (None) through.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from engine.expressions.errors import ExpressionRuntimeError
from engine.expressions.phrases import phrase
from engine.expressions.values import as_moment, local, needs, to_decimal

# PnW or PnDTnHnMnS (each part optional, seconds may have decimals); leading "-" negates.
_DURATION = re.compile(
    r"(?P<sign>-)?P(?:(?P<weeks>\d+)W|(?:(?P<days>\d+)D)?"
    r"(?:T(?=\d)(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+(?:[.,]\d+)?)S)?)?)",
    re.ASCII,
)
_UNITS = {"weeks": 604_800, "days": 86_400, "hours": 3_600, "minutes": 60}
_MAX_DAYS = 3_650_000  # 10,000 years: beyond this no calendar can follow


#: The company's time zone, where ``now()`` and ``today()`` read the clock: a server kept in UTC
#: must still answer today's date in China after 16:00 UTC. (An app has no time zone of its own.)
COMPANY_ZONE = ZoneInfo("Asia/Shanghai")


def app_zone(document: Mapping[str, Any]) -> ZoneInfo:
    """The time zone an app's reports bucket and filter dates in: its package's ``time_zone`` (an IANA
    name, checked at validation), else the company's default."""
    name = document.get("time_zone")
    if not isinstance(name, str) or not name:
        return COMPANY_ZONE
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return COMPANY_ZONE


def now() -> datetime:
    """The current date-time, aware, in the company's time zone."""
    return datetime.now(COMPANY_ZONE)


def today() -> date:
    """Today's date in the company's time zone."""
    return now().date()


def _day(value: Any, helper: str) -> date:
    """The calendar date of a value, as written where it was recorded (no zone conversion)."""
    moment = as_moment(value, helper)
    return moment.date() if isinstance(moment, datetime) else moment


def _instant(value: Any, helper: str) -> datetime:
    moment = as_moment(value, helper)
    if not isinstance(moment, datetime):
        moment = datetime.combine(moment, time())
    return local(moment)


def days_between(start: Any, end: Any) -> int | None:
    """Calendar days from ``start`` to ``end`` (negative if ``end`` is earlier); times are ignored."""
    if start is None or end is None:
        return None
    return (_day(end, "days_between") - _day(start, "days_between")).days


def hours_between(start: Any, end: Any) -> Decimal | None:
    """Elapsed hours from ``start`` to ``end`` as a Decimal: 90 minutes -> Decimal('1.5')."""
    if start is None or end is None:
        return None
    elapsed = _instant(end, "hours_between") - _instant(start, "hours_between")
    seconds = Decimal(elapsed.days * 86_400 + elapsed.seconds) + Decimal(elapsed.microseconds) / 1_000_000
    return seconds / 3600


def _amount(value: Any, helper: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise ExpressionRuntimeError(needs(helper, "number_to_add", value))
    amount = to_decimal(value)
    if not amount.is_finite() or abs(amount) > _MAX_DAYS * 24:
        raise ExpressionRuntimeError(phrase("expression.date_out_of_range", helper=helper, value=value))
    return amount


def _shift(moment: date, delta: timedelta, helper: str) -> date:
    try:
        return moment + delta
    except OverflowError:
        raise ExpressionRuntimeError(phrase("expression.beyond_years", helper=helper)) from None


def add_days(value: Any, days: Any) -> date | None:
    """The date (or date-time) ``days`` later; negative goes back. A date only moves whole days."""
    if value is None or days is None:
        return None
    amount = _amount(days, "add_days")
    moment = as_moment(value, "add_days")
    whole = not isinstance(moment, datetime)  # a date moves whole days: -1.5 is -1, not -2
    return _shift(moment, timedelta(days=int(amount) if whole else float(amount)), "add_days")


def add_hours(value: Any, hours: Any) -> datetime | None:
    """The date-time ``hours`` later; a date counts from its midnight, server time."""
    if value is None or hours is None:
        return None
    amount = _amount(hours, "add_hours")
    return _shift(_instant(value, "add_hours"), timedelta(hours=float(amount)), "add_hours")  # type: ignore[return-value]


def parse_duration(text: str) -> timedelta:
    """An ISO-8601 duration such as ``PT4H``, ``P1DT12H``, ``P2W`` or ``-PT30M`` as a timedelta.

    Years and months are refused: their length depends on the calendar, so "P1M" would be
    29 to 31 days depending on when it is applied; write days instead.
    """
    cleaned = text.strip().upper() if isinstance(text, str) and len(text) <= 64 else ""
    found = _DURATION.fullmatch(cleaned)
    if not found or cleaned in ("P", "-P"):
        calendar = cleaned.lstrip("-").partition("T")[0]
        if calendar.startswith("P") and ("Y" in calendar or "M" in calendar):
            hint = phrase("expression.hint.duration_days")
        else:
            hint = phrase("expression.hint.duration_form")
        raise ExpressionRuntimeError(phrase("expression.not_duration", text=text), hint=hint, params={"text": text})
    seconds = Decimal((found.group("seconds") or "0").replace(",", "."))
    for unit, size in _UNITS.items():
        seconds += int(found.group(unit) or 0) * size
    if seconds > _MAX_DAYS * 86_400:
        raise ExpressionRuntimeError(phrase("expression.duration_too_long", text=text), params={"text": text})
    delta = timedelta(seconds=float(seconds))
    return -delta if found.group("sign") else delta


def duration(value: Any) -> timedelta | None:
    """``duration('PT4H')`` for comparisons and arithmetic: ``now() - created_at > duration('PT24H')``."""
    if value is None or isinstance(value, timedelta):
        return value
    if not isinstance(value, str):
        raise ExpressionRuntimeError(needs("duration", "duration_text", value))
    return parse_duration(value)


DATE_HELPERS: dict[str, Callable[..., Any]] = {
    "now": now,
    "today": today,
    "days_between": days_between,
    "hours_between": hours_between,
    "add_days": add_days,
    "add_hours": add_hours,
    "duration": duration,
}
