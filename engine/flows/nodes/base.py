"""``NodeType``: what a node does when a token enters it. One class per node type, registered by name."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING

from engine.flows.spec import NodeSpec
from engine.flows.state import Token
from engine.registry import Registry

if TYPE_CHECKING:
    from engine.flows.interpreter import Run


class NodeType(ABC):
    """Enter moves the token on (``run.leave``), parks it (``token.state = "waiting"``) or ends it."""

    @abstractmethod
    def enter(self, run: Run, node: NodeSpec, token: Token) -> None: ...


NODE_TYPES: Registry[NodeType] = Registry("node type")
