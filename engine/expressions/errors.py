"""The five ways an expression can fail, each a located ``engine.errors.ExpressionError``.

Every error says what is wrong in words a builder understands, where (line and column, both
1-based, counted in characters so Chinese text points at the right place), and usually what to
do. ``code`` is stable for programs; the sentence is kept as catalog phrases, so it reads in
Chinese or English; ``details`` holds the position and the values a program may want (``name``,
``limit``, ...).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from engine.errors import ExpressionError
from engine.expressions.phrases import Phrase, sentence
from engine.i18n import LOG_LOCALE

__all__ = [
    "ExpressionError",
    "ExpressionRuntimeError",
    "ExpressionSyntaxError",
    "ForbiddenConstructError",
    "LimitExceededError",
    "LocatedExpressionError",
    "UnknownNameError",
]

E = TypeVar("E", bound="LocatedExpressionError")


class LocatedExpressionError(ExpressionError):
    """Shared shape of the sandbox's errors: a reason, an optional hint and a position.

    The message reads ``"<reason> (line L, column C). <hint>"``; reasons carry no final
    punctuation, hints are whole sentences. Reason and hint are kept as catalog phrases
    (``engine.expressions.phrases``): ``message`` is the English sentence, ``localized(locale)``
    the same sentence for a reader. ``params`` (in ``details`` with the position) are the values
    a program may want, such as the unknown ``name`` or the ``limit``.

    Guards deep inside an evaluation raise these without a position; the evaluator adds it
    from the failing instruction with :meth:`at`, so the position is never guessed by hand.
    """

    code = "expression_error"

    def __init__(
        self,
        reason: Phrase,
        *,
        hint: Phrase | None = None,
        line: int | None = None,
        column: int | None = None,
        params: Mapping[str, Any] | None = None,
    ):
        self.reason_phrase = reason
        self.hint_phrase = hint
        self.line = line
        self.column = column
        super().__init__(
            sentence(reason, hint, line, column, LOG_LOCALE), details={**(params or {}), "line": line, "column": column}
        )
        self.params: dict[str, Any] = dict(params or {})

    @property
    def reason(self) -> str:
        """The reason in English, without position or hint."""
        return self.reason_phrase.render(LOG_LOCALE)

    @property
    def hint(self) -> str:
        """The hint in English; empty when there is none."""
        return "" if self.hint_phrase is None else self.hint_phrase.render(LOG_LOCALE)

    def localized(self, locale: str | None) -> str:
        return sentence(self.reason_phrase, self.hint_phrase, self.line, self.column, locale)

    def sentence_params(self) -> dict[str, Any]:
        """What ``engine.expressions.phrases.sentence`` needs to say this error again in any language.

        A definition Problem built with these params (``engine.packages.expression_checks``)
        is rendered in the reader's language by ``engine.packages.messages.localize``.
        """
        return {"reason": self.reason_phrase, "hint": self.hint_phrase, "line": self.line, "column": self.column}

    def at(self: E, line: int, column: int) -> E:
        """The same error, placed at ``line``/``column`` of the source (1-based)."""
        return type(self)(self.reason_phrase, hint=self.hint_phrase, line=line, column=column, params=self.params)

    @property
    def located(self) -> bool:
        return self.line is not None

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle by parts (workers may ship errors between processes); ``args`` is the message."""
        return (_rebuild, (type(self), self.reason_phrase, self.hint_phrase, self.line, self.column, self.params))


def _rebuild(
    cls: type[E], reason: Phrase, hint: Phrase | None, line: int | None, column: int | None, params: dict[str, Any]
) -> E:
    return cls(reason, hint=hint, line=line, column=column, params=params)


class ExpressionSyntaxError(LocatedExpressionError):
    """The text is not a well-formed expression (a missing quote, bracket or operator)."""

    code = "expression_syntax"


class ForbiddenConstructError(LocatedExpressionError):
    """The expression uses something the sandbox refuses: statements, ``lambda``, names or
    attributes starting with ``_``, host builtins such as ``getattr`` or ``open``, methods that
    are not on the allow-list."""

    code = "expression_forbidden"


class UnknownNameError(LocatedExpressionError):
    """A name is neither a known field nor a helper function."""

    code = "expression_unknown_name"


class LimitExceededError(LocatedExpressionError):
    """The expression would do too much work, take too long or build too large a value."""

    code = "expression_limit"


class ExpressionRuntimeError(LocatedExpressionError):
    """The expression is valid but failed on these values (division by zero, text + number...)."""

    code = "expression_runtime"
