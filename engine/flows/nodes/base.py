"""``NodeType``: what a node does when a token enters it. One class per node type, registered by name."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from engine.flows.spec import NodeSpec
from engine.flows.state import Token
from engine.registry import Registry

if TYPE_CHECKING:
    from engine.flows.interpreter import Run


class NodeType(ABC):
    """Enter moves the token on (``run.leave``), parks it (``token.state = "waiting"``) or ends it."""

    #: JSON Schema of the node type's own definition keys (``assignee``, ``mode`` ...): the package
    #: schema merges it in, so a new node type never edits ``flow.schema.json``.
    config_schema: ClassVar[Mapping[str, Any]] = {}

    @abstractmethod
    def enter(self, run: Run, node: NodeSpec, token: Token) -> None: ...


NODE_TYPES: Registry[NodeType] = Registry("node type")
