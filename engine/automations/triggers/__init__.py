"""The trigger types, registered by name; importing this package registers them all."""

from engine.automations.triggers import (
    field_changed,
    flow_event,
    record_created,
    record_deleted,
    record_updated,
    schedule,
)
from engine.automations.triggers.base import TRIGGER_TYPES, Happening, TriggerType
from engine.automations.triggers.flow_event import FLOW_EVENTS, flow_happenings

TRIGGER_TYPES.register("record_created", record_created.RecordCreated())
TRIGGER_TYPES.register("record_updated", record_updated.RecordUpdated())
TRIGGER_TYPES.register("record_deleted", record_deleted.RecordDeleted())
TRIGGER_TYPES.register("field_changed", field_changed.FieldChanged())
TRIGGER_TYPES.register("flow_event", flow_event.FlowEvent())
TRIGGER_TYPES.register("schedule", schedule.Schedule())

__all__ = ["FLOW_EVENTS", "TRIGGER_TYPES", "Happening", "TriggerType", "flow_happenings"]
