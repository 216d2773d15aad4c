"""Automations (domain): when something happens to a record, a flow or the clock, do something.

An app package's ``automations`` are parsed here into ``AutomationSpec``s; trigger types
(``triggers/``) and action types (``actions/``) are registries like field and node types, each
type one module bringing its own definition keys. Running them - the outbox, the run log, the
writes as the system - is ``engine.services.automations``'s.
"""

from engine.automations.actions import ACTION_TYPES, ActionType, Performer
from engine.automations.index import SYSTEM_NAMES, Finding, PackageIndex
from engine.automations.spec import (
    MAX_CHAIN,
    MAX_SCHEDULED_RECORDS,
    ActionSpec,
    AutomationSpec,
    automation_specs,
    expression_names,
    loop_reason,
)
from engine.automations.triggers import FLOW_EVENTS, TRIGGER_TYPES, Happening, TriggerType, flow_happenings

__all__ = [
    "ACTION_TYPES",
    "FLOW_EVENTS",
    "MAX_CHAIN",
    "MAX_SCHEDULED_RECORDS",
    "SYSTEM_NAMES",
    "TRIGGER_TYPES",
    "ActionSpec",
    "ActionType",
    "AutomationSpec",
    "Finding",
    "Happening",
    "PackageIndex",
    "Performer",
    "TriggerType",
    "automation_specs",
    "expression_names",
    "flow_happenings",
    "loop_reason",
]
