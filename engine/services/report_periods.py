"""The previous period of a report (services layer): what a KPI card compares its value with.

The previous period is the report's own date window shifted back by its own length:

* a date range the viewer chose (``field__ge`` and ``field__lt`` on one field, as a dashboard's
  ``date_range`` filter and the report page send) compares with the equal-length range just before
  it (1-31 January compares with 1-31 December);
* otherwise a ``within_last`` filter of the definition (``P1D``: the last 24 hours) compares with the
  same length just before it (the 24 hours before those);
* a report with neither has no previous period (its card shows no change).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from engine.expressions.dates import parse_duration
from engine.reports.results import Raw, fixed_filter
from engine.reports.spec import ReportSpec


@dataclass(frozen=True, slots=True)
class Previous:
    spec: ReportSpec  # the report to run for the previous period (a within_last filter taken out)
    viewer: list[Raw]  # the viewer's filters with the previous window in place of the current one
    start: str
    end: str  # exclusive


def previous_period(spec: ReportSpec, viewer: Sequence[Raw], now: datetime, zone: ZoneInfo) -> Previous | None:
    ends: dict[str, dict[str, str]] = {}
    for path, op, raw in viewer:
        if op in ("ge", "lt"):
            ends.setdefault(path, {})[op] = raw
    for path, found in ends.items():
        if "ge" not in found or "lt" not in found:
            continue
        start, end = _moment(found["ge"]), _moment(found["lt"])
        if start is None or end is None or type(start) is not type(end) or not end > start:
            continue
        length = end - start
        earlier = start - length
        kept = [(p, o, r) for p, o, r in viewer if not (p == path and o in ("ge", "lt"))]
        window = [(path, "ge", earlier.isoformat()), (path, "lt", start.isoformat())]
        return Previous(spec, [*kept, *window], earlier.isoformat(), start.isoformat())
    for flt in spec.filters:
        if flt.op != "within_last":
            continue
        length = parse_duration(flt.value)
        (path, _, begin), *_ = fixed_filter(flt, zone, now - length)
        (_, _, stop), *_ = fixed_filter(flt, zone, now)
        rest = tuple(f for f in spec.filters if f is not flt)
        window = [(path, "ge", begin), (path, "lt", stop)]
        return Previous(replace(spec, filters=rest), [*viewer, *window], begin, stop)
    return None


def _moment(raw: str) -> date | datetime | None:
    try:
        return date.fromisoformat(raw) if len(raw) == 10 else datetime.fromisoformat(raw)
    except ValueError:
        return None


def kpi(spec: ReportSpec, totals: Mapping[str, Any], previous: Mapping[str, Any] | None, window: Any) -> dict[str, Any]:
    """A KPI card's numbers: its measure's value, the previous period's and the relative change."""
    measure = (list(spec.chart.get("y") or []) or [spec.measures[0].id])[0]
    value = totals.get(measure)
    before = previous.get(measure) if previous is not None else None
    now, then = _number(value), _number(before)
    change = trend = None
    if now is not None and then is not None:
        change = (now - then) / abs(then) if then else (0.0 if now == 0 else None)
        trend = "up" if now > then else "down" if now < then else "flat"
    answer: dict[str, Any] = {"measure": measure, "value": value, "previous": before, "change": change, "trend": trend}
    if window is not None:
        answer["previous_window"] = {"from": window.start, "to": window.end}
    return answer


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)
