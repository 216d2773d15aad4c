"""Choice field types: select, radio, multiselect and checkbox."""

from __future__ import annotations

from typing import Any

from engine.forms.export_shapes import TEXT, ExportShape, listed_cell, yes_no_cell
from engine.forms.spec import FieldSpec, localized
from engine.forms.types.base import Column, Describe, FieldType, FieldValueError, Reader
from engine.i18n import translate

CHOICE_MESSAGES = {
    "not_an_option": "field.choice.not_an_option",
    "not_a_list": "field.choice.not_a_list",
    "too_few": "field.choice.too_few",
    "too_many": "field.choice.too_many",
    "repeated": "field.choice.repeated",
}

CHOICE_CONFIG = {
    "required": ["options"],
    "properties": {
        "options": {
            "type": "array",
            "minItems": 1,
            "maxItems": 1000,
            "items": {
                "type": "object",
                "required": ["value"],
                "properties": {
                    "value": {"type": "string", "minLength": 1, "maxLength": 200},
                    "label": {"$ref": "common.schema.json#/$defs/text"},
                    "color": {"type": "string", "pattern": "^#[0-9a-fA-F]{6}$"},
                },
                "additionalProperties": False,
            },
        },
        "min_count": {"type": "integer", "minimum": 0},
        "max_count": {"type": "integer", "minimum": 1},
    },
}


def option_values(spec: FieldSpec) -> list[str]:
    return [option["value"] for option in spec.config.get("options", ())]


def options_ui(spec: FieldSpec, locale: str) -> dict[str, Any]:
    """The choices as a renderer draws them, labels in the reader's language."""
    return {
        "options": [
            {"value": o["value"], "label": localized(o.get("label"), locale, o["value"])}
            for o in spec.config["options"]
        ]
    }


def _short(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 40 else text[:37] + "..."


class SelectType(FieldType):
    key = "select"
    messages = CHOICE_MESSAGES
    config_schema = CHOICE_CONFIG

    def column(self, spec: FieldSpec) -> Column:
        return Column("string", length=200)

    def value_schema(self, spec: FieldSpec) -> dict[str, Any]:
        return {"enum": option_values(spec)}

    def clean(self, spec: FieldSpec, value: Any) -> str:
        if not isinstance(value, str) or value not in option_values(spec):
            raise FieldValueError("not_an_option", value=_short(value))
        return value

    def ui(self, spec: FieldSpec, locale: str, describe: Describe) -> dict[str, Any]:
        return options_ui(spec, locale)

    def export_shape(self, spec: FieldSpec) -> ExportShape:
        return TEXT


class RadioType(SelectType):
    key = "radio"


class MultiselectType(FieldType):
    key = "multiselect"
    messages = CHOICE_MESSAGES
    config_schema = CHOICE_CONFIG

    def column(self, spec: FieldSpec) -> Column:
        return Column("json")

    def value_schema(self, spec: FieldSpec) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "array", "items": {"enum": option_values(spec)}, "uniqueItems": True}
        if "min_count" in spec.config:
            schema["minItems"] = spec.config["min_count"]
        if "max_count" in spec.config:
            schema["maxItems"] = spec.config["max_count"]
        return schema

    def clean(self, spec: FieldSpec, value: Any) -> list[str]:
        allowed = option_values(spec)
        if not isinstance(value, list) or len(value) > len(allowed):
            raise FieldValueError("not_a_list")
        seen: list[str] = []
        for item in value:
            if not isinstance(item, str) or item not in allowed:
                raise FieldValueError("not_an_option", value=_short(item))
            if item in seen:
                raise FieldValueError("repeated", value=item)
            seen.append(item)
        if len(seen) < int(spec.config.get("min_count", 0)):
            raise FieldValueError("too_few", limit=spec.config["min_count"])
        if "max_count" in spec.config and len(seen) > int(spec.config["max_count"]):
            raise FieldValueError("too_many", limit=spec.config["max_count"])
        return seen

    def ui(self, spec: FieldSpec, locale: str, describe: Describe) -> dict[str, Any]:
        return options_ui(spec, locale)

    def export_shape(self, spec: FieldSpec) -> ExportShape:
        return ExportShape(listed_cell, width=20)


class CheckboxType(FieldType):
    key = "checkbox"
    messages = {"not_boolean": "field.checkbox.not_boolean"}

    def column(self, spec: FieldSpec) -> Column:
        return Column("boolean")

    def value_schema(self, spec: FieldSpec) -> dict[str, Any]:
        return {"type": "boolean"}

    def is_empty(self, value: Any) -> bool:
        return value is None  # False is an answer, not a missing one

    def clean(self, spec: FieldSpec, value: Any) -> bool:
        if not isinstance(value, bool):
            raise FieldValueError("not_boolean")
        return value

    def display(self, spec: FieldSpec, value: Any, reader: Reader) -> Any:
        return translate("field.yes" if value else "field.no", reader.locale)

    def export_shape(self, spec: FieldSpec) -> ExportShape:
        return ExportShape(yes_no_cell, width=8)
