"""Structure field types: section (a heading, no value) and subtable (rows in a child table)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from engine.forms.export_shapes import ExportShape, Lookups, plain
from engine.forms.spec import FieldSpec
from engine.forms.types.base import FIELD_TYPES, Describe, FieldType, FieldValueError, Reader


class SectionType(FieldType):
    key = "section"
    stores_value = False

    def column(self, spec: FieldSpec) -> None:
        return None

    def value_schema(self, spec: FieldSpec) -> dict[str, Any]:
        return {"not": {}}

    def clean(self, spec: FieldSpec, value: Any) -> Any:
        raise FieldValueError("computed")


class SubtableType(FieldType):
    key = "subtable"
    default_rows = 200
    holds_rows = True
    config_schema = {
        "required": ["fields"],
        "properties": {
            "fields": {"type": "array", "minItems": 1, "maxItems": 100, "items": {"$ref": "#/$defs/field"}},
            "min_rows": {"type": "integer", "minimum": 0},
            "max_rows": {"type": "integer", "minimum": 1, "maximum": 1000},
        },
    }
    messages = {
        "not_rows": "field.subtable.not_rows",
        "too_many_rows": "field.subtable.too_many_rows",
        "too_few_rows": "field.subtable.too_few_rows",
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

    def ui(self, spec: FieldSpec, locale: str, describe: Describe) -> dict[str, Any]:
        return {"columns": [describe(child) for child in spec.children], "max_rows": spec.config.get("max_rows", 200)}

    def input_extras(self, spec: FieldSpec, ui: dict[str, Any], reader: Reader) -> None:
        for column, child in zip(ui["columns"], spec.children, strict=True):
            FIELD_TYPES.get(child.type).input_extras(child, column, reader)
        ui["rows"] = ui["value"] if isinstance(ui.get("value"), list) else []

    def display(self, spec: FieldSpec, value: Any, reader: Reader) -> Any:
        """Rows of text under the columns' labels."""
        if not isinstance(value, list):
            return super().display(spec, value, reader)
        columns = [(child.id, child.title(reader.locale), child) for child in spec.children]
        return {
            "columns": [label for _, label, _ in columns],
            "rows": [
                [
                    FIELD_TYPES.get(child.type).display(child, row.get(cid), reader) if row.get(cid) is not None else ""
                    for cid, _, child in columns
                ]
                for row in value
                if isinstance(row, dict)
            ],
        }

    def export_shape(self, spec: FieldSpec) -> ExportShape:
        return ExportShape(summary_cell, width=30)


def summary_cell(field: FieldSpec, value: Any, lookups: Lookups) -> str | int:
    """Sub-table rows in one cell: "角阀×2; 生料带×3" when rows name a record, else the row count."""
    rows: list[dict[str, Any]] = value or []
    relation = next((c for c in field.children if c.type == "relation" and not c.config.get("multiple")), None)
    if relation is None:
        return len(rows)
    quantity = next((c for c in field.children if c.type == "number"), None)
    parts = []
    for row in rows:
        target = row.get(relation.id)
        text = "" if target is None else lookups.title(relation.config["target"], target)
        amount = None if quantity is None else row.get(quantity.id)
        parts.append(text if amount is None else f"{text}×{plain(Decimal(amount)):f}")
    return "; ".join(parts)
