"""The grouped result made into the answer: derived measures, order with "Other" last, top-N
ranking, and drill-down filters that name exactly a row's records."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from engine.reports.results import OTHER, derive, drill_filters, figure, ordered, top_values
from engine.reports.spec import parse_report
from tests.reports_app import reports_package

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 3, 1, 4, 0, tzinfo=UTC)


def spec_of(**report):
    package = reports_package()
    package["reports"].append(
        {"id": "r", "name": {"zh-CN": "报表", "en": "Report"}, "source": {"form": "ticket"}, **report}
    )
    return parse_report(package, package["reports"][-1])


MEASURES = [
    {"id": "n", "agg": "count"},
    {"id": "urgent", "agg": "count", "where": "urgent"},
    {"id": "rate", "agg": "ratio", "expression": "urgent / n"},
    {"id": "share", "agg": "share", "of": "n"},
]


def test_derived_measures_divide_and_an_empty_divisor_gives_none():
    spec = spec_of(rows=[{"field": "worker_name"}], measures=MEASURES)
    rows = [{"worker_name": "王", "n": 4, "urgent": 1}, {"worker_name": "李", "n": 0, "urgent": 0}]
    totals = {"n": 4, "urgent": 1}
    derive(spec, rows, totals)
    assert [(r["rate"], r["share"]) for r in rows] == [(0.25, 1.0), (None, 0.0)]
    assert (totals["rate"], totals["share"]) == (0.25, 1.0)


def test_rows_follow_the_sort_with_other_last_and_the_limit():
    spec = spec_of(
        rows=[{"field": "worker_name", "top": 2}], measures=MEASURES[:1], sort=[{"by": "n", "desc": True}], limit=2
    )
    rows = [{"worker_name": OTHER, "n": 9}, {"worker_name": "王", "n": 1}, {"worker_name": "李", "n": 5}]
    assert [r["worker_name"] for r in ordered(spec, rows)] == ["李", "王"]
    unlimited = spec_of(rows=[{"field": "worker_name", "top": 2}], measures=MEASURES[:1])
    assert [r["worker_name"] for r in ordered(unlimited, rows + [{"worker_name": None, "n": 1}])] == [
        "李",
        "王",
        None,
        OTHER,
    ]


def test_top_values_rank_by_the_first_stored_measure_then_by_value():
    spec = spec_of(rows=[{"field": "worker_name", "top": 2}], measures=MEASURES)
    ranking = [
        {"worker_name": "c", "n": 2},
        {"worker_name": "a", "n": 2},
        {"worker_name": None, "n": 7},
        {"worker_name": "b", "n": 1},
    ]
    assert top_values(spec, spec.rows[0], ranking) == [None, "a"]


def test_drill_filters_name_a_month_of_shanghai_as_a_utc_range():
    spec = spec_of(
        rows=[{"id": "month", "field": "due_at", "bucket": "month"}, {"field": "deadline", "bucket": "year"}],
        measures=MEASURES[:1],
        filters=[
            {"field": "due_at", "op": "within_last", "value": "P30D"},
            {"field": "stars", "op": "between", "value": [2, 4]},
        ],
    )
    found = drill_filters(
        spec,
        {"month": "2026-01", "deadline": "2026"},
        viewer=[("urgent", "eq", "true")],
        tops={},
        zone=SHANGHAI,
        now=NOW,
    )
    assert found == [
        ("due_at", "ge", "2026-01-30T04:00:00+00:00"),
        ("stars", "ge", "2"),
        ("stars", "le", "4"),
        ("urgent", "eq", "true"),
        ("due_at", "ge", "2025-12-31T16:00:00+00:00"),
        ("due_at", "lt", "2026-01-31T16:00:00+00:00"),
        ("deadline", "ge", "2026-01-01"),
        ("deadline", "lt", "2027-01-01"),
    ]


def test_drill_filters_for_empty_values_cyclic_buckets_and_other():
    spec = spec_of(
        rows=[{"field": "worker_name", "top": 1}, {"id": "h", "field": "due_at", "bucket": "hour_of_day"}],
        measures=MEASURES[:1],
    )
    assert drill_filters(spec, {"worker_name": None, "h": 0}, viewer=[], tops={}, zone=SHANGHAI, now=NOW) == [
        ("worker_name", "isnull", "true"),
        ("due_at", "hour", "0"),
    ]
    other = drill_filters(
        spec, {"worker_name": OTHER, "h": 23}, viewer=[], tops={"worker_name": ["王", None]}, zone=SHANGHAI, now=NOW
    )
    assert other == [("worker_name", "notin", "王"), ("worker_name", "isnull", "false"), ("due_at", "hour", "23")]


def test_figures_are_plotly_dicts_of_the_chart_type():
    rows = [{"worker_name": "王", "n": 2}, {"worker_name": OTHER, "n": 3}]
    totals = {"n": 5}
    pie = figure(
        spec_of(rows=[{"field": "worker_name"}], measures=MEASURES[:1], chart={"type": "pie"}), rows, totals, "zh-CN"
    )
    assert (pie["data"][0]["type"], pie["data"][0]["labels"], pie["data"][0]["values"]) == (
        "pie",
        ["王", "其他"],
        [2, 3],
    )
    assert pie["layout"]["title"]["text"] == "报表"
    kpi = figure(spec_of(measures=MEASURES[:1], chart={"type": "kpi"}), [], totals, "en")
    assert (kpi["data"][0]["type"], kpi["data"][0]["value"]) == ("indicator", 5)
    table = figure(spec_of(rows=[{"field": "worker_name"}], measures=MEASURES[:1]), rows, totals, "en")
    assert table["data"][0]["cells"]["values"] == [["王", "Other"], [2, 3]]
