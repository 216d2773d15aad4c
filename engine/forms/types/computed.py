"""Field types the server fills in: formulas, serial numbers and the created/updated stamps."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar

from engine.forms.export_shapes import LOCAL_DATETIME, TEXT, ExportShape
from engine.forms.spec import FieldSpec
from engine.forms.types.base import FIELD_TYPES, Column, ConfigProblem, FieldType, FieldValueError, Reader
from engine.forms.types.temporal import local_text

#: the columns of results that are not numbers (a number's scale is its precision)
RESULT_COLUMNS = {
    "text": Column("text"),
    "boolean": Column("boolean"),
    "date": Column("date"),
    "datetime": Column("datetime"),
}
SERIAL_PARTS = re.compile(r"\{([^{}]*)\}")
SERIAL_KNOWN = re.compile(r"^(yyyy|yy|MM|dd|yyyyMMdd|yyyyMM|HH|seq(:\d)?)$")
#: the type whose values a formula's result reads like
RESULT_TYPES = {
    "number": "number",
    "money": "money",
    "text": "text",
    "boolean": "checkbox",
    "date": "date",
    "datetime": "datetime",
}


class ComputedType(FieldType):
    computed = True

    def value_schema(self, spec: FieldSpec) -> dict[str, Any]:
        return {"readOnly": True}

    def clean(self, spec: FieldSpec, value: Any) -> Any:
        return value


class FormulaType(ComputedType):
    key = "formula"
    formula_key = "expression"
    messages = {
        "result_not_number": "field.formula.result_not_number",
        "result_not_kind": "field.formula.result_not_kind",
    }
    config_schema = {
        "required": ["expression"],
        "properties": {
            "expression": {"$ref": "common.schema.json#/$defs/expression"},
            "result_type": {"enum": ["number", "money", "text", "boolean", "date", "datetime"]},
            "precision": {"type": "integer", "minimum": 0, "maximum": 10},
        },
    }

    def places(self, spec: FieldSpec) -> int | None:
        """Decimal places of a numeric result: ``precision`` as declared, else 6 (2 for money); None for others."""
        result_type = spec.config.get("result_type", "number")
        if result_type not in ("number", "money"):
            return None
        return int(spec.config.get("precision", 2 if result_type == "money" else 6))

    def numeric(self, spec: FieldSpec) -> bool:
        return self.places(spec) is not None

    def config_problems(self, spec: FieldSpec) -> list[ConfigProblem]:
        """``precision`` rounds numbers only: on a text or date result it would silently do nothing."""
        if "precision" in spec.config and self.places(spec) is None:
            result_type = spec.config.get("result_type")
            return [ConfigProblem("precision", "form.formula_precision", {"result_type": result_type})]
        return []

    def column(self, spec: FieldSpec) -> Column:
        """Numbers: the result type's own column (18 digits, 6 or 2 decimals), widened for more places.

        Never narrower, so declaring a ``precision`` on a formula that already holds values is a
        column the next version can keep; the value itself is rounded to ``precision`` all the same.
        """
        places = self.places(spec)
        if places is None:
            return RESULT_COLUMNS[spec.config["result_type"]]
        usual = 2 if spec.config.get("result_type") == "money" else 6
        scale = max(places, usual)
        return Column("decimal", length=18 - usual + scale, scale=scale)

    def dump(self, spec: FieldSpec, value: Any) -> Any:
        if value is None:
            return None
        places = self.places(spec)
        if places is not None:  # as declared, whatever scale the column handed back
            rounded = Decimal(value).quantize(Decimal(1).scaleb(-places))
            if "precision" not in spec.config and spec.config.get("result_type", "number") == "number":
                return format(rounded.normalize(), "f")  # no places declared: "1", "2.5", never "1.000000"
            return str(rounded)
        if spec.config.get("result_type") in ("date", "datetime"):
            return value.isoformat()
        return value

    def coerce_result(self, spec: FieldSpec, result: Any) -> Any:
        """The expression's result as the declared ``result_type`` (numbers rounded as they are stored)."""
        result_type = spec.config.get("result_type", "number")
        if result is None:
            return None
        if result_type in ("number", "money"):
            if isinstance(result, bool):
                raise FieldValueError("result_not_number")
            number = result if isinstance(result, Decimal) else Decimal(str(result))
            return number.quantize(Decimal(1).scaleb(-(self.places(spec) or 0)))
        if result_type == "text":
            return str(result)
        if result_type == "boolean":
            return bool(result)
        if result_type in ("date", "datetime") and not isinstance(result, date):
            raise FieldValueError("result_not_kind", expected=result_type)
        return result

    def export_shape(self, spec: FieldSpec) -> ExportShape:
        """A formula reads like the type of its result."""
        return FIELD_TYPES.get(RESULT_TYPES[spec.config.get("result_type", "number")]).export_shape(spec)


class SerialType(ComputedType):
    key = "serial"
    always_unique = True
    config_schema = {
        "required": ["pattern"],
        "properties": {"pattern": {"type": "string", "minLength": 1, "maxLength": 100, "pattern": "\\{seq(:\\d)?\\}"}},
    }

    def column(self, spec: FieldSpec) -> Column:
        return Column("string", length=100)

    def serial_pattern(self, spec: FieldSpec) -> str:
        return str(spec.config["pattern"])

    def config_problems(self, spec: FieldSpec) -> list[ConfigProblem]:
        """Every ``{part}`` of the pattern is one the numbering knows."""
        pattern = spec.config["pattern"]
        return [
            ConfigProblem("pattern", "form.serial_pattern", {"pattern": pattern, "part": part})
            for part in SERIAL_PARTS.findall(pattern)
            if not SERIAL_KNOWN.match(part)
        ]

    def export_shape(self, spec: FieldSpec) -> ExportShape:
        return ExportShape(TEXT.cell, width=18)


class StampType(ComputedType):
    """An alias of a system column every record has; it adds no column of its own."""

    system_column: ClassVar[str]

    def column(self, spec: FieldSpec) -> None:
        return None

    def export_shape(self, spec: FieldSpec) -> ExportShape:
        return TEXT


class MomentStampType(StampType):
    """When a record was created or changed: shown and exported in the company's time."""

    def display(self, spec: FieldSpec, value: Any, reader: Reader) -> Any:
        if isinstance(value, str):
            return local_text(value, "%Y-%m-%d %H:%M")
        return super().display(spec, value, reader)

    def export_shape(self, spec: FieldSpec) -> ExportShape:
        return LOCAL_DATETIME


class CreatedAtType(MomentStampType):
    key = "created_at"
    system_column = "created_at"


class UpdatedAtType(MomentStampType):
    key = "updated_at"
    system_column = "updated_at"


class CreatedByType(StampType):
    key = "created_by"
    system_column = "created_by"


class UpdatedByType(StampType):
    key = "updated_by"
    system_column = "updated_by"
