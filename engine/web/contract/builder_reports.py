"""Bodies of ``GET /api/v1/builder/report-kinds``: what the report designer may offer; of a draft's flow
fact sources, and of the dashboard designer's preview as a role."""

from __future__ import annotations

from marshmallow import Schema, fields

from engine.web.contract.common import Answer
from engine.web.contract.limits import at_most


class NamedKind(Answer):
    key = fields.String(required=True, metadata={"description": "the key a report definition uses"})
    name = fields.String(required=True, metadata={"description": "its name in the caller's language"})


class MeasureKindEntry(NamedKind):
    field = fields.String(required=True, metadata={"enum": ["none", "optional", "required"]})
    accepts = fields.List(
        fields.String(), allow_none=True, metadata={"description": "the field kinds it reads (null: any)"}
    )
    needs = fields.List(fields.String(), required=True, metadata={"description": "keys it also needs (p, of …)"})
    derived = fields.Boolean(
        required=True, metadata={"description": "worked out from the measures before it (it takes no where)"}
    )


class ReportKinds(Answer):
    charts = fields.List(fields.Nested(NamedKind), required=True)
    measures = fields.List(fields.Nested(MeasureKindEntry), required=True)
    buckets = fields.List(fields.Nested(NamedKind), required=True)
    filter_ops = fields.List(fields.Nested(NamedKind), required=True)
    formats = fields.List(fields.Nested(NamedKind), required=True, metadata={"description": "a measure's formats"})


class FactColumn(Answer):
    path = fields.String(required=True, metadata={"description": "the name a report's field uses"})
    type = fields.String(required=True, metadata={"enum": ["number", "datetime", "text"]})
    name = fields.String(required=True, metadata={"description": "its name in the caller's language"})


class FactSource(Answer):
    flow = fields.String(required=True)
    name = fields.String(required=True, metadata={"description": "the flow's name in the caller's language"})
    form = fields.String(required=True, metadata={"description": "the form its `record` relation leads to"})
    facts = fields.Dict(
        keys=fields.String(metadata={"enum": ["instances", "tasks"]}),
        values=fields.List(fields.Nested(FactColumn)),
        required=True,
    )


class FactSources(Answer):
    items = fields.List(fields.Nested(FactSource), required=True)


class PreviewAs(Schema):
    dashboard = fields.String(required=True, validate=at_most(100), metadata={"description": "a draft dashboard"})
    role = fields.String(required=True, validate=at_most(100), metadata={"description": "a role of the draft"})
    user_id = fields.String(
        allow_none=True,
        validate=at_most(64),
        metadata={"description": "a person holding the role: their user.* for the row rules"},
    )


class PreviewWidget(Answer):
    id = fields.String(required=True)
    report = fields.String(required=True)
    refused = fields.String(metadata={"description": "why the role may not read it (instead of rows)"})
    error = fields.String(metadata={"description": "why the draft's report gives no answer yet"})
    rows = fields.List(fields.Dict())
    totals = fields.Dict(allow_none=True)


class DashboardPreview(Answer):
    role = fields.String(required=True)
    role_name = fields.String(required=True)
    person = fields.String(allow_none=True, metadata={"description": "the person's name, when one was chosen"})
    widgets = fields.List(fields.Nested(PreviewWidget), required=True)
