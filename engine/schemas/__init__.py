"""The meta-schemas of app packages (JSON files beside this module) and the validator built from them.

The schemas reference each other by ``$id``; a local ``referencing`` registry resolves those
references, so validation never touches the network. The form and flow schemas hold the keys
every field and node share; each type's own keys come from its class (see
``engine.packages.schema_assembly``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource

SCHEMA_FILES = (
    "common.schema.json",
    "form.schema.json",
    "flow.schema.json",
    "report.schema.json",
    "integration.schema.json",
    "navigation.schema.json",
    "app.schema.json",
)
BASE_URI = "https://schemas.trellis.dev/"


def load_schema(name: str) -> dict[str, Any]:
    text = resources.files(__name__).joinpath(name).read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def schema_registry(replaced: Mapping[str, dict[str, Any]] | None = None) -> Registry:
    """The meta-schemas by URI; ``replaced`` swaps some files for assembled versions of them."""
    replaced = replaced or {}
    return Registry().with_resources(
        (BASE_URI + name, Resource.from_contents(replaced.get(name) or load_schema(name))) for name in SCHEMA_FILES
    )


def build_validator(replaced: Mapping[str, dict[str, Any]] | None = None) -> Draft202012Validator:
    """The validator of a whole app package; ``replaced`` as in ``schema_registry``.

    The field and node types are not known here (this package imports no domain code): the
    caller that knows the registries, ``engine.packages.schema_assembly``, passes the form and
    flow schemas with their types merged in.
    """
    replaced = replaced or {}
    for schema in replaced.values():
        Draft202012Validator.check_schema(schema)
    schema = replaced.get("app.schema.json") or load_schema("app.schema.json")
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, registry=schema_registry(replaced))
