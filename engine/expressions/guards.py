"""Runtime guards RestrictedPython's rewritten code calls: attribute, item and loop access.

RestrictedPython turns ``a.b`` into ``_getattr_(a, 'b')``, ``a[k]`` into ``_getitem_(a, k)``
and every comprehension's ``for x in xs`` into ``for x in _getiter_(xs)``; these functions are
what it calls. They encode the data model of expressions:

* records and sub-table rows are mappings, and ``p.qty`` reads the key ``qty``; a relation
  field's value is a ``RelatedId`` (the id, that reads the related record's fields); a missing
  field, a missing key, an index past the end or any access on ``None`` gives ``None``, so
  ``coalesce(parts[0].qty, 0)`` works on an empty sub-table;
* every other value offers only an allow-list of attributes (``d.year``, ``name.lower()``...),
  so no path leads from a value to its class, its module or a frame;
* every loop is charged to the evaluation's meter before (or while) it runs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import date, datetime, time, timedelta
from functools import partial
from types import GeneratorType
from typing import Any

from RestrictedPython.Guards import guarded_iter_unpack_sequence

from engine.expressions.errors import ExpressionRuntimeError, ForbiddenConstructError
from engine.expressions.helpers import HELPERS, TEXT_METHODS
from engine.expressions.limits import charge, current_meter
from engine.expressions.phrases import phrase
from engine.expressions.related import RelatedId
from engine.expressions.values import kind

#: Attributes each kind of value offers besides mapping keys (methods are called, fields read).
ATTRIBUTES: dict[type, frozenset[str]] = {
    datetime: frozenset(
        {"year", "month", "day", "hour", "minute", "second", "weekday", "isoweekday", "isoformat", "date"}
    ),
    date: frozenset({"year", "month", "day", "weekday", "isoweekday", "isoformat"}),
    time: frozenset({"hour", "minute", "second", "isoformat"}),
    timedelta: frozenset({"days", "seconds", "total_seconds"}),
    str: TEXT_METHODS,
}

#: Every attribute a value (not a record) offers: what a relation path may end with after a plain field.
VALUE_ATTRIBUTES = frozenset().union(*ATTRIBUTES.values())

#: Every method name an expression may call; anything else is refused when compiling.
METHODS = frozenset({"weekday", "isoweekday", "isoformat", "date", "total_seconds"}) | TEXT_METHODS

_SEQUENCES = (list, tuple, str, range)
_SIZED = (list, tuple, str, dict, range, set, frozenset, Mapping)
_SIZED_TYPES = frozenset({list, tuple, str, dict, range, set, frozenset})
_CHUNK = 16  # items between two looks at the clock in a loop (a body can take a few ms)


def guarded_getattr(obj: Any, name: str) -> Any:
    """``obj.name``: a field of a record, ``None`` on ``None``, else an allow-listed attribute."""
    if type(obj) is dict:
        return obj.get(name)
    if obj is None:
        return None
    if type(obj) is RelatedId:
        return obj.field(name)
    if isinstance(obj, Mapping):
        return obj.get(name)
    for cls, allowed in ATTRIBUTES.items():
        if isinstance(obj, cls):
            if name not in allowed:
                break
            if cls is str:
                return partial(HELPERS[name], obj)
            return getattr(obj, name)
    raise ForbiddenConstructError(
        phrase("expression.attribute_unavailable", name=name, kind=kind(obj)),
        hint=phrase("expression.hint.fields_on_records"),
        params={"name": name},
    )


def guarded_getitem(obj: Any, key: Any) -> Any:
    """``obj[key]``: a field, a position (``None`` past the end) or a charged slice."""
    if type(obj) is dict:
        return obj.get(key)
    if obj is None:
        return None
    if isinstance(obj, _SEQUENCES):
        if isinstance(key, slice):
            part = obj[key]
            charge(len(part))
            return part
        if type(key) is not int:
            raise ExpressionRuntimeError(phrase("expression.position_type", container=kind(obj), kind=kind(key)))
        return obj[key] if -len(obj) <= key < len(obj) else None
    if isinstance(obj, Mapping):
        return obj.get(key)  # never obj[key]: a defaultdict would grow a key
    raise ExpressionRuntimeError(phrase("expression.cannot_look_up", key=kind(key), container=kind(obj)))


def guarded_iter(obj: Any) -> Iterator[Any]:
    """Charge a loop's steps: up front for sized values, per item otherwise."""
    meter = current_meter()
    if type(obj) in _SIZED_TYPES or isinstance(obj, _SIZED):
        size = len(obj)
        meter.step(size)
        return iter(obj) if size <= _CHUNK else _clocked(iter(obj))
    if obj is None:
        return iter(())
    if isinstance(obj, GeneratorType):
        return obj  # a comprehension of this expression: its own loops are already metered
    if isinstance(obj, (int, float, bool, date, time, timedelta)) or not hasattr(obj, "__iter__"):
        raise ExpressionRuntimeError(phrase("expression.cannot_loop", kind=kind(obj)))
    return _counted(iter(obj))


def _clocked(items: Iterator[Any]) -> Iterator[Any]:
    meter = current_meter()
    for index, item in enumerate(items):
        if index % _CHUNK == _CHUNK - 1:
            meter.check_time()
        yield item


def _counted(items: Iterator[Any]) -> Iterator[Any]:
    meter = current_meter()
    for item in items:
        meter.step()
        yield item


def iter_unpack_sequence(items: Any, spec: Any, getiter: Callable[[Any], Any]) -> Iterator[Any]:
    """``for a, b in pairs``: RestrictedPython's own guard, driven by our metered iterator."""
    return guarded_iter_unpack_sequence(items, spec, getiter)  # type: ignore[no-any-return, no-untyped-call]
