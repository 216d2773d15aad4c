"""Bodies of ``/api/v1/apps``: packages in, their versions and import results out."""

from __future__ import annotations

from marshmallow import Schema, fields

from engine.web.contract.common import Answer


class AppSummary(Answer):
    id = fields.String(required=True)
    name = fields.Raw(metadata={"description": "the app's name, or its names by language"})
    version = fields.Integer(allow_none=True)


class AppList(Answer):
    items = fields.List(fields.Nested(AppSummary), required=True)


class ImportResult(Answer):
    app_id = fields.String(required=True)
    version = fields.Integer(required=True)
    outcome = fields.String(required=True, metadata={"enum": ["created", "updated", "unchanged"]})


class AppVersion(Answer):
    version = fields.Integer(required=True)
    created_at = fields.String(required=True, metadata={"format": "date-time"})


class AppVersions(Answer):
    items = fields.List(fields.Nested(AppVersion), required=True)


class VersionQuery(Schema):
    version = fields.Integer(metadata={"minimum": 1, "description": "an earlier version; the newest without it"})
