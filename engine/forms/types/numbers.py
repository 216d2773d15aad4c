"""Numeric field types: number, money (exact decimals) and rating (stars)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from engine.forms.export_shapes import WHOLE, ExportShape, decimal_shape
from engine.forms.spec import FieldSpec
from engine.forms.types.base import Column, ConfigProblem, Describe, FieldType, FieldValueError, Reader

NUMBER_MESSAGES = {
    "not_number": "field.number.not_number",
    "below_min": "field.number.below_min",
    "above_max": "field.number.above_max",
    "precision": "field.number.precision",
}
MAX_DIGITS = 18
NUMBER_CONFIG = {
    "properties": {
        "min": {"type": "number"},
        "max": {"type": "number"},
        "precision": {"type": "integer", "minimum": 0, "maximum": 10},
        "currency": {"type": "string", "pattern": "^[A-Z]{3}$"},
    }
}


def to_decimal(value: Any) -> Decimal:
    """Exact decimal from a JSON number or a numeric string; floats go through their shortest repr."""
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise FieldValueError("not_number")
    if isinstance(value, str) and len(value) > 40:
        raise FieldValueError("not_number")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise FieldValueError("not_number") from None
    if not number.is_finite():
        raise FieldValueError("not_number")
    return number


class NumberType(FieldType):
    key = "number"
    default_places = 6
    shown_places: int | None = None  # decimals an export shows without a declared precision (None: as exact)
    messages = NUMBER_MESSAGES
    config_schema = NUMBER_CONFIG
    input_kind = "number"
    invalid_code = "not_number"

    def places(self, spec: FieldSpec) -> int:
        return int(spec.config.get("precision", self.default_places))

    def numeric(self, spec: FieldSpec) -> bool:
        return True

    def config_problems(self, spec: FieldSpec) -> list[ConfigProblem]:
        if "min" in spec.config and "max" in spec.config and spec.config["min"] > spec.config["max"]:
            return [ConfigProblem("min", "form.range", {"min": spec.config["min"], "max": spec.config["max"]})]
        return []

    def column(self, spec: FieldSpec) -> Column:
        return Column("decimal", length=MAX_DIGITS, scale=self.places(spec))

    def value_schema(self, spec: FieldSpec) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": ["number", "string"]}
        if "min" in spec.config:
            schema["minimum"] = spec.config["min"]
        if "max" in spec.config:
            schema["maximum"] = spec.config["max"]
        return schema

    def clean(self, spec: FieldSpec, value: Any) -> Decimal:
        number = to_decimal(value)
        places = self.places(spec)
        if abs(number) >= Decimal(10) ** (MAX_DIGITS - places):
            raise FieldValueError("above_max", limit=f"{Decimal(10) ** (MAX_DIGITS - places):f}")
        exact = number.quantize(Decimal(1).scaleb(-places))
        if exact != number:
            raise FieldValueError("precision", places=places)
        if "min" in spec.config and exact < Decimal(str(spec.config["min"])):
            raise FieldValueError("below_min", limit=spec.config["min"])
        if "max" in spec.config and exact > Decimal(str(spec.config["max"])):
            raise FieldValueError("above_max", limit=spec.config["max"])
        return exact

    def dump(self, spec: FieldSpec, value: Any) -> Any:
        return None if value is None else str(value)

    def ui(self, spec: FieldSpec, locale: str, describe: Describe) -> dict[str, Any]:
        places = self.places(spec)
        step = f"{10**-places:.{places}f}" if places else "1"
        return {"min": spec.config.get("min"), "max": spec.config.get("max"), "step": step}

    def ui_messages(self, spec: FieldSpec, locale: str) -> dict[str, str]:
        found = super().ui_messages(spec, locale)
        for code, key in (("below_min", "min"), ("above_max", "max")):
            if key in spec.config:
                template = self.message(code, locale) or ""
                found[code] = template.format(label=spec.title(locale), limit=spec.config[key])
        return found

    def export_shape(self, spec: FieldSpec) -> ExportShape:
        """Decimals as declared, 2 for money, else as few as exact (a formula's result reads the same)."""
        places = int(spec.config["precision"]) if "precision" in spec.config else self.shown_places
        return decimal_shape(places)


class MoneyType(NumberType):
    key = "money"
    default_places = 2
    shown_places = 2


class RatingType(FieldType):
    key = "rating"
    config_schema = {"properties": {"max": {"type": "integer", "minimum": 3, "maximum": 10}}}
    messages = {"stars": "field.rating.stars"}

    def stars(self, spec: FieldSpec) -> int:
        return int(spec.config.get("max", 5))

    def numeric(self, spec: FieldSpec) -> bool:
        return True

    def column(self, spec: FieldSpec) -> Column:
        return Column("integer")

    def value_schema(self, spec: FieldSpec) -> dict[str, Any]:
        return {"type": "integer", "minimum": 1, "maximum": self.stars(spec)}

    def clean(self, spec: FieldSpec, value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= self.stars(spec):
            raise FieldValueError("stars", max=self.stars(spec))
        return int(value)

    def ui(self, spec: FieldSpec, locale: str, describe: Describe) -> dict[str, Any]:
        return {"stars": self.stars(spec)}

    def display(self, spec: FieldSpec, value: Any, reader: Reader) -> Any:
        if isinstance(value, int):
            return "★" * value + "☆" * max(0, self.stars(spec) - value)
        return super().display(spec, value, reader)

    def export_shape(self, spec: FieldSpec) -> ExportShape:
        return WHOLE
