"""``start_flow``: start a flow on the record that triggered the automation (domain)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.automations.actions.base import ActionType, Performer
from engine.automations.index import Finding, PackageIndex, unknown
from engine.expressions import Expression


class StartFlow(ActionType):
    """Start ``flow`` on the triggering record (the flow must be one of the record's form)."""

    config_schema = {"required": ["flow"], "properties": {"flow": {"$ref": "common.schema.json#/$defs/id"}}}
    needs_record = True

    def problems(self, definition: Mapping[str, Any], index: PackageIndex, record_form: str | None) -> list[Finding]:
        flow = definition["flow"]
        if flow not in index.flows:
            return [unknown("flow", "flow", flow, index.flows)]
        if record_form is not None and index.flows[flow] != record_form:
            return [Finding("flow", "automation.flow_other_form", {"flow": flow, "form": record_form})]
        return []

    def run(self, definition: Mapping[str, Any], compiled: Mapping[str, Expression], performer: Performer) -> None:
        performer.start_flow(definition["flow"])
