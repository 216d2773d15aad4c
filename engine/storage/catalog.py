"""Compiled app versions, cached per process (storage layer): specs, validators and tables built once per version.

App versions are immutable, so a compiled version never goes stale; only "which version is
current" is asked of the database, with one indexed lookup per request.
"""

from __future__ import annotations

import difflib
import json
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from engine.errors import NotFoundError
from engine.forms.permissions import AppPermissions
from engine.forms.row_rule_checks import PathError, column_of, forms_of, resolve_path
from engine.forms.spec import FormSpec
from engine.forms.types import FIELD_TYPES
from engine.forms.validation import FormValidator
from engine.reports.indexes import report_indexes
from engine.storage.form_tables import FormTables, build_tables
from engine.storage.report_sql import ColumnPath
from engine.storage.row_rule_sql import RulePath
from engine.storage.tables import AppRow, AppVersionRow


@dataclass(frozen=True, slots=True)
class CompiledForm:
    spec: FormSpec
    validator: FormValidator
    table: Table
    children: Mapping[str, Table]  # subtable field id -> table
    links: Mapping[str, Table]  # multi-relation field id -> table
    columns: Mapping[str, Any]  # field id -> its column in the main table (None: stored elsewhere or nowhere)
    rule_paths: Mapping[str, RulePath] = field(default_factory=dict)  # relation paths the row rules read


@dataclass(frozen=True, slots=True)
class CompiledApp:
    app_id: str
    version: int
    document: Mapping[str, Any]
    tables: FormTables
    forms: Mapping[str, CompiledForm]
    permissions: AppPermissions

    def column_path(self, form_id: str, path: str) -> ColumnPath | None:
        """The hops of ``path`` from ``form_id`` and its last column's kind; None when it leads nowhere."""
        forms = forms_of(self.document)
        try:
            hops = resolve_path(forms, form_id, path)
        except PathError:
            return None
        column = column_of(forms, hops[-1])
        if column is None or column.kind == "json" or len(hops) < 2:
            return None
        return ColumnPath(RulePath(tuple((self.tables.main[hop.form], hop.field) for hop in hops)), column.kind)

    def form(self, form_id: str) -> CompiledForm:
        try:
            return self.forms[form_id]
        except KeyError:
            near = closest(form_id, self.forms)
            if near:
                error = NotFoundError.says("record.no_form_near", app=self.app_id, form=form_id, near=near)
            else:
                error = NotFoundError.says("record.no_form", app=self.app_id, form=form_id)
            error.details["form_id"] = form_id
            raise error from None


def closest(name: str, candidates: Iterable[str]) -> str | None:
    """The candidate ``name`` was probably meant to be, for a "did you mean" in a refusal."""
    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    return close[0] if close else None


def compile_app(app_id: str, version: int, document: Mapping[str, Any]) -> CompiledApp:
    specs = [FormSpec.from_definition(app_id, f) for f in document.get("forms", [])]
    tables = build_tables(app_id, specs, report_indexes(document))
    permissions = AppPermissions.from_definition(document)
    written = forms_of(document)
    forms = {}
    for index, spec in enumerate(specs):
        forms[spec.id] = CompiledForm(
            spec=spec,
            validator=FormValidator(spec, f"/forms/{index}"),
            table=tables.main[spec.id],
            children={field: t for (form, field), t in tables.children.items() if form == spec.id},
            links={field: t for (form, field), t in tables.links.items() if form == spec.id},
            columns={f.id: FIELD_TYPES.get(f.type).column(f) for f in spec.fields},
            rule_paths={
                path: RulePath(
                    tuple((tables.main[hop.form], hop.field) for hop in resolve_path(written, spec.id, path))
                )
                for path in permissions.paths_on(spec.id)
            },
        )
    return CompiledApp(app_id, version, document, tables, forms, permissions)


def judged_by(app: CompiledApp, document: Mapping[str, Any]) -> CompiledApp:
    """The published ``app`` judged by the permissions of ``document`` (a builder's draft of it): the
    records, tables and formulas stay the published ones, who sees what is the draft's. A row rule
    path the published forms cannot follow raises ``PathError``."""
    permissions = replace(AppPermissions.from_definition(document), app_id=app.app_id)
    written = forms_of(app.document)
    forms = {
        form_id: replace(
            form,
            rule_paths={
                path: RulePath(
                    tuple((app.tables.main[hop.form], hop.field) for hop in resolve_path(written, form_id, path))
                )
                for path in permissions.paths_on(form_id)
            },
        )
        for form_id, form in app.forms.items()
    }
    return replace(app, permissions=permissions, forms=forms)


class AppCatalog:
    def __init__(self) -> None:
        self._compiled: dict[tuple[str, int], CompiledApp] = {}
        self._lock = threading.Lock()

    def current(self, session: Session, app_id: str) -> CompiledApp:
        version = session.scalar(select(AppRow.current_version).where(AppRow.id == app_id))
        if version is None:
            error = NotFoundError.says("record.no_app", app=app_id)
            error.details["app_id"] = app_id
            raise error
        return self.version(session, app_id, version)

    def version(self, session: Session, app_id: str, version: int) -> CompiledApp:
        key = (app_id, version)
        found = self._compiled.get(key)
        if found is not None:
            return found
        text = session.scalar(
            select(AppVersionRow.document).where(AppVersionRow.app_id == app_id, AppVersionRow.number == version)
        )
        if text is None:
            raise NotFoundError.says("record.no_app_version", app=app_id, version=version)
        compiled = compile_app(app_id, version, json.loads(text))
        with self._lock:
            return self._compiled.setdefault(key, compiled)
