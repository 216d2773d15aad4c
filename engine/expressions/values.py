"""How the sandbox names, converts and explains values.

Shared by the guards, the helpers and the evaluator so that "text", "a whole number" or "an
empty value" read the same in every message, a float meeting a Decimal always converts the same
way, and a Python exception escaping an evaluation - a division by zero, ``'水电' < 3``,
``x in None`` - is retold without Python's type names (``'NoneType'`` means nothing to a
property manager).
"""

from __future__ import annotations

import decimal
import re
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from types import GeneratorType
from typing import Any

from engine.expressions.errors import ExpressionRuntimeError, LimitExceededError, LocatedExpressionError
from engine.expressions.phrases import Phrase, phrase

_KINDS: dict[type, Phrase] = {
    cls: phrase(f"expression.kind.{name}")
    for cls, name in {
        type(None): "none",
        bool: "bool",
        int: "int",
        float: "float",
        Decimal: "decimal",
        str: "text",
        date: "date",
        datetime: "datetime",
        time: "time",
        timedelta: "duration",
        list: "list",
        tuple: "list",
        dict: "record",
        set: "set",
        frozenset: "set",
        range: "range",
        GeneratorType: "generator",
    }.items()
}

#: Python's own type names (as they appear in its TypeError messages) -> our kinds.
PYTHON_NAMES: dict[str, Phrase] = {cls.__name__: kind for cls, kind in _KINDS.items()}
PYTHON_NAMES.update(
    {
        "decimal.Decimal": _KINDS[Decimal],
        "datetime.date": _KINDS[date],
        "datetime.datetime": _KINDS[datetime],
        "datetime.timedelta": _KINDS[timedelta],
    }
)

NONE_HINT = phrase("expression.hint.none")


def kind(value: Any) -> Phrase:
    """A business name for the value's type: ``str(kind("x")) == "text"``."""
    name = _KINDS.get(type(value))
    if name is not None:
        return name
    for cls, label in _KINDS.items():
        if cls is not type(None) and isinstance(value, cls):
            return label
    if isinstance(value, Mapping):
        return _KINDS[dict]
    if callable(value):
        return phrase("expression.kind.function")
    return phrase("expression.kind.other", name=type(value).__name__)


def to_decimal(value: float | int | Decimal) -> Decimal:
    """Exact decimal for a number; a float becomes the decimal it prints as (0.1 -> 0.1)."""
    if isinstance(value, float):
        return Decimal(repr(value))
    return value if isinstance(value, Decimal) else Decimal(value)


def mixed(a: Any, b: Any) -> tuple[Any, Any]:
    """Make a Decimal and a float meet as two Decimals; Python would refuse or go inexact."""
    if type(a) is float and isinstance(b, Decimal):
        return to_decimal(a), b
    if type(b) is float and isinstance(a, Decimal):
        return a, to_decimal(b)
    return a, b


def local(moment: datetime) -> datetime:
    """An aware date-time; a naive one is taken as server-local time."""
    return moment if moment.tzinfo is not None else moment.astimezone()


def aligned(a: Any, b: Any) -> tuple[Any, Any]:
    """Mixed naive/aware date-times would raise; treat the naive one as local time."""
    if isinstance(a, datetime) and isinstance(b, datetime) and (a.tzinfo is None) != (b.tzinfo is None):
        return local(a), local(b)
    return a, b


def as_moment(value: Any, helper: str) -> date | datetime:
    """A date or date-time from a value or its ISO-8601 text (``2024-05-01``, ``...T08:30Z``)."""
    if isinstance(value, date):
        return value
    if isinstance(value, str) and len(value) <= 64:
        text = value.strip()
        try:
            return date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text)
        except ValueError:
            pass
    raise ExpressionRuntimeError(
        needs(helper, "date", value), hint=phrase("expression.hint.iso_dates"), params={"helper": helper}
    )


def needs(helper: str, what: str, value: Any) -> Phrase:
    """The phrase "<helper>() needs <what>, not <kind>"; ``what`` names an ``expression.what.`` code."""
    return phrase("expression.needs", helper=helper, what=phrase(f"expression.what.{what}"), kind=kind(value))


# -- Python exceptions, retold ------------------------------------------------------------------

_COMPARE = re.compile(r"'[<>=!]+' not supported between instances of '([\w.]+)' and '([\w.]+)'")
_COMPARE_DATES = re.compile(r"can't compare ([\w.]+) to ([\w.]+)")
_CONTAINS = re.compile(r"argument of type '([\w.]+)' is not (?:iterable|a container)")
_UNARY = re.compile(r"bad operand type for unary ([^:]+): '([\w.]+)'")
_UNHASHABLE = re.compile(r"unhashable type: '([\w.]+)'")


def _named(python_name: str) -> Phrase:
    return PYTHON_NAMES.get(python_name) or phrase("expression.kind.other", name=python_name)


def _hint(*python_names: str) -> Phrase | None:
    return NONE_HINT if "NoneType" in python_names else None


def _failed(message: str) -> ExpressionRuntimeError:
    detail = phrase("expression.python.other", python=message)
    return ExpressionRuntimeError(phrase("expression.failed", detail=detail), params={"python": message})


def explain(error: Exception) -> LocatedExpressionError:
    """The sandbox error for ``error``, not yet located."""
    message = str(error)
    if isinstance(error, ZeroDivisionError):  # decimal.DivisionByZero too
        return ExpressionRuntimeError(
            phrase("expression.division_by_zero"), hint=phrase("expression.hint.check_divisor")
        )
    if isinstance(error, (OverflowError, decimal.Overflow)):
        return ExpressionRuntimeError(phrase("expression.number_too_large"), params={"python": message})
    if isinstance(error, decimal.InvalidOperation):
        return ExpressionRuntimeError(phrase("expression.undefined_result"), params={"python": message})
    if isinstance(error, MemoryError):
        return LimitExceededError(phrase("expression.too_much_memory"), hint=phrase("expression.hint.smaller_values"))
    if isinstance(error, RecursionError):
        return LimitExceededError(phrase("expression.nested_too_deeply"))
    if isinstance(error, TypeError):
        return _type_error(message)
    return _failed(message)


def _type_error(message: str) -> LocatedExpressionError:
    if found := _COMPARE.search(message) or _COMPARE_DATES.search(message):
        a, b = found.groups()
        if "NoneType" in (a, b):
            return ExpressionRuntimeError(phrase("expression.compare_none"), hint=NONE_HINT)
        return ExpressionRuntimeError(phrase("expression.compare", a=_named(a), b=_named(b)))
    if found := _CONTAINS.search(message):
        inside = _named(found.group(1))
        return ExpressionRuntimeError(phrase("expression.cannot_look_inside", kind=inside), hint=_hint(found.group(1)))
    if found := _UNARY.search(message):
        operand = _named(found.group(2))
        return ExpressionRuntimeError(
            phrase("expression.cannot_use_on", operator=found.group(1), kind=operand), hint=_hint(found.group(2))
        )
    if found := _UNHASHABLE.search(message):
        member = _named(found.group(1))
        member = Phrase(member.code, member.params, capitalized=True)
        return ExpressionRuntimeError(phrase("expression.unhashable", kind=member))
    return _failed(message)
