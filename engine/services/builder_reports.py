"""What the report designer may offer (services layer): chart types, measure kinds, time buckets and
filter operators, each named in the reader's language.

The designer asks rather than keeping its own lists: chart types and filter operators come from
``report.schema.json`` (the validator's own enums), measures and buckets from the report engine's
registries (``engine.reports.kinds``), so a kind added to the engine appears in the designer with
the rules it needs (whether a measure reads a field and of which kinds, which keys it also needs).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.flows.facts import INSTANCE_COLUMNS, TASK_COLUMNS, FlowFacts, flow_facts
from engine.forms.spec import localized
from engine.i18n import translate
from engine.reports.flow_source import FACTS, RECORD, facts_form, source_key
from engine.reports.kinds import BUCKETS, MEASURES
from engine.schemas import load_schema

PREFIX = "builder.report_kind"


def _report_schema() -> dict[str, Any]:
    defs: dict[str, Any] = load_schema("report.schema.json")["$defs"]
    return defs


def chart_types() -> list[str]:
    return list(_report_schema()["report"]["properties"]["chart"]["properties"]["type"]["enum"])


def filter_ops() -> list[str]:
    return list(_report_schema()["filter"]["properties"]["op"]["enum"])


def measure_formats() -> list[str]:
    return list(_report_schema()["measure"]["properties"]["format"]["enum"])


def _named(group: str, key: str, locale: str) -> dict[str, Any]:
    return {"key": key, "name": translate(f"{PREFIX}.{group}.{key}", locale)}


def report_kinds(locale: str) -> dict[str, Any]:
    """``GET /api/v1/builder/report-kinds``: every kind in the engine's order, named for ``locale``."""
    return {
        "charts": [_named("chart", key, locale) for key in chart_types()],
        "measures": [
            {
                **_named("measure", kind.name, locale),
                "field": kind.field,
                "accepts": sorted(kind.accepts) if kind.accepts is not None else None,
                "needs": list(kind.needs),
                "derived": kind.derived,  # worked out from the measures before it: no "where" of its own
            }
            for kind in MEASURES.values()
        ],
        "formats": [_named("format", key, locale) for key in measure_formats()],
        "buckets": [_named("bucket", name, locale) for name in BUCKETS],
        "filter_ops": [_named("op", op, locale) for op in filter_ops()],
    }


# -- a flow's process facts as a source --------------------------------------------------------
FACT = "builder.designers.fact"


def _milestone_name(facts: FlowFacts, milestone_id: str, nodes: Mapping[str, Any], locale: str) -> str:
    """``开始`` / ``结束`` for the built-ins, else the node's name and the event (``<step>完成``)."""
    milestone = facts.milestone(milestone_id)
    if milestone.node is None:
        return translate(f"{FACT}.moment.{milestone.event}", locale)
    node = localized(nodes.get(milestone.node, {}).get("name"), locale, milestone.node)
    return translate(f"{FACT}.event.{milestone.event}", locale, node=node)


def _column_name(facts: FlowFacts, kind: str, column: str, nodes: Mapping[str, Any], locale: str) -> str:
    """A fact column in the reader's language: a fixed one from the catalog, a milestone's moment or a
    span's length named after the flow's own nodes."""
    if column in (TASK_COLUMNS if kind == "tasks" else INSTANCE_COLUMNS):
        return translate(f"{FACT}.column.{column}", locale)
    for milestone in facts.declared:
        if column == milestone.column:
            return translate(f"{FACT}.at", locale, moment=_milestone_name(facts, milestone.id, nodes, locale))
    for span in facts.spans:
        if column in span.columns:
            kind = "business" if column == span.columns[1] else "seconds"
            start = _milestone_name(facts, span.start, nodes, locale)
            end = _milestone_name(facts, span.end, nodes, locale)
            return translate(f"{FACT}.span.{kind}", locale, start=start, end=end)
    return column


def fact_sources(document: Mapping[str, Any], locale: str) -> list[dict[str, Any]]:
    """``GET /api/v1/builder/apps/<app>/fact-sources``: each flow of the draft whose facts can be read,
    with the columns of its instance and task rows (name, type) as a report names them. A flow whose
    definition is still unfinished is left out (the draft's problems say why)."""
    found = []
    for flow in document.get("flows", ()):
        if not isinstance(flow, Mapping) or not isinstance(flow.get("id"), str):
            continue
        try:
            facts = flow_facts(flow)
            nodes = {n["id"]: n for n in flow.get("nodes", ()) if isinstance(n, Mapping) and "id" in n}
            kinds = {}
            for kind in FACTS:
                form = facts_form({"flows": [flow]}, source_key(facts.flow_id, kind))
                fields = [f for f in (form[1]["fields"] if form else []) if f["id"] != RECORD]
                kinds[kind] = [
                    {"path": f["id"], "type": f["type"], "name": _column_name(facts, kind, f["id"], nodes, locale)}
                    for f in fields
                ]
        except (KeyError, TypeError, AttributeError, StopIteration):
            continue
        name = localized(flow.get("name"), locale, facts.flow_id)
        found.append({"flow": facts.flow_id, "name": name, "form": facts.form_id, "facts": kinds})
    return found
