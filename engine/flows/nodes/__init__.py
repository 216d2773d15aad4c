"""The node types, registered by name; importing this package registers them all."""

from engine.flows.nodes import automatic, events, gateways, tasks
from engine.flows.nodes.base import NODE_TYPES, NodeType, kind_of

__all__ = ["NODE_TYPES", "NodeType", "automatic", "events", "gateways", "kind_of", "tasks"]
