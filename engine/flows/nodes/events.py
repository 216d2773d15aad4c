"""Start, end and timer (wait) nodes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine.flows.nodes.base import NodeType
from engine.flows.spec import NodeSpec
from engine.flows.state import CANCELLED, COMPLETED, Timer, Token, new_id

if TYPE_CHECKING:
    from engine.flows.interpreter import Run


class Start(NodeType):
    def enter(self, run: Run, node: NodeSpec, token: Token) -> None:
        run.leave(token, run.choose(node, first_only=False))


class End(NodeType):
    """Consumes the token; the instance ends when no token is left (or at once, with ``terminate``)."""

    config_schema = {"properties": {"terminate": {"type": "boolean"}, "status": {"type": "string", "maxLength": 60}}}

    def enter(self, run: Run, node: NodeSpec, token: Token) -> None:
        run.consume(token)
        status = node.definition.get("status")
        if node.definition.get("terminate"):
            run.finish(COMPLETED if status != CANCELLED else CANCELLED, status or "completed", node.id)
        elif not run.state.tokens:
            run.finish(COMPLETED, status or "completed", node.id)
        elif status:
            run.state.end_status = status


class Wait(NodeType):
    """Waits for a duration or until a date field of the record, then goes on."""

    config_schema = {
        "properties": {
            "after": {"$ref": "common.schema.json#/$defs/duration"},
            "until_field": {"$ref": "common.schema.json#/$defs/id"},
            "business_hours": {"anyOf": [{"type": "boolean"}, {"$ref": "common.schema.json#/$defs/expression"}]},
        },
        "oneOf": [{"required": ["after"]}, {"required": ["until_field"]}],
    }

    def enter(self, run: Run, node: NodeSpec, token: Token) -> None:
        timer = node.timers[0]
        due = run.due_at(timer)
        if due is None or due <= run.now:
            run.leave(token, run.choose(node, first_only=False))
            return
        run.park(token)
        run.state.add_timer(Timer(new_id(), node.id, timer.id, due, token=token.id))
