"""The filters a list was opened with that its filter form does not show (services layer), in words.

A chart's drill-down opens the list with the records-API filters behind one slice, bar or cell
(``room.building.community__eq=7&due_at__ge=2025-12-31T16:00:00+00:00``). The person sees each as a
chip naming the field and the value as they know them (小区 = 一区, 到期时间 ≥ 2026-01-01 00:00, 紧急 = 是),
never a raw id, each removable on its own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from engine.forms.list_filters import FLOW_FILTERS, split_filter
from engine.forms.row_rule_checks import SYSTEM_COLUMNS, PathError, forms_of, resolve_path
from engine.forms.spec import FieldSpec
from engine.forms.types import FIELD_TYPES
from engine.forms.types.temporal import LOCAL_ZONE
from engine.forms.ui import field_ui
from engine.i18n import translate
from engine.storage.catalog import CompiledApp, CompiledForm
from engine.storage.database import Database
from engine.storage.exports import related_titles

OP_WORDS = {"eq": "=", "ne": "≠", "lt": "<", "le": "≤", "gt": ">", "ge": "≥", "in": "=", "contains": "∋"}
NOT_FILTERS = ("sort", "limit", "cursor", "deleted", "lang", "q", "view")
WEEKDAYS = "page.dash.weekday."


def control_keys(columns: Sequence[Any]) -> set[str]:
    """The arguments the list's own filter form sets (its controls show those already)."""
    keys = {"_step", "_overdue", *NOT_FILTERS}
    for column in columns:
        if column.filter == "chips":
            keys.add(f"{column.id}__in")
        elif column.filter == "relation":
            keys.add(column.id)
        elif column.filter == "dates":
            keys |= {f"{column.id}__ge", f"{column.id}__le"}
    return keys


def active_filters(
    database: Database,
    app: CompiledApp,
    form: CompiledForm,
    args: Mapping[str, str],
    shown: set[str],
    locale: str,
) -> list[dict[str, str]]:
    """``{"key", "label", "op", "value"}`` for each argument in ``args`` no control in ``shown`` sets."""
    found = []
    wanted: dict[str, set[int]] = {}
    pending: list[tuple[dict[str, str], str, list[str]]] = []
    for key, raw in args.items():
        if (key in shown and not aware(raw)) or not raw:
            continue  # a date control shows a local date; a drill's UTC moment gets a chip
        name, op = split_filter(key)
        if name in FLOW_FILTERS:
            continue
        spec, label = _field(app, form, name, locale)
        chip = {"key": key, "label": label, "op": OP_WORDS.get(op, ""), "value": raw}
        values = raw.split(",") if op in ("in", "notin") else [raw]
        target = FIELD_TYPES.get(spec.type).related_form(spec) if spec is not None else None
        if op == "isnull":
            chip["value"] = translate(
                "page.forms.list." + ("empty_value" if raw.lower() in ("true", "1") else "not_empty"), locale
            )
        elif op == "hour":
            chip["value"] = translate("page.forms.list.at_hour", locale, hour=raw)
        elif op == "weekday" and raw in "1234567":
            chip["value"] = translate(WEEKDAYS + raw, locale)
        elif target is not None and target in app.forms and all(v.isdigit() for v in values):
            wanted.setdefault(target, set()).update(int(v) for v in values)
            pending.append((chip, target, values))
        else:
            chip["value"] = "、".join(_value(spec, v, locale) for v in values)
        found.append(chip)
    if wanted:
        with database.transaction() as session:
            titles = related_titles(session, app, wanted)
        for chip, target, values in pending:
            chip["value"] = "、".join(titles.get((target, int(v)), f"#{v}") for v in values)
    for chip in found:
        if split_filter(chip["key"])[1] == "notin":
            chip["value"] = translate("page.forms.list.not_in", locale, values=chip["value"])
    return found


def aware(raw: str) -> bool:
    """A moment with its offset (a drill-down's UTC bound), which a date input cannot show."""
    return len(raw) > 10 and "T" in raw and (raw.endswith("Z") or "+" in raw[10:] or "-" in raw[10:])


def _field(app: CompiledApp, form: CompiledForm, name: str, locale: str) -> tuple[FieldSpec | None, str]:
    try:
        hops = resolve_path(forms_of(app.document), form.spec.id, name)
    except PathError:
        return None, name
    last = hops[-1]
    if last.field in SYSTEM_COLUMNS:
        return None, translate(f"page.dash.field.{last.field}", locale)
    where = app.form(last.form).spec
    if last.field not in {f.id for f in where.fields}:
        return None, name
    spec = where.field(last.field)
    return spec, spec.title(locale)


def _value(spec: FieldSpec | None, raw: str, locale: str) -> str:
    if spec is not None:
        options = field_ui(spec, locale).get("options") or []
        for option in options:
            if str(option["value"]) == raw:
                return str(option["label"])
    if raw.lower() in ("true", "false"):
        return translate("page.dash." + ("yes" if raw.lower() == "true" else "no"), locale)
    if len(raw) > 10 and raw[4:5] == "-" and "T" in raw:
        try:
            moment = datetime.fromisoformat(raw)
        except ValueError:
            return raw
        if moment.tzinfo is not None:
            moment = moment.astimezone(LOCAL_ZONE)
        return moment.strftime("%Y-%m-%d %H:%M")
    return raw
