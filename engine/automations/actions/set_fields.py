"""``set_fields``: write fields of the record that triggered the automation (domain)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.automations.actions.base import EXPRESSIONS, ActionType, Performer, evaluate_all, keyed
from engine.automations.index import Finding, PackageIndex, field_findings
from engine.expressions import Expression


class SetFields(ActionType):
    """``set``: field -> expression, written on the record that triggered the automation."""

    config_schema = {"required": ["set"], "properties": {"set": EXPRESSIONS}}
    needs_record = True

    def problems(self, definition: Mapping[str, Any], index: PackageIndex, record_form: str | None) -> list[Finding]:
        return field_findings("set", index, record_form, definition["set"]) if record_form else []

    def expressions(self, definition: Mapping[str, Any]) -> dict[str, str]:
        return keyed(definition, "set")

    def run(self, definition: Mapping[str, Any], compiled: Mapping[str, Expression], performer: Performer) -> None:
        performer.set_fields(evaluate_all(definition, "set", compiled, performer.context))
