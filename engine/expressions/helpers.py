"""The whitelisted functions an expression can call, besides the date helpers in ``dates``.

Each helper is a small Python function rather than the builtin itself, for three reasons:
they are null-safe the way a form needs (an empty field is ``None``: ``len(None) == 0``,
``lower(None) is None``, aggregates skip ``None`` like SQL does); they charge the meter for
what they build; and they never hand an expression a host object (``str`` here is a function,
so ``str.format_map`` does not exist). Builtins that iterate in C (``sum``, ``sorted``...) only
ever see bounded inputs: ``range`` is capped and comprehensions are metered.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Iterable, Mapping, Sized
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from types import GeneratorType
from typing import Any

from engine.expressions import operators
from engine.expressions.errors import ExpressionRuntimeError, LimitExceededError
from engine.expressions.limits import active_limits, charge, too_big, worked
from engine.expressions.patterns import search
from engine.expressions.phrases import phrase
from engine.expressions.values import kind, needs, to_decimal

_COLLECTIONS = (list, tuple, set, frozenset, dict, range, str)


def _needs(helper: str, what: str, value: Any) -> ExpressionRuntimeError:
    """``what`` names an ``expression.what.`` code: "len() needs text or a list, not a whole number"."""
    return ExpressionRuntimeError(needs(helper, what, value), params={"helper": helper})


def _items(values: Any, helper: str) -> list[Any]:
    """The items of a list, set, record (its keys) or generator as a charged list; None is empty."""
    if values is None:
        return []
    items = list(_iterate(values, helper))
    charge(builtins.len(items))
    return items


def _present(values: Any, helper: str) -> list[Any]:
    """The items that are not None, for aggregates that skip empty values like SQL does.

    Not charged: an aggregate keeps nothing, and its items were charged when they were built.
    """
    if values is None:
        return []
    return [value for value in _iterate(values, helper) if value is not None]


# -- collections and numbers ------------------------------------------------------------------


def len_(value: Any) -> int:
    """Number of characters or items; ``len(None) == 0`` (an empty field has nothing in it)."""
    if value is None:
        return 0
    if isinstance(value, (*_COLLECTIONS, Mapping)):
        return builtins.len(value)
    raise _needs("len", "text_or_list", value)


def sum_(values: Any, start: Any = 0) -> Any:
    """Add up numbers (or durations), skipping empty ones; money stays Decimal."""
    if isinstance(start, (str, list, tuple)):
        raise _needs("sum", "number_to_start", start)
    items = _present(values, "sum")
    try:
        return builtins.sum(items, start)
    except TypeError:  # a float among Decimals, or something that is not a number
        total = start
        for item in items:
            total = operators.add(total, item)
        return total


def _extreme(pick: Callable[..., Any], helper: str, values: tuple[Any, ...]) -> Any:
    items = _present(values[0] if builtins.len(values) == 1 else values, helper)
    if not items:
        return None
    try:
        return pick(items)
    except TypeError:
        raise ExpressionRuntimeError(
            phrase("expression.cannot_compare_others", helper=helper, kind=kind(items[0]))
        ) from None


def min_(*values: Any) -> Any:
    """Smallest of a list or of the arguments, skipping empty values; None when nothing is left."""
    return _extreme(builtins.min, "min", values)


def max_(*values: Any) -> Any:
    """Largest of a list or of the arguments, skipping empty values; None when nothing is left."""
    return _extreme(builtins.max, "max", values)


def abs_(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, (int, float, Decimal)):
        return builtins.abs(value)
    raise _needs("abs", "number", value)


def round_(value: Any, digits: int | None = None) -> Any:
    """Round half away from zero (四舍五入): ``round(2.5) == 3``, ``round(2.675, 2) == 2.68``.

    Python's own round() rounds half to even and sees 2.675 as 2.67499...; neither is what a
    business user means. Keeps the kind: a Decimal stays Decimal, a float stays float.
    """
    if value is None:
        return None
    if not isinstance(value, (int, float, Decimal)) or not (digits is None or type(digits) is int):
        raise _needs("round", "number_and_digits", value if digits is None else digits)
    if digits is not None and builtins.abs(digits) > 100:
        raise ExpressionRuntimeError(phrase("expression.round_digits"))
    exact = to_decimal(value)
    try:
        with localcontext() as context:
            context.prec = 250
            rounded = exact.quantize(Decimal(1).scaleb(-(digits or 0)), rounding=ROUND_HALF_UP)
    except InvalidOperation:
        raise ExpressionRuntimeError(phrase("expression.cannot_round", value=value)) from None
    if digits is None or isinstance(value, int):
        if rounded.adjusted() > active_limits().max_int_bits // 3:
            raise too_big(active_limits())
        return int(rounded)
    return float(rounded) if isinstance(value, float) else rounded


def any_(values: Any) -> bool:
    return values is not None and builtins.any(_iterate(values, "any"))


def all_(values: Any) -> bool:
    return values is None or builtins.all(_iterate(values, "all"))


def _iterate(values: Any, helper: str) -> Iterable[Any]:
    if isinstance(values, GeneratorType):
        return values  # a comprehension: its loop is metered as it runs
    if isinstance(values, (str, int, float, Decimal)) or not isinstance(values, Iterable):
        raise _needs(helper, "list", values)
    if isinstance(values, Sized):
        worked(builtins.len(values))  # the helper's C loop over it is work the meter must see
    iterable: Iterable[Any] = values
    return iterable


def sorted_(values: Any, key: Callable[[Any], Any] | None = None, reverse: bool = False) -> list[Any]:
    """A sorted copy; empty values go last. ``key`` may name a helper: ``sorted(names, key=lower)``."""
    if key is not None and key not in _KEYS:
        raise ExpressionRuntimeError(phrase("expression.sorted_key"))
    items = _items(values, "sorted")
    present = [v for v in items if v is not None]
    try:
        ordered = builtins.sorted(present, key=key, reverse=bool(reverse))
    except TypeError:
        raise ExpressionRuntimeError(phrase("expression.sorted_compare")) from None
    return ordered + [None] * (builtins.len(items) - builtins.len(present))


def range_(*bounds: int) -> range:
    """``range()`` as in Python, refused above ``max_length`` numbers (``range(10**12)``)."""
    if not 1 <= builtins.len(bounds) <= 3 or any(type(b) is not int for b in bounds):
        raise ExpressionRuntimeError(phrase("expression.range_arguments"))
    if 0 in bounds[2:]:
        raise ExpressionRuntimeError(phrase("expression.range_step"))
    numbers = builtins.range(*bounds)
    try:
        size = builtins.len(numbers)
    except OverflowError:  # more numbers than fit in a machine word
        size = (numbers.stop - numbers.start) // numbers.step
    limit = active_limits().max_length
    if size > limit:
        raise LimitExceededError(
            phrase("expression.range_too_big", size=size, limit=limit),
            hint=phrase("expression.hint.smaller_range"),
            params={"size": size, "limit": limit},
        )
    return numbers


# -- conversions ------------------------------------------------------------------------------


def int_(value: Any) -> int | None:
    """Whole number, cutting off decimals: ``int('12.7') == 12``; ``int(None) is None``."""
    if value is None:
        return None
    if isinstance(value, str):
        value = _number_text(value, "int")
    if isinstance(value, Decimal) and value.is_finite() and value.adjusted() > active_limits().max_int_bits // 3:
        raise too_big(active_limits())
    try:
        return builtins.int(value)
    except (TypeError, ValueError, OverflowError):
        raise _needs("int", "number_or_text", value) from None


def float_(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = _number_text(value, "float")
    try:
        return builtins.float(value)
    except (TypeError, ValueError):
        raise _needs("float", "number_or_text", value) from None


def _number_text(text: str, helper: str) -> Decimal:
    cleaned = text.strip().replace(",", "")
    if builtins.len(cleaned) > 100:
        raise ExpressionRuntimeError(phrase("expression.number_text_too_long", helper=helper))
    try:
        return Decimal(cleaned)
    except InvalidOperation:
        raise ExpressionRuntimeError(phrase("expression.not_number_text", helper=helper, text=cleaned)) from None


def str_(value: Any) -> str:
    """Text of a value; ``str(None) == ''`` so an empty field adds nothing to a sentence."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    text = builtins.str(value)
    charge(builtins.len(text))
    return text


def bool_(value: Any) -> bool:
    return builtins.bool(value)


def coalesce(*values: Any) -> Any:
    """The first value that is not empty (None): ``coalesce(discount, 0)``."""
    for value in values:
        if value is not None:
            return value
    return None


# -- text -------------------------------------------------------------------------------------


def _text(value: Any, helper: str) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        return builtins.str(value)  # phone numbers and codes are sometimes stored as numbers
    raise _needs(helper, "text", value)


def contains(value: Any, part: Any) -> bool:
    """Whether text contains a piece of text, or a list contains an item; False when empty."""
    if value is None:
        return False
    if isinstance(value, str):
        return _text(part, "contains") in value
    if isinstance(value, (list, tuple, set, frozenset, Mapping)):
        return part in value
    raise _needs("contains", "text_or_list", value)


def startswith(value: Any, prefix: Any) -> bool:
    return value is not None and _text(value, "startswith").startswith(_affixes(prefix, "startswith"))


def endswith(value: Any, suffix: Any) -> bool:
    return value is not None and _text(value, "endswith").endswith(_affixes(suffix, "endswith"))


def _affixes(value: Any, helper: str) -> str | tuple[str, ...]:
    if isinstance(value, (list, tuple)):
        return tuple(_text(v, helper) for v in value)
    return _text(value, helper)


def lower(value: Any) -> str | None:
    return None if value is None else _built(_text(value, "lower").lower())


def upper(value: Any) -> str | None:
    return None if value is None else _built(_text(value, "upper").upper())


def strip(value: Any, characters: str | None = None) -> str | None:
    if value is None:
        return None
    if characters is not None and not isinstance(characters, str):
        raise _needs("strip", "characters", characters)
    return _built(_text(value, "strip").strip(characters))


def _built(text: str) -> str:
    charge(builtins.len(text))
    return text


def matches(value: Any, pattern: Any) -> bool:
    """Whether a regular expression matches anywhere in the text (see docs/expressions.md)."""
    if value is None:
        return False
    if not isinstance(pattern, str):
        raise _needs("matches", "pattern", pattern)
    return search(pattern, _text(value, "matches"))


HELPERS: dict[str, Callable[..., Any]] = {
    "len": len_,
    "sum": sum_,
    "min": min_,
    "max": max_,
    "abs": abs_,
    "round": round_,
    "any": any_,
    "all": all_,
    "sorted": sorted_,
    "range": range_,
    "int": int_,
    "float": float_,
    "str": str_,
    "bool": bool_,
    "coalesce": coalesce,
    "contains": contains,
    "startswith": startswith,
    "endswith": endswith,
    "lower": lower,
    "upper": upper,
    "strip": strip,
    "matches": matches,
}

#: Helpers a text value offers as methods too: ``name.lower()`` is ``lower(name)``.
TEXT_METHODS = frozenset({"lower", "upper", "strip", "startswith", "endswith"})

_KEYS: set[Callable[..., Any]] = {len_, abs_, lower, upper, strip, str_, int_, float_, round_}
