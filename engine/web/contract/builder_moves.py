"""Bodies of ``/api/v1/builder/apps/<app>/flows/<flow>/move-dry-run`` and ``…/move``: moving a changed
flow's running instances, with an optional map of old step ids to new ones."""

from __future__ import annotations

from marshmallow import Schema, fields

from engine.web.contract.common import Answer
from engine.web.contract.limits import at_most, few

STEP_ID = fields.String(validate=at_most(100))


class MoveBody(Schema):
    map = fields.Dict(
        keys=STEP_ID,
        values=STEP_ID,
        validate=few(500),
        metadata={"description": "old step id -> new step id, for steps renamed or replaced; the rest keep their id"},
    )


class StepMove(Answer):
    from_ = fields.String(required=True, data_key="from")
    from_name = fields.String(required=True)
    to = fields.String(required=True)
    to_name = fields.String(required=True)


class InstanceMove(Answer):
    instance = fields.String(required=True)
    record_id = fields.Integer(required=True)
    from_version = fields.Integer(required=True)
    ok = fields.Boolean(required=True)
    moves = fields.List(fields.Nested(StepMove), required=True)
    dropped_timers = fields.List(fields.String(), required=True)
    problems = fields.List(fields.String(), required=True, metadata={"description": "why it cannot move"})


class MovePlan(Answer):
    flow = fields.String(required=True)
    name = fields.String(required=True)
    mapping = fields.Dict(keys=fields.String(), values=fields.String(), required=True)
    problems = fields.List(fields.String(), required=True, metadata={"description": "what is wrong with the map"})
    instances = fields.List(fields.Nested(InstanceMove), required=True)
    movable = fields.Boolean(required=True)


class Moved(Answer):
    flow = fields.String(required=True)
    to_version = fields.Integer(required=True)
    moved = fields.Integer(required=True)
