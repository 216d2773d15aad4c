"""The expression sandbox: one safe language for conditions, formulas and rules.

Branch conditions, formulas, visibility rules, automation conditions and calculated measures
are Python expressions written by business staff. They are compiled once here (RestrictedPython
plus the sandbox's own checks), cached by source, and evaluated against a context mapping with
hard limits on work, time and size. The language, its helpers and its limits are documented in
``docs/expressions.md``. This package is the only code in Trellis that touches RestrictedPython.

    >>> rule = compile_expression("repair_type == '水电' and urgency in ('紧急', '非常紧急')")
    >>> sorted(rule.names)
    ['repair_type', 'urgency']
    >>> rule.evaluate({"repair_type": "水电", "urgency": "紧急"})
    True
"""

from engine.expressions.aggregates import AGGREGATE_NAMES, Aggregate
from engine.expressions.checker import FORBIDDEN_NAMES, HELPER_NAMES, RESERVED_NAMES
from engine.expressions.compiler import Expression, compile_expression
from engine.expressions.dates import parse_duration
from engine.expressions.errors import (
    ExpressionError,
    ExpressionRuntimeError,
    ExpressionSyntaxError,
    ForbiddenConstructError,
    LimitExceededError,
    LocatedExpressionError,
    UnknownNameError,
)
from engine.expressions.limits import DEFAULT_LIMITS, Limits
from engine.expressions.phrases import Phrase
from engine.expressions.related import RelatedId

__all__ = [
    "AGGREGATE_NAMES",
    "Aggregate",
    "DEFAULT_LIMITS",
    "FORBIDDEN_NAMES",
    "HELPER_NAMES",
    "RESERVED_NAMES",
    "Expression",
    "ExpressionError",
    "ExpressionRuntimeError",
    "ExpressionSyntaxError",
    "ForbiddenConstructError",
    "LimitExceededError",
    "Limits",
    "Phrase",
    "RelatedId",
    "LocatedExpressionError",
    "UnknownNameError",
    "compile_expression",
    "parse_duration",
]
