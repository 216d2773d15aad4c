"""Bodies of ``GET /api/v1/builder/report-kinds``: what the report designer may offer."""

from __future__ import annotations

from marshmallow import fields

from engine.web.contract.common import Answer


class NamedKind(Answer):
    key = fields.String(required=True, metadata={"description": "the key a report definition uses"})
    name = fields.String(required=True, metadata={"description": "its name in the caller's language"})


class MeasureKindEntry(NamedKind):
    field = fields.String(required=True, metadata={"enum": ["none", "optional", "required"]})
    accepts = fields.List(
        fields.String(), allow_none=True, metadata={"description": "the field kinds it reads (null: any)"}
    )
    needs = fields.List(fields.String(), required=True, metadata={"description": "keys it also needs (p, of …)"})


class ReportKinds(Answer):
    charts = fields.List(fields.Nested(NamedKind), required=True)
    measures = fields.List(fields.Nested(MeasureKindEntry), required=True)
    buckets = fields.List(fields.Nested(NamedKind), required=True)
    filter_ops = fields.List(fields.Nested(NamedKind), required=True)
