"""Field types: importing this package registers every built-in type in FIELD_TYPES, in palette order."""

from engine.forms.types import choices, computed, layout, media, numbers, references, temporal, text
from engine.forms.types.base import FIELD_TYPES, Column, FieldType, FieldValueError, register

#: the built-in types in the order a designer's palette (and the package schema's list of types) shows them
BUILT_IN: tuple[type[FieldType], ...] = (
    text.TextType,
    text.TextareaType,
    numbers.NumberType,
    numbers.MoneyType,
    text.MobileType,
    text.EmailType,
    choices.SelectType,
    choices.MultiselectType,
    choices.RadioType,
    choices.CheckboxType,
    temporal.DateType,
    temporal.DatetimeType,
    temporal.TimeType,
    media.ImageType,
    media.FileType,
    media.LocationType,
    references.RelationType,
    references.UserType,
    references.GroupType,
    numbers.RatingType,
    layout.SubtableType,
    computed.FormulaType,
    computed.CreatedAtType,
    computed.UpdatedAtType,
    computed.CreatedByType,
    computed.UpdatedByType,
    computed.SerialType,
    layout.SectionType,
)
for _kind in BUILT_IN:
    register(_kind)

__all__ = [
    "BUILT_IN",
    "FIELD_TYPES",
    "Column",
    "FieldType",
    "FieldValueError",
    "register",
]
