"""A flow's process facts as a report source (reports domain): ``{"flow": "repair", "facts": "instances"}``.

The fact rows of a flow (``engine.flows.facts``: one per instance, or one per task) are described
to the report checks as one more *form*: a synthetic form definition whose fields are the fact
columns (``response_seconds``, ``current_node``, ``reopen_count``, ``assignee``, ``overdue`` ...)
plus ``record``, a relation to the flow's form. So every name a report writes - a dimension, a
filter, a measure's field or its ``where`` - is resolved by the same path resolver and typed by the
same row-rule checks as for a form source: ``record.room.building.community`` is a relation path
starting at the fact row, and an unknown fact column or record field is a path error with its
JSON pointer. Nothing here knows what a milestone means to the business.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.flows.facts import FlowFacts, flow_facts

FACTS = ("instances", "tasks")
RECORD = "record"  # the fact row's relation to its record
PREFIX = "__facts__"  # synthetic form ids start with it; no package form id can (ids are [a-z][a-z0-9_]*)

NODE_COLUMNS = ("node", "current_node")  # fact columns holding a node id: shown by the node's name
PERSON_COLUMNS = ("assignee",)  # fact columns holding a user id: shown by the person's name

_INTEGERS = frozenset(
    {"instance_id", "record_id", "task_id", "app_version", "reopen_count", "deadline_misses", "sla_met", "overdue"}
)


def source_key(flow_id: str, facts: str) -> str:
    """The string a flow source is known by in a ``ReportSpec`` (``repair/instances``)."""
    return f"{flow_id}/{facts}"


def split_key(key: str) -> tuple[str, str]:
    flow_id, _, facts = key.partition("/")
    return flow_id, facts or "instances"


def find_flow(document: Mapping[str, Any], flow_id: str) -> Mapping[str, Any] | None:
    return next((f for f in document.get("flows", ()) if isinstance(f, Mapping) and f.get("id") == flow_id), None)


def facts_of(document: Mapping[str, Any], key: str) -> FlowFacts | None:
    flow_id, _ = split_key(key)
    found = find_flow(document, flow_id)
    return None if found is None else flow_facts(found)


def fact_columns(facts: FlowFacts, kind: str) -> tuple[str, ...]:
    return facts.task_columns if kind == "tasks" else facts.instance_columns


def _field(name: str) -> dict[str, Any]:
    if name in _INTEGERS:
        return {"id": name, "type": "number", "precision": 0}
    if name.endswith("_seconds"):
        return {"id": name, "type": "number", "precision": 3}
    if name.endswith("_at"):
        return {"id": name, "type": "datetime"}
    return {"id": name, "type": "text"}


def facts_form(document: Mapping[str, Any], key: str) -> tuple[str, dict[str, Any]] | None:
    """(the synthetic form's id, its definition) of a flow source; None when the flow is unknown."""
    facts = facts_of(document, key)
    if facts is None:
        return None
    _, kind = split_key(key)
    fields = [_field(name) for name in fact_columns(facts, kind)]
    fields.append({"id": RECORD, "type": "relation", "target": facts.form_id})
    form_id = f"{PREFIX}{key}"
    return form_id, {"id": form_id, "name": form_id, "fields": fields}


def forms_with_facts(document: Mapping[str, Any], key: str) -> tuple[dict[str, Any], str]:
    """The package's forms plus the synthetic one of the flow source ``key`` (its id second)."""
    forms = {form["id"]: form for form in document.get("forms", ()) if isinstance(form, Mapping) and "id" in form}
    found = facts_form(document, key)
    if found is None:
        return forms, ""
    forms[found[0]] = found[1]
    return forms, found[0]


def document_with_facts(document: Mapping[str, Any], key: str) -> tuple[dict[str, Any], str]:
    """``document`` with the synthetic facts form appended (for the row-rule checks of a ``where``)."""
    found = facts_form(document, key)
    copied = dict(document)
    if found is None:
        return copied, ""
    copied["forms"] = [*document.get("forms", ()), found[1]]
    return copied, found[0]
