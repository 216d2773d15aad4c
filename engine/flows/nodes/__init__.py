"""The node types, registered by name in palette order; importing this package registers them all."""

from engine.flows.nodes import automatic, events, gateways, tasks
from engine.flows.nodes.base import NODE_TYPES, NodeType, kind_of

# the order a designer's palette (and the package schema's list of node types) shows them
NODE_TYPES.register("start", events.Start())
NODE_TYPES.register("end", events.End())
NODE_TYPES.register("user_task", tasks.UserTask())
NODE_TYPES.register("approval", tasks.Approval())
NODE_TYPES.register("exclusive_gateway", gateways.Exclusive())
NODE_TYPES.register("parallel_gateway", gateways.Parallel())
NODE_TYPES.register("inclusive_gateway", gateways.Inclusive())
NODE_TYPES.register("service_task", automatic.ServiceTask())
NODE_TYPES.register("script_task", automatic.ScriptTask())
NODE_TYPES.register("notify", automatic.Notify())
NODE_TYPES.register("timer", events.Wait())
NODE_TYPES.register("subflow", automatic.Subflow())

__all__ = ["NODE_TYPES", "NodeType", "automatic", "events", "gateways", "kind_of", "tasks"]
