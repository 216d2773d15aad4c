"""What the report designer may offer (services layer): chart types, measure kinds, time buckets and
filter operators, each named in the reader's language.

The designer asks rather than keeping its own lists: chart types and filter operators come from
``report.schema.json`` (the validator's own enums), measures and buckets from the report engine's
registries (``engine.reports.kinds``), so a kind added to the engine appears in the designer with
the rules it needs (whether a measure reads a field and of which kinds, which keys it also needs).
"""

from __future__ import annotations

from typing import Any

from engine.i18n import translate
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
            }
            for kind in MEASURES.values()
        ],
        "buckets": [_named("bucket", name, locale) for name in BUCKETS],
        "filter_ops": [_named("op", op, locale) for op in filter_ops()],
    }
