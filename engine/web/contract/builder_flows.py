"""Bodies of the flow designer's conversions under ``/api/v1/builder/apps/<app>``: a draft's flow as
BPMN XML for the canvas, and the canvas's BPMN XML as a flow definition."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from engine.flows.bpmn import MAX_BPMN_BYTES
from engine.web.contract.common import Answer
from engine.web.contract.limits import at_most

TRELLIS_ID = validate.Regexp(r"^[a-z][a-z0-9_]{0,62}$")


class FlowToBpmn(Schema):
    flow = fields.Dict(required=True, metadata={"description": "a flow of the draft (its nodes, edges, positions)"})


class FlowBpmn(Answer):
    xml = fields.String(
        required=True, metadata={"description": "BPMN 2.0 XML with a diagram (laid out when the flow has no positions)"}
    )


class BpmnToFlow(Schema):
    xml = fields.String(required=True, validate=at_most(MAX_BPMN_BYTES), metadata={"description": "BPMN 2.0 XML"})
    flow = fields.String(validate=TRELLIS_ID, metadata={"description": "the flow's id (overrides the file's)"})
    form = fields.String(validate=TRELLIS_ID, metadata={"description": "the form it runs on (overrides the file's)"})


class Finding(Answer):
    element = fields.String(required=True, metadata={"description": "the element's id in the BPMN file"})
    type = fields.String(required=True, metadata={"description": "its BPMN type, e.g. bpmn:subProcess"})
    message = fields.String(required=True, metadata={"description": "why, in the caller's language"})


class BpmnFlow(Answer):
    flow = fields.Dict(required=True, metadata={"description": "the flow definition the engine would run"})
    complete = fields.Boolean(required=True, metadata={"description": "every element was carried over"})
    unsupported = fields.List(fields.Nested(Finding), required=True, metadata={"description": "refused elements"})
    notes = fields.List(fields.Nested(Finding), required=True, metadata={"description": "what a person should check"})
