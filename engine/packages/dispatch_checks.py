"""Warnings about dispatch tables (rows tried from the top, the first whose condition holds gives the
group): what a builder should look at, though the package is valid and may well run.

- a gap: every row has a condition, so a record none of them fits finds no group (the dispatch
  then fails at run time unless the conditions happen to cover every case);
- an overlap: a row with the same condition as an earlier one, or any row after a row without a
  condition (which catches everything), never applies.

Each warning is a ``Problem`` with the JSON pointer of the table or the row it is about, found in
every dispatch assignment of the package (tasks, notifications, timers, automations).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from typing import Any

from engine.errors import Problem
from engine.packages.messages import problem
from engine.packages.structure import pointer_of


def dispatch_warnings(document: Any) -> list[Problem]:
    """The gaps and overlaps of every dispatch table in ``document``, in document order."""
    return [found for path, table in _tables(document, ()) for found in _table_warnings(pointer_of(path), table)]


def _tables(value: Any, path: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], list[Any]]]:
    if isinstance(value, Mapping):
        if value.get("type") == "dispatch" and isinstance(value.get("table"), list):
            yield (*path, "table"), value["table"]
        for key, item in value.items():
            yield from _tables(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _tables(item, (*path, index))


def _condition(row: Any) -> str:
    """The row's condition, spelt the same whatever its spacing; "" for a row that catches everything."""
    text = row.get("when") if isinstance(row, Mapping) else None
    if not isinstance(text, str) or not text.strip():
        return ""
    try:
        return ast.dump(ast.parse(text.strip(), mode="eval"))
    except SyntaxError:  # the expression checks report it; compare the text
        return " ".join(text.split())


def _table_warnings(pointer: str, rows: list[Any]) -> Iterator[Problem]:
    conditions = [_condition(row) for row in rows]
    if rows and all(conditions):
        yield problem(pointer, "builder.warning.dispatch_gap")
    seen: dict[str, int] = {}
    caught = None
    for index, condition in enumerate(conditions):
        if caught is not None:
            yield problem(f"{pointer}/{index}", "builder.warning.dispatch_unreachable", row=index + 1)
        elif not condition:
            caught = index
        elif condition in seen:
            yield problem(
                f"{pointer}/{index}/when", "builder.warning.dispatch_same", row=index + 1, first=seen[condition] + 1
            )
        else:
            seen[condition] = index
