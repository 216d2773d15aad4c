"""Row rules in SQL (storage layer): a bound rule as a WHERE clause, and the values of the relation
paths a rule reads, for the checks made in memory (``engine.forms.row_rules``).

A path ``room.building.community`` is followed through the tables of the forms it reaches,
never by loading records in Python:

- to filter, as nested semi-joins ``room IN (SELECT id FROM <rooms> WHERE deleted_at IS NULL AND
  building IN (SELECT id FROM <buildings> WHERE deleted_at IS NULL AND community IN (...)))``;
  a negated atom (``bind`` leaves ``Not`` only right above an atom) is negated at the innermost
  level, so the clause is true exactly when the path reaches a live record whose value makes the
  atom's negation true — what ``matches`` says of the path's value (None, unknown, when a link is
  empty or points at a deleted record);
- to read its value, as one correlated scalar subquery per path (the joins of the same hops),
  for every record of a page at once, or for the values of a record about to be written.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, and_, false, literal, not_, or_, select, true
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement
from sqlalchemy.sql.functions import FunctionElement

from engine.forms.row_rules import ORDERINGS, And, Cmp, Const, Eq, In, IsTrue, Not, Or, RowRule


@dataclass(frozen=True, slots=True)
class RulePath:
    """The tables a relation path goes through: ``(table, column)`` per name, the form's own first;
    each column but the last holds the id of a record of the next table."""

    hops: tuple[tuple[Table, str], ...]


class _CodePointOrder(FunctionElement[Any]):
    """A text compared by code point, as Python compares ``str``: PostgreSQL's ``C`` collation
    (its default may sort by language); SQLite's default collation already does."""

    inherit_cache = True


@compiles(_CodePointOrder)
def _plain(element: _CodePointOrder, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(element.clauses, **kw))


@compiles(_CodePointOrder, "postgresql")
def _collated(element: _CodePointOrder, compiler: Any, **kw: Any) -> str:
    return f'({compiler.process(element.clauses, **kw)}) COLLATE "C"'


def rule_sql(table: Table, rule: RowRule, paths: Mapping[str, RulePath]) -> ColumnElement[bool]:
    """A bound row rule as SQL on ``table``; ``paths`` are the form's compiled relation paths."""
    if isinstance(rule, Const):
        return true() if rule.value else false()
    if isinstance(rule, Not):
        if isinstance(rule.operand, Eq | Cmp | In | IsTrue):
            return _atom(table, rule.operand, paths, negated=True)
        return not_(rule_sql(table, rule.operand, paths))
    if isinstance(rule, And):
        return and_(*(rule_sql(table, part, paths) for part in rule.operands))
    if isinstance(rule, Or):
        return or_(*(rule_sql(table, part, paths) for part in rule.operands))
    return _atom(table, rule, paths, negated=False)


def _atom(
    table: Table, atom: Eq | Cmp | In | IsTrue, paths: Mapping[str, RulePath], *, negated: bool
) -> ColumnElement[bool]:
    if "." not in atom.field:
        test = _test(table.c[atom.field], atom)
        return not_(test) if negated else test
    hops = paths[atom.field].hops
    targets = [hop_table.alias() for hop_table, _ in hops[1:]]  # aliases: a form may point at itself
    condition = _test(targets[-1].c[hops[-1][1]], atom)
    if negated:
        condition = not_(condition)
    for level in reversed(range(len(targets))):
        source = table if level == 0 else targets[level - 1]
        target = targets[level]
        inner = select(target.c.id).where(target.c.deleted_at.is_(None), condition)
        condition = source.c[hops[level][1]].in_(inner)
    return condition


def _test(column: Any, atom: Eq | Cmp | In | IsTrue) -> ColumnElement[bool]:
    if isinstance(atom, Eq):
        return column == atom.value  # type: ignore[no-any-return]
    if isinstance(atom, Cmp):
        ordered = _CodePointOrder(column) if isinstance(atom.value, str) else column
        return ORDERINGS[atom.op](ordered, atom.value)  # type: ignore[no-any-return]
    if isinstance(atom, In):
        if not isinstance(atom.values, tuple):
            raise TypeError(f"unbound row rule {atom!r}")
        return column.in_(list(atom.values))  # type: ignore[no-any-return]
    return column == true()  # type: ignore[no-any-return]


def path_value(path: RulePath, start: Any) -> Any:
    """The value at the end of ``path`` for the record whose first relation holds ``start`` (a
    column of the outer query, or a literal): NULL when a link is empty or points at a deleted record."""
    hops = path.hops
    targets = [hop_table.alias() for hop_table, _ in hops[1:]]
    joined: Any = targets[0]
    for level in range(1, len(targets)):
        target = targets[level]
        joined = joined.join(
            target, and_(target.c.id == targets[level - 1].c[hops[level][1]], target.c.deleted_at.is_(None))
        )
    first = targets[0]
    return (
        select(targets[-1].c[hops[-1][1]])
        .select_from(joined)
        .where(first.c.id == start, first.c.deleted_at.is_(None))
        .scalar_subquery()
    )


def with_path_values(
    session: Session, table: Table, paths: Mapping[str, RulePath], records: Iterable[dict[str, Any]]
) -> None:
    """Add to each record (a dict with its ``id``) the value of every path, under the dotted key: one query."""
    by_id = {record["id"]: record for record in records}
    if not paths or not by_id:
        return
    names = sorted(paths)
    columns = [path_value(paths[name], table.c[paths[name].hops[0][1]]).label(f"p{n}") for n, name in enumerate(names)]
    for row in session.execute(select(table.c.id, *columns).where(table.c.id.in_(list(by_id)))):
        by_id[row[0]].update({name: row[n + 1] for n, name in enumerate(names)})


def path_values_of(
    session: Session, table: Table, paths: Mapping[str, RulePath], values: Mapping[str, Any]
) -> dict[str, Any]:
    """The value of every path for a record holding ``values`` (not stored yet, or about to change): one query."""
    found: dict[str, Any] = {name: None for name in paths}
    starting = {
        name: values.get(path.hops[0][1]) for name, path in paths.items() if values.get(path.hops[0][1]) is not None
    }
    if starting:
        names = sorted(starting)
        columns = [
            path_value(paths[name], literal(starting[name], table.c[paths[name].hops[0][1]].type)).label(f"p{n}")
            for n, name in enumerate(names)
        ]
        row = session.execute(select(*columns)).one()
        found.update({name: row[n] for n, name in enumerate(names)})
    return found
