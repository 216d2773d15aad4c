"""The meta-schemas of app packages (JSON files beside this module) and the validator built from them.

The schemas reference each other by ``$id``; a local ``referencing`` registry resolves those
references, so validation never touches the network.
"""

from __future__ import annotations

import json
from functools import cache
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
    "app.schema.json",
)
BASE_URI = "https://schemas.trellis.dev/"


def load_schema(name: str) -> dict[str, Any]:
    text = resources.files(__name__).joinpath(name).read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@cache
def schema_registry() -> Registry:
    resources_ = [Resource.from_contents(load_schema(name)) for name in SCHEMA_FILES]
    return Registry().with_resources((BASE_URI + name, res) for name, res in zip(SCHEMA_FILES, resources_, strict=True))


@cache
def app_validator() -> Draft202012Validator:
    """The validator of a whole app package, built once per process."""
    schema = load_schema("app.schema.json")
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, registry=schema_registry())
