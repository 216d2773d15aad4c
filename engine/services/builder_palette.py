"""The form designer's palette (services layer): every registered field type, named in the
reader's language, with the definition keys it takes and each key's JSON Schema.

The registry is asked, never a list of type names: a new field type (one module in
``engine/forms/types``) appears in the palette with its own keys, and the designer picks an input
per key from that key's schema. Keys every field shares come from ``form.schema.json``; the ones
that only make sense for a value someone types in are left out for computed and layout types.
"""

from __future__ import annotations

from typing import Any

from engine.forms.types import FIELD_TYPES, FieldType
from engine.i18n import LOCALES, translate
from engine.schemas import load_schema

#: shared keys about a value someone enters: meaningless for computed values and layout elements
ENTERED_ONLY = ("placeholder", "required", "unique", "read_only", "default", "default_expr", "required_when")
#: shared keys about a stored value: meaningless for layout elements
STORED_ONLY = ("indexed",)
NOT_EDITED = ("id", "type")  # the designer sets these itself


def _shared_keys() -> dict[str, Any]:
    field = load_schema("form.schema.json")["$defs"]["field"]
    return {key: schema for key, schema in field["properties"].items() if key not in NOT_EDITED}


def definition_keys(kind: FieldType) -> list[dict[str, Any]]:
    """The keys a field of ``kind`` may carry, in panel order: shared ones first, then the type's own."""
    dropped: set[str] = set()
    if kind.computed or not kind.stores_value:
        dropped.update(ENTERED_ONLY)
    if not kind.stores_value:
        dropped.update(STORED_ONLY)
    own = kind.config_schema or {}
    required = set(own.get("required", ()))
    keys = [{"key": k, "schema": s, "required": False} for k, s in _shared_keys().items() if k not in dropped]
    keys += [{"key": k, "schema": s, "required": k in required} for k, s in own.get("properties", {}).items()]
    return keys


def type_name(key: str, locale: str) -> str:
    return translate(f"builder.type.{key}", locale)


def field_type_palette(locale: str) -> list[dict[str, Any]]:
    """Every registered type in palette order, as ``GET /api/v1/builder/field-types`` answers it."""
    return [
        {
            "key": key,
            "name": type_name(key, locale),
            "names": {other: type_name(key, other) for other in LOCALES},
            "computed": kind.computed,
            "stores_value": kind.stores_value,
            "holds_rows": kind.holds_rows,
            "formula_key": kind.formula_key,
            "properties": definition_keys(kind),
        }
        for key, kind in FIELD_TYPES.items()
    ]
