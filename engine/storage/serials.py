"""Serial numbers such as BX-20261125-0001: unique under concurrency, counted per period.

The counter row is incremented with one INSERT ... ON CONFLICT DO UPDATE ... RETURNING, so
two writers never get the same number on either back-end; the period (the pattern's date
parts) restarts the count each day, month or year, as the pattern says.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from engine.storage.tables import SerialCounterRow

LOCAL_ZONE = ZoneInfo("Asia/Shanghai")
PART = re.compile(r"\{([^{}]+)\}")
DATE_PARTS = {"yyyy": "%Y", "yy": "%y", "MM": "%m", "dd": "%d", "HH": "%H", "yyyyMM": "%Y%m", "yyyyMMdd": "%Y%m%d"}


def render(pattern: str, moment: datetime, number: int | None) -> str:
    local = moment.astimezone(LOCAL_ZONE)

    def part(match: re.Match[str]) -> str:
        name = match.group(1)
        if name.startswith("seq"):
            width = int(name.split(":")[1]) if ":" in name else 1
            return "{seq}" if number is None else str(number).zfill(width)
        return local.strftime(DATE_PARTS[name])

    return PART.sub(part, pattern)


_UPSERTS: dict[str, Any] = {}


def _upsert(dialect: str) -> Any:
    """The counter upsert, built once per dialect; each call only binds its parameters."""
    if dialect not in _UPSERTS:
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        _UPSERTS[dialect] = (
            insert(SerialCounterRow)
            .on_conflict_do_update(
                index_elements=["app_id", "form_id", "field_id", "period"], set_={"value": SerialCounterRow.value + 1}
            )
            .returning(SerialCounterRow.value)
        )
    return _UPSERTS[dialect]


def next_serial(session: Session, app_id: str, form_id: str, field_id: str, pattern: str, moment: datetime) -> str:
    period = render(pattern, moment, None)[:20]
    statement = _upsert(session.get_bind().dialect.name)
    params = {"app_id": app_id, "form_id": form_id, "field_id": field_id, "period": period, "value": 1}
    number = int(session.execute(statement, params).scalar_one())
    return render(pattern, moment, number)
