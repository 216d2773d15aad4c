"""The package meta-schema assembled from the type registries (packages layer).

``form.schema.json``, ``flow.schema.json`` and ``integration.schema.json`` hold the keys every
field, node, automation trigger and action share.
Here the registries fill in the rest: the list of type names, and one ``if type is ... then``
branch per type's ``config_schema`` (types sharing one schema object share one branch). So a new
field or node type is one file, and the schema checks its keys like any built-in's.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

from jsonschema import Draft202012Validator

from engine.automations import ACTION_TYPES, TRIGGER_TYPES
from engine.flows.nodes import NODE_TYPES
from engine.forms.types import FIELD_TYPES
from engine.registry import Registry
from engine.schemas import build_validator, load_schema


def with_types(schema: dict[str, Any], definition: str, types: Iterable[tuple[str, Any]]) -> dict[str, Any]:
    """``schema`` with ``$defs/<definition>`` listing ``types`` and checking each one's own keys.

    ``types`` are (key, type) pairs in palette order; each type has a ``config_schema`` class attribute.
    """
    found = list(types)
    groups: dict[int, tuple[list[str], Mapping[str, Any]]] = {}
    for key, kind in found:
        if kind.config_schema:
            groups.setdefault(id(kind.config_schema), ([], kind.config_schema))[0].append(key)
    branches = [
        {
            "if": {"properties": {"type": {"const": keys[0]} if len(keys) == 1 else {"enum": keys}}},
            "then": copy.deepcopy(dict(config)),
        }
        for keys, config in groups.values()
    ]
    assembled = copy.deepcopy(schema)
    base = assembled["$defs"][definition]
    base["properties"]["type"] = {"enum": [key for key, _ in found]}
    # allOf goes before unevaluatedProperties, where it stood when the branches were written by hand
    tail = {k: base.pop(k) for k in list(base) if k == "unevaluatedProperties"}
    base.update({"allOf": branches, **tail})
    return assembled


def form_schema() -> dict[str, Any]:
    """``form.schema.json`` with every registered field type."""
    return with_types(load_schema("form.schema.json"), "field", FIELD_TYPES.items())


def flow_schema() -> dict[str, Any]:
    """``flow.schema.json`` with every registered node type."""
    return with_types(load_schema("flow.schema.json"), "node", NODE_TYPES.items())


def integration_schema() -> dict[str, Any]:
    """``integration.schema.json`` with every registered trigger and action type of automations."""
    schema = with_types(load_schema("integration.schema.json"), "trigger", TRIGGER_TYPES.items())
    return with_types(schema, "action", ACTION_TYPES.items())


def assembled_schemas() -> dict[str, dict[str, Any]]:
    """The schema files that depend on the registries, by file name."""
    return {
        "form.schema.json": form_schema(),
        "flow.schema.json": flow_schema(),
        "integration.schema.json": integration_schema(),
    }


def app_validator() -> Draft202012Validator:
    """The package validator for the types registered now (rebuilt only when a registry changed)."""
    return _validator(
        _signature(FIELD_TYPES), _signature(NODE_TYPES), _signature(TRIGGER_TYPES), _signature(ACTION_TYPES)
    )


def _signature(registry: Registry[Any]) -> tuple[tuple[str, int], ...]:
    return tuple((key, id(item)) for key, item in registry.items())


Signature = tuple[tuple[str, int], ...]


@lru_cache(maxsize=4)
def _validator(fields: Signature, nodes: Signature, triggers: Signature, actions: Signature) -> Draft202012Validator:
    return build_validator(assembled_schemas())
