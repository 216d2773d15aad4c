"""Reports and dashboards (services layer): who may see which numbers, the viewer's filters, the
cache, and the answer ``{"rows": [...], "totals": {...}, "figure": {...}}``.

A report counts only the records its viewer may read (their read grant's row rule, in SQL, as
the records API applies it) and is refused outright when it groups, filters or measures by a
field hidden from them. Every row carries ``drill``: the records-API address listing exactly the
records the row counts (the report's own filters, the viewer's, and the row's dimension values).
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

from engine.errors import DefinitionError, EngineError, NotFoundError, PermissionDeniedError
from engine.expressions.dates import COMPANY_ZONE, app_zone
from engine.forms.list_filters import OPERATORS
from engine.forms.row_rule_checks import PathError
from engine.forms.row_rules import bind
from engine.forms.spec import localized
from engine.i18n import translate
from engine.packages.validation import package_problems
from engine.principal import Principal
from engine.reports.flow_source import NODE_COLUMNS, PERSON_COLUMNS, find_flow, split_key
from engine.reports.results import OTHER, Raw, derive, drill_filters, figure, ordered, top_values
from engine.reports.spec import SOURCES, FieldRef, ReportSpec, parse_report, source_hops, source_of
from engine.services.records import RecordService
from engine.services.report_periods import kpi, previous_period
from engine.storage.catalog import CompiledApp
from engine.storage.database import Database
from engine.storage.flow_steps import user_names
from engine.storage.record_queries import MAX_IDS, QueryError
from engine.storage.report_cache import ReportCache
from engine.storage.report_flow_source import RECORD_IDS, FlowReportQuery
from engine.storage.report_queries import ReportQuery
from engine.storage.report_summaries import report_query
from engine.storage.tables import utcnow

IGNORED_ARGS = ("lang",)


class ReportDefinitionError(DefinitionError):
    """An unsaved definition (a preview) that does not validate: a 400 listing each problem with its pointer."""

    code = "report_invalid"


class ReportService:
    def __init__(
        self,
        database: Database,
        records: RecordService,
        cache: ReportCache | None = None,
        *,
        clock: Callable[[], datetime] = utcnow,
    ):
        self.database = database
        self.records = records
        self.cache = cache or ReportCache()
        self.clock = clock
        self.zone = COMPANY_ZONE
        records.on_create.append(lambda _s, app, form, *_: self.cache.touch(app.app_id, form.spec.id))
        records.on_update.append(lambda _s, app, form, *_: self.cache.touch(app.app_id, form.spec.id))
        records.on_delete.append(lambda _s, app, form, *_: self.cache.touch(app.app_id, form.spec.id))
        records.on_restore.append(lambda _s, app, form, *_: self.cache.touch(app.app_id, form.spec.id))

    # -- entry points ------------------------------------------------------------------------------
    def report(
        self, principal: Principal, app_id: str, report_id: str, args: Sequence[tuple[str, str]], locale: str
    ) -> dict[str, Any]:
        with self.records.rows.transaction() as session:
            app = self.records.catalog.current(session, app_id)
            definition = _report_definition(app, report_id)
            spec = parse_report(app.document, definition) if _source_kind(definition) in SOURCES else None
            if spec is None:
                raise QueryError.says("report.source_unavailable", kind=_source_kind(definition))
            viewer = [(key, value) for key, value in args if key not in IGNORED_ARGS]
            return self._answer(session, app, spec, principal, _viewer_filters(viewer), locale, f"report:{report_id}")

    def preview(
        self,
        principal: Principal,
        app_id: str,
        definition: Any,
        args: Sequence[tuple[str, str]],
        locale: str,
        *,
        judged: Callable[[CompiledApp], CompiledApp] | None = None,
    ) -> dict[str, Any]:
        """An unsaved definition's answer; ``judged`` gives the published app other permissions (a
        builder's draft, when the dashboard designer previews as one of its roles)."""
        if not isinstance(definition, Mapping):
            raise ReportDefinitionError.says("report.not_object")
        with self.records.rows.transaction() as session:
            app = self.records.catalog.current(session, app_id)
            app = judged(app) if judged is not None else app
            definition = {"id": "preview", "name": "preview", **definition}
            document = copy.deepcopy(dict(app.document))
            # the app's own reports stay (its dashboards and navigation name them); the preview comes first
            others = [r for r in document.get("reports", ()) if r.get("id") != definition.get("id")]
            document["reports"] = [definition, *others]
            problems = [p for p in package_problems(document) if p.pointer.startswith("/reports/0")]
            problems = [type(p)(p.pointer.removeprefix("/reports/0"), p.code, p.message, p.params) for p in problems]
            if problems:
                raise ReportDefinitionError.says("report.invalid", problems, count=len(problems))
            if _source_kind(definition) not in SOURCES:
                raise QueryError.says("report.source_unavailable", kind=_source_kind(definition))
            spec = parse_report(document, definition)
            viewer = _viewer_filters([(k, v) for k, v in args if k not in IGNORED_ARGS])
            digest = hashlib.sha256(json.dumps(definition, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
            return self._answer(session, app, spec, principal, viewer, locale, f"preview:{digest}")

    def dashboard(
        self, principal: Principal, app_id: str, dashboard_id: str, args: Sequence[tuple[str, str]], locale: str
    ) -> dict[str, Any]:
        with self.records.rows.transaction() as session:
            app = self.records.catalog.current(session, app_id)
            board = next((d for d in app.document.get("dashboards", ()) if d["id"] == dashboard_id), None)
            if board is None:
                raise NotFoundError.says("report.no_dashboard", app=app_id, dashboard=dashboard_id)
            given = dict(args)
            widgets = []
            refusals: list[EngineError] = []
            for widget in board["widgets"]:
                definition = _report_definition(app, widget["report"])
                if _source_kind(definition) not in SOURCES:
                    continue
                spec = parse_report(app.document, definition)
                viewer = self._board_filters(app, spec, board.get("filters", []), given)
                place = {key: widget[key] for key in ("x", "y", "w", "h") if key in widget}
                head = {"id": widget["id"], "report": spec.id, "title": widget.get("title"), **place}
                try:
                    answer = self._answer(session, app, spec, principal, viewer, locale, f"report:{spec.id}")
                except (PermissionDeniedError, QueryError) as error:
                    if isinstance(error, QueryError) and error.message_code != "report.hidden":
                        raise  # a filter value that makes no sense is the request's fault, not a refusal
                    refusals.append(error)  # a widget over what this viewer may not read: refused alone
                    code = error.message_code or error.code
                    widgets.append({**head, "refused": {"code": code, "detail": error.localized(locale)}})
                    continue
                widgets.append({**head, **answer})
            if refusals and len(refusals) == len(widgets):
                raise refusals[0]  # nothing on the board this viewer may read
            return {"id": dashboard_id, "name": board["name"], "widgets": widgets}

    def values(self, principal: Principal, app_id: str, form_id: str, path: str, locale: str) -> list[dict[str, Any]]:
        """The values of ``path`` among the records of ``form_id`` this viewer may read, each with its
        label (a related record's title) and count: what a dashboard's select filter offers."""
        with self.records.rows.transaction() as session:
            app = self.records.catalog.current(session, app_id)
            definition = {
                "id": "values",
                "name": "values",
                "source": {"form": form_id},
                "rows": [{"id": "value", "field": path}],
                "measures": [{"id": "count", "agg": "count"}],
                "sort": [{"by": "count", "desc": True}],
                "limit": 500,
            }
            spec = parse_report(app.document, definition)
            answer = self._answer(session, app, spec, principal, [], locale, f"values:{form_id}:{path}")
            return [
                {"value": row["value"], "label": row.get("value_label"), "count": row["count"]}
                for row in answer["rows"]
                if row["value"] is not None
            ]

    # -- the answer ----------------------------------------------------------------------------------
    def _answer(
        self,
        session: Any,
        app: CompiledApp,
        spec: ReportSpec,
        principal: Principal,
        viewer: list[tuple[str, str, str]],
        locale: str,
        name: str,
        *,
        compare: bool = True,
    ) -> dict[str, Any]:
        form = app.form(spec.form or spec.source)
        access = self.records.authorize(principal, "read", app, form)
        zone = app_zone(app.document)
        refs = [(self._ref(app, spec, path), op, raw) for path, op, raw in viewer]
        read = [path for _, path in spec.fields_read()] + [ref.path for ref, _, _ in refs]
        for path in read:
            hops = source_hops(spec.source_kind, self._ref(app, spec, path))
            if hops and not access.shows_everywhere(hops[0].field, "read"):
                raise QueryError.says("report.hidden", name=path[:60])
            for hop in hops[1:]:  # a step through another form: its own field modes
                if not app.permissions.effective(principal, app.app_id, hop.form).shows_everywhere(hop.field, "read"):
                    raise QueryError.says("report.hidden", name=path[:60])
        visible = access.bound_filter("read")
        now = self.clock()
        measures = tuple(  # a where naming user.* or today() reads this viewer and this moment
            replace(m, where=bind(m.where, principal, now)) if m.where is not None else m for m in spec.measures
        )
        spec = replace(spec, measures=measures)
        forms = {form.spec.id}  # every form the answer reads, a relation's title included
        for path in read:
            ref = self._ref(app, spec, path)
            hops = source_hops(spec.source_kind, ref)
            forms |= {hop.form for hop in hops} | ({ref.column.target} if ref.column.target else set())
        key = hashlib.sha256(
            json.dumps(
                [
                    app.app_id,
                    app.version,
                    name,
                    viewer,
                    repr(visible),
                    [repr(m.where) for m in measures],
                    locale,
                    zone.key,
                    [self.cache.generation(app.app_id, f) for f in sorted(forms)],
                ],
                ensure_ascii=False,
                default=str,
            ).encode()
        ).hexdigest()
        cached = self.cache.get(key) if spec.source_kind == "form" else None  # facts move with every flow step
        if cached is not None:
            return dict(cached)
        make = FlowReportQuery if spec.source_kind == "flow" else report_query
        query = make(session, app, spec, visible=visible, viewer_filters=refs, zone=zone, now=now)
        dims = list(spec.dimensions)
        rows = query.groups(dims)
        tops: dict[str, list[Any]] = {}
        for dim in dims:
            if dim.top is None:
                continue
            ranking = query.groups([dim])
            if len(ranking) <= dim.top:
                continue
            tops[dim.key] = top_values(spec, dim, ranking)
            rows = [row for row in rows if row[dim.key] in tops[dim.key]]
            rest = [d for d in dims if d is not dim]
            for row in query.groups(rest, outside={dim.key: tops[dim.key]}):
                rows.append({**row, dim.key: OTHER})
            break  # one top-N per report: the rest of the first ranked dimension
        totals = query.groups([])[0]
        derive(spec, rows, totals)
        rows = ordered(spec, rows)
        base = f"/api/v1/apps/{app.app_id}/forms/{form.spec.id}/records"
        for row in rows:
            if spec.source_kind == "flow":
                row["drill"] = _id_drill(base, row.pop(RECORD_IDS, None))
                continue
            filters = drill_filters(spec, row, viewer=viewer, tops=tops, zone=zone, now=now)
            row["drill"] = f"{base}?{urlencode([(f'{path}__{op}', raw) for path, op, raw in filters])}"
        other = translate("report.other", locale)
        for row in rows:
            for dim in dims:
                if row.get(dim.key) == OTHER:
                    row[dim.key] = other
                    if dim.ref.kind == "reference":
                        row[f"{dim.key}_label"] = other
        if spec.source_kind == "flow":
            _name_facts(session, app.document, spec, rows, locale)
        answer: dict[str, Any] = {"rows": rows, "totals": totals, "figure": figure(spec, rows, totals, locale)}
        if spec.source_kind == "flow":
            answer["drill"] = None  # the totals of process facts have no id list (docs/reports.md)
        else:
            drill = drill_filters(spec, {}, viewer=viewer, tops={}, zone=zone, now=now)
            answer["drill"] = f"{base}?{urlencode([(f'{path}__{op}', raw) for path, op, raw in drill])}"
        kind = spec.chart.get("type")
        if kind == "kpi" and compare:  # the card's change against the previous period, computed here
            window = previous_period(spec, viewer, now, zone)
            before = None
            if window is not None:
                earlier = self._answer(
                    session, app, window.spec, principal, window.viewer, locale, f"{name}:previous", compare=False
                )
                before = earlier["totals"]
            answer["kpi"] = kpi(spec, totals, before, window)
        if kind == "pivot" and spec.rows and spec.columns and not tops:
            answer["pivot"] = self._pivot_totals(query, spec, totals, viewer, now, base, zone)
        if spec.source_kind == "form":  # process facts change with every flow step: never cached
            self.cache.put(key, answer)
        return answer

    def _pivot_totals(
        self,
        query: ReportQuery,
        spec: ReportSpec,
        totals: dict[str, Any],
        viewer: list[Raw],
        now: datetime,
        base: str,
        zone: Any,
    ) -> dict[str, list[dict[str, Any]]]:
        """A pivot's margins, each grouped in SQL (exact for averages and medians too): per row (the
        total column), per column (the total row) and, with two row dimensions, per first row value."""
        parts = {"rows": list(spec.rows), "columns": list(spec.columns)}
        if len(spec.rows) > 1:
            parts["subtotals"] = [spec.rows[0], *spec.columns]
            parts["subtotal_rows"] = [spec.rows[0]]
        found: dict[str, list[dict[str, Any]]] = {}
        for part, dims in parts.items():
            groups = query.groups(dims)
            derive(spec, groups, dict(totals))
            for row in groups:
                if spec.source_kind == "flow":
                    row["drill"] = _id_drill(base, row.pop(RECORD_IDS, None))
                    continue
                filters = drill_filters(spec, row, viewer=viewer, tops={}, zone=zone, now=now)
                row["drill"] = f"{base}?{urlencode([(f'{path}__{op}', raw) for path, op, raw in filters])}"
            found[part] = groups
        return found

    def _ref(self, app: CompiledApp, spec: ReportSpec, path: str) -> FieldRef:
        try:
            found = SOURCES[spec.source_kind].resolve(app.document, spec.source, path)
        except PathError:
            found = None
        if found is None:
            raise QueryError.says("record.query.filter", name=path[:40])
        return found

    def _board_filters(
        self, app: CompiledApp, spec: ReportSpec, filters: Sequence[Mapping[str, Any]], given: Mapping[str, str]
    ) -> list[tuple[str, str, str]]:
        """The dashboard's global filters the viewer set, as filters of a widget's report (those on a
        field its source has; a widget over another form is not narrowed by them)."""
        found: list[tuple[str, str, str]] = []
        zone = app_zone(app.document)
        for flt in filters:
            name = f"record.{flt['field']}" if spec.source_kind == "flow" else flt["field"]
            try:
                ref = SOURCES[spec.source_kind].resolve(app.document, spec.source, name)
            except PathError:
                ref = None
            if ref is None:
                continue
            if flt["kind"] == "select" and given.get(flt["id"]):
                found.append((ref.path, "in", given[flt["id"]]))
            elif flt["kind"] == "date_range":
                for suffix, op, shift in (("from", "ge", 0), ("to", "lt", 1)):
                    raw = given.get(f"{flt['id']}__{suffix}")
                    if raw:
                        found.append((ref.path, op, self._day_start(raw, shift, ref.kind, zone)))
        return found

    def _day_start(self, raw: str, shift: int, kind: str, zone: Any = None) -> str:
        try:
            day = date.fromisoformat(raw[:10]) + timedelta(days=shift)
        except ValueError:
            raise QueryError.says("record.query.value", value=raw[:40], name="date") from None
        if kind == "date":
            return day.isoformat()
        return datetime.combine(day, time(), tzinfo=zone or self.zone).isoformat()


def _name_facts(
    session: Any, document: Mapping[str, Any], spec: ReportSpec, rows: list[dict[str, Any]], locale: str
) -> None:
    """A fact row's step (``node``, ``current_node``) labelled with the node's name and its ``assignee``
    with the person's, as a relation is with its record's title."""
    flow = find_flow(document, split_key(spec.source)[0]) or {}
    nodes = {n["id"]: localized(n.get("name"), locale, n["id"]) for n in flow.get("nodes", ())}
    for dim in spec.dimensions:
        if dim.ref.path in NODE_COLUMNS:
            names = nodes
        elif dim.ref.path in PERSON_COLUMNS:
            names = user_names(session, {str(row[dim.key]) for row in rows if row.get(dim.key)})
        else:
            continue
        for row in rows:
            if row.get(dim.key) in names:
                row[f"{dim.key}_label"] = names[row[dim.key]]


def _source_kind(definition: Mapping[str, Any]) -> str:
    return source_of(definition)[0]


def _id_drill(base: str, ids: Any) -> str | None:
    """The records-API address listing a flow-source row's records by id; None past ``MAX_IDS`` of them."""
    found = sorted({int(part) for part in str(ids or "").split(",") if part.strip().isdigit()})
    if not found:
        return f"{base}?id__in=0"  # the row counts no record (a group of no fact rows never exists)
    if len(found) > MAX_IDS:
        return None
    return f"{base}?id__in={','.join(str(n) for n in found)}"


def _report_definition(app: CompiledApp, report_id: str) -> Mapping[str, Any]:
    found: Mapping[str, Any] | None = next((r for r in app.document.get("reports", ()) if r["id"] == report_id), None)
    if found is None:
        raise NotFoundError.says("report.not_found", app=app.app_id, report=report_id)
    return found


def _viewer_filters(args: Sequence[tuple[str, str]]) -> list[Raw]:
    found = []
    for key, value in args[:50]:
        name, _, op = key.partition("__")
        op = op or "eq"
        if op not in OPERATORS:
            raise QueryError.says("record.query.operator", operator=op[:20], operators=", ".join(OPERATORS))
        found.append((name, op, value))
    return found
