"""Bodies of ``GET /api/v1/builder/field-types``: the form designer's palette."""

from __future__ import annotations

from marshmallow import fields

from engine.web.contract.common import Answer


class DefinitionKey(Answer):
    key = fields.String(required=True, metadata={"description": "a key of a field definition (label, options …)"})
    schema = fields.Dict(required=True, metadata={"description": "the key's JSON Schema, as the package schema has it"})
    required = fields.Boolean(required=True, metadata={"description": "whether the type needs the key"})


class FieldTypeEntry(Answer):
    key = fields.String(required=True, metadata={"description": "the type's registry key, a field's `type`"})
    name = fields.String(required=True, metadata={"description": "the type's name in the caller's language"})
    names = fields.Dict(required=True, metadata={"description": "the type's name in every language"})
    computed = fields.Boolean(required=True, metadata={"description": "the server sets the value"})
    stores_value = fields.Boolean(required=True, metadata={"description": "false for layout elements"})
    holds_rows = fields.Boolean(required=True, metadata={"description": "a sub-table: its columns are fields"})
    formula_key = fields.String(allow_none=True, metadata={"description": "the key of its expression, if any"})
    properties = fields.List(fields.Nested(DefinitionKey), required=True)


class FieldTypes(Answer):
    items = fields.List(fields.Nested(FieldTypeEntry), required=True)
