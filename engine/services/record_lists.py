"""The generated list of a form's records (services layer): columns, filters and one page of rows.

Everything goes through :meth:`RecordService.list_records`, so the list shows what the records API
would: the caller's rows only, fields hidden from them neither as columns nor as filters. Related
records are named by their titles, read in one query per related form and page.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from engine.errors import NotFoundError, PermissionDeniedError
from engine.forms.list_filters import FLOW_FILTERS, ME
from engine.forms.permissions import FormAccess
from engine.forms.row_rule_checks import Hop, forms_of, resolve_path
from engine.forms.spec import FieldSpec, localized
from engine.forms.types import FIELD_TYPES
from engine.forms.types.temporal import LOCAL_ZONE
from engine.forms.ui import field_ui
from engine.i18n import DEFAULT_LOCALE, translate
from engine.principal import Principal
from engine.services.list_chips import active_filters, control_keys
from engine.services.list_views import ListView, offered_views, open_view
from engine.services.records import RecordService
from engine.storage.catalog import CompiledApp, CompiledForm
from engine.storage.exports import related_titles
from engine.storage.flow_steps import OpenStep, open_steps, user_names
from engine.storage.record_filters import rule_path
from engine.storage.record_queries import ListQuery, column_kind, listable
from engine.storage.row_rule_sql import with_path_values

DEFAULT_COLUMNS = 8  # the title (often the serial number) and the first visible fields after it
LONG_TEXT = ("text", "json")  # long text makes a poor column; search finds it instead
DATE_KINDS = ("date", "datetime")
PEOPLE_STEPS = ("user_task", "approval")  # the flow nodes a status filter offers
NO_STEP = {"step": "", "assignee": "", "due": "", "sla": ""}
OP_WORDS = {"eq": "=", "ne": "≠", "lt": "<", "le": "≤", "gt": ">", "ge": "≥", "in": "∈", "contains": "∋", "isnull": "∅"}
RELATION_CHOICES = 50  # the picker's first offer; list.js searches the rest through the options endpoint


@dataclass(frozen=True, slots=True)
class Column:
    id: str
    label: str
    filter: str  # "" (none), "chips", "dates" or "relation"
    input: str = "date"  # the input a date range uses: date or datetime-local
    options: list[dict[str, Any]] = field(default_factory=list)  # chips' values or a relation's records
    options_url: str = ""  # where a relation picker searches (the options endpoint of the field it ends on)
    hops: tuple[Hop, ...] = ()  # a relation path's steps (a column of the form's own field has none)
    people: bool = False  # whether it names people by user id (shown by their names)


@dataclass(frozen=True, slots=True)
class ListPage:
    form_title: str
    columns: list[Column]
    rows: list[dict[str, Any]]  # {"id": ..., "cells": [text, ...]}
    next_cursor: str | None
    may_export: bool
    may_create: bool
    flow_state: bool = False  # whether each row's "steps" name its open flow steps, holders and due times
    steps: list[dict[str, str]] = field(default_factory=list)  # the flow steps a status filter offers
    views: list[dict[str, Any]] = field(default_factory=list)  # the package's views of this form the viewer may open
    view: str = ""  # the view shown ("" : the generated default)
    fixed: list[dict[str, str]] = field(default_factory=list)  # the view's fixed filters, as words
    sort: str = "-id"  # the order the rows are in


@dataclass(frozen=True, slots=True)
class _Titles:
    """A field type's ``Reader`` for showing values in a list: titles read beforehand, one query per form."""

    locale: str
    titles: dict[tuple[str, int], str]
    names: dict[str, str] = field(default_factory=dict)  # people's display names by user id

    def record_title(self, target: str, record_id: int) -> str:
        return self.titles.get((target, record_id)) or f"#{record_id}"

    def attachment_url(self, attachment_id: str) -> str:
        return f"/api/v1/attachments/{attachment_id}"

    def thumbnail_url(self, attachment_id: str) -> str:
        return f"/api/v1/attachments/{attachment_id}/thumbnail"

    def person_name(self, user_id: str) -> str:
        return self.names.get(user_id, user_id)

    def choices(self, target: str) -> list[dict[str, Any]]:
        return []


class RecordListService:
    def __init__(self, records: RecordService):
        self.records = records

    def allowed_actions(self, principal: Principal, app_id: str) -> dict[str, set[str]]:
        """What this principal may do with each form of an app (an app page offers only these links)."""
        app = self.records.compiled_app(app_id)
        found: dict[str, set[str]] = {}
        for form_id in app.forms:
            access = app.permissions.effective(principal, app_id, form_id)
            found[form_id] = {action for action in ("read", "create", "export") if access.allows(action)}
        return found

    def readable_forms(self, principal: Principal, app_id: str) -> set[str]:
        """The forms of an app whose records this principal may list (an app page links only to these)."""
        app = self.records.compiled_app(app_id)
        return {
            form_id for form_id in app.forms if app.permissions.effective(principal, app_id, form_id).allows("read")
        }

    def views_for(self, principal: Principal, app_id: str, *, locale: str = DEFAULT_LOCALE) -> list[dict[str, Any]]:
        """The package's list views this person may open: id, form, localized name and URL (for menus)."""
        return offered_views(self.records.compiled_app(app_id), principal, locale)

    def page(self, principal: Principal, app_id: str, form_id: str, query: ListQuery, *, locale: str) -> ListPage:
        app = self.records.compiled_app(app_id)
        form = app.form(form_id)
        access = self.records.authorize(principal, "read", app, form)
        view = open_view(app, principal, form_id, query.view) if query.view else None
        if view is not None and view.columns:
            columns = self._view_columns(principal, app, form, access, view.columns, locale)
        else:
            columns = [self._column(principal, app_id, form, spec, locale) for spec in _shown_fields(form, access)]
        found = self.records.list_records(principal, app_id, form_id, query)
        items = found["items"]
        path_values = self._path_values(app, form, columns, [item["id"] for item in items])
        values = [{**item["data"], **path_values.get(item["id"], {})} for item in items]
        reader = _Titles(locale, self._titles(app, form, columns, values), self._names(form, columns, values))
        rows = [
            {"id": item["id"], "cells": [self._cell(app, form, c, data.get(c.id), reader) for c in columns]}
            for item, data in zip(items, values, strict=True)
        ]
        # where a record stands in its flows is for the people who work or report on the records
        flow_state = bool(_flows_of(app, form_id)) and (access.allows("update") or access.allows("export"))
        if flow_state:
            steps = self._steps(app, form_id, [row["id"] for row in rows], locale)
            for row in rows:
                row["steps"] = steps.get(row["id"], NO_STEP)
        return ListPage(
            form_title=form.spec.title(locale),
            columns=columns,
            rows=rows,
            next_cursor=found["next_cursor"],
            may_export=access.allows("export"),
            may_create=access.allows("create"),
            flow_state=flow_state,
            steps=_step_choices(app, form_id, locale) if flow_state else [],
            views=offered_views(app, principal, locale, form_id),
            view=view.id if view is not None else "",
            fixed=self._fixed(app, form, view, locale) if view is not None else [],
            sort=query.sort or (view.sort if view is not None else "") or "-id",
        )

    def active_filters(
        self, app_id: str, form_id: str, args: Mapping[str, str], columns: list[Column], locale: str
    ) -> list[dict[str, str]]:
        """The filters given that the list's own controls do not show (a drill-down's), in words."""
        app = self.records.compiled_app(app_id)
        shown = control_keys(columns)
        return active_filters(self.records.database, app, app.form(form_id), args, shown, locale)

    def _steps(self, app: CompiledApp, form_id: str, record_ids: list[int], locale: str) -> dict[int, dict[str, str]]:
        with self.records.database.transaction() as session:
            found = open_steps(session, app.app_id, form_id, record_ids)
            names = user_names(session, {s.assignee for s in found if s.assignee})
        labels = {
            (flow["id"], node["id"]): localized(node.get("name"), locale, node["id"])
            for flow in app.document.get("flows", [])
            for node in flow.get("nodes", [])
        }
        by_record: dict[int, list[OpenStep]] = {}
        for step in found:
            by_record.setdefault(step.record_id, []).append(step)
        now = self.records.now() or datetime.now(UTC)
        return {
            record_id: {
                "step": "、".join(dict.fromkeys(labels.get((s.flow_id, s.node_id), s.node_id) for s in steps)),
                "assignee": "、".join(dict.fromkeys(names.get(s.assignee, s.assignee) for s in steps if s.assignee)),
                "due": _local(steps),
                "sla": sla_state(steps, now),
            }
            for record_id, steps in by_record.items()
        }

    def _view_columns(
        self,
        principal: Principal,
        app: CompiledApp,
        form: CompiledForm,
        access: FormAccess,
        names: tuple[str, ...],
        locale: str,
    ) -> list[Column]:
        """A view's columns the viewer may read everywhere (a path: every field it passes)."""
        columns = []
        for name in names:
            if "." not in name:
                if listable(form, name) and access.shows_everywhere(name, "read"):
                    columns.append(self._column(principal, app.app_id, form, form.spec.field(name), locale))
                continue
            hops = resolve_path(forms_of(app.document), form.spec.id, name)
            if all(_readable(app, principal, access, position, hop) for position, hop in enumerate(hops)):
                last = app.form(hops[-1].form)
                column = self._column(principal, app.app_id, last, last.spec.field(hops[-1].field), locale)
                columns.append(replace(column, id=name, hops=hops))
        return columns

    def _path_values(
        self, app: CompiledApp, form: CompiledForm, columns: list[Column], record_ids: list[int]
    ) -> dict[int, dict[str, Any]]:
        paths = {c.id: rule_path(app, c.hops) for c in columns if c.hops}
        if not paths or not record_ids:
            return {}
        found: list[dict[str, Any]] = [{"id": record_id} for record_id in record_ids]
        with self.records.database.transaction() as session:
            with_path_values(session, form.table, paths, found)
        return {values.pop("id"): values for values in found}

    def _names(self, form: CompiledForm, columns: list[Column], values: list[dict[str, Any]]) -> dict[str, str]:
        """People's names for the user fields shown, one query per page."""
        people = {c.id for c in columns if c.people}
        wanted: set[str] = set()
        for data in values:
            for name in people:
                value = data.get(name)
                wanted.update(str(v) for v in (value if isinstance(value, list) else [value]) if v)
        if not wanted:
            return {}
        with self.records.database.transaction() as session:
            return user_names(session, wanted)

    def _fixed(self, app: CompiledApp, form: CompiledForm, view: ListView, locale: str) -> list[dict[str, str]]:
        """A view's fixed filters in words: the field (or flow filter) and the value."""
        labels = {name: translate(f"page.forms.list.filter{name}", locale) for name in FLOW_FILTERS}
        steps = {s["value"]: s["label"] for s in _step_choices(app, form.spec.id, locale)}
        found = []
        for name, op, raw in view.filters:
            label = labels.get(name) or _field_label(app, form, name, locale)
            shown = [translate("page.forms.list.me", locale) if v == ME else steps.get(v, v) for v in raw.split(",")]
            if name == "_overdue":
                shown = [translate("page.forms.list." + ("yes" if raw.lower() in ("true", "1") else "no"), locale)]
            found.append({"label": label, "op": OP_WORDS.get(op, op), "value": "、".join(shown)})
        return found

    def _cell(self, app: CompiledApp, form: CompiledForm, column: Column, value: Any, reader: _Titles) -> str:
        if not column.hops:
            return _cell(form.spec.field(column.id), value, column, reader)
        last = column.hops[-1]
        if column.people and isinstance(value, str):
            return reader.person_name(value)
        return _cell(app.form(last.form).spec.field(last.field), value, column, reader)

    def _column(self, principal: Principal, app_id: str, form: CompiledForm, spec: FieldSpec, locale: str) -> Column:
        kind = FIELD_TYPES.get(spec.type)
        ui = field_ui(spec, locale)
        label = str(ui["label"])
        if ui.get("options"):
            return Column(spec.id, label, "chips", options=list(ui["options"]))
        target = kind.related_form(spec)
        if target is not None:
            url = f"/apps/{app_id}/forms/{form.spec.id}/options/{spec.id}"
            return Column(spec.id, label, "relation", options=self._choices(principal, app_id, target), options_url=url)
        stored = column_kind(form, spec.id)
        if stored in DATE_KINDS:
            return Column(spec.id, label, "dates", input="date" if stored == "date" else "datetime-local")
        return Column(spec.id, label, "", people=kind.people_limit(spec) is not None)

    def _choices(self, principal: Principal, app_id: str, target: str) -> list[dict[str, Any]]:
        try:
            return self.records.titles(principal, app_id, target, "", limit=RELATION_CHOICES)
        except (NotFoundError, PermissionDeniedError):
            return []  # a target the viewer may not read offers nothing to pick

    def _titles(
        self, app: CompiledApp, form: CompiledForm, columns: list[Column], values: list[dict[str, Any]]
    ) -> dict[tuple[str, int], str]:
        wanted: dict[str, set[int]] = {}
        for column in columns:
            if column.filter != "relation":
                continue
            where = app.form(column.hops[-1].form) if column.hops else form
            spec = where.spec.field(column.hops[-1].field if column.hops else column.id)
            for data in values:
                for target, record_id in FIELD_TYPES.get(spec.type).linked_records(spec, data.get(column.id)):
                    wanted.setdefault(target, set()).add(record_id)
        if not wanted:
            return {}
        with self.records.database.transaction() as session:
            return related_titles(session, app, wanted)


def _shown_fields(form: CompiledForm, access: FormAccess) -> list[FieldSpec]:
    """The title field, then the first fields with single short values the caller may read everywhere."""
    specs = [s for s in form.spec.fields if listable(form, s.id) and column_kind(form, s.id) not in LONG_TEXT]
    title = form.spec.title_field
    specs.sort(key=lambda s: s.id != title)  # stable: the title first, the rest in the form's order
    return [s for s in specs if access.shows_everywhere(s.id, "read")][:DEFAULT_COLUMNS]


def _flows_of(app: CompiledApp, form_id: str) -> list[Mapping[str, Any]]:
    return [flow for flow in app.document.get("flows", ()) if flow.get("form") == form_id]


def _step_choices(app: CompiledApp, form_id: str, locale: str) -> list[dict[str, str]]:
    """The steps of the form's flows where people work (a status filter's choices), in flow order."""
    return [
        {"value": node["id"], "label": localized(node.get("name"), locale, node["id"])}
        for flow in _flows_of(app, form_id)
        for node in flow.get("nodes", ())
        if node.get("type") in PEOPLE_STEPS
    ]


def _readable(app: CompiledApp, principal: Principal, access: FormAccess, position: int, hop: Hop) -> bool:
    reached = access if position == 0 else app.permissions.effective(principal, app.app_id, hop.form)
    return (position == 0 or reached.allows("read")) and reached.shows_everywhere(hop.field, "read")


def _field_label(app: CompiledApp, form: CompiledForm, name: str, locale: str) -> str:
    if "." not in name:
        return form.spec.field(name).title(locale) if name in {f.id for f in form.spec.fields} else name
    last = resolve_path(forms_of(app.document), form.spec.id, name)[-1]
    return app.form(last.form).spec.field(last.field).title(locale)


def sla_state(steps: list[OpenStep], now: datetime) -> str:
    """``overdue`` past the soonest due time, ``due_soon`` in the last quarter of the time allowed,
    else ``on_time``; "" when no open step is due."""
    due = [s for s in steps if s.due_at is not None]
    if not due:
        return ""
    first = min(due, key=lambda s: s.due_at or now)
    assert first.due_at is not None
    if first.due_at <= now:
        return "overdue"
    allowed = first.due_at - first.created_at
    return "due_soon" if first.due_at - now <= allowed / 4 else "on_time"


def _local(steps: list[OpenStep]) -> str:
    """The soonest due time of the open steps, in local time ("" when none is due)."""
    due = min((s.due_at for s in steps if s.due_at is not None), default=None)
    return due.astimezone(LOCAL_ZONE).strftime("%Y-%m-%d %H:%M") if due else ""


def _cell(spec: FieldSpec, value: Any, column: Column, reader: _Titles) -> str:
    if value is None or value == "" or value == []:
        return ""
    if column.hops and column.filter == "relation":
        target = FIELD_TYPES.get(spec.type).related_form(spec)
        return reader.record_title(target, int(value)) if target is not None else str(value)
    if column.hops and column.filter not in ("chips",):
        return _plain(value)
    if column.filter == "chips":
        labels = {str(o["value"]): str(o["label"]) for o in column.options}
        values = value if isinstance(value, list) else [value]
        return "、".join(labels.get(str(v), str(v)) for v in values)
    shown = FIELD_TYPES.get(spec.type).display(spec, value, reader)
    return shown if isinstance(shown, str) else str(shown)


def _plain(value: Any) -> str:
    """A value read along a relation path, straight from its column (no field type's display)."""
    if isinstance(value, datetime):
        return value.astimezone(LOCAL_ZONE).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, bool):
        return "✓" if value else ""
    return str(value)
