"""The contract every field type keeps, and the registry that finds a type by its key.

A field type knows four things about its values: the JSON Schema a client may check them
against, how the server cleans a submitted value (or which message refuses it), how it is
stored (an abstract column kind that storage maps to SQL), and how it is written back as JSON.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from engine.forms.spec import FieldSpec
from engine.registry import Registry

MessageCatalog = Mapping[str, Mapping[str, str]]

COMMON_MESSAGES: dict[str, dict[str, str]] = {
    "required": {"en": "{label} is required", "zh-CN": "请填写{label}"},
    "wrong_type": {"en": "{label} must be {expected}", "zh-CN": "{label}应为{expected_zh}"},
    "too_long": {"en": "{label} allows at most {limit} characters", "zh-CN": "{label}最多 {limit} 个字符"},
    "unknown_field": {
        "en": "{label} is not a field of this form",
        "zh-CN": "{label} 不是此表单的字段",
    },
    "computed": {
        "en": "{label} is filled in by the system and cannot be set",
        "zh-CN": "{label}由系统填写,不能修改",
    },
}


@dataclass(frozen=True, slots=True)
class Column:
    """An abstract column: storage decides the SQL type per back-end."""

    kind: str  # string | text | decimal | integer | boolean | date | datetime | time | json | reference
    length: int | None = None
    scale: int | None = None
    target: str | None = None  # the form a reference points at


class FieldValueError(Exception):
    """A submitted value is refused; ``code`` finds the sentence in the type's message catalog."""

    def __init__(self, code: str, **params: Any):
        super().__init__(code)
        self.code = code
        self.params = params


class FieldType(ABC):
    key: ClassVar[str]
    computed: ClassVar[bool] = False  # set by the server (formulas, serial numbers, timestamps)
    stores_value: ClassVar[bool] = True  # False for layout elements
    messages: ClassVar[MessageCatalog] = {}

    @abstractmethod
    def column(self, spec: FieldSpec) -> Column | None:
        """The column in the form's own table; None when the value lives elsewhere (or nowhere)."""
        ...

    @abstractmethod
    def value_schema(self, spec: FieldSpec) -> dict[str, Any]:
        """JSON Schema of a present (non-null) value, for clients and documentation."""
        ...

    @abstractmethod
    def clean(self, spec: FieldSpec, value: Any) -> Any:
        """Turn a submitted JSON value into the stored Python value, or raise FieldValueError."""
        ...

    def dump(self, spec: FieldSpec, value: Any) -> Any:
        """The stored value as JSON."""
        return value

    def is_empty(self, value: Any) -> bool:
        return value is None or value == "" or value == []

    def message(self, code: str, locale: str) -> str | None:
        templates = self.messages.get(code) or COMMON_MESSAGES.get(code)
        if templates is None:
            return None
        return templates.get(locale) or templates["en"]


def common_message(code: str, locale: str) -> str:
    templates = COMMON_MESSAGES[code]
    return templates.get(locale) or templates["en"]


FIELD_TYPES: Registry[FieldType] = Registry("field type")


def register(cls: type[FieldType]) -> type[FieldType]:
    """Class decorator: one instance per type, registered under its key (duplicates refused)."""
    FIELD_TYPES.register(cls.key, cls())
    return cls


def expect_string(value: Any, *, limit: int) -> str:
    if not isinstance(value, str):
        raise FieldValueError("wrong_type", expected="a text", expected_zh="文本")
    if len(value) > limit:
        raise FieldValueError("too_long", limit=limit)
    return value
