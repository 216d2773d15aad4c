"""The bucket and measure registries: one entry per kind, the same kinds the schema accepts, and
labels that name the span of local time they stand for."""

from __future__ import annotations

from datetime import datetime

import pytest

from engine.reports.kinds import BUCKETS, MEASURES
from engine.schemas import load_schema


def test_the_registries_are_the_kinds_the_schema_accepts():
    schema = load_schema("report.schema.json")["$defs"]
    assert set(BUCKETS) == set(schema["dimension"]["properties"]["bucket"]["enum"])
    assert set(MEASURES) == set(schema["measure"]["properties"]["agg"]["enum"])


@pytest.mark.parametrize(
    ("kind", "label", "start", "end"),
    [
        ("year", "2026", datetime(2026, 1, 1), datetime(2027, 1, 1)),
        ("quarter", "2026-Q4", datetime(2026, 10, 1), datetime(2027, 1, 1)),
        ("month", "2026-12", datetime(2026, 12, 1), datetime(2027, 1, 1)),
        ("week", "2025-12-29", datetime(2025, 12, 29), datetime(2026, 1, 5)),
        ("day", "2026-01-01", datetime(2026, 1, 1), datetime(2026, 1, 2)),
        ("hour", "2026-01-01 00:00", datetime(2026, 1, 1, 0), datetime(2026, 1, 1, 1)),
    ],
)
def test_a_label_names_its_span_and_every_moment_in_it_gets_that_label(kind, label, start, end):
    bucket = BUCKETS[kind]
    assert bucket.span is not None
    assert bucket.span(label) == (start, end)
    assert bucket.label(start) == label
    assert bucket.label(end.replace(microsecond=0) - (end - end.replace(second=0)) - (end - start) / 10_000) == label


@pytest.mark.parametrize(
    ("moment", "hour", "weekday"), [(datetime(2026, 1, 1, 0, 30), 0, 4), (datetime(2026, 3, 1, 23, 59), 23, 7)]
)
def test_cyclic_buckets_are_the_hour_of_day_and_the_iso_weekday(moment, hour, weekday):
    assert (BUCKETS["hour_of_day"].label(moment), BUCKETS["weekday"].label(moment)) == (hour, weekday)
    assert BUCKETS["hour_of_day"].cyclic_op == "hour"
    assert BUCKETS["weekday"].cyclic_op == "weekday"


def test_the_week_begins_on_monday():
    assert BUCKETS["week"].label(datetime(2026, 3, 8, 23)) == "2026-03-02"  # a Sunday
    assert BUCKETS["week"].label(datetime(2026, 3, 2)) == "2026-03-02"
