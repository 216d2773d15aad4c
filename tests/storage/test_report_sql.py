"""The SQLite functions that give reports what PostgreSQL has built in, checked on both back-ends:
buckets of the local time and ``percentile_cont``, the same answers from the same rows."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Column, Float, Integer, MetaData, Table, func, insert, select

from engine.forms.types.temporal import parse_datetime
from engine.storage.report_sql import bucket_sql, percentile_sql
from engine.storage.tables import UTCDateTime

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def samples(database):
    metadata = MetaData()
    table = Table(
        "report_samples",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("at", UTCDateTime()),
        Column("value", Float),
        Column("grp", Integer),
    )
    metadata.create_all(database.engine)
    rows = [
        ("2025-12-31T16:30:00Z", 1.0, 1),
        ("2025-12-31T15:59:59Z", 2.0, 1),
        ("2026-06-30T16:00:00Z", 4.0, 1),
        ("2026-03-01T00:00:00Z", 10.0, 2),
        (None, None, 2),
    ]
    with database.engine.begin() as connection:
        for at, value, grp in rows:
            connection.execute(insert(table).values(at=parse_datetime(at) if at else None, value=value, grp=grp))
    yield database, table
    metadata.drop_all(database.engine)


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("year", ["2025", "2026", "2026", "2026", None]),
        ("quarter", ["2025-Q4", "2026-Q1", "2026-Q1", "2026-Q3", None]),
        ("month", ["2025-12", "2026-01", "2026-03", "2026-07", None]),
        ("day", ["2025-12-31", "2026-01-01", "2026-03-01", "2026-07-01", None]),
        ("week", ["2025-12-29", "2025-12-29", "2026-02-23", "2026-06-29", None]),
        ("hour", ["2025-12-31 23:00", "2026-01-01 00:00", "2026-03-01 08:00", "2026-07-01 00:00", None]),
        ("hour_of_day", [0, 0, 8, 23, None]),
        ("weekday", [3, 3, 4, 7, None]),
    ],
)
def test_buckets_read_the_local_time_on_both_back_ends(samples, kind, expected):
    database, table = samples
    label = bucket_sql(table.c.at, kind, "datetime", SHANGHAI, database.engine.dialect.name)
    with database.engine.connect() as connection:
        found = [row[0] for row in connection.execute(select(label).select_from(table))]
    assert sorted(found, key=lambda v: (v is None, str(v))) == sorted(expected, key=lambda v: (v is None, str(v)))


@pytest.mark.parametrize(("p", "expected"), [(50, {1: 2.0, 2: 10.0}), (25, {1: 1.5, 2: 10.0}), (90, {1: 3.6, 2: 10.0})])
def test_percentiles_interpolate_like_percentile_cont(samples, p, expected):
    database, table = samples
    measure = percentile_sql(table.c.value, p, database.engine.dialect.name)
    with database.engine.connect() as connection:
        found = dict(connection.execute(select(table.c.grp, measure).group_by(table.c.grp)).all())
    assert {k: pytest.approx(v) for k, v in found.items()} == expected
    with database.engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(table)).scalar() == 5
