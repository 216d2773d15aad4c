"""A toy field type in one file: a whole percentage, registered by the test that uses it.

Everything a field type does is here: its definition keys, how values are stored, cleaned and
refused, how a form draws it, how a page shows it and how an export writes it. Nothing else in
the engine names it.
"""

from __future__ import annotations

from typing import Any

from engine.forms.export_shapes import ExportShape, whole_cell
from engine.forms.spec import FieldSpec
from engine.forms.types import Column, FieldType, FieldValueError
from engine.forms.types.base import Describe, Reader
from engine.i18n import CATALOG

# a plug-in brings its sentences in both languages, like every catalog module
CATALOG.add(
    {"field.toy.not_percent": {"en": "{label} must be a whole percentage", "zh-CN": "{label}应为整数百分比"}},
    __name__,
)


class PercentType(FieldType):
    key = "percent"
    messages = {"not_percent": "field.toy.not_percent"}
    config_schema = {"properties": {"warn_above": {"type": "integer", "minimum": 1, "maximum": 100}}}
    input_kind = "number"
    invalid_code = "not_percent"

    def column(self, spec: FieldSpec) -> Column:
        return Column("integer")

    def value_schema(self, spec: FieldSpec) -> dict[str, Any]:
        return {"type": "integer", "minimum": 0, "maximum": 100}

    def clean(self, spec: FieldSpec, value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
            raise FieldValueError("not_percent")
        return value

    def ui(self, spec: FieldSpec, locale: str, describe: Describe) -> dict[str, Any]:
        return {"min": 0, "max": 100, "step": "1", "warn_above": spec.config.get("warn_above")}

    def display(self, spec: FieldSpec, value: Any, reader: Reader) -> Any:
        return f"{value}%"

    def export_shape(self, spec: FieldSpec) -> ExportShape:
        return ExportShape(whole_cell, "0", 9)
