"""Schemas every part of the API shares: the problem document, lists, and the answer base."""

from __future__ import annotations

from typing import Any

from marshmallow import INCLUDE, Schema, fields


class Answer(Schema):
    """A response body: the listed keys are promised, others may be added without breaking clients."""

    class Meta:
        unknown = INCLUDE


class Problem(Answer):
    """RFC 9457 problem document; ``errors`` names each refused field (422)."""

    type = fields.String(required=True, metadata={"format": "uri"})
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String(required=True)
    code = fields.String(required=True, metadata={"description": "stable machine-readable code"})
    errors = fields.Raw(
        metadata={"description": "per field, its messages (422); or the definition's problems with JSON pointers"}
    )
    current_version = fields.Integer(metadata={"description": "the record's version now (409)"})
    current_revision = fields.Integer(metadata={"description": "a builder's draft: its revision now (409)"})
    changed_by = fields.String(metadata={"description": "a builder's draft: the name of who saved it last (409)"})
    changes = fields.List(
        fields.Dict(), metadata={"description": "a builder's draft: what differs from the caller's (409)"}
    )


class Items(Answer):
    """A list answer: ``items``, and ``next_cursor`` when there are more."""

    items = fields.List(fields.Dict(), required=True)
    next_cursor = fields.String(allow_none=True)


class FreeObject(Answer):
    """A JSON object whose keys depend on a package (a form's fields, a definition)."""


class PagedQuery(Schema):
    limit = fields.Integer(metadata={"description": "how many items (bounded per endpoint)", "minimum": 1})
    cursor = fields.String(metadata={"description": "the `next_cursor` of the previous page"})


class LanguageQuery(Schema):
    lang = fields.String(metadata={"enum": ["zh-CN", "en"], "description": "language of messages and labels"})


class Flag(fields.Boolean):
    """A JSON ``true`` or ``false``; marshmallow's Boolean would also take "yes", "on" or 1."""

    def _deserialize(self, value, attr, data, **kwargs):  # type: ignore[no-untyped-def]
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


class Whole(fields.Integer):
    """A JSON whole number, never ``true``, ``1.5`` or ``"1"``."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(strict=True, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):  # type: ignore[no-untyped-def]
        if isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return super()._deserialize(value, attr, data, **kwargs)
