"""Deadlines in business hours: "30 minutes" reported at 17:50 on a Friday is due Monday 09:20.

The working week is Monday to Friday, 09:00-18:00, in the company's time zone (Asia/Shanghai
unless told otherwise); holidays are not modelled yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True, slots=True)
class WorkingHours:
    zone: str = "Asia/Shanghai"
    opens: time = time(9, 0)
    closes: time = time(18, 0)
    workdays: frozenset[int] = frozenset({0, 1, 2, 3, 4})  # Monday = 0

    def deadline(self, start: datetime, length: timedelta) -> datetime:
        """``start`` plus ``length`` of working time (both aware; the result is in UTC)."""
        zone = ZoneInfo(self.zone)
        moment = start.astimezone(zone)
        left = length
        for _ in range(3700):  # ten years of days: enough for any SLA, and never an endless loop
            day_open = datetime.combine(moment.date(), self.opens, zone)
            day_close = datetime.combine(moment.date(), self.closes, zone)
            if moment.weekday() in self.workdays and moment < day_close:
                moment = max(moment, day_open)
                available = day_close - moment
                if left <= available:
                    return (moment + left).astimezone(UTC)
                left -= available
            moment = datetime.combine(moment.date() + timedelta(days=1), self.opens, zone)
        return (start + length).astimezone(UTC)


DEFAULT_HOURS = WorkingHours()


def deadline(
    start: datetime, length: timedelta, *, business_hours: bool, hours: WorkingHours = DEFAULT_HOURS
) -> datetime:
    return hours.deadline(start, length) if business_hours else start + length
