"""Bodies of ``/api/v1/builder``: drafts, publishing, history and readable changes (docs/builder.md)."""

from __future__ import annotations

from marshmallow import Schema, fields

from engine.web.contract.common import Answer, Whole
from engine.web.contract.limits import at_most, between

MAX_VERSION = 2**31 - 1


class AppName(Schema):
    zh = fields.String(required=True, data_key="zh-CN", validate=at_most(200))
    en = fields.String(required=True, validate=at_most(200))


class NewApp(Schema):
    id = fields.String(required=True, validate=at_most(63), metadata={"pattern": "^[a-z][a-z0-9_]{0,62}$"})
    name = fields.Nested(AppName, required=True)


class DraftSave(Schema):
    document = fields.Dict(required=True, metadata={"description": "the whole package document (apps/*.json)"})
    revision = Whole(required=True, validate=between(1, MAX_VERSION), metadata={"description": "the revision read"})


class RevisionBody(Schema):
    revision = Whole(required=True, validate=between(1, MAX_VERSION), metadata={"description": "the draft's revision"})


class RollbackBody(Schema):
    version = Whole(required=True, validate=between(1, MAX_VERSION), metadata={"description": "the earlier version"})


class DiffQuery(Schema):
    older = fields.Integer(required=True, data_key="from", metadata={"minimum": 1})
    newer = fields.String(data_key="to", metadata={"description": "a version number, or `draft` (the default)"})


class PointedProblem(Answer):
    pointer = fields.String(required=True, metadata={"description": "JSON pointer into the document"})
    message = fields.String(required=True, metadata={"description": "in the caller's language"})


class ReadableChange(Answer):
    kind = fields.String(required=True, metadata={"enum": ["added", "removed", "changed"]})
    area = fields.String(required=True)
    path = fields.String(required=True, metadata={"description": "JSON pointer into the newer document"})
    label = fields.String(required=True)
    detail = fields.String(required=True)


class UpgradeConflict(Answer):
    area = fields.String(required=True)
    path = fields.String(required=True, metadata={"description": "JSON pointer into the company's version"})
    label = fields.String(required=True)
    detail = fields.String(required=True)


class Upgrade(Answer):
    version = fields.Integer(required=True, metadata={"description": "the newer bundled version stored"})
    conflicts = fields.List(fields.Nested(UpgradeConflict), required=True)


class DraftInfo(Answer):
    revision = fields.Integer(required=True)
    updated_by = fields.String(required=True, metadata={"description": "the name of who saved it last"})
    updated_at = fields.String(required=True, metadata={"format": "date-time"})


class WorkspaceApp(Answer):
    id = fields.String(required=True)
    name = fields.String(required=True)
    current_version = fields.Integer(required=True, allow_none=True)
    draft = fields.Nested(DraftInfo, required=True, allow_none=True)
    can_publish = fields.Boolean(required=True)
    upgrade = fields.Nested(Upgrade, allow_none=True)


class Workspace(Answer):
    items = fields.List(fields.Nested(WorkspaceApp), required=True)
    may_create = fields.Boolean(required=True)


WARNINGS = {"description": "what may not work as meant though publish takes it (a dispatch table's gaps and overlaps)"}


class Draft(Answer):
    app_id = fields.String(required=True)
    document = fields.Dict(required=True)
    revision = fields.Integer(required=True)
    based_on_version = fields.Integer(required=True, allow_none=True)
    updated_by = fields.String(required=True, metadata={"description": "who saved it last (`user:ID`)"})
    who = fields.String(required=True, metadata={"description": "the name of who saved it last"})
    updated_at = fields.String(required=True, metadata={"format": "date-time"})
    problems = fields.List(fields.Nested(PointedProblem), required=True)
    warnings = fields.List(fields.Nested(PointedProblem), required=True, metadata=WARNINGS)


class Saved(Answer):
    revision = fields.Integer(required=True)
    problems = fields.List(fields.Nested(PointedProblem), required=True)
    warnings = fields.List(fields.Nested(PointedProblem), required=True, metadata=WARNINGS)


class TableChange(Answer):
    action = fields.String(
        required=True, metadata={"enum": ["create_table", "add_column", "widen_column", "create_index"]}
    )
    table = fields.String(required=True)
    name = fields.String(required=True)
    detail = fields.String(required=True)


class RunningFlow(Answer):
    flow = fields.String(required=True)
    name = fields.String()
    running_instances = fields.Integer(required=True)
    stays_on_version = fields.Boolean(required=True)
    changed = fields.Boolean(required=True, metadata={"description": "the draft changes it: a move can be tried"})


class Preview(Answer):
    unchanged = fields.Boolean(required=True)
    changes = fields.List(fields.Nested(ReadableChange), required=True)
    tables = fields.List(fields.Nested(TableChange), required=True)
    flows = fields.List(fields.Nested(RunningFlow), required=True)
    problems = fields.List(fields.Nested(PointedProblem), required=True)
    warnings = fields.List(fields.Nested(PointedProblem), required=True, metadata=WARNINGS)


class Published(Answer):
    app_id = fields.String(required=True)
    version = fields.Integer(required=True)
    outcome = fields.String(required=True, metadata={"enum": ["created", "updated", "unchanged"]})


class BuilderVersion(Answer):
    version = fields.Integer(required=True)
    package_version = fields.String()
    created_at = fields.String(required=True, metadata={"format": "date-time"})
    created_by = fields.String(required=True)
    origin = fields.String(required=True, metadata={"enum": ["bundled", "builder", "api", "rollback"]})
    current = fields.Boolean(required=True)


class BuilderVersions(Answer):
    items = fields.List(fields.Nested(BuilderVersion), required=True)


class Changes(Answer):
    changes = fields.List(fields.Nested(ReadableChange), required=True)
