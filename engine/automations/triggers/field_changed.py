"""``field_changed``: an update of a record of ``form`` changed one named ``field`` (domain)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.automations.index import Finding, PackageIndex, unknown
from engine.automations.triggers.base import FORM, Happening, TriggerType


class FieldChanged(TriggerType):
    """An update that changed ``field``: other updates of the record pass it by."""

    config_schema = {
        "required": ["form", "field"],
        "properties": {**FORM, "field": {"$ref": "common.schema.json#/$defs/id"}},
    }
    listens_to = "record_updated"
    extra_names = ("before",)

    def matches(self, definition: Mapping[str, Any], happening: Happening) -> bool:
        return super().matches(definition, happening) and definition["field"] in happening.changed

    def problems(self, definition: Mapping[str, Any], index: PackageIndex) -> list[Finding]:
        found = super().problems(definition, index)
        fields = index.forms.get(definition["form"])
        if fields is not None and definition["field"] not in fields:
            found.append(unknown("field", "field", definition["field"], fields))
        return found
