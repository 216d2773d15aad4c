"""The flow designer's palette (services layer): what a boundary timer may do when it fires and how a
dispatch table picks a person, named in the reader's language.

The engine is asked, never a second list: the timer actions are the ones ``engine.flows.timers``
registers that a boundary timer may name (the flow schema's ``action``), each saying whether it
reaches a recipient (``to``) or takes a line of its own; the dispatch strategies and fallbacks are
the shared ``assignment`` definition's, and so is the schema of a dispatch table's rows (the designer
draws one column per key of a row).
"""

from __future__ import annotations

from typing import Any

from engine.flows.timers import PATH_ACTIONS, RECIPIENT_ACTIONS, TIMER_ACTIONS
from engine.i18n import LOCALES, translate
from engine.schemas import load_schema


def _named(prefix: str, key: str, locale: str) -> dict[str, Any]:
    return {
        "key": key,
        "name": translate(f"{prefix}.{key}", locale),
        "names": {other: translate(f"{prefix}.{key}", other) for other in LOCALES},
    }


def _dispatch_schema() -> dict[str, Any]:
    assignment = load_schema("common.schema.json")["$defs"]["assignment"]
    branch = next(b for b in assignment["allOf"] if b["if"]["properties"]["type"].get("const") == "dispatch")
    properties: dict[str, Any] = branch["then"]["properties"]
    return properties


def flow_palette(locale: str) -> dict[str, Any]:
    """``GET /api/v1/builder/flow-types``: boundary timer actions, dispatch strategies, fallbacks and table rows."""
    allowed = load_schema("flow.schema.json")["$defs"]["timer"]["properties"]["action"]["enum"]
    actions = [
        {
            **_named("builder.designers.flow.timer", key, locale),
            "recipient": key in RECIPIENT_ACTIONS,
            "path": key in PATH_ACTIONS,
        }
        for key, _ in TIMER_ACTIONS.items()
        if key in allowed
    ]
    dispatch = _dispatch_schema()
    return {
        "timer_actions": actions,
        "strategies": [_named("builder.designers.auto.enum.strategy", k, locale) for k in dispatch["strategy"]["enum"]],
        "fallbacks": [_named("builder.designers.auto.enum.fallback", k, locale) for k in dispatch["fallback"]["enum"]],
        "dispatch_table": dispatch["table"],
    }
