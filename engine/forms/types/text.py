"""Text-like field types: text, textarea, mobile phone, email."""

from __future__ import annotations

import re
from typing import Any

from engine.errors import ExpressionError
from engine.expressions.patterns import compiled
from engine.forms.export_shapes import TEXT, ExportShape
from engine.forms.spec import FieldSpec
from engine.forms.types.base import Column, ConfigProblem, Describe, FieldType, FieldValueError, expect_string

MOBILE = re.compile(r"^1[3-9]\d{9}$")
TEXT_CONFIG = {
    "properties": {
        "min_length": {"type": "integer", "minimum": 0, "maximum": 100000},
        "max_length": {"type": "integer", "minimum": 1, "maximum": 100000},
        "pattern": {"type": "string", "maxLength": 500},
    }
}
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MOBILE_PATTERN = r"^(\+?86)?[\s-]*1[3-9](\d[\s-]*){9}$"  # what a browser checks before sending


class TextType(FieldType):
    key = "text"
    default_limit = 200
    collects_lines = True
    config_schema = TEXT_CONFIG
    messages = {"too_short": "field.text.too_short", "pattern": "field.text.pattern"}
    export_width = 16

    def limit(self, spec: FieldSpec) -> int:
        return int(spec.config.get("max_length", self.default_limit))

    def config_problems(self, spec: FieldSpec) -> list[ConfigProblem]:
        """A ``pattern`` must compile for RE2 (linear time): found here, not when a value is first checked."""
        pattern = spec.config.get("pattern")
        if pattern is not None:
            try:
                compiled(pattern)
            except ExpressionError as exc:
                reason = getattr(exc, "reason_phrase", str(exc))
                return [ConfigProblem("pattern", "form.bad_pattern", {"pattern": pattern, "reason": reason})]
        return []

    def column(self, spec: FieldSpec) -> Column:
        limit = self.limit(spec)
        return Column("string", length=limit) if limit <= 1000 else Column("text")

    def value_schema(self, spec: FieldSpec) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "string", "maxLength": self.limit(spec)}
        if "min_length" in spec.config:
            schema["minLength"] = spec.config["min_length"]
        if "pattern" in spec.config:
            schema["pattern"] = spec.config["pattern"]
        return schema

    def clean(self, spec: FieldSpec, value: Any) -> str:
        text = expect_string(value, limit=self.limit(spec)).strip()
        if len(text) < int(spec.config.get("min_length", 0)):
            raise FieldValueError("too_short", limit=spec.config["min_length"])
        if "pattern" in spec.config and not compiled(spec.config["pattern"]).search(text):
            raise FieldValueError("pattern")
        return text

    def ui(self, spec: FieldSpec, locale: str, describe: Describe) -> dict[str, Any]:
        return {"max_length": spec.config.get("max_length", self.default_limit), "pattern": spec.config.get("pattern")}

    def ui_messages(self, spec: FieldSpec, locale: str) -> dict[str, str]:
        found = super().ui_messages(spec, locale)
        limit = spec.config.get("max_length", self.default_limit)
        found["too_long"] = (self.message("too_long", locale) or "").format(label=spec.title(locale), limit=limit)
        return found

    def export_shape(self, spec: FieldSpec) -> ExportShape:
        return ExportShape(TEXT.cell, width=self.export_width)


class TextareaType(TextType):
    key = "textarea"
    default_limit = 10_000
    export_width = 40

    def column(self, spec: FieldSpec) -> Column:
        return Column("text")


class MobileType(FieldType):
    key = "mobile"
    messages = {"invalid": "field.mobile.invalid"}
    input_kind = "tel"
    invalid_code = "invalid"

    def column(self, spec: FieldSpec) -> Column:
        return Column("string", length=20)

    def value_schema(self, spec: FieldSpec) -> dict[str, Any]:
        return {"type": "string", "pattern": r"^(\+?86)?\s*1[3-9](\d[\s-]?){9}$", "maxLength": 20}

    def clean(self, spec: FieldSpec, value: Any) -> str:
        digits = re.sub(r"[\s-]", "", expect_string(value, limit=20))
        if digits.startswith("+86"):
            digits = digits[3:]
        elif digits.startswith("86") and len(digits) == 13:
            digits = digits[2:]
        if not MOBILE.match(digits):
            raise FieldValueError("invalid")
        return digits

    def ui(self, spec: FieldSpec, locale: str, describe: Describe) -> dict[str, Any]:
        return {"pattern": MOBILE_PATTERN}

    def export_shape(self, spec: FieldSpec) -> ExportShape:
        return ExportShape(TEXT.cell, width=14)


class EmailType(FieldType):
    key = "email"
    messages = {"invalid": "field.email.invalid"}
    input_kind = "email"
    invalid_code = "invalid"

    def column(self, spec: FieldSpec) -> Column:
        return Column("string", length=254)

    def value_schema(self, spec: FieldSpec) -> dict[str, Any]:
        return {"type": "string", "maxLength": 254, "pattern": EMAIL.pattern}

    def clean(self, spec: FieldSpec, value: Any) -> str:
        text = expect_string(value, limit=254).strip()
        if not EMAIL.match(text):
            raise FieldValueError("invalid")
        return text

    def export_shape(self, spec: FieldSpec) -> ExportShape:
        return ExportShape(TEXT.cell, width=24)
