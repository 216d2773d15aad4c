"""Bodies of the flows API: tasks, instances, actions on them, and notifications."""

from __future__ import annotations

from marshmallow import Schema, fields

from engine.web.contract.common import Answer, Whole
from engine.web.contract.limits import at_most, between, few, one_of
from engine.whole_numbers import MAX_ID


class Task(Answer):
    id = fields.String(required=True)
    instance_id = fields.String()
    app_id = fields.String()
    flow_id = fields.String()
    form_id = fields.String()
    record_id = fields.Integer(allow_none=True)
    node = fields.String()
    name = fields.Raw(metadata={"description": "the step's name by language"})
    status = fields.String()
    assignee = fields.String(allow_none=True)
    due_at = fields.String(allow_none=True, metadata={"format": "date-time"})
    version = fields.Integer()


class Inbox(Answer):
    box = fields.String()
    counts = fields.Dict(values=fields.Integer())
    items = fields.List(fields.Nested(Task), required=True)


class Instance(Answer):
    id = fields.String(required=True)
    app_id = fields.String()
    flow_id = fields.String()
    record_id = fields.Integer(allow_none=True)
    status = fields.String()
    nodes = fields.List(fields.String())
    tasks = fields.List(fields.Nested(Task))
    version = fields.Integer()


class Instances(Answer):
    items = fields.List(fields.Nested(Instance), required=True)


class ActedTask(Answer):
    task = fields.Nested(Task)
    instance = fields.Nested(Instance)


class InboxQuery(Schema):
    box = fields.String(validate=one_of(("mine", "groups", "done")))
    limit = fields.Integer(metadata={"minimum": 1, "maximum": 9999})


class TaskAction(Schema):
    """What an action needs: the step's fields (``data``), an approval's ``outcome``, a ``comment``,
    and for a transfer or hand-over the person ``to``."""

    data = fields.Dict(metadata={"description": "the step's editable fields by id"})
    outcome = fields.String(validate=at_most(64), allow_none=True)
    comment = fields.String(validate=at_most(2000), allow_none=True)
    to = fields.String(validate=at_most(200), allow_none=True)
    version = Whole(allow_none=True, metadata={"description": "the task's version seen"})
    time = fields.String(
        allow_none=True, metadata={"description": "the phone's own clock; ignored: the server stamps a check-in"}
    )
    location = fields.Dict(
        allow_none=True, metadata={"description": "a check-in's place: `lat`, `lng` and optionally `address`"}
    )


class StartFlow(Schema):
    record_id = Whole(required=True, validate=between(1, MAX_ID))


class CancelInstance(Schema):
    reason = fields.String(validate=at_most(2000), allow_none=True)


class NotificationsRead(Schema):
    ids = fields.List(Whole(validate=between(1, 2**31 - 1)), validate=few(1000))  # the column is an integer


class Notification(Answer):
    id = fields.Integer(required=True)


class Notifications(Answer):
    items = fields.List(fields.Nested(Notification), required=True)
    unread = fields.Integer()


class NotificationsQuery(Schema):
    unread = fields.Boolean()
    limit = fields.Integer(metadata={"minimum": 1, "maximum": 9999})


class MarkedRead(Answer):
    marked = fields.Integer()


class BpmnImported(Answer):
    flow = fields.Dict(required=True)
    complete = fields.Boolean(required=True)
    unsupported = fields.List(fields.String())
    notes = fields.List(fields.String())


class BpmnQuery(Schema):
    form = fields.String(metadata={"description": "the form the imported flow runs on"})
