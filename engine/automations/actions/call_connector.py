"""``call_connector``: a call to another system through a connector of the app (domain)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.automations.actions.base import EXPRESSIONS, ActionType, Performer, evaluate_all, keyed
from engine.automations.index import Finding, PackageIndex, unknown
from engine.expressions import Expression


class CallConnector(ActionType):
    """A call through ``connector`` with ``operation``; the body is the action's ``mapping`` or, without
    one, the connector's own. The run is done when the other side acknowledged the call."""

    config_schema = {
        "required": ["connector"],
        "properties": {
            "connector": {"$ref": "common.schema.json#/$defs/id"},
            "operation": {"type": "string", "maxLength": 100},
            "mapping": EXPRESSIONS,
        },
    }

    def problems(self, definition: Mapping[str, Any], index: PackageIndex, record_form: str | None) -> list[Finding]:
        if definition["connector"] not in index.connectors:
            return [unknown("connector", "connector", definition["connector"], index.connectors)]
        return []

    def expressions(self, definition: Mapping[str, Any]) -> dict[str, str]:
        return keyed(definition, "mapping")

    def run(self, definition: Mapping[str, Any], compiled: Mapping[str, Expression], performer: Performer) -> None:
        data = evaluate_all(definition, "mapping", compiled, performer.context) if "mapping" in definition else None
        performer.call_connector(definition["connector"], definition.get("operation", ""), data)
