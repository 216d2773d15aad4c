"""What the dashboard and report pages show (services layer): the board's filters with their
choices, each widget drawn (``report_views``) or refused, the report page's one report, and a
widget's rows as a file.

Every number comes from ``ReportService`` (row rules, hidden fields, the cache); this module only
names and arranges. A widget whose source form the viewer may not read is refused on its own (no
data, a sentence saying so, no link); a page where the viewer may read none of them is a 403.
"""

from __future__ import annotations

from collections.abc import Generator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

from engine.errors import NotFoundError, PermissionDeniedError, StorageError
from engine.forms.row_rule_checks import PathError
from engine.forms.spec import localized
from engine.principal import Principal
from engine.reports.spec import SOURCES, ReportSpec, parse_report
from engine.services.export_files import Batch, ExportColumn, Sheet
from engine.services.records import RecordService
from engine.services.report_views import Names, drawn, export_rows, word
from engine.services.reports import ReportService
from engine.storage.catalog import CompiledApp
from engine.storage.record_queries import QueryError

DEFAULT_REFRESH = 30  # seconds between refetches when the board says nothing
GRID = 24
DEFAULT_PERIOD = {"id": "period", "field": "created_at", "kind": "date_range"}  # a report on no board


@dataclass(frozen=True, slots=True)
class WidgetFile:
    """A widget's rows as an export (the ``Tabular`` the CSV and XLSX writers take)."""

    title: str
    columns: tuple[ExportColumn, ...]
    rows: list[list[Any]]
    sheets: tuple[Sheet, ...] = ()

    def batches(self) -> Generator[Batch, None, None]:
        yield Batch(self.rows, {})


class DashboardViews:
    def __init__(self, reports: ReportService, records: RecordService):
        self.reports = reports
        self.records = records

    # -- the dashboard page ------------------------------------------------------------------------
    def board(
        self, principal: Principal, app_id: str, board_id: str, args: Sequence[tuple[str, str]], locale: str
    ) -> dict[str, Any]:
        app = self.records.compiled_app(app_id)
        board = _board(app, board_id)
        definitions = {r["id"]: r for r in app.document.get("reports", ())}
        readable = [w for w in board["widgets"] if self._may_read(principal, app, definitions.get(w["report"]))]
        if not readable:
            raise PermissionDeniedError.says("page.dash.refused_all")
        filters, given = self._filters(principal, app, board.get("filters", []), readable, definitions, args, locale)
        answer = self.reports.dashboard(principal, app_id, board_id, given, locale)
        answered = {w["id"]: w for w in answer["widgets"]}
        carried = urlencode([*given, ("board", board_id), ("lang", locale)])
        widgets = []
        for n, widget in enumerate(board["widgets"]):
            definition = definitions[widget["report"]]
            found = answered.get(widget["id"])
            title = localized(widget.get("title") or definition["name"], locale, widget["id"])
            item: dict[str, Any] = {"id": widget["id"], "report": widget["report"], "title": title}
            item.update(_place(widget, n))
            if found is None:
                item["message"] = word("unavailable", locale)
            elif "refused" in found:
                item["message"] = word("refused", locale)
            else:
                spec = parse_report(app.document, definition)
                item.update(drawn(app, spec, found, locale))
                base = f"/apps/{quote(app_id)}/reports/{quote(widget['report'])}"
                item["href"] = f"{base}?{carried}"
                item["exports"] = {kind: f"{base}/export.{kind}?{carried}" for kind in ("csv", "xlsx")}
            widgets.append(item)
        return {
            "app_id": app_id,
            "id": board_id,
            "title": localized(board["name"], locale, board_id),
            "app_title": localized(app.document["name"], locale, app_id),
            "refresh_seconds": int(board.get("refresh_seconds", DEFAULT_REFRESH)),
            "filters": filters,
            "query": given,
            "widgets": widgets,
        }

    # -- the report page ---------------------------------------------------------------------------
    def report(
        self, principal: Principal, app_id: str, report_id: str, args: Sequence[tuple[str, str]], locale: str
    ) -> dict[str, Any]:
        app, spec, board, filters, given, answer = self._run(principal, app_id, report_id, args, locale)
        carried = urlencode([*given, *([("board", board["id"])] if board else []), ("lang", locale)])
        base = f"/apps/{quote(app_id)}/reports/{quote(report_id)}"
        back = urlencode([*given, ("lang", locale)])
        widget: dict[str, Any] = {
            "id": report_id,
            "report": report_id,
            "title": localized(spec.name, locale, report_id),
        }
        widget.update(drawn(app, spec, answer, locale))
        page: dict[str, Any] = {
            "app_id": app_id,
            "id": report_id,
            "title": localized(spec.name, locale, report_id),
            "description": localized(spec.definition.get("description"), locale)
            if spec.definition.get("description")
            else "",
            "board": {
                "id": board["id"],
                "title": localized(board["name"], locale, board["id"]),
                "href": f"/apps/{quote(app_id)}/dashboards/{quote(board['id'])}?{back}",
            }
            if board
            else None,
            "filters": filters,
            "query": given,
            "exports": {kind: f"{base}/export.{kind}?{carried}" for kind in ("csv", "xlsx")},
            "widget": widget,
            "refresh_seconds": int((board or {}).get("refresh_seconds", DEFAULT_REFRESH)),
        }
        return page

    def widget_file(
        self, principal: Principal, app_id: str, report_id: str, args: Sequence[tuple[str, str]], locale: str
    ) -> WidgetFile:
        app, spec, _, _, _, answer = self._run(principal, app_id, report_id, args, locale)
        header, rows = export_rows(Names(app, spec, locale), answer)
        widths = [max(12.0, min(40.0, len(h) * 2.2)) for h in header]
        columns = tuple(ExportColumn(h, "#,##0.##", w) for h, w in zip(header, widths, strict=True))
        return WidgetFile(localized(spec.name, locale, report_id), columns, rows)

    def _run(
        self, principal: Principal, app_id: str, report_id: str, args: Sequence[tuple[str, str]], locale: str
    ) -> tuple[CompiledApp, ReportSpec, Mapping[str, Any] | None, list[dict[str, Any]], list[tuple[str, str]], Any]:
        app = self.records.compiled_app(app_id)
        definition = next((r for r in app.document.get("reports", ()) if r["id"] == report_id), None)
        if definition is None:
            raise NotFoundError.says("report.not_found", app=app_id, report=report_id)
        if next(iter(definition["source"])) not in SOURCES:
            raise NotFoundError.says("report.not_found", app=app_id, report=report_id)
        spec = parse_report(app.document, definition)
        asked = dict(args).get("board")
        boards = [b for b in app.document.get("dashboards", ()) if any(w["report"] == report_id for w in b["widgets"])]
        board = next((b for b in boards if b["id"] == asked), boards[0] if boards else None)
        source = _source_form(app, definition)
        if source is None or source not in app.forms:
            raise NotFoundError.says("report.not_found", app=app_id, report=report_id)
        self.records.authorize(principal, "read", app, app.form(source))
        chosen = list(board.get("filters", [])) if board else []
        if not any(f["kind"] == "date_range" for f in chosen):
            chosen.append(DEFAULT_PERIOD)
        widgets = [{"report": report_id}]
        filters, given = self._filters(principal, app, chosen, widgets, {report_id: definition}, args, locale)
        viewer = self.reports._board_filters(app, spec, chosen, dict(given))
        answer = self.reports.report(principal, app_id, report_id, [(f"{p}__{o}", r) for p, o, r in viewer], locale)
        return app, spec, board, filters, given, answer

    # -- filters -----------------------------------------------------------------------------------
    def _filters(
        self,
        principal: Principal,
        app: CompiledApp,
        filters: Sequence[Mapping[str, Any]],
        widgets: Sequence[Mapping[str, Any]],
        definitions: Mapping[str, Mapping[str, Any]],
        args: Sequence[tuple[str, str]],
        locale: str,
    ) -> tuple[list[dict[str, Any]], list[tuple[str, str]]]:
        """The board's filters as controls (a select's choices named), and the arguments given for them."""
        asked = dict(args)
        forms = [_source_form(app, definitions.get(w["report"])) for w in widgets]
        controls: list[dict[str, Any]] = []
        given: list[tuple[str, str]] = []
        for flt in filters:
            label = (
                localized(flt.get("label"), locale, "") if flt.get("label") else word(f"filter.{flt['kind']}", locale)
            )
            if flt["kind"] == "select":
                value = asked.get(flt["id"], "")
                options = self._choices(principal, app, [f for f in forms if f], flt["field"], locale)
                controls.append({"id": flt["id"], "kind": "select", "label": label, "value": value, "options": options})
                if value:
                    given.append((flt["id"], value))
            else:
                start, end = asked.get(f"{flt['id']}__from", ""), asked.get(f"{flt['id']}__to", "")
                controls.append({"id": flt["id"], "kind": "date_range", "label": label, "from": start, "to": end})
                given += [(f"{flt['id']}__{k}", v) for k, v in (("from", start), ("to", end)) if v]
        return controls, given

    def _choices(
        self, principal: Principal, app: CompiledApp, forms: Sequence[str], path: str, locale: str
    ) -> list[dict[str, str]]:
        """The values the viewer's records hold, named (a related title, an option's label)."""
        for form_id in dict.fromkeys(forms):
            try:
                spec = parse_report(
                    app.document,
                    {
                        "id": "v",
                        "name": "v",
                        "source": {"form": form_id},
                        "rows": [{"id": "value", "field": path}],
                        "measures": [{"id": "n", "agg": "count"}],
                    },
                )
            except (KeyError, PathError):
                continue  # the filter does not reach this form
            try:
                found = self.reports.values(principal, app.app_id, form_id, path, locale)
            except (PermissionDeniedError, QueryError, StorageError):
                continue
            names = Names(app, spec, locale)
            dim = spec.rows[0]
            choices = [
                {"value": str(v["value"]), "label": names.value(dim, {"value": v["value"], "value_label": v["label"]})}
                for v in found
            ]
            return sorted(choices, key=lambda c: c["label"])
        return []

    def _may_read(self, principal: Principal, app: CompiledApp, definition: Mapping[str, Any] | None) -> bool:
        form = _source_form(app, definition)
        return (
            form is not None
            and form in app.forms
            and app.permissions.effective(principal, app.app_id, form).allows("read")
        )


def _board(app: CompiledApp, board_id: str) -> Mapping[str, Any]:
    board: Mapping[str, Any] | None = next((d for d in app.document.get("dashboards", ()) if d["id"] == board_id), None)
    if board is None:
        raise NotFoundError.says("report.no_dashboard", app=app.app_id, dashboard=board_id)
    return board


def _source_form(app: CompiledApp, definition: Mapping[str, Any] | None) -> str | None:
    if definition is None:
        return None
    source = definition["source"]
    if "form" in source:
        return str(source["form"])
    flow = next((f for f in app.document.get("flows", ()) if f["id"] == source.get("flow")), None)
    return str(flow["form"]) if flow and flow.get("form") else None


def _place(widget: Mapping[str, Any], n: int) -> dict[str, int]:
    """A widget's cell on the 24-column grid; one without a place takes half the width, in order."""
    w = min(GRID, int(widget.get("w", GRID // 2)))
    x = min(GRID - w, int(widget.get("x", (n % 2) * (GRID // 2))))
    return {"x": x, "y": int(widget.get("y", (n // 2) * 6)), "w": w, "h": int(widget.get("h", 6))}
