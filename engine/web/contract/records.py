"""Bodies of the records API: a record, its list, history and comments; the list's query."""

from __future__ import annotations

from marshmallow import Schema, fields

from engine.web.contract.common import Answer
from engine.web.contract.limits import at_most


class Record(Answer):
    id = fields.Integer(required=True)
    uuid = fields.String()
    version = fields.Integer(required=True, metadata={"description": "also the ETag; send it back in If-Match"})
    app_version = fields.Integer()
    data = fields.Dict(required=True, metadata={"description": "the form's fields by id"})
    created_at = fields.String(metadata={"format": "date-time"})
    updated_at = fields.String(metadata={"format": "date-time"})
    created_by = fields.String(allow_none=True)
    updated_by = fields.String(allow_none=True)
    deleted_at = fields.String(allow_none=True, metadata={"format": "date-time"})


class RecordPage(Answer):
    items = fields.List(fields.Nested(Record), required=True)
    next_cursor = fields.String(allow_none=True)


class Change(Answer):
    action = fields.String(required=True)
    actor = fields.String(allow_none=True)
    at = fields.String(metadata={"format": "date-time"})
    version = fields.Integer()
    changes = fields.Dict(metadata={"description": "per field, [before, after]"})


class History(Answer):
    items = fields.List(fields.Nested(Change), required=True)


class Comment(Answer):
    id = fields.Integer(required=True)
    body = fields.String()


class Comments(Answer):
    items = fields.List(fields.Nested(Comment), required=True)


class NewComment(Schema):
    body = fields.String(required=True, validate=at_most(4000))


class RecordQuery(Schema):
    """Besides these, any readable field filters: ``field=value`` or ``field__op=value``
    (``eq ne lt lte gt gte in notin contains startswith isnull within_last current hour weekday``),
    relation paths (``room.building.community=7``) and flow state (``_step``, ``_assignee``, ``_overdue``)."""

    limit = fields.Integer(metadata={"minimum": 1, "maximum": 500})
    cursor = fields.String()
    sort = fields.String(metadata={"description": "a field, `-field` for descending; comma-separated"})
    q = fields.String(metadata={"description": "search the form's text fields"})
    view = fields.String(metadata={"description": "a list view of the package"})
    id__in = fields.String(metadata={"description": "comma-separated ids (at most 1,000)"})


class DeletedQuery(Schema):
    deleted = fields.Boolean(metadata={"description": "true to read a deleted record"})


class Attachment(Answer):
    id = fields.String(required=True)
    name = fields.String()
    content_type = fields.String()
    size = fields.Integer()
    upload_token = fields.String(metadata={"description": "anonymous uploads only: send it back with the submission"})


class SearchQuery(Schema):
    q = fields.String(metadata={"description": "the words to find (a serial, a phone number, a name)"})


class SearchGroup(Answer):
    app = fields.String()
    form = fields.String()
    items = fields.List(fields.Dict())
    more_url = fields.String(allow_none=True)


class SearchResult(Answer):
    query = fields.String()
    groups = fields.List(fields.Nested(SearchGroup), required=True)
