"""Form definitions as immutable specs: parsed once per published version, shared by every request.

A spec holds what the package says and nothing more (no defaults padded in); behaviour that
depends on the field's type lives in the type's class in ``engine.forms.types``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

Text = str | Mapping[str, str]

COMMON_KEYS = frozenset(
    {
        "id",
        "type",
        "label",
        "help",
        "placeholder",
        "required",
        "unique",
        "indexed",
        "read_only",
        "default",
        "default_expr",
        "visible_when",
        "required_when",
    }
)


def localized(text: Text | None, locale: str, fallback: str = "") -> str:
    """The text in the reader's locale, else in any locale the author wrote, else ``fallback``."""
    if text is None:
        return fallback
    if isinstance(text, str):
        return text
    return text.get(locale) or text.get("zh-CN") or text.get("en") or next(iter(text.values()), fallback)


@dataclass(frozen=True, slots=True)
class FieldSpec:
    id: str
    type: str
    label: Text | None = None
    help: Text | None = None
    placeholder: Text | None = None
    required: bool = False
    unique: bool = False
    indexed: bool = False
    read_only: bool = False
    default: Any = None
    default_expr: str | None = None
    visible_when: str | None = None
    required_when: str | None = None
    config: Mapping[str, Any] = field(default_factory=dict)  # the type's own keys (options, min, target ...)
    children: tuple[FieldSpec, ...] = ()  # sub-table fields

    @classmethod
    def from_definition(cls, data: Mapping[str, Any]) -> FieldSpec:
        config = {k: v for k, v in data.items() if k not in COMMON_KEYS and k != "fields"}
        children = tuple(cls.from_definition(child) for child in data.get("fields", ()))
        return cls(
            id=data["id"],
            type=data["type"],
            label=data.get("label"),
            help=data.get("help"),
            placeholder=data.get("placeholder"),
            required=bool(data.get("required")),
            unique=bool(data.get("unique")),
            indexed=bool(data.get("indexed")),
            read_only=bool(data.get("read_only")),
            default=data.get("default"),
            default_expr=data.get("default_expr"),
            visible_when=data.get("visible_when"),
            required_when=data.get("required_when"),
            config=config,
            children=children,
        )

    def title(self, locale: str) -> str:
        return localized(self.label, locale, self.id)


@dataclass(frozen=True, slots=True)
class RuleSpec:
    id: str
    check: str
    message: Text
    fields: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class FormSpec:
    app_id: str
    id: str
    name: Text
    fields: tuple[FieldSpec, ...]
    title_field: str | None = None
    summary_fields: tuple[str, ...] = ()  # shown on task cards under the title
    layout: tuple[Mapping[str, Any], ...] = ()
    rules: tuple[RuleSpec, ...] = ()
    indexes: tuple[Mapping[str, Any], ...] = ()
    unique_together: tuple[tuple[str, ...], ...] = ()  # groups of fields no two records share answers in
    public: Mapping[str, Any] = field(default_factory=dict)
    knowledge_base: Mapping[str, Any] = field(default_factory=dict)  # see engine.forms.knowledge_base

    @classmethod
    def from_definition(cls, app_id: str, data: Mapping[str, Any]) -> FormSpec:
        return cls(
            app_id=app_id,
            id=data["id"],
            name=data["name"],
            fields=tuple(FieldSpec.from_definition(f) for f in data["fields"]),
            title_field=data.get("title_field"),
            summary_fields=tuple(data.get("summary_fields", ())),
            layout=tuple(data.get("layout", ())),
            rules=tuple(
                RuleSpec(r["id"], r["check"], r["message"], tuple(r.get("fields", ()))) for r in data.get("rules", ())
            ),
            indexes=tuple(data.get("indexes", ())),
            unique_together=tuple(tuple(group) for group in data.get("unique_together", ())),
            public=data.get("public", {}),
            knowledge_base=data.get("knowledge_base", {}),
        )

    def field(self, field_id: str) -> FieldSpec:
        for candidate in self.fields:
            if candidate.id == field_id:
                return candidate
        raise KeyError(field_id)

    def title(self, locale: str) -> str:
        return localized(self.name, locale, self.id)
