"""A toy node type in one file: it writes a fixed stamp into a flow variable and moves on."""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine.flows.nodes import NodeType
from engine.flows.spec import NodeSpec
from engine.flows.state import Token

if TYPE_CHECKING:
    from engine.flows.interpreter import Run


class StampNode(NodeType):
    config_schema = {"required": ["stamp"], "properties": {"stamp": {"type": "string", "maxLength": 20}}}

    def enter(self, run: Run, node: NodeSpec, token: Token) -> None:
        run.state.variables.setdefault("vars", {})["stamp"] = node.definition["stamp"]
        run.leave(token, run.choose(node, first_only=False))
