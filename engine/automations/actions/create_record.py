"""``create_record``: a new record in any form of the app, its fields from expressions (domain)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.automations.actions.base import EXPRESSIONS, ActionType, Performer, evaluate_all, keyed
from engine.automations.index import Finding, PackageIndex, field_findings, unknown
from engine.expressions import Expression


class CreateRecord(ActionType):
    """A new record of ``form``, its ``fields`` computed from the triggering record (or the schedule)."""

    config_schema = {
        "required": ["form", "fields"],
        "properties": {"form": {"$ref": "common.schema.json#/$defs/id"}, "fields": EXPRESSIONS},
    }

    def problems(self, definition: Mapping[str, Any], index: PackageIndex, record_form: str | None) -> list[Finding]:
        if definition["form"] not in index.forms:
            return [unknown("form", "form", definition["form"], index.forms)]
        return field_findings("fields", index, definition["form"], definition["fields"])

    def expressions(self, definition: Mapping[str, Any]) -> dict[str, str]:
        return keyed(definition, "fields")

    def run(self, definition: Mapping[str, Any], compiled: Mapping[str, Expression], performer: Performer) -> None:
        performer.create_record(definition["form"], evaluate_all(definition, "fields", compiled, performer.context))
