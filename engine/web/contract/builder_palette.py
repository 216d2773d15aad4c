"""Bodies of the designers' palettes: ``GET /api/v1/builder/field-types`` (field types),
``GET /api/v1/builder/automation-types`` (automation trigger and action types) and
``GET /api/v1/builder/flow-types`` (the flow designer's timer actions, dispatch strategies and fallbacks)."""

from __future__ import annotations

from marshmallow import fields

from engine.web.contract.common import Answer


class DefinitionKey(Answer):
    key = fields.String(required=True, metadata={"description": "a key of the definition (label, options, form …)"})
    schema = fields.Dict(required=True, metadata={"description": "the key's JSON Schema, as the package schema has it"})
    required = fields.Boolean(required=True, metadata={"description": "whether the type needs the key"})
    resolved = fields.Dict(metadata={"description": "the shared definition a `$ref` of the schema points at"})


class PaletteEntry(Answer):
    """One registered type: its key, its name and the definition keys it takes."""

    key = fields.String(required=True, metadata={"description": "the type's registry key, a definition's `type`"})
    name = fields.String(required=True, metadata={"description": "the type's name in the caller's language"})
    names = fields.Dict(required=True, metadata={"description": "the type's name in every language"})
    properties = fields.List(fields.Nested(DefinitionKey), required=True)


class FieldTypeEntry(PaletteEntry):
    computed = fields.Boolean(required=True, metadata={"description": "the server sets the value"})
    stores_value = fields.Boolean(required=True, metadata={"description": "false for layout elements"})
    holds_rows = fields.Boolean(required=True, metadata={"description": "a sub-table: its columns are fields"})
    formula_key = fields.String(allow_none=True, metadata={"description": "the key of its expression, if any"})


class FieldTypes(Answer):
    items = fields.List(fields.Nested(FieldTypeEntry), required=True)


class TriggerTypeEntry(PaletteEntry):
    extra_names = fields.List(
        fields.String(), required=True, metadata={"description": "names its expressions read beside the record's"}
    )


class ActionTypeEntry(PaletteEntry):
    needs_record = fields.Boolean(required=True, metadata={"description": "refused on a trigger without a record"})


class AutomationTypes(Answer):
    triggers = fields.List(fields.Nested(TriggerTypeEntry), required=True)
    actions = fields.List(fields.Nested(ActionTypeEntry), required=True)


class NamedChoice(Answer):
    key = fields.String(required=True, metadata={"description": "the value a definition holds"})
    name = fields.String(required=True, metadata={"description": "its name in the caller's language"})
    names = fields.Dict(required=True, metadata={"description": "its name in every language"})


class TimerActionEntry(NamedChoice):
    recipient = fields.Boolean(required=True, metadata={"description": "reaches the people the timer's `to` names"})
    path = fields.Boolean(required=True, metadata={"description": "takes the timer's own line (`edge`)"})


class FlowTypes(Answer):
    timer_actions = fields.List(fields.Nested(TimerActionEntry), required=True)
    strategies = fields.List(fields.Nested(NamedChoice), required=True)
    fallbacks = fields.List(fields.Nested(NamedChoice), required=True)
    dispatch_table = fields.Dict(required=True, metadata={"description": "the JSON Schema of a dispatch table"})
