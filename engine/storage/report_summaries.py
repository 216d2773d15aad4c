"""Pre-aggregated report rows that stay exact (storage layer): summary tables kept current by the
database itself, in the same transaction as every record write.

A published report whose every dimension, filter and measure a summary can answer gets one: a
table ``rsum_<app hash>_<hash>`` keyed by the columns the report reads - its dimensions, the
columns its filters and measures' ``where`` read, and the fields of the dashboard filters that
narrow it - with a time column, if any, kept as the *local month* it falls in (the app's zone).
Each summary row holds, for the live records with those key values, their count ``rsum_n`` and, per
measured field, its non-null count ``rsum_c_<field>`` and sum ``rsum_s_<field>``: enough for count, sum,
avg, share, ratio and calc measures, exactly (an average is the sum over the non-null count,
as SQL's own ``avg`` computes it). Medians, percentiles, distinct counts, min and max, relation
paths, ``within_last`` filters and time filters inside a month read the records themselves.

Kept current by triggers on the form's table (PostgreSQL: one PL/pgSQL function upserting the old
and new rows' cells; SQLite: three triggers), so every write path - the records service, bulk
loads, migrations, raw SQL - keeps it right, within the writing transaction. Created and filled
from the existing records when the app version that needs it is published (``sync_summaries``);
dropped when no published report needs it any more. PostgreSQL 15 or later (the upsert's unique
index treats empty keys as equal); on older servers every report reads the records.

A report reads its summary (``SummaryQuery``, the same grouping code run over the summary's rows)
only when the viewer's row rule (if any) and filters read only key columns - the time column only
from or before the start of a local month; otherwise the live query.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    MetaData,
    Numeric,
    SmallInteger,
    String,
    Table,
    case,
    func,
    inspect,
    type_coerce,
)
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from engine.expressions.dates import COMPANY_ZONE, app_zone
from engine.forms.row_rule_checks import PathError
from engine.forms.row_rules import RowRule, fields_of
from engine.reports.spec import SOURCES, Dimension, FieldRef, Measure, ReportSpec, parse_report
from engine.storage.catalog import CompiledApp
from engine.storage.record_queries import parse_value
from engine.storage.report_queries import ReportQuery, ViewerFilter
from engine.storage.report_sql import bucket_start_sql

PREFIX = "rsum_"
TIME_BUCKETS = frozenset({"month", "quarter", "year"})  # answerable from whole local months
ALL, COUNT, COUNTED, SUM = "rsum_all", "rsum_n", "rsum_c_", "rsum_s_"  # the summary's own columns (no field's)
SUMMED = frozenset({"count", "sum", "avg"})
SUMMABLE = frozenset({"integer", "decimal", "reference"})  # the columns a summary counts and sums


@dataclass(frozen=True, slots=True)
class Summary:
    """A summary table's shape: key columns (the time one kept by local month), measured fields, zone."""

    app_id: str
    base: str  # the form's table
    keys: tuple[str, ...]
    time: str | None  # the key column kept as its local month
    time_kind: str | None  # "datetime" or "date"
    values: tuple[str, ...]
    zone: str

    @property
    def name(self) -> str:
        shape = json.dumps([self.base, self.keys, self.time, self.values, self.zone])
        app = hashlib.sha256(self.app_id.encode()).hexdigest()[:6]
        return f"{PREFIX}{app}_{hashlib.sha256(shape.encode()).hexdigest()[:16]}"


def _single(ref: FieldRef) -> str | None:
    return ref.hops[0].field if len(ref.hops) == 1 else None


def plan(
    document: Mapping[str, Any], spec: ReportSpec, board_fields: Sequence[str], zone: str = COMPANY_ZONE.key
) -> Summary | None:
    """The summary that can answer ``spec`` (filtered by ``board_fields`` too), or None."""
    if spec.source_kind != "form":
        return None
    keys: set[str] = set()
    time: tuple[str, str] | None = None

    def time_column(ref: FieldRef) -> bool:
        nonlocal time
        name = _single(ref)
        if name is None or ref.kind not in ("datetime", "date") or (time is not None and time[0] != name):
            return False
        time = (name, ref.kind)
        return True

    for dim in spec.dimensions:
        name = _single(dim.ref)
        if name is None:
            return None
        if dim.bucket:
            if dim.bucket not in TIME_BUCKETS or not time_column(dim.ref):
                return None
        elif dim.ref.kind in ("datetime", "date"):
            return None  # grouped by the moment itself: as many groups as records
        else:
            keys.add(name)
    for flt in spec.filters:
        name = _single(flt.ref)
        if name is None or flt.op == "within_last" or flt.ref.kind in ("datetime", "date"):
            return None
        keys.add(name)
    values: set[str] = set()
    for measure in spec.measures:
        if measure.derived:
            continue
        if measure.kind not in SUMMED:
            return None
        if measure.ref is not None:
            name = _single(measure.ref)
            if name is None or measure.ref.kind not in SUMMABLE:
                return None
            values.add(name)
        if measure.where is not None:
            for field in fields_of(measure.where):  # evaluated over the summary's keys: none may be a moment
                ref = _resolve(document, spec.source, field) if "." not in field else None
                if ref is None or ref.kind in ("datetime", "date", "time"):
                    return None
                keys.add(field)
    for path in board_fields:  # a dashboard filter: a key, or the time column (whole months only)
        try:
            ref = _resolve(document, spec.source, path)
        except (KeyError, ValueError):
            ref = None
        if ref is None or _single(ref) is None:
            continue
        if ref.kind in ("datetime", "date"):
            time_column(ref)
        else:
            keys.add(ref.hops[0].field)
    if time is not None:
        keys.discard(time[0])
        if time[0] in values:
            return None
    return Summary(
        app_id="",
        base=spec.source,
        keys=tuple(sorted(keys)),
        time=time[0] if time else None,
        time_kind=time[1] if time else None,
        values=tuple(sorted(values)),
        zone=zone,
    )


def _resolve(document: Mapping[str, Any], form: str, path: str) -> FieldRef | None:
    try:
        return SOURCES["form"].resolve(document, form, path)
    except PathError:
        return None


def board_fields(document: Mapping[str, Any], report_id: str) -> list[str]:
    """The fields of every dashboard filter that may narrow this report (on a board showing it)."""
    found: list[str] = []
    for board in document.get("dashboards", ()):
        if any(widget["report"] == report_id for widget in board["widgets"]):
            found += [flt["field"] for flt in board.get("filters", ())]
    return sorted(set(found))


def summaries_of(app_id: str, document: Mapping[str, Any], tables: Mapping[str, Table]) -> dict[str, Summary]:
    """Every summary the app's published reports can use, by table name (reports of one shape share one)."""
    found: dict[str, Summary] = {}
    for definition in document.get("reports", ()):
        summary = summary_for(app_id, document, definition, tables)
        if summary is not None:
            found[summary.name] = summary
    return found


def summary_for(
    app_id: str, document: Mapping[str, Any], definition: Mapping[str, Any], tables: Mapping[str, Table]
) -> Summary | None:
    if "form" not in definition["source"]:
        return None
    try:
        spec = parse_report(document, definition)
    except KeyError:
        return None
    found = plan(document, spec, board_fields(document, spec.id), app_zone(document).key)
    if found is None or spec.source not in tables:
        return None
    return Summary(app_id, tables[spec.source].name, found.keys, found.time, found.time_kind, found.values, found.zone)


# -- the tables and their triggers ---------------------------------------------------------------
def _q(name: str) -> str:
    """A column name quoted (a field may be called ``order``); field ids are letters, digits and _."""
    return f'"{name}"'


def _list(names: Sequence[str]) -> str:
    return ", ".join(_q(name) for name in names)


def summary_table(summary: Summary, base: Table, dialect: str) -> Table:
    columns: list[Column[Any]] = [Column(ALL, SmallInteger, nullable=False, default=0)]
    for key in summary.keys:
        columns.append(Column(key, base.c[key].type, nullable=True))
    if summary.time is not None:
        columns.append(Column(summary.time, DateTime() if dialect == "postgresql" else String(10), nullable=True))
    columns.append(Column(COUNT, BigInteger, nullable=False))
    for value in summary.values:
        columns += [
            Column(f"{COUNTED}{value}", BigInteger, nullable=False),
            Column(f"{SUM}{value}", Numeric(), nullable=False),
        ]
    return Table(summary.name, MetaData(), *columns)


def _key_columns(summary: Summary) -> list[str]:
    return [ALL, *summary.keys, *([summary.time] if summary.time else [])]


def _key_values(summary: Summary, row: str, dialect: str) -> list[str]:
    """SQL for each key column's value of ``row`` (``NEW``, ``OLD`` or the base table's name)."""
    found = ["0", *(f"{row}.{_q(key)}" for key in summary.keys)]
    if summary.time is not None:
        column = f"{row}.{_q(summary.time)}"
        if dialect == "postgresql":
            local = f"timezone('{summary.zone}', {column})" if summary.time_kind == "datetime" else column
            found.append(f"date_trunc('month', {local})::timestamp")
        elif summary.time_kind == "datetime":
            found.append(f"trellis_bucket({column}, 'month', '{summary.zone}') || '-01'")
        else:
            found.append(f"substr({column}, 1, 7) || '-01'")
    return found


def _measured(summary: Summary, row: str, sign: str) -> list[str]:
    found = [f"{sign}1"]
    for value in summary.values:
        column = f"{row}.{_q(value)}"
        found += [f"{sign}(CASE WHEN {column} IS NULL THEN 0 ELSE 1 END)", f"{sign}coalesce({column}, 0)"]
    return found


def _totals(summary: Summary) -> list[str]:
    return [COUNT, *(f"{p}{v}" for v in summary.values for p in (COUNTED, SUM))]


def create_summary(connection: Connection, summary: Summary, base: Table) -> None:
    """The summary table, filled from the live records, and the triggers keeping it current."""
    dialect = connection.dialect.name
    table = summary_table(summary, base, dialect)
    table.create(connection)
    keys, totals = _key_columns(summary), _totals(summary)
    name = summary.name
    if dialect == "postgresql":
        connection.exec_driver_sql(f"CREATE UNIQUE INDEX {name}_k ON {name} ({_list(keys)}) NULLS NOT DISTINCT")
    else:
        connection.exec_driver_sql(f"CREATE INDEX {name}_k ON {name} ({_list(keys)})")
    grouped = _key_values(summary, base.name, dialect)
    sums = ["count(*)"] + [
        agg for v in summary.values for agg in (f"count({base.name}.{_q(v)})", f"coalesce(sum({base.name}.{_q(v)}), 0)")
    ]
    connection.exec_driver_sql(
        f"INSERT INTO {name} ({_list(keys + totals)}) SELECT {', '.join(grouped + sums)} FROM {base.name} "
        f"WHERE {base.name}.deleted_at IS NULL GROUP BY {', '.join(grouped[1:]) or '1'}"
    )
    watched = [_q(c) for c in ("deleted_at", *summary.keys, *([summary.time] if summary.time else []), *summary.values)]
    if dialect == "postgresql":
        _pg_trigger(connection, summary, keys, totals, watched)
    else:
        _sqlite_triggers(connection, summary, base, keys, totals)


def _pg_trigger(
    connection: Connection, summary: Summary, keys: list[str], totals: list[str], watched: list[str]
) -> None:
    name = summary.name
    added = ", ".join(f"{_q(t)} = {name}.{_q(t)} + EXCLUDED.{_q(t)}" for t in totals)

    def upsert(row: str, sign: str) -> str:
        values = _key_values(summary, row, "postgresql") + _measured(summary, row, sign)
        return (
            f"INSERT INTO {name} ({_list(keys + totals)}) VALUES ({', '.join(values)}) "
            f"ON CONFLICT ({_list(keys)}) DO UPDATE SET {added};"
        )

    same = " AND ".join(f"OLD.{c} IS NOT DISTINCT FROM NEW.{c}" for c in watched)
    connection.exec_driver_sql(
        f"""CREATE FUNCTION {name}_f() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
  IF TG_OP = 'UPDATE' AND {same} THEN RETURN NULL; END IF;
  IF TG_OP <> 'INSERT' AND OLD.deleted_at IS NULL THEN {upsert("OLD", "-")} END IF;
  IF TG_OP <> 'DELETE' AND NEW.deleted_at IS NULL THEN {upsert("NEW", "+")} END IF;
  RETURN NULL;
END $body$"""
    )
    connection.exec_driver_sql(
        f"CREATE TRIGGER {name}_t AFTER INSERT OR UPDATE OR DELETE ON {summary_base(summary)} "
        f"FOR EACH ROW EXECUTE FUNCTION {name}_f()"
    )


def summary_base(summary: Summary) -> str:
    return summary.base


def _sqlite_triggers(connection: Connection, summary: Summary, base: Table, keys: list[str], totals: list[str]) -> None:
    name = summary.name

    def matches(row: str) -> str:
        return " AND ".join(f"{_q(k)} IS {v}" for k, v in zip(keys, _key_values(summary, row, "sqlite"), strict=True))

    def add(row: str, sign: str) -> str:
        deltas = _measured(summary, row, sign)
        sets = ", ".join(f"{_q(t)} = {_q(t)} + ({d})" for t, d in zip(totals, deltas, strict=True))
        ensure = (
            f"INSERT INTO {name} ({_list(keys + totals)}) SELECT {', '.join(_key_values(summary, row, 'sqlite'))}, "
            f"{', '.join('0' for _ in totals)} WHERE {row}.deleted_at IS NULL "
            f"AND NOT EXISTS (SELECT 1 FROM {name} WHERE {matches(row)});"
        )
        change = f"UPDATE {name} SET {sets} WHERE {row}.deleted_at IS NULL AND {matches(row)};"
        return ensure + "\n" + change if sign == "+" else change

    connection.exec_driver_sql(f"CREATE TRIGGER {name}_ai AFTER INSERT ON {base.name} BEGIN {add('NEW', '+')} END")
    connection.exec_driver_sql(f"CREATE TRIGGER {name}_ad AFTER DELETE ON {base.name} BEGIN {add('OLD', '-')} END")
    connection.exec_driver_sql(
        f"CREATE TRIGGER {name}_au AFTER UPDATE ON {base.name} BEGIN {add('OLD', '-')}\n{add('NEW', '+')} END"
    )


def drop_summary(connection: Connection, name: str) -> None:
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"DROP TABLE IF EXISTS {name}")
        connection.exec_driver_sql(f"DROP FUNCTION IF EXISTS {name}_f() CASCADE")  # its trigger with it
        return
    for suffix in ("_ai", "_ad", "_au"):
        connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}{suffix}")
    connection.exec_driver_sql(f"DROP TABLE IF EXISTS {name}")


def _triggered(connection: Connection, name: str) -> bool:
    if connection.dialect.name == "postgresql":
        found = connection.exec_driver_sql(
            "SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            f"WHERE t.tgname = '{name}_t' AND pg_table_is_visible(c.oid)"
        ).scalar()
    else:
        found = connection.exec_driver_sql(
            f"SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE '{name}_a_'"
        ).scalar()
    return bool(found)


def sync_summaries(
    connection: Connection, app_id: str, document: Mapping[str, Any], tables: Mapping[str, Table]
) -> list[str]:
    """At publish: create (and fill) the summaries the new version's reports use, drop those none uses."""
    wanted = summaries_of(app_id, document, tables)
    if connection.dialect.name == "postgresql" and (connection.dialect.server_version_info or (0,)) < (15,):
        wanted = {}  # the upsert needs a unique index with NULLS NOT DISTINCT: every report reads the records
    mine = Summary(app_id, "", (), None, None, (), "").name[: len(PREFIX) + 7]
    existing = {name for name in inspect(connection).get_table_names() if name.startswith(mine)}
    done: list[str] = []
    for name in sorted(existing - set(wanted)):
        drop_summary(connection, name)
        done.append(f"dropped report summary {name}")
    by_name = {table.name: table for table in tables.values()}
    for name, summary in sorted(wanted.items()):
        if name in existing and not _triggered(connection, name):
            drop_summary(connection, name)  # its form's table was rebuilt without the triggers: built again
            existing.discard(name)
        if name not in existing:
            create_summary(connection, summary, by_name[summary.base])
            done.append(f"created report summary {name}")
    forget_summaries()
    return done


# -- answering from a summary -----------------------------------------------------------------------
_KNOWN: dict[tuple[str, str], bool] = {}  # (database, summary table) seen to exist


def forget_summaries() -> None:
    """Look again whether each summary table exists (after one was dropped outside a publish)."""
    _KNOWN.clear()


class SummaryQuery(ReportQuery):
    """A report answered from its summary's rows: count is ``sum(n)``, a sum ``sum(s_f)``, an average
    ``sum(s_f) / sum(c_f)``; summary rows whose records are all gone (``n = 0``) are left out."""

    def __init__(
        self,
        session: Session,
        app: CompiledApp,
        spec: ReportSpec,
        table: Table,
        time: str | None,
        *,
        visible: RowRule | None,
        viewer_filters: Sequence[ViewerFilter],
        zone: ZoneInfo,
        now: datetime,
    ):
        self.time = time
        keyed = [item for item in viewer_filters if item[0].hops[0].field != time]
        super().__init__(session, app, spec, visible=visible, table=table, viewer_filters=keyed, zone=zone, now=now)
        for ref, op, raw in viewer_filters:  # a time filter from a month's start: on the local month kept
            if ref.hops[0].field == time:
                start = _month_start(ref.kind, raw, zone)
                assert start is not None and op in ("ge", "lt")
                key = start.strftime("%Y-%m-%d") if self.dialect != "postgresql" else start
                column = table.c[time]
                self._conditions.append(column >= key if op == "ge" else column < key)

    def live_rows(self) -> Any:
        return self.table.c[COUNT] > 0

    def _grouping(self, dim: Dimension) -> Any:
        if dim.bucket:
            return bucket_start_sql(self.column(dim.ref), dim.bucket, "date", self.zone)
        return super()._grouping(dim)

    def aggregate(self, measure: Measure, condition: Any) -> Any:
        def part(column: Any) -> Any:
            return func.sum(column if condition is None else case((condition, column), else_=None))

        ref = measure.ref
        if measure.kind == "count":
            return func.coalesce(part(self.table.c[COUNT] if ref is None else self.table.c[COUNTED + ref.path]), 0)
        assert ref is not None
        total, counted = part(self.table.c[SUM + ref.path]), part(self.table.c[COUNTED + ref.path])
        live = self.form.table.c[ref.path]  # typed as the live query's aggregate, so both read back alike
        if measure.kind == "sum":
            return type_coerce(case((counted > 0, total), else_=None), func.sum(live).type)
        if self.dialect != "postgresql":
            total = total * 1.0  # SQLite: a real quotient, as its avg()
        return type_coerce(total / func.nullif(counted, 0), func.avg(live).type)


def report_query(
    session: Session,
    app: CompiledApp,
    spec: ReportSpec,
    *,
    visible: RowRule | None,
    viewer_filters: Sequence[ViewerFilter],
    zone: ZoneInfo,
    now: datetime,
) -> ReportQuery:
    """The query answering ``spec`` for this viewer: from its summary when one can, else over the records."""
    summary = None
    if spec.id != "preview" and any(r.get("id") == spec.id for r in app.document.get("reports", ())):
        summary = summary_for(app.app_id, app.document, spec.definition, app.tables.main)
    if (
        summary is not None
        and summary.zone == zone.key
        and (visible is None or fields_of(visible) <= set(summary.keys))  # a row rule over the keys only
        and _answerable(summary, viewer_filters, zone)
        and _exists(session, summary)
    ):
        table = summary_table(summary, app.tables.main[spec.source], session.get_bind().dialect.name)
        return SummaryQuery(
            session, app, spec, table, summary.time, visible=visible, viewer_filters=viewer_filters, zone=zone, now=now
        )
    return ReportQuery(session, app, spec, visible=visible, viewer_filters=viewer_filters, zone=zone, now=now)


def _answerable(summary: Summary, viewer_filters: Sequence[ViewerFilter], zone: ZoneInfo) -> bool:
    """Whether the viewer's filters read only the summary's keys, and its time column only from (ge)
    or before (lt) the start of a local month - whole months, which the summary keeps apart."""
    for ref, op, raw in viewer_filters:
        if len(ref.hops) != 1:
            return False
        field = ref.hops[0].field
        if field == summary.time:
            if op not in ("ge", "lt") or _month_start(ref.kind, raw, zone) is None:
                return False
        elif field not in summary.keys:
            return False
    return True


def _month_start(kind: str, raw: str, zone: ZoneInfo) -> datetime | None:
    """The local (naive) moment ``raw`` names when it is the very start of a month in ``zone``, else None."""
    try:
        value = parse_value(kind, raw)
    except ValueError:
        return None
    if kind == "date":
        moment = datetime.combine(value, datetime.min.time())
    else:
        moment = value.astimezone(zone).replace(tzinfo=None)
    return moment if moment == moment.replace(day=1, hour=0, minute=0, second=0, microsecond=0) else None


def _exists(session: Session, summary: Summary) -> bool:
    """Whether the summary table is there (only a table seen is remembered: one published by another
    process later is found on the next question)."""
    connection = session.connection()
    key = (connection.engine.url.render_as_string(hide_password=True), summary.name)
    if key not in _KNOWN and inspect(connection).has_table(summary.name):
        _KNOWN[key] = True
    return key in _KNOWN
