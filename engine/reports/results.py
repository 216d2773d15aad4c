"""A report's grouped result made into its answer (reports domain): derived measures, top-N with
the rest as one "Other" row, order and limit (pandas, on grouped rows only), the records-API
filters that reach exactly the records a row counts (drill-down), and the plotly figure.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd  # type: ignore[import-untyped]
import plotly.graph_objects as go  # type: ignore[import-untyped]

from engine.expressions import ExpressionError
from engine.expressions.dates import parse_duration
from engine.i18n import translate
from engine.reports.kinds import BUCKETS, current_span
from engine.reports.spec import Dimension, Filter, ReportSpec

OTHER = "__other__"  # the key value of the row holding the groups outside a top-N
Raw = tuple[str, str, str]  # (field or path, records-API operator, raw value)


def derive(spec: ReportSpec, rows: list[dict[str, Any]], totals: dict[str, Any]) -> None:
    """Compute the derived measures (share, ratio, calc) of every row and of the totals, in place."""
    for measure in spec.measures:
        if not measure.derived:
            continue
        for row in [*rows, totals]:
            if measure.kind == "share":
                row[measure.id] = _divide(row.get(measure.of or ""), totals.get(measure.of or ""))
            elif measure.expression is not None:
                context = {m.id: _decimal(row.get(m.id)) for m in spec.measures if m.id in row}
                try:
                    value = measure.expression.evaluate(context)
                except (ExpressionError, ArithmeticError, TypeError):
                    value = None
                row[measure.id] = _number(value)


def _decimal(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _number(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _divide(part: Any, whole: Any) -> float | None:
    if not isinstance(part, int | float) or not isinstance(whole, int | float) or whole == 0:
        return None
    return float(part) / float(whole)


def ordered(spec: ReportSpec, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``rows`` in the report's order (its ``sort``, else by dimension), "Other" rows last, cut to ``limit``."""
    if not rows:
        return rows
    frame = pd.DataFrame(rows)
    keys = [key for key, _ in spec.sort] or [d.key for d in spec.dimensions]
    rising = [not desc for _, desc in spec.sort] or [True] * len(keys)
    other = [d.key for d in spec.dimensions if d.top]
    helper = []
    for key in other:
        frame[f"__{key}_other"] = frame[key].map(lambda value: value == OTHER)
        helper.append(f"__{key}_other")
    keys = [k for k in keys if k in frame.columns]
    rising = rising[: len(keys)]
    sortable = frame.copy()
    for key in keys:  # mixed types (a number and the "Other" marker) sort as text within their kind
        sortable[key] = sortable[key].map(_sort_key)
    sortable = sortable.sort_values(
        helper + keys, ascending=[True] * len(helper) + rising, na_position="last", kind="stable"
    )
    result = [rows[i] for i in sortable.index]
    return result[: spec.limit] if spec.limit else result


def _sort_key(value: Any) -> Any:
    if value is None or value == OTHER:
        return None
    if isinstance(value, bool):
        return int(value)
    return value


def top_values(spec: ReportSpec, dim: Dimension, ranking: list[dict[str, Any]]) -> list[Any]:
    """The ``dim.top`` values with the largest ranking measure (the first stored one), ties by value."""
    stored = next(m for m in spec.measures if not m.derived)
    frame = pd.DataFrame(ranking)
    if frame.empty:
        return []
    frame["__rank"] = frame[stored.id].map(lambda v: v if isinstance(v, int | float) else float("-inf"))
    frame["__value"] = frame[dim.key].map(lambda v: "" if v is None else str(v))
    frame = frame.sort_values(["__rank", "__value"], ascending=[False, True], kind="stable")
    return [None if pd.isna(value) else value for value in frame[dim.key][: dim.top or 0]]


# --- drill-down -----------------------------------------------------------------------------


def drill_filters(
    spec: ReportSpec,
    row: Mapping[str, Any],
    *,
    viewer: Sequence[Raw],
    tops: Mapping[str, list[Any]],
    zone: ZoneInfo,
    now: datetime,
) -> list[Raw]:
    """The records-API filters whose records are exactly those ``row`` counts."""
    found: list[Raw] = []
    for flt in spec.filters:
        found.extend(fixed_filter(flt, zone, now))
    found.extend(viewer)
    for dim in spec.dimensions:
        if dim.key in row:
            found.extend(_dimension_filter(dim, row[dim.key], tops.get(dim.key, []), zone))
    return found


def fixed_filter(flt: Filter, zone: ZoneInfo, now: datetime) -> list[Raw]:
    path, value = flt.ref.path, flt.value
    if flt.op == "is_null":
        return [(path, "isnull", "true")]
    if flt.op == "not_null":
        return [(path, "isnull", "false")]
    if flt.op == "within_last":
        start = now - parse_duration(value)
        moment = start.astimezone(UTC).isoformat() if flt.ref.kind == "datetime" else start.astimezone(zone).date()
        return [(path, "ge", str(moment))]
    if flt.op == "current":
        start, end = current_span(str(value), now.astimezone(zone))
        if flt.ref.kind == "date":
            return [(path, "ge", start.date().isoformat()), (path, "lt", end.date().isoformat())]
        return [(path, "ge", _utc(start, zone)), (path, "lt", _utc(end, zone))]
    if flt.op == "between":
        return [(path, "ge", _raw(value[0])), (path, "le", _raw(value[1]))]
    if flt.op in ("in", "not_in"):
        return [(path, "in" if flt.op == "in" else "notin", ",".join(_raw(v) for v in value))]
    return [(path, flt.op, _raw(value))]


def _dimension_filter(dim: Dimension, value: Any, top: list[Any], zone: ZoneInfo) -> list[Raw]:
    path = dim.ref.path
    if value == OTHER:
        present = [_raw(v) for v in top if v is not None]
        if dim.bucket:
            raise ValueError("a top-N over a time bucket")  # refused at validation: buckets are ordered, not ranked
        found: list[Raw] = [(path, "notin", ",".join(present))] if present else []
        return [*found, (path, "isnull", "false")] if None in top else found
    if value is None:
        return [(path, "isnull", "true")]
    if dim.bucket is None:
        return [(path, "eq", _raw(value))]
    kind = BUCKETS[dim.bucket]
    if kind.span is None:
        return [(path, kind.cyclic_op or "eq", str(value))]
    start, end = kind.span(str(value))
    if dim.ref.kind == "date":
        return [(path, "ge", start.date().isoformat()), (path, "lt", end.date().isoformat())]
    return [(path, "ge", _utc(start, zone)), (path, "lt", _utc(end, zone))]


def _utc(local: datetime, zone: ZoneInfo) -> str:
    return local.replace(tzinfo=zone).astimezone(UTC).isoformat()


def _raw(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)


# --- the figure -------------------------------------------------------------------------------


def figure(spec: ReportSpec, rows: list[dict[str, Any]], totals: Mapping[str, Any], locale: str) -> dict[str, Any]:
    """A plotly figure (as its JSON dict) of the report's chart: pie, bar, line/area, kpi, else a table."""
    chart = spec.chart
    kind = chart.get("type", "table")
    measures = list(chart.get("y") or [m.id for m in spec.measures])
    x_key = chart.get("x") or (spec.rows[0].key if spec.rows else None)
    labels = [_label(row, x_key, locale) for row in rows] if x_key else []
    fig = go.Figure()
    if kind == "kpi":
        value = totals.get(measures[0])
        fig.add_trace(go.Indicator(mode="number", value=value if isinstance(value, int | float) else 0))
    elif kind == "pie" and x_key:
        fig.add_trace(go.Pie(labels=labels, values=[row.get(measures[0]) for row in rows], sort=False))
    elif kind in ("bar", "line", "area") and x_key:
        for measure in measures:
            values = [row.get(measure) for row in rows]
            name = _measure_name(spec, measure, locale)
            if kind == "bar":
                orientation = "h" if chart.get("horizontal") else "v"
                x, y = (values, labels) if orientation == "h" else (labels, values)
                fig.add_trace(go.Bar(x=x, y=y, name=name, orientation=orientation))
            else:
                fig.add_trace(
                    go.Scatter(
                        x=labels, y=values, name=name, mode="lines+markers", fill="tozeroy" if kind == "area" else None
                    )
                )
        if chart.get("stacked"):
            fig.update_layout(barmode="stack")
    else:
        keys = [d.key for d in spec.dimensions] + [m.id for m in spec.measures]
        header = [_dimension_name(d, locale) for d in spec.dimensions] + [
            _measure_name(spec, m.id, locale) for m in spec.measures
        ]
        cells: list[list[Any]] = [[_label(row, d.key, locale) for row in rows] for d in spec.dimensions]
        cells += [[row.get(key) for row in rows] for key in keys[len(spec.dimensions) :]]
        fig.add_trace(go.Table(header={"values": header}, cells={"values": cells}))
    fig.update_layout(title={"text": _text(spec.name, locale)})
    drawn: dict[str, Any] = json.loads(fig.to_json())
    return drawn


def _label(row: Mapping[str, Any], key: str, locale: str) -> str:
    value = row.get(f"{key}_label", row.get(key))
    if row.get(key) == OTHER:
        return translate("report.other", locale)
    return "—" if value is None else str(value)


def _text(value: Any, locale: str) -> str:
    if isinstance(value, Mapping):
        return str(value.get(locale) or next(iter(value.values()), ""))
    return "" if value is None else str(value)


def _measure_name(spec: ReportSpec, measure_id: str, locale: str) -> str:
    found = next((m for m in spec.measures if m.id == measure_id), None)
    return _text(found.label, locale) or measure_id if found else measure_id


def _dimension_name(dim: Dimension, locale: str) -> str:
    return _text(dim.label, locale) or dim.key
