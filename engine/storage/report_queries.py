"""Running a report in SQL (storage layer): filters, joins and GROUP BY pushed down, one grouped
row per combination of dimension values out; never a raw record loaded into Python.

Every relation path the report reads becomes a chain of LEFT JOINs through live records (a link
that is empty or points at a deleted record reads as empty, exactly as the records API's
``path__isnull=true`` says); a relation dimension also joins its target once more for the
related record's title. Measures with a ``where`` aggregate a ``CASE WHEN`` of their value, the
condition being the ``where`` row rule as the permission rules are written to SQL.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, distinct, func, literal, not_, or_, select, text
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from engine.expressions.dates import parse_duration
from engine.forms.row_rules import RowRule, paths_of
from engine.forms.types import FIELD_TYPES
from engine.reports.kinds import current_span
from engine.reports.spec import Dimension, FieldRef, Filter, Measure, ReportSpec
from engine.storage.catalog import CompiledApp
from engine.storage.record_queries import field_test, parse_value
from engine.storage.report_sql import bucket_label_sql, bucket_sql, bucket_start_sql, percentile_sql
from engine.storage.row_rule_sql import RulePath, rule_sql
from engine.storage.tables import UserRow

ViewerFilter = tuple[FieldRef, str, str]  # (column, records-API operator, raw value)


class ReportQuery:
    """One report over one form's records for one viewer (``visible``: their bound row rule)."""

    def __init__(
        self,
        session: Session,
        app: CompiledApp,
        spec: ReportSpec,
        *,
        visible: RowRule | None,
        viewer_filters: Sequence[ViewerFilter],
        zone: ZoneInfo,
        now: datetime,
        table: Any = None,
    ):
        self.session = session
        self.app = app
        self.spec = spec
        self.form = app.forms[spec.source]
        self.table = self.form.table if table is None else table  # a summary's, when it answers (report_summaries)
        self.dialect = session.get_bind().dialect.name
        self.zone = zone
        self.now = now
        self._from: Any = self.table
        self._joins: dict[tuple[str, ...], Any] = {(): self.table}
        self._conditions: list[ColumnElement[bool]] = [self.live_rows()]
        if self.dialect == "postgresql":  # compiling a report's plan to machine code costs more than it saves
            session.execute(text("SET LOCAL jit = off"))
        if visible is not None:
            self._conditions.append(rule_sql(self.table, visible, self.form.rule_paths))
        for flt in spec.filters:
            self._conditions.append(self._fixed(flt))
        for ref, op, raw in viewer_filters:
            self._conditions.append(field_test(self.column(ref), ref.kind, ref.path, op, raw, self.dialect, zone=zone))

    def live_rows(self) -> Any:
        return self.table.c.deleted_at.is_(None)

    # -- columns ---------------------------------------------------------------------------------
    def column(self, ref: FieldRef) -> Any:
        holder = self._holder(tuple(hop.field for hop in ref.hops[:-1]), ref)
        return holder.c[ref.hops[-1].field]

    def _holder(self, prefix: tuple[str, ...], ref: FieldRef) -> Any:
        """The (aliased) table holding the record a path prefix reaches, outer-joined once per prefix."""
        if prefix in self._joins:
            return self._joins[prefix]
        previous = self._holder(prefix[:-1], ref)
        target = self.app.tables.main[ref.hops[len(prefix)].form].alias()
        self._from = self._from.outerjoin(
            target, and_(target.c.id == previous.c[prefix[-1]], target.c.deleted_at.is_(None))
        )
        self._joins[prefix] = target
        return target

    def _title_source(self, dim: Dimension) -> tuple[Any, str] | None:
        """(the table of the record a relation dimension points at, its title column), or None; a person
        field's dimension is titled by the person's name (a report shows names, not logins)."""
        target = dim.ref.column.target
        if dim.bucket:
            return None
        if self._is_person(dim):
            return UserRow.__table__, "name"
        if dim.ref.kind != "reference" or target is None:
            return None
        title = self.app.forms[target].spec.title_field
        if title is None:
            return None
        return self.app.tables.main[target], title

    def _is_person(self, dim: Dimension) -> bool:
        hop = dim.ref.hops[-1]
        form = self.app.forms.get(hop.form)
        if form is None or not any(f.id == hop.field for f in form.spec.fields):
            return False
        field = form.spec.field(hop.field)
        return FIELD_TYPES.get(field.type).people_limit(field) is not None  # the type says it names people

    def dimension(self, dim: Dimension) -> Any:
        column = self.column(dim.ref)
        if dim.bucket:
            return bucket_sql(column, dim.bucket, dim.ref.kind, self.zone, self.dialect)
        return column

    # -- filters and measures --------------------------------------------------------------------
    def _fixed(self, flt: Filter) -> ColumnElement[bool]:
        column, kind, value = self.column(flt.ref), flt.ref.kind, flt.value
        if flt.op == "is_null":
            return column.is_(None)  # type: ignore[no-any-return]
        if flt.op == "not_null":
            return column.is_not(None)  # type: ignore[no-any-return]
        if flt.op == "within_last":
            start = self.now - parse_duration(value)
            return column >= (start if kind == "datetime" else start.astimezone(self.zone).date())  # type: ignore[no-any-return]
        if flt.op == "current":
            start, end = current_span(str(value), self.now.astimezone(self.zone))
            if kind == "date":
                return and_(column >= start.date(), column < end.date())
            return and_(column >= start.replace(tzinfo=self.zone), column < end.replace(tzinfo=self.zone))
        if flt.op == "between":
            low, high = (typed(kind, item) for item in value)
            return and_(column >= low, column <= high)
        if flt.op == "not_in":
            return or_(column.not_in([typed(kind, item) for item in value]), column.is_(None))
        if flt.op == "in":
            return column.in_([typed(kind, item) for item in value])  # type: ignore[no-any-return]
        return field_test(column, kind, flt.ref.path, flt.op, _raw(value), self.dialect, zone=self.zone)

    def measure(self, measure: Measure) -> Any:
        condition = None
        if measure.where is not None:
            condition = rule_sql(self.table, measure.where, self.rule_paths(measure.where))
        return self.aggregate(measure, condition)

    def aggregate(self, measure: Measure, condition: Any) -> Any:
        value: Any = self.column(measure.ref) if measure.ref is not None else literal(1)
        if condition is not None:
            value = case((condition, value), else_=None)
        sql: dict[str, Any] = {"count": func.count, "sum": func.sum, "avg": func.avg, "min": func.min, "max": func.max}
        kind = measure.kind
        if kind == "count_distinct":
            return func.count(distinct(value))
        if kind in ("median", "percentile"):
            return percentile_sql(value, measure.p or 50.0, self.dialect)
        return sql[kind](value)

    def rule_paths(self, rule: RowRule) -> dict[str, RulePath]:
        """The relation paths a measure's ``where`` names, from the source's rows."""
        paths: dict[str, RulePath] = {}
        for name in paths_of(rule):
            found = self.app.column_path(self.spec.source, name)
            if found is not None:
                paths[name] = found.path
        return paths

    def extras(self, *, totals: bool) -> list[Any]:
        """More labelled aggregates a source adds to each group (none for a form's records); ``totals``:
        the one group of every record the report counts."""
        del totals
        return []

    # -- running ---------------------------------------------------------------------------------
    def groups(
        self, dims: Sequence[Dimension], *, outside: Mapping[str, list[Any]] | None = None
    ) -> list[dict[str, Any]]:
        """One dict per group of ``dims`` (keys: each dimension's key, ``<key>_label`` for relations,
        each stored measure's id); ``outside``: leave out records whose dimension value is among these.

        The records are grouped first (by each dimension's raw value: a time bucket's truncated local
        moment, a relation's id) and only the groups are labelled and joined to their titles: a million
        records are never joined to a title table nor formatted as text one by one."""
        stored = [m for m in self.spec.measures if not m.derived]
        measures = [self.measure(m).label(f"m{n}") for n, m in enumerate(stored)]
        grouping = [self._grouping(dim) for dim in dims]
        conditions = list(self._conditions)
        for dim in self.spec.dimensions:
            if outside and dim.key in outside:
                conditions.append(self._outside(self.dimension(dim), outside[dim.key]))
        extras = self.extras(totals=not dims and not outside)
        inner = select(*(g.label(f"d{n}") for n, g in enumerate(grouping)), *measures, *extras)
        inner = inner.select_from(self._from).where(*conditions)
        if grouping:
            inner = inner.group_by(*grouping)
        statement: Any = inner
        titled: list[bool] = []
        if dims:
            grouped = inner.subquery("grouped")
            joined: Any = grouped
            columns: list[Any] = []
            for n, dim in enumerate(dims):
                raw = grouped.c[f"d{n}"]
                columns.append(self._labelled(dim, raw).label(f"d{n}"))
                source = self._title_source(dim)
                titled.append(source is not None)
                if source is not None:
                    table = source[0].alias(f"title{n}")
                    alive = [table.c.deleted_at.is_(None)] if "deleted_at" in table.c else []
                    joined = joined.outerjoin(table, and_(table.c.id == raw, *alive))
                    columns.append(table.c[source[1]].label(f"t{n}"))
            carried = [grouped.c[extra.name] for extra in extras]
            statement = select(*columns, *(grouped.c[f"m{n}"] for n in range(len(stored))), *carried)
            statement = statement.select_from(joined)
        found = []
        for row in self.session.execute(statement).mappings():
            item: dict[str, Any] = {}
            for n, dim in enumerate(dims):
                item[dim.key] = _plain(row[f"d{n}"])
                if titled[n]:
                    item[f"{dim.key}_label"] = _plain(row[f"t{n}"])
            for n, measure in enumerate(stored):
                item[measure.id] = _plain(row[f"m{n}"])
            for extra in extras:
                item[extra.name] = row[extra.name]
            found.append(item)
        return found

    def _grouping(self, dim: Dimension) -> Any:
        column = self.column(dim.ref)
        if dim.bucket:
            return bucket_start_sql(column, dim.bucket, dim.ref.kind, self.zone)
        return column

    @staticmethod
    def _labelled(dim: Dimension, raw: Any) -> Any:
        return bucket_label_sql(raw, dim.bucket) if dim.bucket else raw

    @staticmethod
    def _outside(expression: Any, values: list[Any]) -> ColumnElement[bool]:
        present = [value for value in values if value is not None]
        inside = expression.in_(present) if present else literal(False)
        if None in values:
            return and_(not_(inside), expression.is_not(None))
        return or_(not_(inside), expression.is_(None))


def typed(kind: str, value: Any) -> Any:
    return parse_value(kind, _raw(value))


def _raw(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _plain(value: Any) -> Any:
    """A value as JSON carries it: decimals as numbers, moments as ISO text."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() and abs(value) < 2**53 else float(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
