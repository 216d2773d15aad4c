"""``update_related``: write fields of the records a relation field of the triggering record points at (domain)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.automations.actions.base import EXPRESSIONS, ActionType, Performer, evaluate_all, keyed
from engine.automations.index import Finding, PackageIndex, field_findings, unknown
from engine.expressions import Expression


class UpdateRelated(ActionType):
    """``set`` on every record the relation ``field`` of the triggering record points at
    (``last_inspected = today()`` on an inspection's equipment); an empty relation does nothing."""

    config_schema = {
        "required": ["field", "set"],
        "properties": {"field": {"$ref": "common.schema.json#/$defs/id"}, "set": EXPRESSIONS},
    }
    needs_record = True

    def problems(self, definition: Mapping[str, Any], index: PackageIndex, record_form: str | None) -> list[Finding]:
        if record_form is None:
            return []
        fields = index.forms[record_form]
        name = definition["field"]
        if name not in fields:
            return [unknown("field", "field", name, fields)]
        target = index.relations.get(record_form, {}).get(name)
        if target is None:
            return [Finding("field", "automation.not_a_relation", {"field": name})]
        return field_findings("set", index, target, definition["set"])

    def expressions(self, definition: Mapping[str, Any]) -> dict[str, str]:
        return keyed(definition, "set")

    def run(self, definition: Mapping[str, Any], compiled: Mapping[str, Expression], performer: Performer) -> None:
        form_id, ids = performer.related(definition["field"])
        if ids:
            values = evaluate_all(definition, "set", compiled, performer.context)
            for record_id in ids:
                performer.update_record(form_id, record_id, values)
