"""Report definitions checked at package validation: every mistake located by its JSON pointer."""

from __future__ import annotations

import copy

import pytest

from engine.packages.validation import package_problems
from engine.reports.spec import parse_report
from tests.reports_app import reports_package


def with_report(**changes):
    package = reports_package()
    report = {"id": "r", "name": "r", "source": {"form": "ticket"}, "measures": [{"id": "n", "agg": "count"}]}
    report.update(changes)
    package["reports"].append(report)
    return package


def pointers(package):
    return [(p.pointer, p.code) for p in package_problems(package)]


def test_the_fixture_package_and_the_property_app_validate(property_package):
    assert pointers(reports_package()) == []
    assert pointers(property_package) == []


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"rows": [{"field": "room.building.nothing"}]}, [("/reports/3/rows/0/field", "report.unknown_path")]),
        ({"rows": [{"field": "title.name"}]}, [("/reports/3/rows/0/field", "report.unknown_path")]),
        ({"rows": [{"field": "tags"}]}, [("/reports/3/rows/0/field", "report.not_groupable")]),
        ({"rows": [{"field": "title", "bucket": "month"}]}, [("/reports/3/rows/0/bucket", "report.not_temporal")]),
        ({"rows": [{"field": "due_at", "bucket": "day", "top": 3}]}, [("/reports/3/rows/0/top", "report.top_bucket")]),
        (
            {"rows": [{"field": "title"}, {"id": "title", "field": "worker_name"}]},
            [("/reports/3/rows", "report.same_dimension_twice")],
        ),
        (
            {"measures": [{"id": "s", "agg": "avg", "field": "room.building.name"}]},
            [("/reports/3/measures/0/field", "report.measure_kind")],
        ),
        (
            {
                "measures": [
                    {"id": "n", "agg": "count"},
                    {"id": "s", "agg": "share", "of": "later"},
                    {"id": "later", "agg": "count"},
                ]
            },
            [("/reports/3/measures/1/of", "report.unknown_measure")],
        ),
        (
            {
                "measures": [
                    {"id": "r", "agg": "ratio", "expression": "a / b"},
                    {"id": "a", "agg": "count"},
                    {"id": "b", "agg": "count"},
                ]
            },
            [("/reports/3/measures/0/expression", "report.unknown_measure")] * 2,
        ),
        (
            {"measures": [{"id": "n", "agg": "count", "where": "len(title) > 3"}]},
            [("/reports/3/measures/0/where", "permission.rows_unsupported")],
        ),
        (
            {
                "measures": [
                    {"id": "n", "agg": "count"},
                    {"id": "c", "agg": "calc", "expression": "n * 2", "where": "urgent"},
                ]
            },
            [("/reports/3/measures/1/where", "report.measure_reads_no_key")],
        ),
        (
            {"filters": [{"field": "stars", "op": "between", "value": [1]}]},
            [("/reports/3/filters/0/value", "report.filter_value")],
        ),
        (
            {"filters": [{"field": "title", "op": "within_last", "value": "P1D"}]},
            [("/reports/3/filters/0/value", "report.filter_value")],
        ),
        (
            {"filters": [{"field": "urgent", "op": "eq", "value": "yes"}]},
            [("/reports/3/filters/0/value", "report.filter_value")],
        ),
        ({"sort": [{"by": "nothing"}]}, [("/reports/3/sort/0/by", "ref.unknown")]),
    ],
)
def test_a_mistake_is_named_at_its_pointer(changes, expected):
    found = pointers(with_report(**changes))
    assert [(pointer, code) for pointer, code in found if pointer.startswith("/reports/3")] == expected, found


def test_a_percentile_needs_p_and_a_share_needs_of():
    found = pointers(
        with_report(measures=[{"id": "p", "agg": "percentile", "field": "stars"}, {"id": "s", "agg": "share"}])
    )
    assert [pointer for pointer, _ in found] == ["/reports/3/measures/0", "/reports/3/measures/1"]


def test_a_dashboard_filter_must_reach_a_widgets_source():
    package = reports_package()
    package["dashboards"][0]["filters"][0]["field"] = "room.nothing"
    assert pointers(package) == [("/dashboards/0/filters/0/field", "report.board_filter")]


def test_a_flow_source_still_validates():
    package = copy.deepcopy(reports_package())
    package["reports"][0]["source"] = {"flow": "nothing"}
    assert [p for p, _ in pointers(package)] == ["/reports/0/source/flow"]


def test_a_parsed_report_knows_its_keys_paths_and_kinds():
    package = with_report(
        rows=[{"id": "community", "field": "room.building.community"}, {"field": "due_at", "bucket": "month"}],
        measures=[{"id": "n", "agg": "count", "where": "urgent"}, {"id": "m", "agg": "median", "field": "amount"}],
    )
    spec = parse_report(package, package["reports"][3])
    assert [(d.key, d.ref.path, d.ref.kind, d.bucket) for d in spec.rows] == [
        ("community", "room.building.community", "reference", None),
        ("due_at", "due_at", "datetime", "month"),
    ]
    assert [(m.id, m.kind, m.p, m.derived) for m in spec.measures] == [
        ("n", "count", None, False),
        ("m", "median", 50.0, False),
    ]
    assert [hop.form for hop in spec.rows[0].ref.hops] == ["ticket", "room", "building"]
