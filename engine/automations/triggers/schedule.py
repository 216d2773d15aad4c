"""``schedule``: a five-part cron (minute hour day month weekday) in the app's time zone (domain).

``croniter`` reads the cron; the worker asks ``last_due`` each round and fires a due moment once
across all workers (the service claims it in the database).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from croniter import croniter

from engine.automations.index import Finding, PackageIndex
from engine.automations.triggers.base import Happening, TriggerType


class Schedule(TriggerType):
    config_schema = {
        "required": ["cron"],
        "properties": {"cron": {"type": "string", "maxLength": 200, "pattern": "^\\s*(\\S+\\s+){4}\\S+\\s*$"}},
    }
    listens_to = "schedule"
    extra_names = ("event",)

    def matches(self, definition: Mapping[str, Any], happening: Happening) -> bool:
        return True

    def record_form(self, definition: Mapping[str, Any], index: PackageIndex) -> str | None:
        return None

    @property
    def has_record(self) -> bool:
        return False

    def problems(self, definition: Mapping[str, Any], index: PackageIndex) -> list[Finding]:
        if not croniter.is_valid(definition["cron"]):
            return [Finding("cron", "automation.bad_cron", {"cron": definition["cron"]})]
        return []

    def last_due(self, definition: Mapping[str, Any], now: datetime, zone: str) -> datetime | None:
        local = now.astimezone(ZoneInfo(zone))
        if croniter.match(definition["cron"], local.replace(second=0, microsecond=0)) and local.second == 0:
            moment = local.replace(microsecond=0)  # exactly on time: this is the due moment, not the one before
        else:
            moment = croniter(definition["cron"], local).get_prev(datetime)
        return moment.astimezone(UTC)
