"""Aggregates across records: ``related_count('registration', 'event')`` and its kin, found by the checker.

An expression never reads the database: that is what keeps the sandbox free of I/O and its cost
bounded. Yet a rule like "no more registrations than seats" needs a count of other records. So
the four aggregate helpers are not functions at all. The checker finds each call in the syntax
tree (its form and field ids must be written out, so the call is known before anything runs) and
keeps it as an :class:`Aggregate`; ``Expression.aggregates`` lists them. Whoever evaluates the
expression computes each one where the records are (one SQL query each) and puts the value into
the context under ``Aggregate.key``; the rewriter turns the call into a look-up of that key.

``related_count(form, field, of=relation)``: the live records of ``form`` whose relation field
``field`` points at the anchor - this record, or the record the relation field ``of`` names.
``related_sum`` / ``related_min`` / ``related_max`` take a third id, the number field they read.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from engine.expressions.errors import ExpressionRuntimeError, ExpressionSyntaxError
from engine.expressions.phrases import phrase

#: helper name -> what it computes
AGGREGATE_KINDS = {"related_count": "count", "related_sum": "sum", "related_min": "min", "related_max": "max"}
AGGREGATE_NAMES = frozenset(AGGREGATE_KINDS)
_EXAMPLES = {
    "count": "related_count('registration', 'event', of=event)",
    "sum": "related_sum('registration', 'event', 'seats', of=event)",
}


@dataclass(frozen=True, slots=True)
class Aggregate:
    """One aggregate call as written: over records of ``form`` whose relation ``via`` points at the anchor.

    ``value`` is the field summed or compared (None for a count); ``of`` the relation field of
    the evaluated record naming the anchor (None: the evaluated record itself is the anchor).
    """

    kind: str
    form: str
    via: str
    value: str | None = None
    of: str | None = None

    @property
    def helper(self) -> str:
        return f"related_{self.kind}"

    @property
    def key(self) -> str:
        """The call in one canonical spelling: its value's key in the context, and how messages name it."""
        ids = ", ".join(repr(part) for part in (self.form, self.via, self.value) if part is not None)
        return f"{self.helper}({ids}{'' if self.of is None else f', of={self.of}'})"


# Signatures only: the checker binds calls against them; the bodies never run (calls are rewritten).
def _count(form: str, field: str, *, of: Any = None) -> None: ...  # pragma: no cover


def _valued(form: str, field: str, value: str, *, of: Any = None) -> None: ...  # pragma: no cover


SIGNATURES: Mapping[str, Callable[..., None]] = {
    name: _count if kind == "count" else _valued for name, kind in AGGREGATE_KINDS.items()
}


def read_aggregate(node: ast.Call, name: str) -> Aggregate:
    """The aggregate a call (already bound against its signature) asks for; refuse ids not written out.

    Raises unlocated errors: the checker places them at the call.
    """
    kind = AGGREGATE_KINDS[name]
    ids: list[str] = []
    for argument in node.args:
        if not (isinstance(argument, ast.Constant) and isinstance(argument.value, str) and argument.value):
            raise ExpressionSyntaxError(
                phrase("expression.aggregate_ids", name=name),
                hint=phrase("expression.hint.aggregate_example", example=_EXAMPLES.get(kind, _EXAMPLES["sum"])),
                params={"name": name},
            )
        ids.append(argument.value)
    of: str | None = None
    for keyword in node.keywords:  # only ``of`` binds
        if not isinstance(keyword.value, ast.Name):
            raise ExpressionSyntaxError(
                phrase("expression.aggregate_of", name=name),
                hint=phrase("expression.hint.aggregate_example", example=_EXAMPLES.get(kind, _EXAMPLES["sum"])),
                params={"name": name},
            )
        of = keyword.value.id
    return Aggregate(kind, ids[0], ids[1], ids[2] if len(ids) > 2 else None, of)


def aggregate_value(context: Mapping[str, Any], key: str) -> Any:
    """The value computed beforehand for the call ``key`` (what a rewritten call becomes)."""
    try:
        return context[key]
    except KeyError:
        raise ExpressionRuntimeError(
            phrase("expression.aggregate_unavailable", call=key),
            hint=phrase("expression.hint.aggregate_where"),
            params={"call": key},
        ) from None
