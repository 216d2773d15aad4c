"""The UI description of a form: what a renderer needs to draw it, in the reader's language.

Derived from the spec and the field types; the renderer (server-side template plus a small
script) never interprets the raw definition itself. Client-side checks use the same message
catalog as the server, so a phone shows the very sentence the server would have sent.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from engine.forms.spec import FieldSpec, FormSpec, localized
from engine.forms.types import FIELD_TYPES
from engine.i18n import translate


def form_ui(spec: FormSpec, locale: str, *, only: Iterable[str] | None = None, staff: bool = False) -> dict[str, Any]:
    """Steps of fields to draw; ``only`` limits it to some fields (a public form shows fewer); ``staff``
    heads each step with its ``staff_title`` where it has one (the public's "About you" is the caller to staff)."""
    allowed = set(only) if only is not None else None
    fields = {f.id: f for f in spec.fields if allowed is None or f.id in allowed}
    steps: list[dict[str, Any]] = []
    placed: set[str] = set()
    for step in spec.layout:
        ids = [i for i in step["fields"] if i in fields]
        if ids:
            steps.append(
                {
                    "title": localized(step.get("staff_title") if staff else None, locale)
                    or localized(step["title"], locale),
                    "fields": [field_ui(fields[i], locale) for i in ids],
                }
            )
            placed.update(ids)
    rest = [f for f in spec.fields if f.id in fields and f.id not in placed]
    if rest:
        title = spec.title(locale) if not steps else translate("field.more", locale)
        steps.append({"title": title, "fields": [field_ui(f, locale) for f in rest]})
    return {
        "form": spec.id,
        "app": spec.app_id,
        "title": spec.title(locale),
        "locale": locale,
        "title_field": spec.title_field,
        "steps": steps,
    }


def field_ui(field: FieldSpec, locale: str) -> dict[str, Any]:
    """One field as a renderer draws it; the keys beyond the common ones come from its type."""
    kind = FIELD_TYPES.get(field.type)
    ui: dict[str, Any] = {
        "id": field.id,
        "type": field.type,
        "label": field.title(locale),
        "help": localized(field.help, locale) if field.help else "",
        "placeholder": localized(field.placeholder, locale) if field.placeholder else "",
        "required": field.required,
        "read_only": field.read_only or kind.computed or kind.captured,
        "dynamic": bool(field.visible_when or field.required_when),
        "visible": field.visible_when is None,
        "input": kind.input_kind,
        "default": field.default,
        "messages": kind.ui_messages(field, locale),
    }
    ui.update(kind.ui(field, locale, lambda child: field_ui(child, locale)))
    return ui
