"""compile_expression() and Expression: the sandbox's public face.

Compiling runs the text through four steps - parse (``source``), check (``checker``), rewrite
(``rewriter``, on RestrictedPython), Python's ``compile`` - and yields one function per
expression, cached by source. Evaluating calls that function with the context mapping; there is
no per-call globals dict to build, and simple conditions run without a meter, so a cached
condition costs about what plain ``eval()`` of the same code costs.

Every function shares one globals dict (``SANDBOX_GLOBALS``: guards and helpers, no builtins)
that no expression can reach or change, so the sandbox is the same object in every process and
nothing one evaluation does is seen by the next.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import lru_cache
from types import CodeType, TracebackType
from typing import Any

from engine.expressions import guards, operators
from engine.expressions.aggregates import Aggregate, aggregate_value
from engine.expressions.checker import HELPER_FUNCTIONS, Checker, did_you_mean
from engine.expressions.errors import (
    ExpressionError,
    ExpressionRuntimeError,
    LocatedExpressionError,
    UnknownNameError,
)
from engine.expressions.limits import DEFAULT_LIMITS, METER, Limits, Meter
from engine.expressions.phrases import Phrase, phrase
from engine.expressions.related import RelatedId
from engine.expressions.rewriter import AGGREGATE, OPERATOR_NAMES, Rewriter, wrap
from engine.expressions.source import Source, python_says, quiet
from engine.expressions.values import explain, kind

SANDBOX_GLOBALS: dict[str, Any] = {
    "__builtins__": {},
    "_getattr_": guards.guarded_getattr,
    "_getitem_": guards.guarded_getitem,
    "_getiter_": guards.guarded_iter,
    "_iter_unpack_sequence_": guards.iter_unpack_sequence,
    "_compare_": operators.compare,
    "_text_": operators.text,
    AGGREGATE: aggregate_value,
    **{OPERATOR_NAMES[name]: guard for name, guard in operators.BINARY.items()},
    **HELPER_FUNCTIONS,
}

_VALUES = frozenset({type(None), bool, int, float, str, Decimal, date, datetime, time, timedelta})
_CONTAINERS = (list, tuple, set, frozenset)


@dataclass(frozen=True, slots=True, eq=False)
class Expression:
    """A compiled, immutable expression; share it freely between threads and requests.

    ``names`` are the fields it reads from the context - what a form needs to know to
    recompute a formula when one of them changes; ``paths`` are the attribute chains it reads
    through them (``room.building.community``), what validation type-checks against the forms
    and what the caller loads related records for before evaluating. ``aggregates`` are the
    aggregates across records it reads: the caller computes each and puts it in the context under its ``key``.
    """

    source: str
    names: frozenset[str]
    #: the relation paths it reads (longest only): ``room.building.name`` -> ("room", "building", "name")
    paths: frozenset[tuple[str, ...]] = field(repr=False)
    limits: Limits = field(repr=False)
    aggregates: tuple[Aggregate, ...] = field(repr=False)
    _function: Callable[[Mapping[str, Any]], Any] = field(repr=False)
    _metered: bool = field(repr=False)
    _positions: Mapping[str, tuple[int, int]] = field(repr=False)
    _path_positions: Mapping[tuple[str, ...], tuple[int, int]] = field(repr=False)
    _codes: frozenset[CodeType] = field(repr=False)
    _source_map: Source = field(repr=False)

    def evaluate(self, context: Mapping[str, Any]) -> Any:
        """The value of the expression for these field values.

        Raises ``UnknownNameError`` when the context lacks a field the expression reads, and
        the other ``ExpressionError`` subclasses as documented; never anything else.
        """
        try:
            if self._metered:
                token = METER.set(Meter(self.limits))
                try:
                    result = self._function(context)
                finally:
                    METER.reset(token)
            else:
                result = self._function(context)
        except LocatedExpressionError as error:
            raise (error if error.located else error.at(*self._where(error.__traceback__))) from None
        except Exception as error:
            raise self._explain(error) from error
        if type(result) in _VALUES:
            return result
        return _checked(result)

    def path_positions(self) -> Mapping[tuple[str, ...], tuple[int, int]]:
        """Where each path starts in the source (line, column), for a located message."""
        return {path: self._path_positions[path] for path in self.paths}

    def check_names(self, names: Iterable[str]) -> None:
        """Refuse names this expression reads that are not in ``names`` (first one, located)."""
        known = set(names)
        for name, position in sorted(self._positions.items(), key=lambda item: item[1]):
            if name not in known:
                hint = did_you_mean(name, known) or _known(known)
                reason = phrase("expression.unknown_name", name=name)
                raise UnknownNameError(reason, hint=hint, params={"name": name}).at(*position)

    def _explain(self, error: Exception) -> ExpressionError:
        where = self._where(error.__traceback__)
        if isinstance(error, KeyError) and error.args and error.args[0] in self._positions:
            name = error.args[0]
            return UnknownNameError(
                phrase("expression.unknown_name", name=name),
                hint=phrase("expression.hint.no_such_field"),
                params={"name": name},
            ).at(*where)
        return explain(error).at(*where)

    def _where(self, traceback: TracebackType | None) -> tuple[int, int]:
        """Position of the innermost instruction of this expression's code in the traceback."""
        found: tuple[int | None, int | None] = (None, None)
        while traceback is not None:
            code = traceback.tb_frame.f_code
            if code in self._codes and traceback.tb_lasti >= 0:
                for index, (line, _, column, _) in enumerate(code.co_positions()):
                    if index == traceback.tb_lasti // 2:
                        found = (line, column)
                        break
            traceback = traceback.tb_next
        return self._source_map.position(*found)


def _known(names: set[str]) -> Phrase:
    if not names:
        return phrase("expression.hint.no_fields")
    if len(names) > 12:
        return phrase("expression.hint.check_field_id")
    return phrase("expression.hint.known_fields", names=", ".join(sorted(names)))


def _checked(result: Any) -> Any:
    """Results are values; a generator or a function would run or leak outside the sandbox."""
    if type(result) is RelatedId:
        return int(result)  # the id, never the related record it carries
    members = result.values() if isinstance(result, Mapping) else result if isinstance(result, _CONTAINERS) else ()
    for value in (result, *members):
        if callable(value) or isinstance(value, Iterator):
            raise ExpressionRuntimeError(
                phrase("expression.result_not_value", kind=kind(value)),
                hint=phrase("expression.hint.call_or_wrap"),
            ).at(1, 1)
    return result


def _longest(paths: Iterable[tuple[str, ...]]) -> frozenset[tuple[str, ...]]:
    """The paths that are not the beginning of another (``room.building`` inside ``room.building.name``)."""
    found = set(paths)
    return frozenset(p for p in found if not any(len(q) > len(p) and q[: len(p)] == p for q in found))


def _code_objects(code: CodeType) -> Iterator[CodeType]:
    yield code
    for constant in code.co_consts:
        if isinstance(constant, CodeType):
            yield from _code_objects(constant)


@lru_cache(maxsize=4096)
def _compile(text: str, limits: Limits) -> Expression:
    source = Source(text, limits)
    tree = source.parse()
    analysis = Checker(source, limits).check(tree)
    rewriter = Rewriter(analysis, source)
    body = rewriter.visit(tree).body
    try:
        with quiet():
            code = compile(wrap(body), "<expression>", "exec")
    except (SyntaxError, ValueError, RecursionError, MemoryError) as error:  # pragma: no cover - checker's job
        detail = python_says(str(error))
        raise ExpressionRuntimeError(phrase("expression.cannot_compile", detail=detail)).at(1, 1) from None
    namespace: dict[str, Any] = {}
    exec(code, SANDBOX_GLOBALS, namespace)  # defines _make_ only; runs nothing of the expression
    function = namespace["_make_"](tuple(rewriter.constants))
    return Expression(
        source=text,
        names=frozenset(analysis.names),
        paths=_longest(analysis.paths),
        limits=limits,
        aggregates=tuple(dict.fromkeys(analysis.aggregates.values())),
        _function=function,
        _metered=analysis.metered,
        _positions=dict(analysis.names),
        _path_positions=dict(analysis.paths),
        _codes=frozenset(_code_objects(function.__code__)),
        _source_map=source,
    )


def compile_expression(
    source: str, *, names: Iterable[str] | None = None, limits: Limits = DEFAULT_LIMITS
) -> Expression:
    """Parse and check ``source`` once (cached by source); refuse it with an ``ExpressionError``.

    With ``names`` - the fields available where the expression runs - a name outside them is an
    ``UnknownNameError`` now rather than at run time, with a did-you-mean suggestion.
    """
    if not isinstance(source, str):
        Source(source, limits)  # refuses it with a message
    expression = _compile(source, limits)
    if names is not None:
        expression.check_names(names)
    return expression
