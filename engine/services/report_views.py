"""A report's answer drawn for a page (services layer): numbers in their format and the page's
language, dimension values named (option labels, related titles, weekdays), the chart as plotly
traces whose points carry the list-page address of their records, KPI cards, tables and pivots.

Formats (a measure's ``format``): ``number`` 1,234.5; ``percent`` 12.3%; ``money`` ¥1,234.00;
``duration`` (seconds) 2小时5分 / 2 h 5 min. A share without a format is a percent.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from engine.forms.row_rule_checks import SYSTEM_COLUMNS
from engine.forms.spec import localized
from engine.forms.types.temporal import LOCAL_ZONE
from engine.forms.ui import field_ui
from engine.i18n import translate
from engine.reports.spec import Dimension, Measure, ReportSpec
from engine.storage.catalog import CompiledApp

WORDS = "page.dash."
COLOURS = ["#2f6fdf", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7", "#9c755f"]
LOWER = ("ge", "gt")
UPPER = ("lt", "le")


def word(code: str, locale: str, **params: Any) -> str:
    return translate(WORDS + code, locale, **params)


# --- numbers --------------------------------------------------------------------------------------
def measure_format(measure: Measure | None) -> str:
    if measure is None:
        return "number"
    return measure.format or ("percent" if measure.kind == "share" else "number")


def formatted(value: Any, kind: str, locale: str) -> str:
    """``value`` as a person reads it in ``locale``; "—" for no value."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "—" if value is None else str(value)
    if kind == "percent":
        return f"{value * 100:,.1f}%"
    if kind == "money":
        return f"¥{value:,.2f}"
    if kind == "duration":
        return duration(value, locale)
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def duration(seconds: float, locale: str) -> str:
    """``7500`` → 2小时5分 / 2 h 5 min (days, hours and minutes; seconds only under a minute)."""
    sign = "-" if seconds < 0 else ""
    total = round(abs(seconds))
    if total < 60:
        return sign + word("seconds", locale, n=total)
    days, rest = divmod(total // 60, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = []
    if days:
        parts.append(word("days", locale, n=days))
    if hours:
        parts.append(word("hours", locale, n=hours))
    if minutes and not days:
        parts.append(word("minutes", locale, n=minutes))
    joiner = "" if locale == "zh-CN" else " "
    return sign + joiner.join(parts or [word("minutes", locale, n=0)])


def change_text(change: float | None) -> str:
    return "" if change is None else f"{change * 100:+,.1f}%"


# --- names ----------------------------------------------------------------------------------------
class Names:
    """How a report's dimensions and measures are called on a page in ``locale``."""

    def __init__(self, app: CompiledApp, spec: ReportSpec, locale: str):
        self.app, self.spec, self.locale = app, spec, locale
        self._options: dict[str, dict[str, str]] = {}
        for dim in spec.dimensions:
            options = self._field_options(dim)
            if options:
                self._options[dim.key] = options

    def _field_ui(self, dim: Dimension) -> dict[str, Any] | None:
        if not dim.ref.hops:  # a column of another kind of source (a flow's process facts)
            return None
        hop = dim.ref.hops[-1]
        if hop.field in SYSTEM_COLUMNS or hop.form not in self.app.forms:
            return None
        form = self.app.form(hop.form)
        if hop.field not in {f.id for f in form.spec.fields}:
            return None
        return field_ui(form.spec.field(hop.field), self.locale)

    def _field_options(self, dim: Dimension) -> dict[str, str]:
        ui = self._field_ui(dim)
        return {str(o["value"]): str(o["label"]) for o in (ui or {}).get("options") or []}

    def dimension(self, dim: Dimension) -> str:
        if dim.label:
            return localized(dim.label, self.locale, dim.key)
        ui = self._field_ui(dim)
        if ui is not None:
            return str(ui["label"])
        last = dim.ref.hops[-1].field if dim.ref.hops else ""
        return word(f"field.{last}", self.locale) if last in SYSTEM_COLUMNS else dim.key

    def measure(self, measure: Measure) -> str:
        return localized(measure.label, self.locale, measure.id) if measure.label else measure.id

    def value(self, dim: Dimension, row: Mapping[str, Any]) -> str:
        """The name of ``row``'s value of ``dim``: a related title, an option's label, a weekday."""
        value = row.get(dim.key)
        if value is None:
            return word("none", self.locale)
        label = row.get(f"{dim.key}_label")
        if label is not None:
            return str(label)
        if dim.key in self._options:
            return self._options[dim.key].get(str(value), str(value))
        if dim.bucket == "weekday":
            return word(f"weekday.{value}", self.locale) if str(value) in "1234567" else str(value)
        if dim.bucket == "hour_of_day":
            return word("hour_of_day", self.locale, hour=value)
        if isinstance(value, bool):
            return word("yes" if value else "no", self.locale)
        if isinstance(value, str) and len(value) > 18 and value[4] == "-" and "T" in value:
            try:
                return datetime.fromisoformat(value).astimezone(LOCAL_ZONE).strftime("%Y-%m-%d %H:%M")
            except ValueError:
                return value
        return str(value)


# --- drill ----------------------------------------------------------------------------------------
def drill_page(api_url: str | None, locale: str) -> str | None:
    """The workspace's list page showing what a records-API drill address lists: the same filters
    (a bound given twice, as a window and a chosen date range can, keeps its tighter value)."""
    if not api_url:
        return None
    parts = urlsplit(api_url)
    prefix = "/api/v1/apps/"
    if not parts.path.startswith(prefix) or not parts.path.endswith("/records"):
        return None
    kept: dict[str, str] = {}
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        op = key.rpartition("__")[2]
        if key in kept and op in LOWER + UPPER:
            a, b = _moment(kept[key]), _moment(value)
            if a is not None and b is not None:
                value = value if (b > a) == (op in LOWER) else kept[key]
        kept[key] = value
    kept["lang"] = locale
    return f"/apps/{parts.path[len(prefix) :]}?{urlencode(kept)}"


def _moment(raw: str) -> datetime | None:
    try:
        found = datetime.fromisoformat(raw)
    except ValueError:
        return None
    return found if found.tzinfo else found.replace(tzinfo=LOCAL_ZONE)


# --- widgets --------------------------------------------------------------------------------------
def drawn(app: CompiledApp, spec: ReportSpec, answer: Mapping[str, Any], locale: str) -> dict[str, Any]:
    """What the page draws for one report answer: ``kind`` and its ``kpi``, ``figure``, ``table`` or ``pivot``."""
    names = Names(app, spec, locale)
    kind = str(spec.chart.get("type", "table"))
    rows: Sequence[Mapping[str, Any]] = answer["rows"]
    shown: dict[str, Any] = {"kind": kind, "empty": not rows and kind != "kpi", "table": table(names, answer, locale)}
    if kind == "kpi":
        shown["kpi"] = kpi_card(spec, answer, locale)
    elif kind == "pivot" and spec.columns and spec.rows:
        shown["pivot"] = pivot(names, answer, locale)
    elif kind in ("pie", "bar", "line", "area", "scatter") and spec.dimensions:
        shown["figure"] = chart(names, answer, locale)
    else:
        shown["kind"] = "table"
    return shown


def _measures(spec: ReportSpec) -> list[Measure]:
    wanted = list(spec.chart.get("y") or [])
    return [m for m in spec.measures if m.id in wanted] or list(spec.measures)


def kpi_card(spec: ReportSpec, answer: Mapping[str, Any], locale: str) -> dict[str, Any]:
    found = answer.get("kpi") or {
        "measure": _measures(spec)[0].id,
        "value": answer["totals"].get(_measures(spec)[0].id),
    }
    measure = next((m for m in spec.measures if m.id == found["measure"]), None)
    kind = measure_format(measure)
    card = {
        "value": formatted(found.get("value"), kind, locale),
        "trend": found.get("trend"),
        "change": change_text(found.get("change")),
        "previous": None,
        "drill": drill_page(answer.get("drill"), locale),
    }
    before, now = found.get("previous"), found.get("value")
    moved = not card["change"] and found.get("trend") in ("up", "down")
    if moved and isinstance(before, int | float) and isinstance(now, int | float):
        difference = formatted(abs(now - before), kind, locale)  # from nothing: the difference, not a percentage
        card["change"] = ("+" if found["trend"] == "up" else "-") + difference
    if found.get("trend") is not None:
        card["previous"] = word("previous", locale, value=formatted(found.get("previous"), kind, locale))
    return card


def table(names: Names, answer: Mapping[str, Any], locale: str) -> dict[str, Any]:
    spec = names.spec
    header = [names.dimension(d) for d in spec.dimensions] + [names.measure(m) for m in spec.measures]
    formats = [measure_format(m) for m in spec.measures]
    rows = [
        {
            "cells": [names.value(d, row) for d in spec.dimensions]
            + [formatted(row.get(m.id), f, locale) for m, f in zip(spec.measures, formats, strict=True)],
            "drill": drill_page(row.get("drill"), locale),
        }
        for row in answer["rows"]
    ]
    totals = answer["totals"]
    lead = [word("total", locale)] + [""] * (len(spec.dimensions) - 1) if spec.dimensions else []
    total_cells = lead + [formatted(totals.get(m.id), f, locale) for m, f in zip(spec.measures, formats, strict=True)]
    return {
        "header": header,
        "numeric": [False] * len(spec.dimensions) + [True] * len(spec.measures),
        "rows": rows,
        "totals": {"cells": total_cells, "drill": drill_page(answer.get("drill"), locale)},
    }


def chart(names: Names, answer: Mapping[str, Any], locale: str) -> dict[str, Any]:
    """Plotly traces and layout; each point's ``customdata`` is the list page of its records."""
    spec = names.spec
    kind = spec.chart.get("type")
    rows = answer["rows"]
    x_dim = next((d for d in spec.rows if d.key == spec.chart.get("x")), spec.rows[0] if spec.rows else spec.columns[0])
    series_dim = next((d for d in spec.dimensions if d is not x_dim), None)
    measures = _measures(spec)
    xs = list(dict.fromkeys(names.value(x_dim, row) for row in rows))
    traces: list[dict[str, Any]] = []
    if kind == "pie":
        measure = measures[0]
        fmt = measure_format(measure)
        traces.append(
            {
                "type": "pie",
                "labels": [names.value(x_dim, row) for row in rows],
                "values": [row.get(measure.id) or 0 for row in rows],
                "text": [formatted(row.get(measure.id), fmt, locale) for row in rows],
                "customdata": [drill_page(row.get("drill"), locale) for row in rows],
                "hole": 0.45 if spec.chart.get("donut") else 0,
                "sort": False,
                "textinfo": "label+percent",
                "automargin": True,
                "hovertemplate": "%{label}: %{text} (%{percent})<extra></extra>",
                "marker": {"colors": COLOURS},
            }
        )
        return {"data": traces, "layout": _layout(kind, spec)}
    groups: list[tuple[str, Measure, list[Mapping[str, Any]]]] = []
    if series_dim is not None:
        measure = measures[0]
        by: dict[str, list[Mapping[str, Any]]] = {}
        for row in rows:
            by.setdefault(names.value(series_dim, row), []).append(row)
        groups = [(name, measure, found) for name, found in by.items()]
    else:
        groups = [(names.measure(m), m, list(rows)) for m in measures]
    # two measures of different natures (a count and an average, tickets and hours): the second gets its own axis
    second_axis = (
        series_dim is None
        and len(measures) == 2
        and (measure_format(measures[0]) != measure_format(measures[1]) or measures[0].kind != measures[1].kind)
    )
    axes: dict[str, dict[str, Any]] = {}
    for n, (name, measure, found) in enumerate(groups):
        fmt = measure_format(measure)
        at = {names.value(x_dim, row): row for row in found}
        values = [at[x].get(measure.id) if x in at else None for x in xs]
        text = [formatted(v, fmt, locale) if v is not None else "" for v in values]
        if fmt == "duration":  # seconds read as hours on the axis; the hover keeps "2小时5分"
            values = [round(v / 3600, 2) if isinstance(v, int | float) else v for v in values]
            axes["yaxis2" if second_axis and n == 1 else "yaxis"] = {"ticksuffix": word("hours_suffix", locale)}
        trace: dict[str, Any] = {
            "name": name,
            "text": text,
            "customdata": [drill_page(at[x].get("drill"), locale) if x in at else None for x in xs],
            "hovertemplate": f"%{{{'y' if spec.chart.get('horizontal') else 'x'}}}<br>{name}: %{{text}}<extra></extra>",
            "marker": {"color": COLOURS[n % len(COLOURS)]},
        }
        horizontal = kind == "bar" and bool(spec.chart.get("horizontal"))
        trace.update({"x": values, "y": xs, "orientation": "h"} if horizontal else {"x": xs, "y": values})
        if kind == "bar" and not (second_axis and n == 1):
            trace.update({"type": "bar", "textposition": "none"})
        else:
            trace.update({"type": "scatter", "mode": "lines+markers", "line": {"color": COLOURS[n % len(COLOURS)]}})
            if kind == "area":
                trace.update({"fill": "tozeroy" if n == 0 or not spec.chart.get("stacked") else "tonexty"})
                if spec.chart.get("stacked"):
                    trace["stackgroup"] = "one"
        if second_axis and n == 1:
            trace["yaxis"] = "y2"
        traces.append(trace)
    layout = _layout(kind, spec)
    layout["showlegend"] = len(traces) > 1  # one series: its name is the widget's title already
    if second_axis:
        layout["yaxis2"] = {"overlaying": "y", "side": "right", "showgrid": False, "rangemode": "tozero"}
        layout["margin"]["r"] = 56  # room for the right axis' numbers
    if x_dim.bucket:  # "2026-03", "2026-Q1": shown as the server wrote them, not re-read as dates in English
        layout["xaxis"] = {**layout.get("xaxis", {}), "type": "category"}
    for axis, settings in axes.items():
        layout[axis] = {**layout.get(axis, {}), **settings}
    return {"data": traces, "layout": layout}


def _layout(kind: Any, spec: ReportSpec) -> dict[str, Any]:
    layout: dict[str, Any] = {
        "margin": {"l": 48, "r": 24, "t": 8, "b": 40},
        "showlegend": True,
        "legend": {"orientation": "h", "y": -0.15},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "font": {"family": "system-ui, 'PingFang SC', 'Noto Sans CJK SC', sans-serif", "size": 12},
    }
    if kind == "bar":
        layout["barmode"] = "stack" if spec.chart.get("stacked") else "group"
        if spec.chart.get("horizontal"):
            layout["yaxis"] = {"automargin": True, "autorange": "reversed"}
            layout["margin"]["l"] = 8
    if kind == "pie":
        layout["margin"] = {"l": 8, "r": 8, "t": 8, "b": 8}
    return layout


def pivot(names: Names, answer: Mapping[str, Any], locale: str) -> dict[str, Any]:
    """Rows × columns of the first charted measure, each cell with its heat (0-1 of the largest),
    the margins (exact, grouped in SQL: ``answer["pivot"]``), subtotals for two row dimensions."""
    spec = names.spec
    measure = _measures(spec)[0]
    fmt = measure_format(measure)
    margins = answer.get("pivot") or {}
    rows = answer["rows"]

    def col_name(row: Mapping[str, Any]) -> str:
        return " · ".join(names.value(d, row) for d in spec.columns)

    def row_key(row: Mapping[str, Any], dims: Sequence[Dimension]) -> tuple[str, ...]:
        return tuple(names.value(d, row) for d in dims)

    columns = list(dict.fromkeys(col_name(row) for row in rows))
    numbers = [row.get(measure.id) for row in rows if isinstance(row.get(measure.id), int | float)]
    top = max((abs(v) for v in numbers), default=0) or 1
    cells: dict[tuple[tuple[str, ...], str], Mapping[str, Any]] = {}
    for row in rows:
        cells[(row_key(row, spec.rows), col_name(row))] = row
    totals_by_row = {row_key(r, spec.rows): r for r in margins.get("rows", [])}
    first = spec.rows[:1]
    sub_cells = {(row_key(r, first), col_name(r)): r for r in margins.get("subtotals", [])}
    sub_rows = {row_key(r, first): r for r in margins.get("subtotal_rows", [])}

    def cell(row: Mapping[str, Any] | None, heat: bool = True) -> dict[str, Any]:
        if row is None:
            return {"text": "", "heat": None, "drill": None}
        value = row.get(measure.id)
        level = abs(value) / top if heat and isinstance(value, int | float) else None
        return {"text": formatted(value, fmt, locale), "heat": level, "drill": drill_page(row.get("drill"), locale)}

    body: list[dict[str, Any]] = []
    keys = list(dict.fromkeys(row_key(row, spec.rows) for row in rows))
    for n, key in enumerate(keys):
        body.append(
            {
                "labels": list(key),
                "cells": [cell(cells.get((key, c))) for c in columns],
                "total": cell(totals_by_row.get(key), heat=False),
            }
        )
        last = n + 1 == len(keys) or keys[n + 1][:1] != key[:1]
        if len(spec.rows) > 1 and last and key[:1] in sub_rows:
            body.append(
                {
                    "labels": [word("subtotal", locale, name=key[0])] + [""] * (len(spec.rows) - 1),
                    "cells": [cell(sub_cells.get((key[:1], c)), heat=False) for c in columns],
                    "total": cell(sub_rows.get(key[:1]), heat=False),
                    "subtotal": True,
                }
            )
    by_column = {col_name(r): r for r in margins.get("columns", [])}
    return {
        "corner": [names.dimension(d) for d in spec.rows],
        "measure": names.measure(measure),
        "columns": columns,
        "rows": body,
        "totals": {
            "label": word("total", locale),
            "cells": [cell(by_column.get(c), heat=False) for c in columns],
            "total": {
                "text": formatted(answer["totals"].get(measure.id), fmt, locale),
                "heat": None,
                "drill": drill_page(answer.get("drill"), locale),
            },
        },
    }


def export_rows(names: Names, answer: Mapping[str, Any]) -> tuple[list[str], list[list[Any]]]:
    """A widget's rows for a CSV or XLSX file: dimension names and raw measure values, then totals."""
    spec = names.spec
    header = [names.dimension(d) for d in spec.dimensions] + [names.measure(m) for m in spec.measures]
    rows = [
        [names.value(d, row) for d in spec.dimensions] + [row.get(m.id) for m in spec.measures]
        for row in answer["rows"]
    ]
    lead = [word("total", names.locale)] + [""] * (len(spec.dimensions) - 1) if spec.dimensions else []
    rows.append(lead + [answer["totals"].get(m.id) for m in spec.measures])
    return header, rows
