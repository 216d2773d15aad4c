"""Compile a form into a JSON Schema (Draft 2020-12) that clients can check a record against.

Field values come from each type's ``value_schema``. ``required_when`` conditions written in
the simple shapes business staff use most (``urgency == '紧急'``, ``type in ('A', 'B')``, joined
with ``and``) become ``if``/``then`` blocks; any other condition is kept as the annotation
``x-required-when`` for the server, which always checks every condition itself.
"""

from __future__ import annotations

import ast
from typing import Any

from engine.forms.spec import FieldSpec, FormSpec, localized
from engine.forms.types import FIELD_TYPES

DIALECT = "https://json-schema.org/draft/2020-12/schema"


def form_json_schema(spec: FormSpec, locale: str = "zh-CN") -> dict[str, Any]:
    properties: dict[str, Any] = {}
    required: list[str] = []
    conditionals: list[dict[str, Any]] = []
    for field in spec.fields:
        kind = FIELD_TYPES.get(field.type)
        if not kind.stores_value:
            continue
        properties[field.id] = _property(field, locale)
        if kind.computed:
            continue
        if field.required and not field.visible_when:
            required.append(field.id)
        if field.required_when:
            condition = condition_schema(field.required_when)
            if condition is None:
                properties[field.id]["x-required-when"] = field.required_when
            else:
                then = {"required": [field.id], "properties": {field.id: {"not": {"type": "null"}}}}
                conditionals.append({"if": condition, "then": then})
    schema: dict[str, Any] = {
        "$schema": DIALECT,
        "$id": f"urn:trellis:{spec.app_id}:{spec.id}",
        "title": spec.title(locale),
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
    }
    if required:
        schema["required"] = required
    if conditionals:
        schema["allOf"] = conditionals
    return schema


def _property(field: FieldSpec, locale: str) -> dict[str, Any]:
    kind = FIELD_TYPES.get(field.type)
    if kind.holds_rows:
        row = {
            "type": "object",
            "properties": {child.id: _property(child, locale) for child in field.children},
            "required": [c.id for c in field.children if c.required and not FIELD_TYPES.get(c.type).computed],
            "additionalProperties": False,
        }
        value: dict[str, Any] = {**kind.value_schema(field), "items": row}
    else:
        value = kind.value_schema(field)
    schema: dict[str, Any] = {"title": field.title(locale)}
    if kind.computed:
        schema.update(value)
    else:
        schema["anyOf"] = [value, {"type": "null"}]
    if field.help:
        schema["description"] = localized(field.help, locale)
    if field.read_only or kind.computed:
        schema["readOnly"] = True
    if field.default is not None:
        schema["default"] = field.default
    return schema


def condition_schema(source: str) -> dict[str, Any] | None:
    """The JSON Schema of a simple condition, or None when it is not one of the simple shapes."""
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError:
        return None
    return _condition(tree.body)


def _condition(node: ast.expr) -> dict[str, Any] | None:
    if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.And):
        parts = [_condition(value) for value in node.values]
        if any(part is None for part in parts):
            return None
        return {"allOf": parts}
    if not (isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(node.left, ast.Name)):
        return None
    name, op, right = node.left.id, node.ops[0], node.comparators[0]
    try:
        literal = ast.literal_eval(right)
    except ValueError:
        return None
    if isinstance(op, ast.Eq):
        test: dict[str, Any] = {"const": literal}
    elif isinstance(op, ast.NotEq):
        test = {"not": {"const": literal}}
    elif isinstance(op, ast.In) and isinstance(literal, tuple | list):
        test = {"enum": list(literal)}
    else:
        return None
    return {"properties": {name: test}, "required": [name]}
