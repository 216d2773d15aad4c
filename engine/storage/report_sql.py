"""Report SQL pieces shared by reports and the records API (storage layer): time buckets in the
company's time zone, relation paths as semi-joins, and the SQLite functions both need.

Date-times are stored in UTC: ``timestamptz`` on PostgreSQL, ``YYYY-MM-DD HH:MM:SS.ffffff`` text
on SQLite. A bucket is computed on the *local* wall-clock time, so 00:30 on 1 January in Shanghai
(16:30 on 31 December in UTC) falls in January:

- PostgreSQL: ``timezone('<zone>', column)`` gives the local timestamp, and each bucket kind's
  ``pg`` expression labels it (``engine.reports.kinds.BUCKETS``);
- SQLite: ``trellis_bucket(column, kind, zone)`` is a Python function registered on every
  connection; it converts with ``zoneinfo`` (exact for any zone, summer time included) and labels
  with the bucket kind's own ``label`` - the one definition both back-ends follow.

Medians and percentiles: PostgreSQL's ``percentile_cont``; SQLite has no such aggregate, so
``trellis_percentile(value, p)`` is registered as an aggregate function: it keeps the group's
non-null values (numbers only, never records), sorts them at the end and interpolates linearly
exactly as ``percentile_cont`` does. Exact; memory grows with the largest group's size.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import DateTime, Table, and_, cast, func, literal_column, not_, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import ColumnElement
from sqlalchemy.sql.functions import FunctionElement

from engine.reports.kinds import BUCKETS
from engine.storage.row_rule_sql import RulePath


@dataclass(frozen=True, slots=True)
class ColumnPath:
    """A relation path a filter or a report names: its hops and the kind of the column it ends in."""

    path: RulePath
    kind: str


_ZONE_KEY = re.compile(r"[A-Za-z0-9_+\-/]{1,64}")


class _Bucket(FunctionElement[Any]):
    """A bucket label of a column's local time: compiled in the statement it is part of, so the
    table aliases it names are the statement's own."""

    inherit_cache = False

    def __init__(self, column: Any, kind: str, column_kind: str, zone: str):
        if not _ZONE_KEY.fullmatch(zone):
            raise ValueError(f"not a time zone key: {zone!r}")
        self.kind, self.column_kind, self.zone = kind, column_kind, zone
        super().__init__(column)


@compiles(_Bucket)
def _sqlite_bucket(element: _Bucket, compiler: Any, **kw: Any) -> str:
    zone = "" if element.column_kind == "date" else element.zone
    column = list(element.clauses)[0]
    written: tuple[Any, Any] = (
        literal_column(f"'{element.kind}'"),
        literal_column(f"'{zone}'"),
    )  # registry names and a zone key
    return str(compiler.process(func.trellis_bucket(column, *written), **kw))


@compiles(_Bucket, "postgresql")
def _pg_bucket(element: _Bucket, compiler: Any, **kw: Any) -> str:
    column = list(element.clauses)[0]
    zone: Any = literal_column(f"'{element.zone}'")  # a zoneinfo key (checked): written out, so GROUP BY repeats it
    local = cast(column, DateTime()) if element.column_kind == "date" else func.timezone(zone, column)
    return BUCKETS[element.kind].pg.format(v=f"({compiler.process(local, **kw)})")


def bucket_sql(column: Any, kind: str, column_kind: str, zone: ZoneInfo, dialect: str) -> ColumnElement[Any]:
    """The label of ``column``'s ``kind`` bucket; a date-time is first read in ``zone``, a date as it is."""
    del dialect  # each back-end's form is chosen when the statement is compiled
    return _Bucket(column, kind, column_kind, zone.key)


#: the bucket kinds PostgreSQL groups by ``date_trunc`` of the local time, labelled once per group afterwards
_TRUNCATED = frozenset({"hour", "day", "week", "month", "quarter", "year"})


class _BucketStart(_Bucket):
    """What a report groups a bucket by: on PostgreSQL the local moment truncated to the bucket's start
    (``date_trunc`` of a timestamp: far cheaper per record than formatting text), on SQLite the label."""

    inherit_cache = False


@compiles(_BucketStart)
def _sqlite_bucket_start(element: _BucketStart, compiler: Any, **kw: Any) -> str:
    return _sqlite_bucket(element, compiler, **kw)


@compiles(_BucketStart, "postgresql")
def _pg_bucket_start(element: _BucketStart, compiler: Any, **kw: Any) -> str:
    if element.kind not in _TRUNCATED:
        return _pg_bucket(element, compiler, **kw)
    column = list(element.clauses)[0]
    zone: Any = literal_column(f"'{element.zone}'")
    local = cast(column, DateTime()) if element.column_kind == "date" else func.timezone(zone, column)
    return f"date_trunc('{element.kind}', {compiler.process(local, **kw)})"


class _BucketLabel(FunctionElement[Any]):
    """The label of a grouped bucket start (``bucket_start_sql``): PostgreSQL formats the truncated moment."""

    inherit_cache = False

    def __init__(self, start: Any, kind: str):
        self.kind = kind
        super().__init__(start)


@compiles(_BucketLabel)
def _sqlite_bucket_label(element: _BucketLabel, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(list(element.clauses)[0], **kw))


@compiles(_BucketLabel, "postgresql")
def _pg_bucket_label(element: _BucketLabel, compiler: Any, **kw: Any) -> str:
    start = compiler.process(list(element.clauses)[0], **kw)
    return BUCKETS[element.kind].pg.format(v=f"({start})") if element.kind in _TRUNCATED else str(start)


def bucket_start_sql(column: Any, kind: str, column_kind: str, zone: ZoneInfo) -> ColumnElement[Any]:
    """What to GROUP BY for ``column``'s ``kind`` bucket; ``bucket_label_sql`` of it is ``bucket_sql``'s label."""
    return _BucketStart(column, kind, column_kind, zone.key)


def bucket_label_sql(start: Any, kind: str) -> ColumnElement[Any]:
    return _BucketLabel(start, kind)


def percentile_sql(column: Any, p: float, dialect: str) -> ColumnElement[Any]:
    if dialect == "postgresql":
        return func.percentile_cont(p / 100).within_group(column)
    return func.trellis_percentile(column, p)


def path_condition(table: Table, path: RulePath, test: Callable[[Any], ColumnElement[bool]]) -> ColumnElement[bool]:
    """True when ``path`` from a record of ``table`` reaches a live record whose last column passes ``test``."""
    hops = path.hops
    targets = [hop_table.alias() for hop_table, _ in hops[1:]]
    condition = test(targets[-1].c[hops[-1][1]])
    for level in reversed(range(len(targets))):
        source = table if level == 0 else targets[level - 1]
        target = targets[level]
        condition = source.c[hops[level][1]].in_(select(target.c.id).where(target.c.deleted_at.is_(None), condition))
    return condition


def path_missing(table: Table, path: RulePath) -> ColumnElement[bool]:
    """True when ``path`` reaches no value: a link empty, a record deleted, or the last column empty."""
    return path_fails(table, path, lambda column: column.is_not(None))


def path_fails(table: Table, path: RulePath, test: Callable[[Any], ColumnElement[bool]]) -> ColumnElement[bool]:
    """The negation of ``path_condition``, true too when the first link is empty (where SQL's IN is unknown)."""
    return or_(table.c[path.hops[0][1]].is_(None), not_(path_condition(table, path, test)))


def joined_value(table: Table, path: RulePath) -> tuple[Any, Any]:
    """(the outer-joined FROM clause, the path's last column): LEFT JOINs through live records only."""
    hops = path.hops
    joined: Any = table
    previous: Any = table
    for level, (hop_table, _) in enumerate(hops[1:]):
        target = hop_table.alias()
        joined = joined.outerjoin(
            target, and_(target.c.id == previous.c[hops[level][1]], target.c.deleted_at.is_(None))
        )
        previous = target
    return joined, previous.c[hops[-1][1]]


# --- SQLite: the functions PostgreSQL has built in ----------------------------------------------


@lru_cache(maxsize=64)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def _bucket(value: Any, kind: str, zone: str) -> Any:
    if value is None:
        return None
    text = str(value)
    if zone:
        moment = datetime.fromisoformat(text).replace(tzinfo=UTC).astimezone(_zone(zone))
    else:
        moment = datetime.combine(date.fromisoformat(text[:10]), datetime.min.time())
    return BUCKETS[kind].label(moment)


class _Percentile:
    """``percentile_cont(p / 100) WITHIN GROUP (ORDER BY value)``, exactly, as a SQLite aggregate."""

    def __init__(self) -> None:
        self.values: list[float] = []
        self.p = 50.0

    def step(self, value: Any, p: Any) -> None:
        if value is not None:
            self.values.append(float(value))
            self.p = float(p)

    def finalize(self) -> float | None:
        if not self.values:
            return None
        ordered = sorted(self.values)
        position = (len(ordered) - 1) * self.p / 100
        low = math.floor(position)
        high = min(low + 1, len(ordered) - 1)
        return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def register_sqlite_functions(dbapi_connection: Any) -> None:
    dbapi_connection.create_function("trellis_bucket", 3, _bucket, deterministic=True)
    dbapi_connection.create_aggregate("trellis_percentile", 2, _Percentile)
