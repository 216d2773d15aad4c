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

INPUT_KINDS = {
    "text": "text",
    "mobile": "tel",
    "email": "email",
    "number": "number",
    "money": "number",
    "date": "date",
    "datetime": "datetime-local",
    "time": "time",
}
MOBILE_PATTERN = r"^(\+?86)?[\s-]*1[3-9](\d[\s-]*){9}$"


def form_ui(spec: FormSpec, locale: str, *, only: Iterable[str] | None = None) -> dict[str, Any]:
    """Steps of fields to draw; ``only`` limits it to some fields (a public form shows fewer)."""
    allowed = set(only) if only is not None else None
    fields = {f.id: f for f in spec.fields if allowed is None or f.id in allowed}
    steps: list[dict[str, Any]] = []
    placed: set[str] = set()
    for step in spec.layout:
        ids = [i for i in step["fields"] if i in fields]
        if ids:
            steps.append(
                {"title": localized(step["title"], locale), "fields": [field_ui(fields[i], locale) for i in ids]}
            )
            placed.update(ids)
    rest = [f for f in spec.fields if f.id in fields and f.id not in placed]
    if rest:
        title = spec.title(locale) if not steps else ("其他信息" if locale == "zh-CN" else "More")
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
    kind = FIELD_TYPES.get(field.type)
    label = field.title(locale)
    config = field.config
    ui: dict[str, Any] = {
        "id": field.id,
        "type": field.type,
        "label": label,
        "help": localized(field.help, locale) if field.help else "",
        "placeholder": localized(field.placeholder, locale) if field.placeholder else "",
        "required": field.required,
        # a location is captured by the phone's check-in, not typed: shown, never edited in a form
        "read_only": field.read_only or kind.computed or field.type == "location",
        "dynamic": bool(field.visible_when or field.required_when),
        "visible": field.visible_when is None,
        "input": INPUT_KINDS.get(field.type, "text"),
        "default": field.default,
        "messages": _messages(field, locale),
    }
    if field.type in ("select", "radio", "multiselect"):
        ui["options"] = [
            {"value": o["value"], "label": localized(o.get("label"), locale, o["value"])} for o in config["options"]
        ]
    if field.type in ("number", "money"):
        places = int(config.get("precision", 2 if field.type == "money" else 6))
        ui.update(min=config.get("min"), max=config.get("max"), step=f"{10**-places:.{places}f}" if places else "1")
    if field.type in ("text", "textarea"):
        ui.update(max_length=config.get("max_length", 200 if field.type == "text" else 10_000))
        ui["pattern"] = config.get("pattern")
    if field.type == "mobile":
        ui["pattern"] = MOBILE_PATTERN
    if field.type in ("image", "file"):
        default_accept = ["image/*"] if field.type == "image" else []
        ui.update(
            accept=",".join(config.get("accept", default_accept)),
            max_count=config.get("max_count", 9),
            max_size_mb=config.get("max_size_mb", 20),
            capture=field.type == "image" or any(a.startswith("image/") for a in config.get("accept", [])),
        )
    if field.type == "relation":
        ui.update(target=config["target"], multiple=bool(config.get("multiple")))
    if field.type == "rating":
        ui["stars"] = int(config.get("max", 5))
    if field.type == "subtable":
        ui["columns"] = [field_ui(child, locale) for child in field.children]
        ui["max_rows"] = config.get("max_rows", 200)
    return ui


def _messages(field: FieldSpec, locale: str) -> dict[str, str]:
    kind = FIELD_TYPES.get(field.type)
    label = field.title(locale)
    found = {"required": (kind.message("required", locale) or "").format(label=label)}
    invalid_code = {
        "mobile": "invalid",
        "email": "invalid",
        "number": "not_number",
        "money": "not_number",
        "date": "not_date",
        "datetime": "not_datetime",
        "time": "not_time",
    }.get(field.type)
    if invalid_code:
        found["invalid"] = (kind.message(invalid_code, locale) or "").format(label=label)
    if field.type in ("text", "textarea"):
        limit = field.config.get("max_length", 200 if field.type == "text" else 10_000)
        found["too_long"] = (kind.message("too_long", locale) or "").format(label=label, limit=limit)
    if field.type in ("number", "money"):
        for code, key in (("below_min", "min"), ("above_max", "max")):
            if key in field.config:
                found[code] = (kind.message(code, locale) or "").format(label=label, limit=field.config[key])
    return found
