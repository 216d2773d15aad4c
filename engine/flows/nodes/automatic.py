"""Nodes that act without a person: field updates, connector calls, scripts, notifications, subflows.

Connector calls and notifications become outbox effects, written with the state change and
delivered by a worker after commit: nothing is sent for a rolled-back step.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine.flows.nodes.base import NodeType
from engine.flows.spec import NodeSpec, localized
from engine.flows.state import Token
from engine.i18n import DEFAULT_LOCALE

if TYPE_CHECKING:
    from engine.flows.interpreter import Run


class ServiceTask(NodeType):
    config_schema = {
        "properties": {
            "set": {
                "type": "object",
                "maxProperties": 200,
                "propertyNames": {"$ref": "common.schema.json#/$defs/id"},
                "additionalProperties": {"$ref": "common.schema.json#/$defs/expression"},
            },
            "connector": {"$ref": "common.schema.json#/$defs/id"},
            "operation": {"type": "string", "maxLength": 100},
            "mapping": {
                "type": "object",
                "maxProperties": 200,
                "additionalProperties": {"$ref": "common.schema.json#/$defs/expression"},
            },
            "idempotency_key": {
                "description": (
                    "What makes two calls the same call: the receiver drops a call whose key it has seen "
                    "(a reopened ticket billed again for the same items posts nothing new)."
                ),
                "$ref": "common.schema.json#/$defs/expression",
            },
        },
        "dependentRequired": {"idempotency_key": ["connector"]},
    }

    def enter(self, run: Run, node: NodeSpec, token: Token) -> None:
        context = run.context()
        for name in node.definition.get("set", {}):
            run.set_field(name, node.expressions[f"set/{name}"].evaluate(context))
        connector = node.definition.get("connector")
        if connector:
            context = run.context()
            data = {
                name: node.expressions[f"mapping/{name}"].evaluate(context)
                for name in node.definition.get("mapping", {})
            }
            keyed = node.expressions.get("idempotency_key")
            run.effect(
                "connector",
                connector=connector,
                operation=node.definition.get("operation", ""),
                data=_jsonable(data),
                app=run.state.app_id,
                record=run.state.record_id,
                node=node.id,
                **({"key": str(_jsonable(keyed.evaluate(context)))} if keyed is not None else {}),
            )
            run.event("connector_queued", node.id, connector=connector)
        run.leave(token, run.choose(node, first_only=False))


class ScriptTask(NodeType):
    """Assignments to form fields change the record; other names become flow variables."""

    config_schema = {
        "required": ["assign"],
        "properties": {
            "assign": {
                "type": "object",
                "minProperties": 1,
                "maxProperties": 200,
                "propertyNames": {"$ref": "common.schema.json#/$defs/id"},
                "additionalProperties": {"$ref": "common.schema.json#/$defs/expression"},
            }
        },
    }

    def enter(self, run: Run, node: NodeSpec, token: Token) -> None:
        for name in node.definition["assign"]:
            value = node.expressions[f"assign/{name}"].evaluate(run.context())
            if name in run.record:
                run.set_field(name, value)
            else:
                run.state.variables.setdefault("vars", {})[name] = _jsonable(value)
        run.leave(token, run.choose(node, first_only=False))


class Notify(NodeType):
    config_schema = {
        "required": ["to", "message"],
        "properties": {
            "to": {"$ref": "common.schema.json#/$defs/assignment"},
            "message": {"$ref": "common.schema.json#/$defs/text"},
            "channels": {
                "type": "array",
                "maxItems": 5,
                "items": {"enum": ["inbox", "sms", "wecom", "dingtalk", "email"]},
            },
        },
    }

    def enter(self, run: Run, node: NodeSpec, token: Token) -> None:
        found = run.env.assign(node, node.definition["to"], run.context(), frozenset())
        run.effect(
            "notify",
            to=[c.dump() for c in found.candidates],
            message=node.definition["message"],
            channels=node.definition.get("channels", ["inbox"]),
            app=run.state.app_id,
            record=run.state.record_id,
            node=node.id,
        )
        run.event("notified", node.id, message=localized(node.definition["message"], DEFAULT_LOCALE))
        run.leave(token, run.choose(node, first_only=False))


class Subflow(NodeType):
    """Starts the named flow on the same record and waits for it to end."""

    config_schema = {
        "required": ["flow"],
        "properties": {
            "flow": {"$ref": "common.schema.json#/$defs/id"},
            "mapping": {
                "type": "object",
                "maxProperties": 200,
                "additionalProperties": {"$ref": "common.schema.json#/$defs/expression"},
            },
        },
    }

    def enter(self, run: Run, node: NodeSpec, token: Token) -> None:
        run.park(token)
        run.effect("subflow", flow=node.definition["flow"], token=token.id, node=node.id)


def _jsonable(value: object) -> object:
    from datetime import date, datetime
    from decimal import Decimal

    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value
