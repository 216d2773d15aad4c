"""The automation designer's palette (services layer): every registered trigger and action type,
named in the reader's language, with the definition keys each takes and each key's JSON Schema.

As for field types (``builder_palette``), the registries are asked, never a list of names: a new
trigger or action type (one module in ``engine/automations``) appears in the designer with its own
keys, and the designer picks an input per key from its schema. A key that refers to a shared
definition (``common.schema.json#/$defs/assignment``) also carries that definition as
``resolved``, so the designer can offer, say, the kinds of recipient without knowing them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.automations import ACTION_TYPES, TRIGGER_TYPES
from engine.i18n import LOCALES, translate
from engine.schemas import load_schema

_COMMON = "common.schema.json#/$defs/"


def _keys(config_schema: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The keys of a type's ``config_schema`` in their order, with whether each is required."""
    required = set(config_schema.get("required", ()))
    shared = load_schema("common.schema.json")["$defs"]
    keys = []
    for key, schema in config_schema.get("properties", {}).items():
        entry: dict[str, Any] = {"key": key, "schema": schema, "required": key in required}
        ref = str(schema.get("$ref", ""))
        if ref.startswith(_COMMON) and ref[len(_COMMON) :] in shared:
            entry["resolved"] = shared[ref[len(_COMMON) :]]
        keys.append(entry)
    return keys


def _names(prefix: str, key: str) -> dict[str, str]:
    return {other: translate(f"builder.automation.{prefix}.{key}", other) for other in LOCALES}


def automation_palette(locale: str) -> dict[str, Any]:
    """``GET /api/v1/builder/automation-types``: the trigger types and the action types, in registry order.

    A trigger says whether its runs have a record (``has_record``: false for a schedule naming no
    form) and the names its expressions read beside the record's (``extra_names``); an action whether
    it needs a record (``needs_record``: refused on a schedule without a form)."""
    triggers = [
        {
            "key": key,
            "name": translate(f"builder.automation.trigger.{key}", locale),
            "names": _names("trigger", key),
            "extra_names": list(kind.extra_names),
            "properties": _keys(kind.config_schema),
        }
        for key, kind in TRIGGER_TYPES.items()
    ]
    actions = [
        {
            "key": key,
            "name": translate(f"builder.automation.action.{key}", locale),
            "names": _names("action", key),
            "needs_record": kind.needs_record,
            "properties": _keys(kind.config_schema),
        }
        for key, kind in ACTION_TYPES.items()
    ]
    return {"triggers": triggers, "actions": actions}
