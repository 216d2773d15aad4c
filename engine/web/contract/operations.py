"""``@operation``: what an endpoint takes and answers, checked on the way in and read by the document.

A JSON body declared with a schema is parsed with the engine's limits (``parse_json``: size,
depth, finite numbers), loaded through the schema and handed to the view as ``body``; a body
that does not fit is a 422 naming each field, in the reader's language, before the view runs.
Bodies that depend on a package (a form's fields) are declared ``free``: the document says
what they are and the service checks them against the definition.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from flask import request
from marshmallow import Schema
from marshmallow import ValidationError as SchemaError

from engine.errors import EngineError, NotAuthenticatedError, SubmissionError
from engine.packages import parse_json
from engine.web.contract.body_errors import refusal_of
from engine.web.http import locale, principal

ViewT = TypeVar("ViewT", bound=Callable[..., Any])

#: who may call: nobody signed in, anyone signed in, an administrator, or either (public links)
Access = Literal["public", "signed_in", "admin", "public_or_signed_in"]
#: a body that is not a JSON object described by a schema
RawBody = Literal["free_object", "package", "bpmn", "multipart_file"]
MAX_BODY_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class Answer:
    """One documented answer: its schema (or a media type with no schema) and what it means."""

    description: str
    schema: type[Schema] | Schema | None = None
    media: str = "application/json"
    headers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Operation:
    summary: str
    tags: tuple[str, ...]
    access: Access
    body: type[Schema] | None = None
    raw_body: RawBody | None = None
    body_required: bool = True
    query: type[Schema] | None = None
    answers: Mapping[int, Answer] = field(default_factory=dict)
    description: str = ""
    headers: tuple[str, ...] = ()  # request headers the operation reads (If-Match, Idempotency-Key)


def operation(
    summary: str,
    *,
    tags: tuple[str, ...] | str,
    access: Access = "signed_in",
    body: type[Schema] | None = None,
    raw_body: RawBody | None = None,
    body_required: bool = True,
    query: type[Schema] | None = None,
    answers: Mapping[int, Answer] | None = None,
    headers: tuple[str, ...] = (),
) -> Callable[[ViewT], ViewT]:
    """Declare a view's contract; with ``body`` the view receives the loaded body as ``body=``."""
    tag_tuple = (tags,) if isinstance(tags, str) else tuple(tags)

    def decorate(view: ViewT) -> ViewT:
        described = Operation(
            summary=summary,
            tags=tag_tuple,
            access=access,
            body=body,
            raw_body=raw_body,
            body_required=body_required,
            query=query,
            answers=dict(answers or {}),
            description=(view.__doc__ or "").strip(),
            headers=headers,
        )

        @functools.wraps(view)
        def checked(*args: Any, **kwargs: Any) -> Any:
            admit(access)  # who may call comes before what they sent: a stranger learns nothing from a 422
            if body is not None:
                kwargs["body"] = load_body(body, required=body_required)
            return view(*args, **kwargs)

        checked.__operation__ = described  # type: ignore[attr-defined]
        return checked  # type: ignore[return-value]

    return decorate


def admit(access: Access) -> None:
    """The declared access, enforced: the document's ``security`` is a promise the server keeps."""
    if access == "admin":
        from engine.web.auth import require_admin  # auth answers in the request's language: imported late

        require_admin()
    elif access == "signed_in" and principal().anonymous:
        raise NotAuthenticatedError.says("api.sign_in")


def load_body(schema: type[Schema], *, required: bool = True) -> dict[str, Any]:
    """The request's JSON object loaded through ``schema``; any misfit is one 422 listing every field."""
    raw = request.get_data(cache=True)
    if not raw.strip() and not required:
        raw = b"{}"
    lang = locale()
    try:
        data = parse_json(raw, max_bytes=MAX_BODY_BYTES)
    except EngineError as exc:
        raise SubmissionError(exc.message, {"_body": [exc.localized(lang)]}) from None
    loader = schema()
    try:
        return dict(loader.load(data))
    except SchemaError as exc:
        raise refusal_of(exc, loader, data, lang) from None
