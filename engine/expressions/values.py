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

_KINDS: dict[type, str] = {
    type(None): "an empty value (None)",
    bool: "a yes/no value",
    int: "a whole number",
    float: "a number",
    Decimal: "a decimal number",
    str: "text",
    date: "a date",
    datetime: "a date-time",
    time: "a time of day",
    timedelta: "a duration",
    list: "a list",
    tuple: "a list",
    dict: "a record",
    set: "a set",
    frozenset: "a set",
    range: "a range",
    GeneratorType: "a generator",
}

#: Python's own type names (as they appear in its TypeError messages) -> our kinds.
PYTHON_NAMES: dict[str, str] = {cls.__name__: kind for cls, kind in _KINDS.items()}
PYTHON_NAMES.update(
    {
        "decimal.Decimal": _KINDS[Decimal],
        "datetime.date": _KINDS[date],
        "datetime.datetime": _KINDS[datetime],
        "datetime.timedelta": _KINDS[timedelta],
    }
)

NONE_HINT = "A field may be empty: use coalesce(field, 0) to give it a default."


def kind(value: Any) -> str:
    """A business name for the value's type: ``kind("x") == "text"``."""
    name = _KINDS.get(type(value))
    if name is not None:
        return name
    for cls, label in _KINDS.items():
        if cls is not type(None) and isinstance(value, cls):
            return label
    if isinstance(value, Mapping):
        return "a record"
    if callable(value):
        return "a function"
    return f"a value of type '{type(value).__name__}'"


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
        f"{helper}() needs a date or date-time, not {kind(value)}",
        hint="Write dates in ISO format, like '2024-05-01' or '2024-05-01T08:30'.",
        params={"helper": helper},
    )


# -- Python exceptions, retold ------------------------------------------------------------------

_COMPARE = re.compile(r"'[<>=!]+' not supported between instances of '([\w.]+)' and '([\w.]+)'")
_COMPARE_DATES = re.compile(r"can't compare ([\w.]+) to ([\w.]+)")
_CONTAINS = re.compile(r"argument of type '([\w.]+)' is not (?:iterable|a container)")
_UNARY = re.compile(r"bad operand type for unary ([^:]+): '([\w.]+)'")
_UNHASHABLE = re.compile(r"unhashable type: '([\w.]+)'")


def _named(python_name: str) -> str:
    return PYTHON_NAMES.get(python_name, f"a value of type '{python_name}'")


def _hint(*python_names: str) -> str:
    return NONE_HINT if "NoneType" in python_names else ""


def explain(error: Exception) -> LocatedExpressionError:
    """The sandbox error for ``error``, not yet located."""
    message = str(error)
    if isinstance(error, ZeroDivisionError):  # decimal.DivisionByZero too
        return ExpressionRuntimeError("Division by zero", hint="Check the divisor first: a / b if b else 0.")
    if isinstance(error, (OverflowError, decimal.Overflow)):
        return ExpressionRuntimeError("The number is too large", params={"python": message})
    if isinstance(error, decimal.InvalidOperation):
        return ExpressionRuntimeError("The calculation has no defined result", params={"python": message})
    if isinstance(error, MemoryError):
        return LimitExceededError("The expression needs too much memory", hint="Build smaller values.")
    if isinstance(error, RecursionError):
        return LimitExceededError("The values are nested too deeply")
    if isinstance(error, TypeError):
        return _type_error(message)
    return ExpressionRuntimeError(f"The expression failed: {message}", params={"python": message})


def _type_error(message: str) -> LocatedExpressionError:
    if found := _COMPARE.search(message) or _COMPARE_DATES.search(message):
        a, b = found.groups()
        if "NoneType" in (a, b):
            return ExpressionRuntimeError("Cannot compare an empty value (None)", hint=NONE_HINT)
        return ExpressionRuntimeError(f"Cannot compare {_named(a)} with {_named(b)}")
    if found := _CONTAINS.search(message):
        return ExpressionRuntimeError(f"Cannot look inside {_named(found.group(1))}", hint=_hint(found.group(1)))
    if found := _UNARY.search(message):
        return ExpressionRuntimeError(
            f"Cannot use {found.group(1)} on {_named(found.group(2))}", hint=_hint(found.group(2))
        )
    if found := _UNHASHABLE.search(message):
        return ExpressionRuntimeError(f"{_named(found.group(1)).capitalize()} cannot be a key or a set member")
    return ExpressionRuntimeError(f"The expression failed: {message}", params={"python": message})
