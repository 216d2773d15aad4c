"""Listing records (storage layer): filters, sort and keyset (cursor) pagination that stays fast deep into a table.

A cursor encodes the sort value and id of the last row seen; the next page starts after it
with an indexed range scan instead of OFFSET, so page 1,000 costs what page 1 does. Rows
whose sort field is empty come last, in id order.
"""

from __future__ import annotations

import base64
import json
import operator
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time
from decimal import Decimal
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, and_, not_, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from engine.errors import EngineError
from engine.expressions.dates import COMPANY_ZONE
from engine.forms.list_filters import FLOW_FILTERS, OPERATORS, split_filter
from engine.forms.permissions import FormAccess
from engine.forms.row_rules import RowRule
from engine.forms.types import FIELD_TYPES
from engine.forms.types.temporal import parse_datetime
from engine.storage.catalog import CompiledForm
from engine.storage.record_filters import along, flow_condition
from engine.storage.report_sql import bucket_sql
from engine.storage.row_rule_sql import RulePath, rule_sql
from engine.storage.search_index import SEARCH_KINDS, few_matches, search_condition
from engine.whole_numbers import parse_whole

MAX_LIMIT = 200
MAX_SEARCH = 100
MAX_IDS = 1000  # ``id__in`` takes this many ids (a report's drill-down lists a row's records); other lists 100
WINDOW = 1000  # a PostgreSQL search first looks for its page among this many rows of the list, in order
SORTABLE_SYSTEM = ("id", "created_at", "updated_at")
FILTERABLE_SYSTEM = (*SORTABLE_SYSTEM, "created_by", "updated_by")
COMPARISONS = {
    "eq": operator.eq,
    "ne": operator.ne,
    "lt": operator.lt,
    "le": operator.le,
    "gt": operator.gt,
    "ge": operator.ge,
}


class QueryError(EngineError):
    code = "bad_query"


@dataclass(frozen=True, slots=True)
class ListQuery:
    filters: tuple[tuple[str, str, str], ...] = ()  # (field, operator, raw value)
    sort: str = "-id"
    limit: int = 50
    cursor: str | None = None
    deleted: bool = False
    search: str = ""  # ``q``: a substring (any case) of the title, serial or text fields the caller may read
    search_in: tuple[str, ...] = ()  # the fields ``search`` looks in: :func:`scoped` fills them per caller
    view: str = ""  # a package's list view: its fixed filters come first, its sort when none is asked for
    # bound by the service for this caller: the relation paths among the filters (name, path, the
    # form the path ends on), the app the flow filters look in, and the moment that decides "overdue"
    paths: tuple[tuple[str, RulePath, CompiledForm], ...] = ()
    app_id: str = ""
    now: datetime | None = None
    zone: str = ""  # the app's time zone (``hour`` and ``weekday`` filters); "" is the company's default

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> ListQuery:
        filters: list[tuple[str, str, str]] = []
        pairs = args.items(multi=True) if hasattr(args, "getlist") else args.items()  # type: ignore[call-arg]
        for key, value in pairs:  # a key given twice filters twice (a range: created_at__ge, created_at__lt)
            if key in ("sort", "limit", "cursor", "deleted", "lang", "q", "view"):
                continue
            filters.append((*split_filter(key), value))
        raw_limit = args.get("limit", "50")
        limit = parse_whole(raw_limit, low=1, high=MAX_LIMIT)
        if limit is None:
            raise QueryError.says("record.query.limit", max=MAX_LIMIT, value=raw_limit[:20])
        return cls(
            tuple(filters),
            args.get("sort") or "",  # "" until bound: the view's sort, else -id
            limit,
            args.get("cursor") or None,
            args.get("deleted", "false").lower() == "true",
            args.get("q", "").strip()[:MAX_SEARCH],
            view=args.get("view", "")[:63],
        )


@dataclass(frozen=True, slots=True)
class _Sort:
    column: Any
    descending: bool
    name: str = field(default="id")


def refuse_hidden(query: ListQuery, access: FormAccess, action: str = "read") -> None:
    """Filtering or sorting by a field reads it: refuse any field hidden from the caller."""
    for name in [name for name, _, _ in query.filters] + [query.sort.lstrip("-")]:
        if not access.shows_everywhere(name, action):
            raise QueryError.says("record.query.hidden", name=name[:40])


def scoped(query: ListQuery, form: CompiledForm, access: FormAccess, action: str = "read") -> ListQuery:
    """``query`` checked for hidden fields, its search aimed at the text fields this caller may read everywhere."""
    refuse_hidden(query, access, action)
    if not query.search:
        return query
    fields = tuple(
        spec.id
        for spec in form.spec.fields
        if spec.id in form.table.c
        and _scalar_field(form, spec.id)
        and _kind(form, spec.id) in SEARCH_KINDS
        and access.shows_everywhere(spec.id, action)
    )
    return replace(query, search_in=fields)


def run_list(
    session: Session, form: CompiledForm, query: ListQuery, visible: RowRule | None = None
) -> tuple[list[Any], str | None]:
    """One page of records; ``visible`` is the caller's bound permission rule (None: every record)."""
    table = form.table
    statement: Select[Any] = select(table)
    if visible is not None:
        statement = statement.where(rule_sql(table, visible, form.rule_paths))
    statement = statement.where(table.c.deleted_at.is_not(None) if query.deleted else table.c.deleted_at.is_(None))
    paths = {name: (path, target) for name, path, target in query.paths}
    dialect = session.get_bind().dialect.name
    zone = ZoneInfo(query.zone) if query.zone else COMPANY_ZONE
    for name, op, raw in query.filters:
        if name in FLOW_FILTERS:
            now = query.now or datetime.now(UTC)
            statement = statement.where(flow_condition(table, query.app_id, form.spec.id, name, op, raw, now))
        elif name in paths:
            path, target = paths[name]
            statement = statement.where(_path_condition(table, path, target, op, raw, dialect, zone))
        else:
            statement = statement.where(_condition(form, name, op, raw, dialect, zone))
    sort = _sort(form, query.sort)
    if query.cursor:
        statement = statement.where(_after(table, sort, _decode(query.cursor, sort, form)))
    if query.search:
        rows = _searched_page(session, table, statement, sort, query)
    else:
        rows = list(session.execute(statement.order_by(*_order(table.c, sort)).limit(query.limit + 1)))
    next_cursor = None
    if len(rows) > query.limit:
        rows = rows[: query.limit]
        last = rows[-1]
        next_cursor = _encode(getattr(last, sort.name), last.id)
    return rows, next_cursor


def _order(columns: Any, sort: _Sort) -> list[Any]:
    column = columns[sort.name]
    # system columns are NOT NULL: ordering by them alone lets an index serve the page
    order = [] if sort.name in SORTABLE_SYSTEM else [column.is_(None)]
    if sort.name != "id":
        order.append(column.desc() if sort.descending else column.asc())
    order.append(columns.id.desc() if sort.descending else columns.id.asc())
    return order


def _searched_page(session: Session, table: Any, statement: Select[Any], sort: _Sort, query: ListQuery) -> list[Any]:
    """A page of a search: on SQLite by its condition (FTS5 narrows it); on PostgreSQL by one of three plans.

    How many rows match decides the quick plan, and the planner cannot tell it from a search text.
    So first the first ``WINDOW`` rows of the list (filters, rules and cursor applied) are searched:
    a page filled there is the page. Otherwise the indexes alone find the matches (:func:`few_matches`):
    when few, the page is ordered and cut from those; when many, the list is read in order as before.
    """
    dialect = session.get_bind().dialect.name
    limit = query.limit + 1
    if dialect != "postgresql":
        found = search_condition(dialect, table, query.search_in, query.search)
        return list(session.execute(statement.where(found).order_by(*_order(table.c, sort)).limit(limit)))
    window = statement.order_by(*_order(table.c, sort)).limit(WINDOW).subquery()
    first = select(window).where(search_condition(dialect, window, query.search_in, query.search))
    rows = list(session.execute(first.order_by(*_order(window.c, sort)).limit(limit)))
    if len(rows) == limit:
        return rows
    ids = few_matches(session, table, query.search_in, query.search)
    found = search_condition(dialect, table, query.search_in, query.search) if ids is None else table.c.id.in_(ids)
    return list(session.execute(statement.where(found).order_by(*_order(table.c, sort)).limit(limit)))


def listable(form: CompiledForm, name: str) -> bool:
    """Whether a field may be filtered and sorted on: it has a column of single values."""
    return name in form.table.c and _scalar_field(form, name)


def column_kind(form: CompiledForm, name: str) -> str:
    """The kind of a field's column (string, text, integer, date ...; json for none of its own)."""
    return _kind(form, name)


def _sort(form: CompiledForm, raw: str) -> _Sort:
    descending = raw.startswith("-")
    name = raw.lstrip("-")
    if name in SORTABLE_SYSTEM or (name in form.table.c and _scalar_field(form, name)):
        return _Sort(form.table.c[name], descending, name)
    raise QueryError.says("record.query.sort", name=name[:40])


def _scalar_field(form: CompiledForm, name: str) -> bool:
    try:
        spec = form.spec.field(name)
    except KeyError:
        return False
    column = FIELD_TYPES.get(spec.type).column(spec)
    return column is not None and column.kind != "json"


def _after(table: Any, sort: _Sort, cursor: tuple[Any, int]) -> ColumnElement[bool]:
    value, last_id = cursor
    id_after: ColumnElement[bool] = table.c.id < last_id if sort.descending else table.c.id > last_id
    if sort.name == "id":
        return id_after
    column = sort.column
    if value is None:  # inside the trailing block of empty values: only ids move on
        return and_(column.is_(None), id_after)
    beyond = column < value if sort.descending else column > value
    if sort.name in SORTABLE_SYSTEM:
        # the redundant bound lets the database range-scan the column's index
        bound = column <= value if sort.descending else column >= value
        return and_(bound, or_(beyond, id_after))
    return or_(beyond, and_(column == value, id_after), column.is_(None))


def _encode(value: Any, last_id: int) -> str:
    if isinstance(value, datetime | date | time):
        value = value.isoformat()
    elif isinstance(value, Decimal):
        value = str(value)
    raw = json.dumps([value, last_id], ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str, sort: _Sort, form: CompiledForm) -> tuple[Any, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        value, last_id = json.loads(raw)
        if not isinstance(last_id, int):
            raise ValueError(last_id)
        if value is not None and sort.name != "id":
            value = _typed(form, sort.name, value)
        return value, last_id
    except (ValueError, TypeError, ArithmeticError):
        raise QueryError.says("record.query.cursor") from None


def _typed(form: CompiledForm, name: str, value: Any) -> Any:
    return _parse(form, name, value if isinstance(value, str) else json.dumps(value))


def _path_condition(
    table: Any, path: RulePath, target: CompiledForm, op: str, raw: str, dialect: str, zone: ZoneInfo = COMPANY_ZONE
) -> ColumnElement[bool]:
    """A filter on the value at the end of a relation path. ``isnull=true`` and ``notin`` ask for records
    whose path reaches no (such) value, so a record whose path is empty on the way counts too."""
    last = path.hops[-1][1]
    if op in ("notin", "isnull") and (op == "notin" or raw.lower() in ("1", "true", "yes")):
        positive = "in" if op == "notin" else "isnull"
        reaches = along(table, path, partial(_test, target, last, op=positive, raw=raw if op == "notin" else "0"))
        first = table.c[path.hops[0][1]]
        return or_(first.is_(None), not_(reaches))
    return along(table, path, partial(_test, target, last, op=op, raw=raw, dialect=dialect, zone=zone))


def _condition(
    form: CompiledForm, name: str, op: str, raw: str, dialect: str, zone: ZoneInfo = COMPANY_ZONE
) -> ColumnElement[bool]:
    table = form.table
    if op not in OPERATORS:
        raise QueryError.says("record.query.operator", operator=op[:20], operators=", ".join(OPERATORS))
    if "." in name:
        raise QueryError.says("record.query.path", name=name[:80])  # not bound by a service: no path here
    if name not in FILTERABLE_SYSTEM and not (name in table.c and _scalar_field(form, name)):
        raise QueryError.says("record.query.filter", name=name[:40])
    return _test(form, name, table.c[name], op=op, raw=raw, dialect=dialect, zone=zone)


def _test(
    form: CompiledForm,
    name: str,
    column: Any,
    *,
    op: str,
    raw: str,
    dialect: str = "sqlite",
    zone: ZoneInfo = COMPANY_ZONE,
) -> ColumnElement[bool]:
    """``column`` (``name`` of ``form``, or its copy in a path's subquery) compared by ``op`` with ``raw``."""
    if op not in OPERATORS:
        raise QueryError.says("record.query.operator", operator=op[:20], operators=", ".join(OPERATORS))
    if name not in FILTERABLE_SYSTEM and not _scalar_field(form, name):
        raise QueryError.says("record.query.filter", name=name[:40])
    return field_test(column, _kind(form, name), name, op, raw, dialect, zone=zone)


def field_test(
    column: Any, kind: str, name: str, op: str, raw: str, dialect: str, *, zone: ZoneInfo = COMPANY_ZONE
) -> ColumnElement[bool]:
    """``column`` (of kind ``kind``) tested by a records-API operator with the raw value written after it;
    reports filter their own columns with it, so a drill-down URL selects what the report counted."""
    if op not in OPERATORS:
        raise QueryError.says("record.query.operator", operator=op[:20], operators=", ".join(OPERATORS))
    if op == "isnull":
        empty: ColumnElement[bool] = column.is_(None) if raw.lower() in ("1", "true", "yes") else column.is_not(None)
        return empty
    if op in ("in", "notin"):
        values = [_typed_value(kind, name, part) for part in raw.split(",")[: MAX_IDS if name == "id" else 100]]
        if op == "in":
            among: ColumnElement[bool] = column.in_(values)
            return among
        return or_(column.not_in(values), column.is_(None))
    if op in ("hour", "weekday"):
        if kind not in ("date", "datetime"):
            raise QueryError.says("record.query.filter", name=name[:40])
        bucket = "hour_of_day" if op == "hour" else "weekday"
        number = _typed_value("integer", name, raw)
        same: ColumnElement[bool] = bucket_sql(column, bucket, kind, zone, dialect) == number
        return same
    if op == "contains" and kind not in ("string", "text"):
        raise QueryError.says("record.query.no_text", name=name[:40])
    if op == "contains":
        contains: ColumnElement[bool] = column.contains(raw[:200], autoescape=True)
        return contains
    value = _typed_value(kind, name, raw)
    if isinstance(value, bool) and op not in ("eq", "ne"):
        raise QueryError.says("record.query.yes_no", name=name[:40])
    comparison: ColumnElement[bool] = COMPARISONS[op](column, value)  # built for this operator alone
    return comparison


def _typed_value(kind: str, name: str, raw: str) -> Any:
    try:
        return parse_value(kind, raw)
    except (ValueError, ArithmeticError):
        raise QueryError.says("record.query.value", value=raw[:40], name=name) from None


def _value(form: CompiledForm, name: str, raw: str) -> Any:
    try:
        return _parse(form, name, raw)
    except (ValueError, ArithmeticError):
        raise QueryError.says("record.query.value", value=raw[:40], name=name) from None


def _kind(form: CompiledForm, name: str) -> str:
    if name == "id":
        return "integer"
    if name in ("created_at", "updated_at"):
        return "datetime"
    if name in ("created_by", "updated_by"):
        return "string"
    spec = form.spec.field(name)
    column = FIELD_TYPES.get(spec.type).column(spec)
    return column.kind if column is not None else "json"


def _parse(form: CompiledForm, name: str, raw: str) -> Any:
    """A filter or cursor value as its column holds it — by column type, not by submission rules
    (a cursor on a visit time that has since passed, or on an option since removed, stays valid)."""
    return parse_value(_kind(form, name), raw)


def parse_value(kind: str, raw: str) -> Any:
    """A raw filter value as a column of ``kind`` holds it; ``ValueError`` when it cannot be one."""
    if kind in ("string", "text"):
        return raw
    if kind in ("integer", "reference"):
        found = parse_whole(raw.removeprefix("-"))
        if found is None:
            raise ValueError(raw)
        return -found if raw.startswith("-") else found
    if kind == "decimal":
        number = Decimal(raw)
        if not number.is_finite():
            raise ValueError(raw)
        return number
    if kind == "boolean":
        if raw.lower() not in ("true", "false", "1", "0"):
            raise ValueError(raw)
        return raw.lower() in ("true", "1")
    if kind == "date":
        return date.fromisoformat(raw)
    if kind == "datetime":
        return parse_datetime(raw)
    if kind == "time":
        return time.fromisoformat(raw)
    raise ValueError(raw)
