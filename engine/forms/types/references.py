"""Reference field types: relation (to another form's records), user and group pickers."""

from __future__ import annotations

import re
from typing import Any

from engine.forms.spec import FieldSpec
from engine.forms.types.base import Column, FieldType, FieldValueError, register

PRINCIPAL = re.compile(r"^[A-Za-z0-9_.@-]{1,64}$")
MAX_LINKS = 1000


@register
class RelationType(FieldType):
    key = "relation"
    messages = {
        "not_id": {"en": "{label} must be the id of a {target} record", "zh-CN": "{label}应为{target}记录的编号"},
        "missing": {"en": "{label}: record {value} does not exist", "zh-CN": "{label}:记录 {value} 不存在"},
    }

    def column(self, spec: FieldSpec) -> Column | None:
        if spec.config.get("multiple"):
            return None  # a link table holds the pairs
        return Column("reference", target=spec.config["target"])

    def value_schema(self, spec: FieldSpec) -> dict[str, Any]:
        one = {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}
        return {"type": "array", "items": one, "uniqueItems": True} if spec.config.get("multiple") else one

    def clean(self, spec: FieldSpec, value: Any) -> int | list[int]:
        if spec.config.get("multiple"):
            if not isinstance(value, list) or len(value) > MAX_LINKS:
                raise FieldValueError("not_id", target=spec.config["target"])
            return list(dict.fromkeys(self._one(spec, item) for item in value))
        return self._one(spec, value)

    def _one(self, spec: FieldSpec, value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**63:
            raise FieldValueError("not_id", target=spec.config["target"])
        return int(value)


@register
class UserType(FieldType):
    key = "user"
    noun = {"en": "user", "zh-CN": "用户"}
    messages = {
        "not_principal": {"en": "{label} must be a user id", "zh-CN": "{label}应为用户编号"},
    }

    def column(self, spec: FieldSpec) -> Column:
        return Column("json") if spec.config.get("multiple") else Column("string", length=64)

    def value_schema(self, spec: FieldSpec) -> dict[str, Any]:
        one = {"anyOf": [{"type": "string", "pattern": PRINCIPAL.pattern}, {"type": "integer", "minimum": 1}]}
        return {"type": "array", "items": one, "uniqueItems": True} if spec.config.get("multiple") else one

    def clean(self, spec: FieldSpec, value: Any) -> str | list[str]:
        if spec.config.get("multiple"):
            if not isinstance(value, list) or len(value) > MAX_LINKS:
                raise FieldValueError("not_principal")
            return list(dict.fromkeys(self._one(item) for item in value))
        return self._one(value)

    def _one(self, value: Any) -> str:
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            value = str(value)
        if not isinstance(value, str) or not PRINCIPAL.match(value):
            raise FieldValueError("not_principal")
        return value


@register
class GroupType(UserType):
    key = "group"
    messages = {"not_principal": {"en": "{label} must be a group id", "zh-CN": "{label}应为部门/班组编号"}}
