"""Bodies of the directory API: people, groups and the audit log (administrators only)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from engine.web.contract.common import Answer, Flag, Whole
from engine.web.contract.limits import at_most, between, few

ROLE = validate.Regexp(r"^[^:\s]+:[^:\s]+$", error="api.body.role_shape|app:role")


class Person(Answer):
    id = fields.String(required=True)
    login = fields.String(required=True)
    name = fields.String(allow_none=True)
    mobile = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    locale = fields.String()
    is_admin = fields.Boolean()
    active = fields.Boolean()
    on_duty = fields.Boolean()
    roles = fields.List(fields.Raw())
    groups = fields.List(fields.Raw())
    communities = fields.List(fields.Integer())
    password = fields.String(metadata={"description": "only when the server generated it, shown this once"})


class People(Answer):
    items = fields.List(fields.Nested(Person), required=True)
    next_cursor = fields.String(allow_none=True)


class NewPerson(Schema):
    login = fields.String(required=True, validate=at_most(64))
    password = fields.String(validate=at_most(200), metadata={"description": "generated and returned when absent"})
    name = fields.String(allow_none=True, validate=at_most(200))
    mobile = fields.String(allow_none=True, validate=at_most(40))
    email = fields.String(allow_none=True, validate=at_most(200))
    id = fields.String(allow_none=True, validate=at_most(64))
    locale = fields.String(allow_none=True, validate=at_most(16))
    admin = Flag(load_default=False)
    roles = fields.List(fields.String(validate=ROLE), validate=few(200), load_default=list)
    groups = fields.List(fields.String(validate=at_most(200)), validate=few(200), load_default=list)
    communities = fields.List(Whole(validate=between(1, 2**31 - 1)), load_default=list)


class RoleChanges(Schema):
    add = fields.List(fields.String(validate=ROLE), validate=few(200))
    remove = fields.List(fields.String(validate=ROLE), validate=few(200))


class PersonChanges(Schema):
    name = fields.String(allow_none=True, validate=at_most(200))
    mobile = fields.String(allow_none=True, validate=at_most(40))
    email = fields.String(allow_none=True, validate=at_most(200))
    locale = fields.String(validate=at_most(16))
    on_duty = Flag()
    active = Flag()
    password = fields.String(validate=at_most(200))
    roles = fields.Nested(RoleChanges)


class PeopleQuery(Schema):
    q = fields.String(metadata={"description": "part of a login, name or mobile number"})
    limit = fields.Integer(metadata={"minimum": 1, "maximum": 200})
    cursor = fields.String()


class ImportedPeople(Answer):
    created = fields.Integer()


class Group(Answer):
    id = fields.String(required=True)
    name = fields.String(required=True)
    parent = fields.String(allow_none=True)
    depth = fields.Integer()
    leader = fields.Dict(allow_none=True)
    members = fields.List(fields.Dict())


class Groups(Answer):
    items = fields.List(fields.Nested(Group), required=True)


class NewGroup(Schema):
    name = fields.String(required=True, validate=at_most(200))
    parent = fields.String(allow_none=True, validate=at_most(200))
    leader = fields.String(allow_none=True, validate=at_most(200))


class NewMembers(Schema):
    users = fields.List(fields.String(validate=at_most(200)), validate=few(1000))
    user = fields.String(validate=at_most(200))


class AuditEntry(Answer):
    id = fields.Integer(required=True)
    action = fields.String(required=True)
    actor = fields.String(allow_none=True)
    at = fields.String(metadata={"format": "date-time"})
    subject_type = fields.String(allow_none=True)
    subject_id = fields.String(allow_none=True)
    details = fields.Raw(allow_none=True)


class AuditPage(Answer):
    items = fields.List(fields.Nested(AuditEntry), required=True)
    next_cursor = fields.String(allow_none=True)


class AuditQuery(Schema):
    actor = fields.String()
    action = fields.String(metadata={"description": "an action, or `user.*` for a prefix"})
    subject_type = fields.String()
    subject_id = fields.String()
    since = fields.DateTime(metadata={"description": "ISO 8601 with a time zone"})
    until = fields.DateTime()
    limit = fields.Integer(metadata={"minimum": 1, "maximum": 500})
    cursor = fields.String()
