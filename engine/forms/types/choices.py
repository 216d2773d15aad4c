"""Choice field types: select, radio, multiselect and checkbox."""

from __future__ import annotations

from typing import Any

from engine.forms.spec import FieldSpec
from engine.forms.types.base import Column, FieldType, FieldValueError, register

CHOICE_MESSAGES = {
    "not_an_option": {"en": "{label}: '{value}' is not one of the choices", "zh-CN": "{label}:“{value}”不是可选项"},
    "not_a_list": {"en": "{label} must be a list of choices", "zh-CN": "{label}应为选项列表"},
    "too_few": {"en": "{label}: choose at least {limit}", "zh-CN": "{label}至少选择 {limit} 项"},
    "too_many": {"en": "{label}: choose at most {limit}", "zh-CN": "{label}最多选择 {limit} 项"},
    "repeated": {"en": "{label}: '{value}' is chosen twice", "zh-CN": "{label}:“{value}”重复选择"},
}


def option_values(spec: FieldSpec) -> list[str]:
    return [option["value"] for option in spec.config.get("options", ())]


def _short(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 40 else text[:37] + "..."


@register
class SelectType(FieldType):
    key = "select"
    messages = CHOICE_MESSAGES

    def column(self, spec: FieldSpec) -> Column:
        return Column("string", length=200)

    def value_schema(self, spec: FieldSpec) -> dict[str, Any]:
        return {"enum": option_values(spec)}

    def clean(self, spec: FieldSpec, value: Any) -> str:
        if not isinstance(value, str) or value not in option_values(spec):
            raise FieldValueError("not_an_option", value=_short(value))
        return value


@register
class RadioType(SelectType):
    key = "radio"


@register
class MultiselectType(FieldType):
    key = "multiselect"
    messages = CHOICE_MESSAGES

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


@register
class CheckboxType(FieldType):
    key = "checkbox"
    messages = {"not_boolean": {"en": "{label} must be true or false", "zh-CN": "{label}应为“是”或“否”"}}

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
