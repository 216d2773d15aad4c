"""The kinds a report is built from (reports domain): time buckets and measures, one registry each.

A new bucket or measure kind is one entry here. A bucket says how a local wall-clock moment is
labelled (``label``, which SQLite runs as a registered function), the PostgreSQL expression that
gives the same label from the local timestamp ``{v}`` (``pg``), and the half-open range of local
moments a label stands for (``span``, what a drill-down filters on; None: a cyclic bucket such as
the hour of the day, filtered by its own records-API operator). A measure kind says whether it
reads a field, which kinds of field it accepts, the SQL aggregate storage computes it with, or -
for a derived measure - that pandas computes it from other measures of the grouped result.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

NUMERIC = frozenset({"integer", "decimal"})
ORDERED = frozenset({"integer", "decimal", "date", "datetime", "time"})
TEMPORAL = frozenset({"date", "datetime"})


@dataclass(frozen=True, slots=True)
class BucketKind:
    name: str
    label: Callable[[datetime], Any]
    pg: str  # SQL over ``{v}``, a local ``timestamp without time zone``
    span: Callable[[str], tuple[datetime, datetime]] | None = None
    cyclic_op: str | None = None  # the records-API operator a cyclic bucket's drill-down uses


def _month_start(year: int, month: int) -> datetime:
    return datetime(year + (month - 1) // 12, (month - 1) % 12 + 1, 1)


def _hour_span(label: str) -> tuple[datetime, datetime]:
    start = datetime.strptime(label, "%Y-%m-%d %H:00")
    return start, start + timedelta(hours=1)


def _day_span(label: str) -> tuple[datetime, datetime]:
    start = datetime.combine(date.fromisoformat(label), datetime.min.time())
    return start, start + timedelta(days=1)


def _week_span(label: str) -> tuple[datetime, datetime]:
    start = datetime.combine(date.fromisoformat(label), datetime.min.time())
    return start, start + timedelta(days=7)


def _month_span(label: str) -> tuple[datetime, datetime]:
    year, month = (int(part) for part in label.split("-"))
    return _month_start(year, month), _month_start(year, month + 1)


def _quarter_span(label: str) -> tuple[datetime, datetime]:
    year, quarter = label.split("-Q")
    first = (int(quarter) - 1) * 3 + 1
    return _month_start(int(year), first), _month_start(int(year), first + 3)


def _year_span(label: str) -> tuple[datetime, datetime]:
    return datetime(int(label), 1, 1), datetime(int(label) + 1, 1, 1)


BUCKETS: dict[str, BucketKind] = {
    kind.name: kind
    for kind in (
        BucketKind("hour", lambda m: m.strftime("%Y-%m-%d %H:00"), "to_char({v}, 'YYYY-MM-DD HH24:00')", _hour_span),
        BucketKind("day", lambda m: m.strftime("%Y-%m-%d"), "to_char({v}, 'YYYY-MM-DD')", _day_span),
        BucketKind(
            "week",
            lambda m: (m.date() - timedelta(days=m.weekday())).isoformat(),
            "to_char(date_trunc('week', {v}), 'YYYY-MM-DD')",
            _week_span,
        ),
        BucketKind("month", lambda m: m.strftime("%Y-%m"), "to_char({v}, 'YYYY-MM')", _month_span),
        BucketKind(
            "quarter", lambda m: f"{m.year:04d}-Q{(m.month - 1) // 3 + 1}", "to_char({v}, 'YYYY-\"Q\"Q')", _quarter_span
        ),
        BucketKind("year", lambda m: f"{m.year:04d}", "to_char({v}, 'YYYY')", _year_span),
        BucketKind("hour_of_day", lambda m: m.hour, "CAST(extract(hour from {v}) AS INTEGER)", cyclic_op="hour"),
        BucketKind(
            "weekday", lambda m: m.isoweekday(), "CAST(extract(isodow from {v}) AS INTEGER)", cyclic_op="weekday"
        ),
    )
}


@dataclass(frozen=True, slots=True)
class MeasureKind:
    name: str
    field: str  # "none", "optional" or "required"
    accepts: frozenset[str] | None = None  # the column kinds the field may have (None: any)
    sql: str | None = None  # the aggregate storage computes (None: derived from other measures)
    needs: tuple[str, ...] = ()  # keys the measure must also carry

    @property
    def derived(self) -> bool:
        """Worked out from the measures before it (share, ratio, calc), not aggregated by storage."""
        return self.sql is None


MEASURES: dict[str, MeasureKind] = {
    kind.name: kind
    for kind in (
        MeasureKind("count", "optional", sql="count"),
        MeasureKind("count_distinct", "required", sql="count_distinct"),
        MeasureKind("sum", "required", NUMERIC, sql="sum"),
        MeasureKind("avg", "required", NUMERIC, sql="avg"),
        MeasureKind("min", "required", ORDERED, sql="min"),
        MeasureKind("max", "required", ORDERED, sql="max"),
        MeasureKind("median", "required", NUMERIC, sql="percentile"),
        MeasureKind("percentile", "required", NUMERIC, sql="percentile", needs=("p",)),
        MeasureKind("share", "none", needs=("of",)),
        MeasureKind("ratio", "none", needs=("expression",)),
        MeasureKind("calc", "none", needs=("expression",)),
    )
}

#: the records-API operators a report filter's own operator is written as (``between`` and ``within_last`` expand)
FILTER_OPS = (
    "eq",
    "ne",
    "lt",
    "le",
    "gt",
    "ge",
    "in",
    "not_in",
    "between",
    "is_null",
    "not_null",
    "contains",
    "within_last",
    "current",
)

#: the buckets a ``current`` filter names: the calendar day, week, month, quarter or year holding "now"
CURRENT = ("day", "week", "month", "quarter", "year")


def current_span(kind: str, local_now: datetime) -> tuple[datetime, datetime]:
    """The half-open range of local wall-clock moments of the ``kind`` bucket that holds ``local_now``
    (naive, in the app's zone): ``current`` ``month`` at 10 March 2026 is 1 March - 1 April."""
    bucket = BUCKETS[kind]
    if bucket.span is None:
        raise ValueError(kind)
    return bucket.span(str(bucket.label(local_now.replace(tzinfo=None))))
