"""A report over a flow's process facts (storage layer): ``storage.flow_facts``'s select as the rows.

The fact select (one row per instance, or per task) is the FROM clause, labelled ``facts``; its
``record_id`` is also exposed as ``record``, the relation ``record.<field>`` paths start with. The
record's own table is joined once (inner, live records only), so the viewer's row rule applies to
it in SQL exactly as the records API applies it, and a fact row of a deleted record never counts.
Deeper relation paths (``record.room.building.community``) are LEFT JOINs from there, as for a form
source. Every group also carries the distinct ids of the records it counts (``string_agg`` on
PostgreSQL, ``group_concat`` on SQLite), which the service turns into the drill-down address.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import String, and_, cast, distinct, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from engine.flows.facts import flow_facts
from engine.forms.row_rules import RowRule, paths_of
from engine.reports.flow_source import RECORD, find_flow, split_key
from engine.reports.spec import ReportSpec
from engine.storage.catalog import CompiledApp
from engine.storage.flow_facts import instance_facts, task_facts
from engine.storage.record_queries import field_test
from engine.storage.report_queries import ReportQuery, ViewerFilter
from engine.storage.row_rule_sql import RulePath, rule_sql

RECORD_IDS = "__record_ids"  # the extra column of each group: its records' ids, comma-separated


class FlowReportQuery(ReportQuery):
    """One report over one flow's instance or task facts for one viewer (``visible``: their bound row rule)."""

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
    ):
        self.session = session
        self.app = app
        self.spec = spec
        flow_id, kind = split_key(spec.source)
        definition = find_flow(app.document, flow_id)
        if definition is None:
            raise KeyError(flow_id)
        facts = flow_facts(definition)
        self.form = app.forms[facts.form_id]
        selected = task_facts(facts, app.app_id, now) if kind == "tasks" else instance_facts(facts, app.app_id)
        rows = selected.subquery("fact_rows")
        self.table: Any = select(*rows.c, rows.c.record_id.label(RECORD)).subquery("facts")
        self.record = self.form.table
        self.dialect = session.get_bind().dialect.name
        self.zone = zone
        self.now = now
        self._from = self.table.join(
            self.record, and_(self.record.c.id == self.table.c.record_id, self.record.c.deleted_at.is_(None))
        )
        self._joins = {(): self.table, (RECORD,): self.record}
        self._conditions: list[ColumnElement[bool]] = []
        if visible is not None:
            self._conditions.append(rule_sql(self.record, visible, self.form.rule_paths))
        for flt in spec.filters:
            self._conditions.append(self._fixed(flt))
        for ref, op, raw in viewer_filters:
            self._conditions.append(field_test(self.column(ref), ref.kind, ref.path, op, raw, self.dialect, zone=zone))

    def rule_paths(self, rule: RowRule) -> dict[str, RulePath]:
        """``record.<path>`` names of a ``where``: from the fact row's ``record`` through the record's relations."""
        paths: dict[str, RulePath] = {}
        for name in paths_of(rule):
            if not name.startswith(f"{RECORD}."):
                continue
            found = self.app.column_path(self.form.spec.id, name.removeprefix(f"{RECORD}."))
            if found is not None:
                paths[name] = RulePath(((self.table, RECORD), *found.path.hops))
            else:  # the record's own field: one hop into its table
                paths[name] = RulePath(((self.table, RECORD), (self.record, name.removeprefix(f"{RECORD}."))))
        return paths

    def extras(self, *, totals: bool) -> list[Any]:
        if totals:
            return []  # no drill-down for the totals
        ids = cast(self.table.c.record_id, String)
        if self.dialect == "postgresql":
            found = func.string_agg(distinct(ids), ",")
        else:
            found = func.group_concat(distinct(ids))
        return [found.label(RECORD_IDS)]
