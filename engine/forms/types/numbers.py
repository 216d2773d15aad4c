"""Numeric field types: number, money (exact decimals) and rating (stars)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from engine.forms.spec import FieldSpec
from engine.forms.types.base import Column, FieldType, FieldValueError, register

NUMBER_MESSAGES = {
    "not_number": {"en": "{label} must be a number", "zh-CN": "{label}必须是数字"},
    "below_min": {"en": "{label} must be at least {limit}", "zh-CN": "{label}不能小于 {limit}"},
    "above_max": {"en": "{label} must be at most {limit}", "zh-CN": "{label}不能大于 {limit}"},
    "precision": {
        "en": "{label} allows at most {places} decimal places",
        "zh-CN": "{label}最多保留 {places} 位小数",
    },
}
MAX_DIGITS = 18


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


@register
class NumberType(FieldType):
    key = "number"
    default_places = 6
    messages = NUMBER_MESSAGES

    def places(self, spec: FieldSpec) -> int:
        return int(spec.config.get("precision", self.default_places))

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


@register
class MoneyType(NumberType):
    key = "money"
    default_places = 2


@register
class RatingType(FieldType):
    key = "rating"
    messages = {
        "stars": {
            "en": "{label} must be a whole number of stars from 1 to {max}",
            "zh-CN": "{label}应为 1 到 {max} 星",
        },
    }

    def stars(self, spec: FieldSpec) -> int:
        return int(spec.config.get("max", 5))

    def column(self, spec: FieldSpec) -> Column:
        return Column("integer")

    def value_schema(self, spec: FieldSpec) -> dict[str, Any]:
        return {"type": "integer", "minimum": 1, "maximum": self.stars(spec)}

    def clean(self, spec: FieldSpec, value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= self.stars(spec):
            raise FieldValueError("stars", max=self.stars(spec))
        return int(value)
