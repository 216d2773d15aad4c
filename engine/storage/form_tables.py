"""Each form's records in a SQL table of its own, built from the form spec and evolved additively.

Names are readable (``property_repair__repair_order``) so customers can query their data with
any SQL or BI tool. Publishing a new app version adds tables, columns and indexes; it never
drops or rewrites a column. A change that would need existing data converted (text → number)
is refused with a message saying what to do instead.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    Time,
    inspect,
)
from sqlalchemy.engine import Connection
from sqlalchemy.types import TypeEngine

from engine.errors import DefinitionError, Problem
from engine.expressions.phrases import Phrase, phrase
from engine.forms.spec import FieldSpec, FormSpec
from engine.forms.types import FIELD_TYPES
from engine.forms.types import Column as ColumnSpec
from engine.i18n import CATALOG, LOG_LOCALE, translate
from engine.packages.messages import localize, problem
from engine.storage.search_index import SEARCH_KINDS, ensure_search_indexes
from engine.storage.tables import UTCDateTime

MAX_NAME = 63
ID_TYPE = BigInteger().with_variant(Integer(), "sqlite")  # SQLite: INTEGER PRIMARY KEY is the rowid


def table_name(*parts: str) -> str:
    name = "__".join(parts)
    if len(name) <= MAX_NAME:
        return name
    digest = hashlib.sha1(name.encode()).hexdigest()[:8]
    return f"{name[: MAX_NAME - 9]}_{digest}"


def sql_type(column: ColumnSpec) -> TypeEngine[Any]:
    kind = column.kind
    if kind == "string":
        return String(column.length or 200)
    if kind == "text":
        return Text()
    if kind == "decimal":
        return Numeric(column.length or 18, column.scale if column.scale is not None else 6, asdecimal=True)
    if kind in ("integer",):
        return Integer()
    if kind == "reference":
        return ID_TYPE
    if kind == "boolean":
        return Boolean()
    if kind == "date":
        return Date()
    if kind == "datetime":
        return UTCDateTime()
    if kind == "time":
        return Time()
    if kind == "json":
        return JSON()
    raise ValueError(f"no SQL type for column kind {kind!r}")


@dataclass(frozen=True, slots=True)
class FormTables:
    """The SQLAlchemy tables of one app version: main tables, sub-table rows, relation links."""

    app_id: str
    metadata: MetaData
    main: Mapping[str, Table]  # form id -> table
    children: Mapping[tuple[str, str], Table]  # (form id, subtable field id) -> table
    links: Mapping[tuple[str, str], Table]  # (form id, multi-relation field id) -> table
    searchable: Mapping[str, tuple[str, ...]] = dataclasses.field(default_factory=dict)  # form id -> text columns


def build_tables(
    app_id: str, forms: Iterable[FormSpec], indexed: Mapping[str, Iterable[str]] | None = None
) -> FormTables:
    """The tables of an app's forms; ``indexed``: more columns to index per form (those its reports
    group by or filter on), each unless an index already starts with it."""
    metadata = MetaData()
    forms = list(forms)
    main: dict[str, Table] = {}
    children: dict[tuple[str, str], Table] = {}
    links: dict[tuple[str, str], Table] = {}
    searchable: dict[str, tuple[str, ...]] = {}
    for form in forms:
        name = table_name(app_id, form.id)
        columns: list[Column[Any]] = [
            Column("id", ID_TYPE, primary_key=True, autoincrement=True),
            Column("uuid", String(32), nullable=False, unique=True),
            Column("app_version", Integer, nullable=False),
            Column("created_at", UTCDateTime(), nullable=False, index=True),
            Column("updated_at", UTCDateTime(), nullable=False),
            Column("created_by", String(64), nullable=False),
            Column("updated_by", String(64), nullable=False),
            Column("lock_version", Integer, nullable=False),
            Column("deleted_at", UTCDateTime(), nullable=True),
        ]
        columns.extend(_field_columns(app_id, form.fields))
        table = Table(name, metadata, *columns)
        for number, index in enumerate(form.indexes):
            Index(
                f"ix_{name}_{number}"[:MAX_NAME],
                *[table.c[f] for f in index["fields"]],
                unique=bool(index.get("unique")),
            )
        for group in form.unique_together:
            # named by its fields, not its position: reordering the rules never re-creates one
            Index(table_name(f"uq_{name}", *group), *[table.c[f] for f in group], unique=True)
        for field_id in sorted((indexed or {}).get(form.id, ())):
            column = table.c.get(field_id)
            led = {next(iter(index.columns)).name for index in table.indexes if index.columns}
            if column is None or column.index or column.unique or column.primary_key or field_id in led:
                continue
            Index(table_name(f"ix_{name}", "report", field_id), column)  # named by its field, as above
        main[form.id] = table
        searchable[form.id] = tuple(c.name for c in table.columns if c.name in _text_fields(form.fields))
        for field in form.fields:
            kind = FIELD_TYPES.get(field.type)
            link_target = kind.link_target(field)
            if kind.holds_rows:
                child_name = table_name(app_id, form.id, field.id)
                child_columns = [
                    Column("id", ID_TYPE, primary_key=True, autoincrement=True),
                    Column(
                        "parent_id", ID_TYPE, ForeignKey(f"{name}.id", ondelete="CASCADE"), nullable=False, index=True
                    ),
                    Column("position", Integer, nullable=False),
                    *_field_columns(app_id, field.children),
                ]
                children[(form.id, field.id)] = Table(child_name, metadata, *child_columns)
            elif link_target is not None:
                target = table_name(app_id, link_target)
                links[(form.id, field.id)] = Table(
                    table_name(app_id, form.id, field.id),
                    metadata,
                    Column("record_id", ID_TYPE, ForeignKey(f"{name}.id", ondelete="CASCADE"), primary_key=True),
                    Column("target_id", ID_TYPE, ForeignKey(f"{target}.id", ondelete="CASCADE"), primary_key=True),
                    Column("position", Integer, nullable=False),
                )
    return FormTables(app_id, metadata, main, children, links, searchable)


def _text_fields(fields: Iterable[FieldSpec]) -> set[str]:
    """The fields a search looks in: those with a text column of their own."""
    found = set()
    for spec in fields:
        column = FIELD_TYPES.get(spec.type).column(spec)
        if column is not None and column.kind in SEARCH_KINDS:
            found.add(spec.id)
    return found


def _field_columns(app_id: str, fields: Iterable[FieldSpec]) -> list[Column[Any]]:
    columns: list[Column[Any]] = []
    for field in fields:
        kind = FIELD_TYPES.get(field.type)
        spec = kind.column(field)
        if spec is None:
            continue
        args: list[Any] = []
        if spec.kind == "reference":
            on_delete = "SET NULL" if field.config.get("on_delete") == "set_null" else "RESTRICT"
            args.append(ForeignKey(f"{table_name(app_id, spec.target or '')}.id", ondelete=on_delete))
        columns.append(
            Column(
                field.id,
                sql_type(spec),
                *args,
                nullable=True,
                unique=field.unique or kind.always_unique,
                index=field.indexed and not field.unique,
            )
        )
    return columns


def column_specs(form: FormSpec) -> dict[str, ColumnSpec]:
    """Field id -> abstract column, over the main table and every sub-table (``sub/child``)."""
    found: dict[str, ColumnSpec] = {}
    for field in form.fields:
        spec = FIELD_TYPES.get(field.type).column(field)
        if spec is not None:
            found[field.id] = spec
        for child in field.children:
            child_spec = FIELD_TYPES.get(child.type).column(child)
            if child_spec is not None:
                found[f"{field.id}/{child.id}"] = child_spec
    return found


def evolution_problems(old_forms: Mapping[str, FormSpec], new_forms: Iterable[tuple[int, FormSpec]]) -> list[Problem]:
    """Changes the new version asks of existing columns that cannot be applied without converting data."""
    problems: list[Problem] = []
    for index, form in new_forms:
        old = old_forms.get(form.id)
        if old is None:
            continue
        before = column_specs(old)
        for field_id, spec in column_specs(form).items():
            previous = before.get(field_id)
            if previous is None or _compatible(previous, spec):
                continue
            problems.append(
                problem(
                    f"/forms/{index}/fields",
                    "form.unsafe_change",
                    field=field_id,
                    form=form.id,
                    before=_describe(previous),
                    after=_describe(spec),
                )
            )
    return problems


PastColumns = Mapping[str, Mapping[str, tuple[int, ColumnSpec]]]


def past_columns(versions: Iterable[tuple[int, Iterable[FormSpec]]]) -> dict[str, dict[str, tuple[int, ColumnSpec]]]:
    """Form id -> field key -> (the last version that had the field, its column then), over every
    earlier version, oldest first. Columns are never dropped: a field removed from a version keeps
    its column, with the data and the type it had then."""
    found: dict[str, dict[str, tuple[int, ColumnSpec]]] = {}
    for number, forms in versions:
        for form in forms:
            for key, spec in column_specs(form).items():
                found.setdefault(form.id, {})[key] = (number, spec)
    return found


def returning_problems(
    past: PastColumns, previous: Mapping[str, FormSpec], new_forms: Iterable[tuple[int, FormSpec]]
) -> list[Problem]:
    """A field removed in some version and added again later must fit the column it left behind.

    The engine refuses rather than giving the field a new column: the column's name is the field's
    id (what customers' SQL and BI tools read), and a renamed column would split one field's
    history in two. The builder is told to pick a new id, which gets a column of its own."""
    problems: list[Problem] = []
    for index, form in new_forms:
        before = column_specs(previous[form.id]) if form.id in previous else {}
        earlier = past.get(form.id, {})
        for key, spec in column_specs(form).items():
            if key in before or key not in earlier or _compatible(earlier[key][1], spec):
                continue
            number, old = earlier[key]
            position = next(i for i, f in enumerate(form.fields) if f.id == key.split("/")[0])
            problems.append(
                problem(
                    f"/forms/{index}/fields/{position}",
                    "form.returning_field_retyped",
                    field=key,
                    form=form.id,
                    version=number,
                    before=_describe(old),
                    after=_describe(spec),
                )
            )
    return problems


def _compatible(old: ColumnSpec, new: ColumnSpec) -> bool:
    if old == new:
        return True
    if old.kind == "string" and new.kind == "string":
        return (new.length or 0) >= (old.length or 0)
    if old.kind == "string" and new.kind == "text":
        return True
    if old.kind == new.kind == "decimal":
        return (new.scale or 0) >= (old.scale or 0) and (new.length or 0) - (new.scale or 0) >= (old.length or 0) - (
            old.scale or 0
        )
    return False


def _describe(spec: ColumnSpec) -> Phrase | str:
    """The kind of column, said in the reader's language when the problem is rendered."""
    code = f"form.column.{spec.kind}"
    if code not in CATALOG:
        return spec.kind
    return phrase(code, length=spec.length, scale=spec.scale, target=spec.target)


@dataclass(frozen=True, slots=True)
class TableStep:
    """One schema change a publish makes: ``create_table``, ``add_column``, ``widen_column`` or ``create_index``."""

    action: str
    table: str
    name: str = ""  # the column or index
    target: Any = dataclasses.field(default=None, compare=False, repr=False)  # what to create or alter

    def said(self) -> str:
        """The English line of the audit trail and the import's answer."""
        if self.action == "create_table":
            return f"created table {self.table}"
        if self.action == "create_index":
            return f"created index {self.name}"
        verb = "added" if self.action == "add_column" else "widened"
        return f"{verb} column {self.table}.{self.name}"


def plan_tables(connection: Connection, tables: FormTables) -> list[TableStep]:
    """What ``apply_tables`` would do to the database as it is: missing tables, columns, indexes, wider columns."""
    steps: list[TableStep] = []
    inspector = inspect(connection)
    existing = set(inspector.get_table_names())
    for table in tables.metadata.sorted_tables:
        if table.name not in existing:
            steps.append(TableStep("create_table", table.name, target=table))
            continue
        present = {c["name"]: c for c in inspector.get_columns(table.name)}
        for column in table.columns:
            if column.name not in present:
                steps.append(TableStep("add_column", table.name, column.name, column))
            elif connection.dialect.name == "postgresql" and _wider(present[column.name]["type"], column.type):
                steps.append(TableStep("widen_column", table.name, column.name, column))
        index_names = {ix["name"] for ix in inspector.get_indexes(table.name)}
        for index in table.indexes:
            if index.name and index.name not in index_names and all(c.name in present for c in index.columns):
                steps.append(TableStep("create_index", table.name, index.name, index))
    return steps


def apply_tables(connection: Connection, tables: FormTables) -> list[str]:
    """Create missing tables, add missing columns and indexes, widen columns; return what was done."""
    operations = Operations(MigrationContext.configure(connection))
    done: list[str] = []
    for step in plan_tables(connection, tables):
        done.append(step.said())
        if step.action == "create_table":
            step.target.create(connection)
        elif step.action == "create_index":
            step.target.create(connection)
        elif step.action == "widen_column":
            operations.alter_column(step.table, step.name, type_=step.target.type)
        else:
            column = step.target
            operations.add_column(step.table, _detached(column))
            if column.unique:
                operations.create_index(
                    f"uq_{step.table}_{column.name}"[:MAX_NAME], step.table, [column.name], unique=True
                )
            elif column.index:
                operations.create_index(f"ix_{step.table}_{column.name}"[:MAX_NAME], step.table, [column.name])
    done.extend(
        ensure_search_indexes(connection, {tables.main[form]: names for form, names in tables.searchable.items()})
    )
    return done


def _detached(column: Column[Any]) -> Column[Any]:
    args: list[Any] = [ForeignKey(fk.target_fullname, ondelete=fk.ondelete) for fk in column.foreign_keys]
    return Column(column.name, column.type, *args, nullable=True)


def _wider(current: TypeEngine[Any], wanted: TypeEngine[Any]) -> bool:
    if isinstance(wanted, Text) and isinstance(current, String) and not isinstance(current, Text):
        return True
    if isinstance(wanted, String) and isinstance(current, String) and not isinstance(current, Text):
        return (wanted.length or 0) > (current.length or 0)
    if isinstance(wanted, Numeric) and isinstance(current, Numeric):
        return (wanted.precision, wanted.scale) != (current.precision, current.scale)
    return False


class PublishRefusedError(DefinitionError):
    """The new version asks what the stored records cannot give; the first problem is the summary."""

    code = "publish_refused"

    def localized(self, locale: str | None) -> str:
        first = localize(self.problems[0], locale or LOG_LOCALE).message if self.problems else ""
        return translate("form.publish_refused", locale, first=first)


def refuse(problems: list[Problem]) -> None:
    if problems:
        raise PublishRefusedError(translate("form.publish_refused", LOG_LOCALE, first=problems[0].message), problems)
