"""Field types the server fills in: formulas, serial numbers and the created/updated stamps."""

from __future__ import annotations

from typing import Any

from engine.forms.spec import FieldSpec
from engine.forms.types.base import Column, FieldType, register

RESULT_COLUMNS = {
    "number": Column("decimal", length=18, scale=6),
    "money": Column("decimal", length=18, scale=2),
    "text": Column("text"),
    "boolean": Column("boolean"),
    "date": Column("date"),
    "datetime": Column("datetime"),
}


class ComputedType(FieldType):
    computed = True

    def value_schema(self, spec: FieldSpec) -> dict[str, Any]:
        return {"readOnly": True}

    def clean(self, spec: FieldSpec, value: Any) -> Any:
        return value


@register
class FormulaType(ComputedType):
    key = "formula"

    def column(self, spec: FieldSpec) -> Column:
        return RESULT_COLUMNS[spec.config.get("result_type", "number")]

    def dump(self, spec: FieldSpec, value: Any) -> Any:
        if value is None:
            return None
        if spec.config.get("result_type", "number") in ("number", "money"):
            return str(value)
        if spec.config.get("result_type") in ("date", "datetime"):
            return value.isoformat()
        return value


@register
class SerialType(ComputedType):
    key = "serial"

    def column(self, spec: FieldSpec) -> Column:
        return Column("string", length=100)


class StampType(ComputedType):
    """An alias of a system column every record has; it adds no column of its own."""

    system_column: str

    def column(self, spec: FieldSpec) -> None:
        return None


@register
class CreatedAtType(StampType):
    key = "created_at"
    system_column = "created_at"


@register
class UpdatedAtType(StampType):
    key = "updated_at"
    system_column = "updated_at"


@register
class CreatedByType(StampType):
    key = "created_by"
    system_column = "created_by"


@register
class UpdatedByType(StampType):
    key = "updated_by"
    system_column = "updated_by"
