"""Field types: importing this package registers every built-in type in FIELD_TYPES."""

from engine.forms.types import choices, computed, layout, media, numbers, references, temporal, text
from engine.forms.types.base import FIELD_TYPES, Column, FieldType, FieldValueError

__all__ = [
    "FIELD_TYPES",
    "Column",
    "FieldType",
    "FieldValueError",
    "choices",
    "computed",
    "layout",
    "media",
    "numbers",
    "references",
    "temporal",
    "text",
]
