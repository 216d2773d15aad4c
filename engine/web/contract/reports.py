"""Bodies of the reports API: a report's rows, totals and figure; a dashboard's widgets."""

from __future__ import annotations

from marshmallow import Schema, fields

from engine.web.contract.common import Answer


class ReportResult(Answer):
    rows = fields.List(fields.Dict())
    totals = fields.Raw(allow_none=True)
    figure = fields.Dict(allow_none=True, metadata={"description": "a plotly figure"})
    drill = fields.Raw(allow_none=True)


class Dashboard(Answer):
    id = fields.String()
    widgets = fields.List(fields.Dict())


class AutomationRun(Answer):
    id = fields.Integer(required=True)


class AutomationRuns(Answer):
    items = fields.List(fields.Nested(AutomationRun), required=True)
    next_cursor = fields.String(allow_none=True)


class ReportFilters(Schema):
    """Viewer filters in the records API's syntax (``field__op=value``), e.g. ``created_at__gte``."""

    lang = fields.String(metadata={"enum": ["zh-CN", "en"], "description": "language of labels"})


class RunsQuery(Schema):
    automation = fields.String(metadata={"description": "one automation's runs"})
    limit = fields.Integer(metadata={"minimum": 1, "maximum": 200})
    cursor = fields.String()
