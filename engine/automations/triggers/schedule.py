"""``schedule``: a five-part cron (minute hour day month weekday) in the app's time zone (domain).

``croniter`` reads the cron; the worker asks ``last_due`` each round and fires a due moment once
across all workers (the service claims it in the database).

A schedule over a form's records names ``form`` (and optionally ``where``, a condition over one
record of it, relation paths allowed): a due moment then runs the automation once per live
record of ``form`` for which ``where`` holds, each run with that record as its record, so record
actions (``set_fields``, ``update_related``, ``start_flow``) work as for record triggers. At most
``MAX_SCHEDULED_RECORDS`` records match one firing; past that none runs and the firing is
recorded failed with the reason (a schedule that silently did part of its work is worse).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from croniter import croniter

from engine.automations.index import Finding, PackageIndex
from engine.automations.triggers.base import FORM, Happening, TriggerType

#: the most records one firing of a schedule over a form may run for
MAX_SCHEDULED_RECORDS = 500


class Schedule(TriggerType):
    config_schema = {
        "required": ["cron"],
        "properties": {
            "cron": {"type": "string", "maxLength": 200, "pattern": "^\\s*(\\S+\\s+){4}\\S+\\s*$"},
            **FORM,
            "where": {"$ref": "common.schema.json#/$defs/expression"},
        },
        "dependentRequired": {"where": ["form"]},
    }
    listens_to = "schedule"
    extra_names = ("event",)

    def matches(self, definition: Mapping[str, Any], happening: Happening) -> bool:
        return True

    def has_record(self, definition: Mapping[str, Any]) -> bool:
        return "form" in definition

    def problems(self, definition: Mapping[str, Any], index: PackageIndex) -> list[Finding]:
        found = super().problems(definition, index)
        if not croniter.is_valid(definition["cron"]):
            found.append(Finding("cron", "automation.bad_cron", {"cron": definition["cron"]}))
        return found

    def last_due(self, definition: Mapping[str, Any], now: datetime, zone: str) -> datetime | None:
        local = now.astimezone(ZoneInfo(zone))
        if croniter.match(definition["cron"], local.replace(second=0, microsecond=0)) and local.second == 0:
            moment = local.replace(microsecond=0)  # exactly on time: this is the due moment, not the one before
        else:
            moment = croniter(definition["cron"], local).get_prev(datetime)
        return moment.astimezone(UTC)
