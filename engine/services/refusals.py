"""Building a catalog-coded refusal with a stable error code, details and field messages (services layer)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from engine.errors import EngineError, SubmissionError
from engine.i18n import LOG_LOCALE, translate

E = TypeVar("E", bound=EngineError)


def refusal(
    kind: type[E],
    message_code: str,
    /,
    *,
    code: str | None = None,
    details: Mapping[str, Any] | None = None,
    **params: Any,
) -> E:
    """``kind.says(message_code, **params)`` with an error ``code`` and ``details`` other than the kind's."""
    error = kind.says(message_code, **params)
    if code is not None:
        error.code = code
    if details:
        error.details = dict(details)
    return error


def invalid(message_code: str, fields: Mapping[str, Sequence[str]], /, **params: Any) -> SubmissionError:
    """A SubmissionError said by code, with its field messages (already worded)."""
    error = SubmissionError.says(message_code, **params)
    error.field_errors = {key: list(value) for key, value in fields.items()}
    return error


def field_text(message_code: str, /, **params: Any) -> str:
    """A field message as the API returns it (English, like every field message of the engine)."""
    return translate(message_code, LOG_LOCALE, **params)
