"""Bodies of the designer's helpers under ``/api/v1/builder/apps/<app>``: check-expression,
preview-form (and the values typed into it) and view-as. A ``document`` is a draft package, checked by
the service as publish would."""

from __future__ import annotations

from marshmallow import Schema, fields

from engine.i18n import LOCALES
from engine.services.builder_checks import DEVICES
from engine.services.builder_expressions import KINDS
from engine.web.contract.common import Answer, Whole
from engine.web.contract.limits import at_most, between, few, one_of
from engine.whole_numbers import MAX_ID

DRAFT = {"description": "the draft package (apps/*.json format); without it, the app's current version"}


class CheckExpression(Schema):
    expression = fields.String(required=True, validate=at_most(10_000))
    form = fields.String(required=True, validate=at_most(100), metadata={"description": "the form it belongs to"})
    kind = fields.String(required=True, validate=one_of(KINDS), metadata={"enum": list(KINDS)})
    document = fields.Dict(allow_none=True, metadata=DRAFT)
    pointer = fields.String(
        validate=at_most(500), metadata={"description": "where it lives in the draft; the problems carry it"}
    )
    table = fields.String(
        validate=at_most(100), metadata={"description": "a sub-table field: the expression runs on its rows"}
    )
    cursor = Whole(
        validate=between(0, 10_000), metadata={"description": "the caret's character offset; the end without it"}
    )


class ExpressionProblem(Answer):
    message = fields.String(required=True)
    start = fields.Integer(required=True, metadata={"description": "character offset where it starts"})
    end = fields.Integer(required=True, metadata={"description": "character offset just past it"})
    code = fields.String()
    pointer = fields.String()


class Completion(Answer):
    label = fields.String(required=True)
    type = fields.String(required=True, metadata={"enum": ["field", "path", "function", "user"]})
    detail = fields.String(required=True)
    signature = fields.String(metadata={"description": "a function's parameters"})
    path = fields.String(metadata={"description": "a path completion's whole path"})


class ExpressionCheck(Answer):
    problems = fields.List(fields.Nested(ExpressionProblem), required=True)
    completions = fields.List(fields.Nested(Completion), required=True)
    from_ = fields.Integer(data_key="from", metadata={"description": "where the word being completed starts"})
    to = fields.Integer(metadata={"description": "the caret"})


class PreviewForm(Schema):
    document = fields.Dict(allow_none=True, metadata=DRAFT)
    form = fields.String(required=True, validate=at_most(100))
    locale = fields.String(validate=one_of(LOCALES), metadata={"enum": list(LOCALES)})
    device = fields.String(validate=one_of(DEVICES), metadata={"enum": list(DEVICES)})


class FormPreview(Answer):
    """What the form page's script redraws while someone types (the published form's preview answer)."""

    visible = fields.Dict(keys=fields.String(), values=fields.Boolean(), required=True)
    required = fields.Dict(keys=fields.String(), values=fields.Boolean(), required=True)
    formulas = fields.Dict(keys=fields.String(), required=True)


class ActingUser(Schema):
    """Whom the role is held by, as row rules read ``user.*``; every part optional."""

    id = fields.String(validate=at_most(64))
    name = fields.String(validate=at_most(200))
    groups = fields.List(fields.String(validate=at_most(64)), validate=few(100))
    communities = fields.List(Whole(validate=between(1, MAX_ID)), validate=few(1000))


class ViewAs(Schema):
    role = fields.String(required=True, validate=at_most(100))
    form = fields.String(required=True, validate=at_most(100))
    record_id = Whole(allow_none=True, validate=between(1, MAX_ID))
    document = fields.Dict(allow_none=True, metadata=DRAFT)
    user = fields.Nested(ActingUser, allow_none=True, metadata={"description": "the user.* the row rules read"})
    user_id = fields.String(
        allow_none=True,
        validate=at_most(64),
        metadata={"description": "a real person holding the role: their user.* (instead of `user`)"},
    )


class RoleView(Answer):
    role = fields.String(required=True)
    form = fields.String(required=True)
    can = fields.Dict(keys=fields.String(), values=fields.Boolean(), required=True)
    fields_ = fields.Dict(
        data_key="fields",
        keys=fields.String(),
        values=fields.String(metadata={"enum": ["hidden", "read", "edit"]}),
        required=True,
    )
    labels = fields.Dict(keys=fields.String(), values=fields.String())
    rows = fields.String(required=True, metadata={"description": "`all`, or `rule: ` and the row rule in words"})
    rows_text = fields.String(
        required=True, metadata={"description": "the records the role reads, in words in the reader's language"}
    )
    record = fields.Dict(allow_none=True, required=True)
    visible = fields.Boolean(metadata={"description": "with a record_id: whether the role sees that record"})
    reason = fields.String(metadata={"description": "why the role does not see it (naming the role by its name)"})
    names = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        metadata={"description": "with a record_id: the names of the people its person fields hold, by id"},
    )


class RoleHolder(Answer):
    id = fields.String(required=True)
    name = fields.String(required=True)


class RoleHolders(Answer):
    items = fields.List(fields.Nested(RoleHolder), required=True)


class NamedPerson(Answer):
    login = fields.String(required=True, metadata={"description": "what a flow stores"})
    name = fields.String(required=True)


class PeopleFound(Answer):
    items = fields.List(fields.Nested(NamedPerson), required=True)


class PeopleQuery(Schema):
    q = fields.String(load_default="", validate=at_most(100), metadata={"description": "part of a name or login"})
    logins = fields.String(
        load_default="", validate=at_most(2000), metadata={"description": "comma-separated logins to name"}
    )


class DirectoryGroup(Answer):
    name = fields.String(required=True, metadata={"description": "the group's name: what a flow's assignee stores"})
    depth = fields.Integer(required=True, metadata={"description": "0 for a top group, 1 for its sub-groups …"})
    members = fields.Integer(required=True, metadata={"description": "how many people it has"})


class GroupsFound(Answer):
    items = fields.List(fields.Nested(DirectoryGroup), required=True)
