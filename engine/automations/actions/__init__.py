"""The action types, registered by name; importing this package registers them all."""

from engine.automations.actions import (
    call_connector,
    create_record,
    notify,
    set_fields,
    start_flow,
    update_related,
)
from engine.automations.actions.base import ACTION_TYPES, ActionType, Performer

ACTION_TYPES.register("notify", notify.Notify())
ACTION_TYPES.register("set_fields", set_fields.SetFields())
ACTION_TYPES.register("create_record", create_record.CreateRecord())
ACTION_TYPES.register("update_related", update_related.UpdateRelated())
ACTION_TYPES.register("start_flow", start_flow.StartFlow())
ACTION_TYPES.register("call_connector", call_connector.CallConnector())

__all__ = ["ACTION_TYPES", "ActionType", "Performer"]
