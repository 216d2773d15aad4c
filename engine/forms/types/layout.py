"""Structure field types: section (a heading, no value) and subtable (rows in a child table)."""

from __future__ import annotations

from typing import Any

from engine.forms.spec import FieldSpec
from engine.forms.types.base import FieldType, FieldValueError, register


@register
class SectionType(FieldType):
    key = "section"
    stores_value = False

    def column(self, spec: FieldSpec) -> None:
        return None

    def value_schema(self, spec: FieldSpec) -> dict[str, Any]:
        return {"not": {}}

    def clean(self, spec: FieldSpec, value: Any) -> Any:
        raise FieldValueError("computed")


@register
class SubtableType(FieldType):
    key = "subtable"
    default_rows = 200
    messages = {
        "not_rows": {"en": "{label} must be a list of rows", "zh-CN": "{label}应为明细行列表"},
        "too_many_rows": {"en": "{label} allows at most {limit} rows", "zh-CN": "{label}最多 {limit} 行"},
        "too_few_rows": {"en": "{label} needs at least {limit} rows", "zh-CN": "{label}至少需要 {limit} 行"},
    }

    def max_rows(self, spec: FieldSpec) -> int:
        return int(spec.config.get("max_rows", self.default_rows))

    def column(self, spec: FieldSpec) -> None:
        return None  # rows live in a child table

    def value_schema(self, spec: FieldSpec) -> dict[str, Any]:
        return {"type": "array", "maxItems": self.max_rows(spec), "items": {"type": "object"}}

    def clean(self, spec: FieldSpec, value: Any) -> list[dict[str, Any]]:
        """Checks the shape only; the form validator cleans every row with the child fields."""
        if not isinstance(value, list) or not all(isinstance(row, dict) for row in value):
            raise FieldValueError("not_rows")
        if len(value) > self.max_rows(spec):
            raise FieldValueError("too_many_rows", limit=self.max_rows(spec))
        if len(value) < int(spec.config.get("min_rows", 0)):
            raise FieldValueError("too_few_rows", limit=spec.config["min_rows"])
        return value
