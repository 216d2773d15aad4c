"""The one error tree of the engine; HTTP and CLI map these to status codes and exit codes.

Every error carries a stable ``code`` (for programs and translations) and a ``message`` a
business user can act on. Layers above the core never invent their own exception types for
user-facing failures; they raise one of these.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Self

from engine.i18n import LOG_LOCALE, translate


class EngineError(Exception):
    """Base of every error the engine reports to a user.

    ``code`` is the stable kind of error (programs branch on it; the API returns it). A refusal a
    person reads is raised with ``says(message_code, **params)``: the sentence comes from the one
    catalog (``engine.i18n``), ``message`` is its English text for logs, and the web and the
    command line show ``localized(locale)`` in the reader's language.
    """

    code: str = "engine_error"
    message_code: str | None = None

    def __init__(self, message: str, *, code: str | None = None, details: Mapping[str, Any] | None = None):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.details: dict[str, Any] = dict(details or {})
        self.params: dict[str, Any] = {}

    @classmethod
    def says(cls, message_code: str, /, **params: Any) -> Self:
        """The error whose sentence is the catalog's ``message_code`` with ``params``."""
        error = cls(translate(message_code, LOG_LOCALE, **params))
        error.message_code = message_code
        error.params = params
        return error

    def localized(self, locale: str | None) -> str:
        """The message in ``locale`` (the English ``message`` when it was not raised by code)."""
        if self.message_code is None:
            return self.message
        return translate(self.message_code, locale, **self.params)

    def __str__(self) -> str:
        return self.message


class ConfigError(EngineError):
    """A setting (environment variable) is missing or malformed."""

    code = "config_error"


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a definition: where (JSON pointer), what (stable code), and why."""

    pointer: str
    code: str
    message: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def line(self) -> str:
        return f"{self.pointer or '/'}: {self.message}"

    def as_dict(self) -> dict[str, str]:
        return {"pointer": self.pointer, "code": self.code, "message": self.message}


class DefinitionError(EngineError):
    """A definition (app package, form, flow, report) is invalid; ``problems`` lists every finding."""

    code = "definition_invalid"

    def __init__(self, message: str, problems: Sequence[Problem] = (), *, code: str | None = None):
        super().__init__(message, code=code)
        self.problems: tuple[Problem, ...] = tuple(problems)

    @classmethod
    def says(cls, message_code: str, /, problems: Sequence[Problem] = (), **params: Any) -> Self:
        """The refusal whose summary is the catalog's ``message_code``; ``problems`` say what is wrong where."""
        error = super().says(message_code, **params)
        error.problems = tuple(problems)
        return error

    @property
    def path(self) -> str:
        return self.problems[0].pointer if self.problems else ""


class ExpressionError(EngineError):
    """An expression in a definition cannot be compiled or evaluated safely."""

    code = "expression_error"


class SubmissionError(EngineError):
    """Submitted data fails validation; ``field_errors`` maps field ids to messages."""

    code = "submission_invalid"

    def __init__(self, message: str, field_errors: Mapping[str, Sequence[str]] | None = None):
        super().__init__(message)
        self.field_errors = {k: list(v) for k, v in (field_errors or {}).items()}


class FlowError(EngineError):
    code = "flow_error"


class InvalidTransitionError(FlowError):
    code = "invalid_transition"


class ConflictError(EngineError):
    """Someone else changed the thing first (optimistic locking); reload and try again."""

    code = "conflict"


class PermissionDeniedError(EngineError):
    code = "permission_denied"


class ConnectorError(EngineError):
    code = "connector_error"


class NotFoundError(EngineError):
    code = "not_found"


class StorageError(EngineError):
    """The database could not be reached or refused an operation for a reason outside the user's data."""

    code = "storage_error"


class PreconditionRequiredError(EngineError):
    """A change must name the version it applies to (HTTP If-Match), and did not."""

    code = "precondition_required"


class RateLimitedError(EngineError):
    """One client sent more than a limit allows in its window: HTTP 429 with Retry-After."""

    code = "rate_limited"

    @classmethod
    def waiting(cls, message_code: str, /, retry_after: int, *, code: str | None = None, **params: Any) -> Self:
        """The refusal saying ``message_code``, whose caller may try again in ``retry_after`` seconds;
        ``code`` names the limit when it is not the general one."""
        error = cls.says(message_code, **params)
        error.details = {"retry_after": retry_after}
        if code is not None:
            error.code = code
        return error

    @property
    def retry_after(self) -> int:
        return int(self.details.get("retry_after", 60))


class NotAuthenticatedError(EngineError):
    """Nobody is signed in (or the credentials are wrong) where an identity is needed: HTTP 401."""

    code = "not_authenticated"
