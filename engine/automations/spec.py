"""``AutomationSpec``: an app's automation parsed once per app version, and the loop rule (domain).

A package that validated is parsed here without further checks: the trigger's and actions'
types are looked up, the condition and every action expression compiled (cached by source).

Loops. An automation's writes can trigger automations again (A sets a field that triggers B,
which sets a field that triggers A ...). Every queued run carries its *chain*: the (automation,
record) pairs that led to it. A run whose condition holds but whose own pair is already in its
chain, or whose chain is ``MAX_CHAIN`` long, does not act: it is recorded as stopped with the reason.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from engine.automations.actions import ACTION_TYPES, ActionType
from engine.automations.index import PackageIndex
from engine.automations.triggers import TRIGGER_TYPES, Happening, TriggerType
from engine.automations.triggers.schedule import MAX_SCHEDULED_RECORDS
from engine.expressions import Expression, compile_expression

__all__ = ["MAX_CHAIN", "MAX_SCHEDULED_RECORDS", "ActionSpec", "AutomationSpec", "automation_specs"]

#: how many automations may follow one another from one change before the next is stopped
MAX_CHAIN = 8


@dataclass(frozen=True, slots=True)
class ActionSpec:
    type: str
    definition: Mapping[str, Any]
    expressions: Mapping[str, Expression]  # by key below the action (``set/status``)

    @property
    def kind(self) -> ActionType:
        return ACTION_TYPES.get(self.type)


@dataclass(frozen=True, slots=True)
class AutomationSpec:
    id: str
    enabled: bool
    trigger: Mapping[str, Any]
    condition: Expression | None
    actions: tuple[ActionSpec, ...]
    where: Expression | None = None  # a schedule over a form's records: which records it runs for

    @property
    def trigger_type(self) -> TriggerType:
        return TRIGGER_TYPES.get(self.trigger["type"])

    def fires_on(self, happening: Happening) -> bool:
        kind = self.trigger_type
        return self.enabled and kind.listens_to == happening.kind and kind.matches(self.trigger, happening)


def automation_specs(document: Mapping[str, Any]) -> tuple[AutomationSpec, ...]:
    """The package's automations, ready to run (the package has been validated)."""
    found = []
    for definition in document.get("automations", []):
        actions = tuple(
            ActionSpec(
                action["type"],
                action,
                {
                    key: compile_expression(source)
                    for key, source in ACTION_TYPES.get(action["type"]).expressions(action).items()
                },
            )
            for action in definition["actions"]
        )
        condition = compile_expression(definition["condition"]) if "condition" in definition else None
        trigger = definition["trigger"]
        where = compile_expression(trigger["where"]) if "where" in trigger else None
        found.append(
            AutomationSpec(definition["id"], definition.get("enabled", True), trigger, condition, actions, where)
        )
    return tuple(found)


def expression_names(trigger: Mapping[str, Any], index: PackageIndex) -> list[str] | None:
    """The names an automation's condition, action expressions and schedule ``where`` may read; None when the
    trigger's form or flow is unknown (reported there, so its names cannot be checked)."""
    kind = TRIGGER_TYPES.get(trigger["type"])
    if not kind.has_record(trigger):
        return ["user", *kind.extra_names]
    form = kind.record_form(trigger, index)
    if form is None:
        return None
    return [*index.names(form), "user", *kind.extra_names]


def loop_reason(chain: Sequence[Sequence[Any]], automation: str, record: str) -> tuple[str, dict[str, Any]] | None:
    """Why a run with this chain must stop (a catalog code and its parameters), or None to run it."""
    if [automation, record] in [list(pair) for pair in chain]:
        path = " -> ".join(str(pair[0]) for pair in chain)
        return "automation.loop_repeated", {"automation": automation, "record": record, "path": path}
    if len(chain) >= MAX_CHAIN:
        return "automation.loop_too_deep", {"automation": automation, "depth": len(chain), "limit": MAX_CHAIN}
    return None
