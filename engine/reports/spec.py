"""Report definitions (reports domain): a package's ``reports`` entry parsed into a ``ReportSpec``,
and every mistake in one found up front, each with its JSON pointer.

A report reads one *source*. ``SOURCES`` is the registry of source kinds: a form's records
(``{"form": "repair_order"}``), whose fields and relation paths (``room.building.community``,
followed as joins) are the report's columns; and a flow's process facts (``{"flow": "repair",
"facts": "instances" | "tasks"}``, ``engine.reports.flow_source``), whose columns are the fact
columns and the record's fields under ``record.``. A source kind says which column a name is.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from engine.errors import Problem
from engine.expressions import Expression, ExpressionError, compile_expression
from engine.expressions.dates import parse_duration
from engine.flows.facts import flow_facts
from engine.forms.row_rule_checks import (
    Hop,
    PathError,
    column_of,
    forms_of,
    one_rule_problems,
    problem,
    resolve_path,
    typed_rule,
)
from engine.forms.row_rules import RowRule
from engine.forms.types.base import Column
from engine.reports.flow_source import (
    FACTS,
    PREFIX,
    document_with_facts,
    fact_columns,
    find_flow,
    forms_with_facts,
    source_key,
)
from engine.reports.kinds import BUCKETS, CURRENT, MEASURES, TEMPORAL

SCALAR = frozenset({"string", "text", "decimal", "integer", "boolean", "date", "datetime", "time", "reference"})


@dataclass(frozen=True, slots=True)
class FieldRef:
    """A column a report reads: a field of the source form or a relation path's end."""

    path: str
    hops: tuple[Hop, ...]
    column: Column

    @property
    def kind(self) -> str:
        return self.column.kind


@dataclass(frozen=True, slots=True)
class Dimension:
    key: str  # the row object's key: the dimension's ``id``, else its field
    ref: FieldRef
    bucket: str | None = None
    top: int | None = None
    label: Any = None


@dataclass(frozen=True, slots=True)
class Measure:
    id: str
    kind: str
    ref: FieldRef | None = None
    where: RowRule | None = None
    p: float | None = None  # percentile, 0-100 (median: 50)
    of: str | None = None  # share: of which measure
    expression: Expression | None = None
    label: Any = None
    format: str | None = None

    @property
    def derived(self) -> bool:
        return MEASURES[self.kind].derived


@dataclass(frozen=True, slots=True)
class Filter:
    ref: FieldRef
    op: str
    value: Any = None


@dataclass(frozen=True, slots=True)
class ReportSpec:
    id: str
    name: Any
    source_kind: str
    source: str
    rows: tuple[Dimension, ...]
    columns: tuple[Dimension, ...]
    measures: tuple[Measure, ...]
    filters: tuple[Filter, ...]
    sort: tuple[tuple[str, bool], ...]  # (key, descending)
    limit: int | None
    chart: Mapping[str, Any]
    definition: Mapping[str, Any]
    form: str = ""  # the form whose records the report counts (a flow source: the flow's form)

    @property
    def dimensions(self) -> tuple[Dimension, ...]:
        return self.rows + self.columns

    def fields_read(self) -> list[tuple[str, str]]:
        """(the path's first field, the whole path) of every column the report groups, filters or measures by."""
        refs = [d.ref for d in self.dimensions] + [f.ref for f in self.filters]
        refs += [m.ref for m in self.measures if m.ref is not None]
        return [(ref.hops[0].field, ref.path) for ref in refs]


@dataclass(frozen=True, slots=True)
class SourceKind:
    """What a source offers: the column behind a name (None: no such column), raising ``PathError`` for a bad path."""

    name: str
    resolve: Callable[[Mapping[str, Any], str, str], FieldRef | None]


def _form_column(document: Mapping[str, Any], form_id: str, path: str) -> FieldRef | None:
    forms = forms_of(document)
    hops = resolve_path(forms, form_id, path)
    column = column_of(forms, hops[-1])
    return None if column is None or column.kind not in SCALAR else FieldRef(path, hops, column)


def _flow_column(document: Mapping[str, Any], key: str, path: str) -> FieldRef | None:
    """A fact column (``response_seconds``) or a field of the record reached through ``record.``."""
    forms, form_id = forms_with_facts(document, key)
    hops = resolve_path(forms, form_id, path)
    column = column_of(forms, hops[-1])
    return None if column is None or column.kind not in SCALAR else FieldRef(path, hops, column)


SOURCES: dict[str, SourceKind] = {"form": SourceKind("form", _form_column), "flow": SourceKind("flow", _flow_column)}


def source_of(definition: Mapping[str, Any]) -> tuple[str, str]:
    """(the source kind, the key its ``SOURCES`` entry resolves names under): ``("form", "repair_order")``,
    ``("flow", "repair/instances")`` (``facts`` defaults to ``instances``)."""
    source = definition["source"]
    if "flow" in source:
        return "flow", source_key(str(source["flow"]), str(source.get("facts", "instances")))
    (kind, key), *_ = source.items()
    return str(kind), str(key)


def record_form(document: Mapping[str, Any], kind: str, key: str) -> str:
    """The form whose records a source counts: the form itself, or the flow's form."""
    if kind != "flow":
        return key
    flow = find_flow(document, key.partition("/")[0])
    return str(flow["form"]) if flow is not None else ""


def _rule_scope(document: Mapping[str, Any], kind: str, key: str) -> tuple[Mapping[str, Any], str]:
    """The document and form a measure's ``where`` is checked against (a flow source: its facts form)."""
    return document_with_facts(document, key) if kind == "flow" else (document, key)


def source_hops(spec_kind: str, ref: FieldRef) -> tuple[Hop, ...]:
    """The hops of ``ref`` through real forms, whose fields' modes decide who may read them
    (a flow source's fact columns have none; its ``record.`` paths start at the record)."""
    if spec_kind == "flow":
        return tuple(hop for hop in ref.hops if not hop.form.startswith(PREFIX))
    return ref.hops


def parse_report(document: Mapping[str, Any], definition: Mapping[str, Any]) -> ReportSpec:
    """The spec of a report that ``report_problems`` found nothing wrong with."""
    source_kind, source = source_of(definition)
    if source_kind not in SOURCES:
        raise KeyError(source_kind)
    rule_document, rule_form = _rule_scope(document, source_kind, source)

    def ref(path: str) -> FieldRef:
        found = SOURCES[source_kind].resolve(document, source, path)
        if found is None:
            raise KeyError(path)
        return found

    def dimension(data: Mapping[str, Any]) -> Dimension:
        key = data.get("id", data["field"])
        return Dimension(key, ref(data["field"]), data.get("bucket"), data.get("top"), data.get("label"))

    measures = []
    for data in definition["measures"]:
        kind = data["agg"]
        where = typed_rule(rule_document, rule_form, data["where"]) if "where" in data else None
        expression = compile_expression(data["expression"]) if "expression" in data else None
        p = 50.0 if kind == "median" else (float(data["p"]) if "p" in data else None)
        field = ref(data["field"]) if "field" in data else None
        measures.append(
            Measure(
                data["id"], kind, field, where, p, data.get("of"), expression, data.get("label"), data.get("format")
            )
        )
    return ReportSpec(
        id=definition.get("id", "preview"),
        name=definition.get("name"),
        source_kind=source_kind,
        source=source,
        rows=tuple(dimension(d) for d in definition.get("rows", [])),
        columns=tuple(dimension(d) for d in definition.get("columns", [])),
        measures=tuple(measures),
        filters=tuple(Filter(ref(f["field"]), f["op"], f.get("value")) for f in definition.get("filters", [])),
        sort=tuple((s["by"], bool(s.get("desc", False))) for s in definition.get("sort", [])),
        limit=definition.get("limit"),
        chart=definition.get("chart", {}),
        definition=definition,
        form=record_form(document, source_kind, source),
    )


# --- checks ---------------------------------------------------------------------------------


def report_problems(document: Mapping[str, Any]) -> list[Problem]:
    """Every report's and dashboard's mistakes the structure and name checks leave: paths, kinds, measures."""
    found: list[Problem] = []
    for i, report in enumerate(document.get("reports", ())):
        found.extend(one_report_problems(document, report, f"/reports/{i}"))
    reports = {report["id"]: report for report in document.get("reports", ())}
    for i, board in enumerate(document.get("dashboards", ())):
        sources = [source_of(reports[w["report"]]) for w in board["widgets"] if w["report"] in reports]
        forms = {key for kind, key in sources if kind == "form"}
        flows = {key for kind, key in sources if kind == "flow"}
        for k, flt in enumerate(board.get("filters", ())):
            reached = any(_reaches(document, form, flt["field"]) for form in forms) or any(
                _reaches_fact(document, key, flt["field"]) for key in flows
            )
            if (forms or flows) and not reached:
                found.append(
                    problem(
                        f"/dashboards/{i}/filters/{k}/field",
                        "report.board_filter",
                        path=flt["field"],
                        forms=", ".join(sorted(forms | {key.partition("/")[0] for key in flows})),
                    )
                )
    return found


def _reaches(document: Mapping[str, Any], form_id: str, path: str) -> bool:
    try:
        return _form_column(document, form_id, path) is not None
    except PathError:
        return False


def _reaches_fact(document: Mapping[str, Any], key: str, path: str) -> bool:
    """A dashboard filter on a record field reaches a flow source's widget through ``record.``."""
    try:
        return _flow_column(document, key, f"record.{path}") is not None
    except PathError:
        return False


def one_report_problems(document: Mapping[str, Any], report: Mapping[str, Any], base: str) -> list[Problem]:
    source_kind, source = source_of(report)
    if source_kind not in SOURCES:
        return []
    found: list[Problem] = []
    if source_kind == "flow":
        flow_id, facts = source.partition("/")[0], source.partition("/")[2]
        if find_flow(document, flow_id) is None:
            return [problem(f"{base}/source/flow", "report.unknown_flow", flow=flow_id)]
        if facts not in FACTS:
            return [problem(f"{base}/source/facts", "report.unknown_facts", facts=facts, known=", ".join(FACTS))]

    def ref(pointer: str, path: str) -> FieldRef | None:
        try:
            resolved = SOURCES[source_kind].resolve(document, source, path)
        except PathError as error:
            if source_kind == "flow" and error.first:
                flow_id, _, facts = source.partition("/")
                known = ", ".join(fact_columns(flow_facts(find_flow(document, flow_id) or {}), facts))
                found.append(problem(pointer, "report.unknown_fact", path=path, flow=flow_id, known=known))
                return None
            form = source if source_kind == "form" else record_form(document, source_kind, source)
            found.append(problem(pointer, "report.unknown_path", path=path, form=form, why=error.why))
            return None
        if resolved is None:
            found.append(problem(pointer, "report.not_groupable", path=path))
        return resolved

    dims: list[str] = []
    for key in ("rows", "columns"):
        for k, dim in enumerate(report.get(key, [])):
            here = f"{base}/{key}/{k}"
            dims.append(dim.get("id", dim["field"]))
            found_ref = ref(f"{here}/field", dim["field"])
            if "top" in dim and "bucket" in dim:
                found.append(problem(f"{here}/top", "report.top_bucket"))
            if found_ref is not None and "bucket" in dim and found_ref.kind not in TEMPORAL:
                found.append(problem(f"{here}/bucket", "report.not_temporal", bucket=dim["bucket"], path=dim["field"]))
    if len(set(dims)) < len(dims):
        found.append(problem(f"{base}/rows", "report.same_dimension_twice"))
    for k, flt in enumerate(report.get("filters", [])):
        found_ref = ref(f"{base}/filters/{k}/field", flt["field"])
        if found_ref is not None:
            found.extend(_filter_value_problems(f"{base}/filters/{k}", found_ref, flt))
    rule_document, rule_form = _rule_scope(document, source_kind, source)
    found.extend(_measure_problems(rule_document, report, base, rule_form, ref, dims))
    return found


def _measure_problems(
    document: Mapping[str, Any],
    report: Mapping[str, Any],
    base: str,
    source: str,
    ref: Callable[[str, str], FieldRef | None],
    dims: Sequence[str],
) -> list[Problem]:
    found: list[Problem] = []
    earlier: list[str] = []
    for k, measure in enumerate(report["measures"]):
        here = f"{base}/measures/{k}"
        kind = MEASURES[measure["agg"]]
        if "field" in measure and kind.field == "none":
            found.append(problem(f"{here}/field", "report.measure_reads_no_field", kind=kind.name))
        elif "field" not in measure and kind.field == "required":
            found.append(problem(here, "report.measure_needs", kind=kind.name, key="field"))
        elif "field" in measure:
            found_ref = ref(f"{here}/field", measure["field"])
            if found_ref is not None and kind.accepts is not None and found_ref.kind not in kind.accepts:
                found.append(problem(f"{here}/field", "report.measure_kind", kind=kind.name, path=measure["field"]))
        for key in kind.needs:
            if key not in measure:
                found.append(problem(here, "report.measure_needs", kind=kind.name, key=key))
        if "p" in measure and kind.name != "percentile":
            found.append(problem(f"{here}/p", "report.measure_reads_no_key", kind=kind.name, key="p"))
        if "of" in measure and measure["of"] not in earlier:
            found.append(problem(f"{here}/of", "report.unknown_measure", name=measure["of"], known=", ".join(earlier)))
        if "expression" in measure and kind.derived:
            try:
                names = compile_expression(measure["expression"]).names
            except ExpressionError:  # the expression checks report its own faults
                names = frozenset()
            for name in sorted(set(names) - set(earlier)):
                found.append(
                    problem(f"{here}/expression", "report.unknown_measure", name=name, known=", ".join(earlier))
                )
        if "where" in measure:
            if kind.derived:
                found.append(problem(f"{here}/where", "report.measure_reads_no_key", kind=kind.name, key="where"))
            else:
                found.extend(one_rule_problems(document, source, measure["where"], f"{here}/where"))
        earlier.append(measure["id"])
    for k, dim in enumerate(report.get("rows", []) + report.get("columns", [])):
        if "top" in dim and not earlier:
            found.append(problem(f"{base}/rows/{k}/top", "report.unknown_measure", name="", known=""))
    for k, order in enumerate(report.get("sort", [])):
        if order["by"] not in earlier and order["by"] not in dims:
            found.append(
                problem(f"{base}/sort/{k}/by", "report.unknown_measure", name=order["by"], known=", ".join(earlier))
            )
    return found


def _filter_value_problems(pointer: str, ref: FieldRef, flt: Mapping[str, Any]) -> list[Problem]:
    op, value = flt["op"], flt.get("value")
    try:
        check_filter_value(ref, op, value)
    except (ValueError, TypeError, ArithmeticError):
        return [problem(f"{pointer}/value", "report.filter_value", op=op, path=ref.path)]
    return []


def check_filter_value(ref: FieldRef, op: str, value: Any) -> None:
    """Raise ``ValueError`` unless ``value`` fits a filter ``op`` on ``ref``."""
    if op in ("is_null", "not_null"):
        return
    if op == "within_last":
        if ref.kind not in TEMPORAL or not isinstance(value, str):
            raise ValueError(op)
        parse_duration(value)
        return
    if op == "current":
        if ref.kind not in TEMPORAL or value not in CURRENT:
            raise ValueError(op)
        return
    if op in ("in", "not_in", "between"):
        if not isinstance(value, list) or not value or (op == "between" and len(value) != 2):
            raise ValueError(op)
        for item in value:
            _scalar(ref, item)
        return
    if op == "contains" and ref.kind not in ("string", "text"):
        raise ValueError(op)
    _scalar(ref, value)


def _scalar(ref: FieldRef, value: Any) -> None:
    if not isinstance(value, str | int | float | bool) or isinstance(value, bool) != (ref.kind == "boolean"):
        raise ValueError(value)


def bucket_names() -> list[str]:
    return sorted(BUCKETS)
