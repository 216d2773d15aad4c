"""Guarded operators: every ``a + b``, ``a * b``, ``a ** b`` ... of an expression calls one of these.

The compiler rewrites each binary operator into a call, so this module is where three rules
live in one place:

* size - a result that would be too large (``'a' * 10**9``, ``10 ** 10 ** 10``, ``1 << 10**8``)
  is refused *before* Python allocates it, and every text or list built is charged to the meter;
* exactness - numbers stay decimal: ``int / int`` gives a Decimal (``7 / 2 == 3.5`` exactly),
  and a float meeting a Decimal becomes the decimal it prints as, so money never turns into
  binary floating point or fails with Python's "unsupported operand" error;
* messages - a ``TypeError`` becomes "Cannot add text and a whole number" at the operator.

Comparisons between two computed values (``a < b``) and with decimal literals (``rate == 0.1``)
go through :func:`compare` for the same exactness and for naive/aware date-times; comparisons
with a plain literal stay native, so conditions stay fast.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from engine.expressions.errors import ExpressionRuntimeError, ForbiddenConstructError
from engine.expressions.limits import active_limits, charge, too_big
from engine.expressions.phrases import phrase
from engine.expressions.values import NONE_HINT, aligned, kind, mixed, to_decimal

#: Number type pairs whose sum, difference and product are always exact and small enough.
_NUMBERS = frozenset(
    {
        (int, int),
        (float, float),
        (int, float),
        (float, int),
        (Decimal, Decimal),
        (Decimal, int),
        (int, Decimal),
    }
)
_SEQUENCES = (str, list, tuple)
_COLLECTIONS = (set, frozenset, dict)

Operator = Callable[[Any, Any], Any]


def _refuse(verb: str, a: Any, b: Any) -> ExpressionRuntimeError:
    """``verb`` names an ``expression.verb.`` code: "Cannot add text and a whole number"."""
    doing = phrase(f"expression.verb.{verb}")
    if a is None or b is None:
        return ExpressionRuntimeError(phrase("expression.cannot_operate_none", verb=doing), hint=NONE_HINT)
    text_and_number = {type(a), type(b)} & {str} and {type(a), type(b)} & {int, float, Decimal}
    hint = phrase("expression.hint.str") if text_and_number else None
    return ExpressionRuntimeError(phrase("expression.cannot_operate", verb=doing, a=kind(a), b=kind(b)), hint=hint)


def _apply(op: Operator, verb: str, a: Any, b: Any) -> Any:
    a, b = mixed(a, b)
    try:
        return op(a, b)
    except TypeError:
        raise _refuse(verb, a, b) from None


def _check_bits(bits: int) -> None:
    if bits > active_limits().max_int_bits:
        raise too_big(active_limits())


def add(a: Any, b: Any) -> Any:
    if (type(a), type(b)) in _NUMBERS:
        return a + b
    if isinstance(a, _SEQUENCES) and type(a) is type(b):
        charge(len(a) + len(b))
    return _apply(operator.add, "add", *aligned(a, b))


def sub(a: Any, b: Any) -> Any:
    if (type(a), type(b)) in _NUMBERS:
        return a - b
    if isinstance(a, _COLLECTIONS):
        charge(len(a))
    return _apply(operator.sub, "subtract", *aligned(a, b))


def mul(a: Any, b: Any) -> Any:
    kinds = (type(a), type(b))
    if kinds in _NUMBERS and kinds != (int, int):
        return a * b
    if isinstance(a, int) and isinstance(b, int):
        _check_bits(a.bit_length() + b.bit_length())
    elif isinstance(a, _SEQUENCES) and isinstance(b, int):
        charge(len(a) * max(b, 0))
    elif isinstance(b, _SEQUENCES) and isinstance(a, int):
        charge(len(b) * max(a, 0))
    return _apply(operator.mul, "multiply", a, b)


def truediv(a: Any, b: Any) -> Any:
    if isinstance(a, int) and isinstance(b, int):
        a, b = to_decimal(a), to_decimal(b)  # 7 / 2 == Decimal("3.5"): exact, like the user wrote it
    return _apply(operator.truediv, "divide", a, b)


def floordiv(a: Any, b: Any) -> Any:
    return _apply(operator.floordiv, "divide", a, b)


def mod(a: Any, b: Any) -> Any:
    if isinstance(a, str):
        raise ForbiddenConstructError(
            phrase("expression.text_percent"), hint=phrase("expression.hint.build_text", example="f'{amount} 元'")
        )
    return _apply(operator.mod, "remainder", a, b)


def pow_(a: Any, b: Any) -> Any:
    if isinstance(a, int) and isinstance(b, int):
        if b < 0:
            a = to_decimal(a)  # 2 ** -1 == Decimal("0.5"), not a float
        elif abs(a) > 1:
            _check_bits(a.bit_length() * b)
    # float and Decimal powers are bounded by their precision: they overflow, never grow
    return _apply(operator.pow, "power", a, b)


def lshift(a: Any, b: Any) -> Any:
    if isinstance(a, int) and isinstance(b, int) and b > 0 and a:
        _check_bits(a.bit_length() + b)
    return _apply(operator.lshift, "shift", a, b)


def rshift(a: Any, b: Any) -> Any:
    return _apply(operator.rshift, "shift", a, b)


def _combine(op: Operator, a: Any, b: Any) -> Any:
    if isinstance(a, _COLLECTIONS) and isinstance(b, _COLLECTIONS):
        charge(len(a) + len(b))
    return _apply(op, "combine", a, b)


def bitand(a: Any, b: Any) -> Any:
    return _combine(operator.and_, a, b)


def bitor(a: Any, b: Any) -> Any:
    return _combine(operator.or_, a, b)


def bitxor(a: Any, b: Any) -> Any:
    return _combine(operator.xor, a, b)


_COMPARISONS: dict[str, Operator] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}


def compare(a: Any, symbol: str, b: Any) -> bool:
    """``a < b`` and friends for two computed values (see the module docstring)."""
    a, b = mixed(*aligned(a, b))
    try:
        return bool(_COMPARISONS[symbol](a, b))
    except TypeError:
        if a is None or b is None:
            raise ExpressionRuntimeError(phrase("expression.compare_none"), hint=NONE_HINT) from None
        raise ExpressionRuntimeError(phrase("expression.compare", a=kind(a), b=kind(b))) from None


def text(value: str) -> str:
    """Charge an f-string's result; its format specs were bounded at compile time."""
    charge(len(value))
    return value


#: Names the compiled code calls, by AST operator class name.
BINARY: dict[str, Operator] = {
    "Add": add,
    "Sub": sub,
    "Mult": mul,
    "Div": truediv,
    "FloorDiv": floordiv,
    "Mod": mod,
    "Pow": pow_,
    "LShift": lshift,
    "RShift": rshift,
    "BitAnd": bitand,
    "BitOr": bitor,
    "BitXor": bitxor,
}
