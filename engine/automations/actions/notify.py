"""``notify``: an in-app notification to roles, groups, users or a field's people (domain)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.automations.actions.base import ActionType, Performer
from engine.expressions import Expression


class Notify(ActionType):
    """An in-app notification to ``to`` (roles, groups, users, a field of the record...)."""

    config_schema = {
        "required": ["to", "message"],
        "properties": {
            "to": {"$ref": "common.schema.json#/$defs/assignment"},
            "message": {"$ref": "common.schema.json#/$defs/text"},
        },
    }
    # who ``to`` names is checked by the package checker, as for a flow's notify node

    def run(self, definition: Mapping[str, Any], compiled: Mapping[str, Expression], performer: Performer) -> None:
        performer.notify(definition["to"], definition["message"])
