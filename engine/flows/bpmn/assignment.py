"""Who does a BPMN user task: Camunda 7 / Zeebe assignment attributes → a Trellis assignment."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from engine.flows.bpmn.naming import TRELLIS_ID, trellis_id
from engine.flows.bpmn.text import Text, says

VARIABLE = re.compile(
    r"^\s*(?:[$#]\{\s*(?P<juel>[A-Za-z_][A-Za-z0-9_]*)\s*\}|=\s*(?P<feel>[A-Za-z_][A-Za-z0-9_]*))\s*$"
)
STARTER = {"initiator", "starter", "startuser", "startuserid", "submitter", "applicant", "requester"}


@dataclass(frozen=True, slots=True)
class Assignment:
    assignee: dict[str, Any] | None
    note: Text | None = None  # what a person should check; None when the mapping is exact
    refused: Text | None = None  # why the source could not be mapped at all


@dataclass(frozen=True, slots=True)
class Sources:
    """The assignment attributes of one task, whichever modeler wrote them."""

    assignee: str | None = None
    candidate_users: str | None = None
    candidate_groups: str | None = None
    collection: str | None = None  # an MI loop's list of assignees
    element_variable: str | None = None


def assignment(src: Sources) -> Assignment:
    if src.assignee:
        found = _person(src.assignee, src)
        others = [value for value in (src.candidate_users, src.candidate_groups) if value]
        if others and found.assignee is not None and not found.note:
            ignored = ", ".join(others)
            return Assignment(
                found.assignee, note=says("bpmn.note.candidates_ignored", ignored=ignored, assignee=src.assignee)
            )
        return found
    if src.candidate_users:
        return _users(src.candidate_users)
    if src.candidate_groups:
        return _groups(src.candidate_groups)
    if src.collection:
        return _collection(src.collection)
    return Assignment(None)


def _variable(value: str) -> str | None:
    match = VARIABLE.match(value)
    return (match.group("juel") or match.group("feel")) if match else None


def _is_expression(value: str) -> bool:
    stripped = value.strip()
    return stripped.startswith(("${", "#{", "="))


def _person(value: str, src: Sources) -> Assignment:
    name = _variable(value)
    if name is None and _is_expression(value):
        return Assignment(None, refused=says("bpmn.assignment.assignee_expression", value=value))
    if name is None:
        return Assignment({"type": "users", "users": [value.strip()]})
    if name.lower() in STARTER:
        return Assignment({"type": "submitter"})
    if src.element_variable and name == src.element_variable and src.collection:
        return _collection(src.collection)
    return Assignment({"type": "field", "field": trellis_id(name, set(), fallback="field")})


def _collection(value: str) -> Assignment:
    name = _variable(value)
    if name is None:
        return Assignment(None, refused=says("bpmn.assignment.collection", value=value))
    return Assignment({"type": "field", "field": trellis_id(name, set(), fallback="field")})


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def _users(value: str) -> Assignment:
    name = _variable(value)
    if name is not None:
        return Assignment({"type": "field", "field": trellis_id(name, set(), fallback="field")})
    if _is_expression(value):
        return Assignment(None, refused=says("bpmn.assignment.candidate_users_expression", value=value))
    return Assignment({"type": "users", "users": _split(value)})


def _groups(value: str) -> Assignment:
    if _is_expression(value):
        return Assignment(None, refused=says("bpmn.assignment.candidate_groups_expression", value=value))
    groups = _split(value)
    if len(groups) == 1:
        return Assignment({"type": "group", "group": groups[0]})
    if all(TRELLIS_ID.match(group) for group in groups):
        return Assignment(
            {"type": "roles", "roles": list(dict.fromkeys(groups))},
            note=says("bpmn.note.groups_as_roles", groups=", ".join(groups)),
        )
    return Assignment(
        {"type": "group", "group": groups[0]},
        note=says("bpmn.note.first_group_kept", groups=", ".join(groups)),
    )
