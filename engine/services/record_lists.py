"""The generated list of a form's records (services layer): columns, filters and one page of rows.

Everything goes through :meth:`RecordService.list_records`, so the list shows what the records API
would: the caller's rows only, fields hidden from them neither as columns nor as filters. Related
records are named by their titles, read in one query per related form and page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from engine.errors import NotFoundError, PermissionDeniedError
from engine.forms.permissions import FormAccess
from engine.forms.spec import FieldSpec, localized
from engine.forms.types import FIELD_TYPES
from engine.forms.types.temporal import LOCAL_ZONE
from engine.forms.ui import field_ui
from engine.principal import Principal
from engine.services.records import RecordService
from engine.storage.catalog import CompiledApp, CompiledForm
from engine.storage.exports import related_titles
from engine.storage.flow_steps import OpenStep, open_steps, user_names
from engine.storage.record_queries import ListQuery, column_kind, listable

DEFAULT_COLUMNS = 8  # the title (often the serial number) and the first visible fields after it
LONG_TEXT = ("text", "json")  # long text makes a poor column; search finds it instead
DATE_KINDS = ("date", "datetime")
RELATION_CHOICES = 50  # the picker's first offer; list.js searches the rest through the options endpoint


@dataclass(frozen=True, slots=True)
class Column:
    id: str
    label: str
    filter: str  # "" (none), "chips", "dates" or "relation"
    input: str = "date"  # the input a date range uses: date or datetime-local
    options: list[dict[str, Any]] = field(default_factory=list)  # chips' values or a relation's records


@dataclass(frozen=True, slots=True)
class ListPage:
    form_title: str
    columns: list[Column]
    rows: list[dict[str, Any]]  # {"id": ..., "cells": [text, ...]}
    next_cursor: str | None
    may_export: bool
    may_create: bool
    flow_state: bool = False  # whether each row's "steps" name its open flow steps, holders and due times


@dataclass(frozen=True, slots=True)
class _Titles:
    """A field type's ``Reader`` for showing values in a list: titles read beforehand, one query per form."""

    locale: str
    titles: dict[tuple[str, int], str]

    def record_title(self, target: str, record_id: int) -> str:
        return self.titles.get((target, record_id)) or f"#{record_id}"

    def attachment_url(self, attachment_id: str) -> str:
        return f"/api/v1/attachments/{attachment_id}"

    def thumbnail_url(self, attachment_id: str) -> str:
        return f"/api/v1/attachments/{attachment_id}/thumbnail"

    def person_name(self, user_id: str) -> str:
        return user_id  # a list shows no user field among its default columns yet (names: the record page)

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

    def page(self, principal: Principal, app_id: str, form_id: str, query: ListQuery, *, locale: str) -> ListPage:
        app = self.records.compiled_app(app_id)
        form = app.form(form_id)
        access = self.records.authorize(principal, "read", app, form)
        columns = [self._column(principal, app_id, form, spec, locale) for spec in _shown_fields(form, access)]
        found = self.records.list_records(principal, app_id, form_id, query)
        reader = _Titles(locale, self._titles(app, form, columns, found["items"]))
        rows = [
            {
                "id": item["id"],
                "cells": [_cell(form.spec.field(c.id), item["data"].get(c.id), c, reader) for c in columns],
            }
            for item in found["items"]
        ]
        # where a record stands in its flows is for the people who work or report on the records
        flow_state = bool(app.document.get("flows")) and (access.allows("update") or access.allows("export"))
        if flow_state:
            steps = self._steps(app, form_id, [row["id"] for row in rows], locale)
            for row in rows:
                row["steps"] = steps.get(row["id"], {"step": "", "assignee": "", "due": ""})
        return ListPage(
            form_title=form.spec.title(locale),
            columns=columns,
            rows=rows,
            next_cursor=found["next_cursor"],
            may_export=access.allows("export"),
            may_create=access.allows("create"),
            flow_state=flow_state,
        )

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
        return {
            record_id: {
                "step": "、".join(dict.fromkeys(labels.get((s.flow_id, s.node_id), s.node_id) for s in steps)),
                "assignee": "、".join(dict.fromkeys(names.get(s.assignee, s.assignee) for s in steps if s.assignee)),
                "due": _local(steps),
            }
            for record_id, steps in by_record.items()
        }

    def _column(self, principal: Principal, app_id: str, form: CompiledForm, spec: FieldSpec, locale: str) -> Column:
        kind = FIELD_TYPES.get(spec.type)
        ui = field_ui(spec, locale)
        label = str(ui["label"])
        if ui.get("options"):
            return Column(spec.id, label, "chips", options=list(ui["options"]))
        target = kind.related_form(spec)
        if target is not None:
            return Column(spec.id, label, "relation", options=self._choices(principal, app_id, target))
        stored = column_kind(form, spec.id)
        if stored in DATE_KINDS:
            return Column(spec.id, label, "dates", input="date" if stored == "date" else "datetime-local")
        return Column(spec.id, label, "")

    def _choices(self, principal: Principal, app_id: str, target: str) -> list[dict[str, Any]]:
        try:
            return self.records.titles(principal, app_id, target, "", limit=RELATION_CHOICES)
        except (NotFoundError, PermissionDeniedError):
            return []  # a target the viewer may not read offers nothing to pick

    def _titles(
        self, app: CompiledApp, form: CompiledForm, columns: list[Column], items: list[dict[str, Any]]
    ) -> dict[tuple[str, int], str]:
        wanted: dict[str, set[int]] = {}
        for column in columns:
            if column.filter != "relation":
                continue
            spec = form.spec.field(column.id)
            for item in items:
                for target, record_id in FIELD_TYPES.get(spec.type).linked_records(spec, item["data"].get(column.id)):
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


def _local(steps: list[OpenStep]) -> str:
    """The soonest due time of the open steps, in local time ("" when none is due)."""
    due = min((s.due_at for s in steps if s.due_at is not None), default=None)
    return due.astimezone(LOCAL_ZONE).strftime("%Y-%m-%d %H:%M") if due else ""


def _cell(spec: FieldSpec, value: Any, column: Column, reader: _Titles) -> str:
    if value is None or value == "" or value == []:
        return ""
    if column.filter == "chips":
        labels = {str(o["value"]): str(o["label"]) for o in column.options}
        values = value if isinstance(value, list) else [value]
        return "、".join(labels.get(str(v), str(v)) for v in values)
    shown = FIELD_TYPES.get(spec.type).display(spec, value, reader)
    return shown if isinstance(shown, str) else str(shown)
