"""Text-like field types: text, textarea, mobile phone, email."""

from __future__ import annotations

import re
from typing import Any

from engine.forms.spec import FieldSpec
from engine.forms.types.base import Column, FieldType, FieldValueError, expect_string, register

MOBILE = re.compile(r"^1[3-9]\d{9}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@register
class TextType(FieldType):
    key = "text"
    default_limit = 200
    messages = {
        "too_short": {"en": "{label} needs at least {limit} characters", "zh-CN": "{label}至少 {limit} 个字符"},
        "pattern": {"en": "{label} is not in the expected form", "zh-CN": "{label}格式不正确"},
    }

    def limit(self, spec: FieldSpec) -> int:
        return int(spec.config.get("max_length", self.default_limit))

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
        if "pattern" in spec.config and not re.search(spec.config["pattern"], text):
            raise FieldValueError("pattern")
        return text


@register
class TextareaType(TextType):
    key = "textarea"
    default_limit = 10_000

    def column(self, spec: FieldSpec) -> Column:
        return Column("text")


@register
class MobileType(FieldType):
    key = "mobile"
    messages = {
        "invalid": {
            "en": "{label} is not a valid mobile number (11 digits, such as 13812345678)",
            "zh-CN": "{label}格式不正确",
        },
    }

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


@register
class EmailType(FieldType):
    key = "email"
    messages = {"invalid": {"en": "{label} is not a valid email address", "zh-CN": "{label}不是有效的邮箱地址"}}

    def column(self, spec: FieldSpec) -> Column:
        return Column("string", length=254)

    def value_schema(self, spec: FieldSpec) -> dict[str, Any]:
        return {"type": "string", "maxLength": 254, "pattern": EMAIL.pattern}

    def clean(self, spec: FieldSpec, value: Any) -> str:
        text = expect_string(value, limit=254).strip()
        if not EMAIL.match(text):
            raise FieldValueError("invalid")
        return text
