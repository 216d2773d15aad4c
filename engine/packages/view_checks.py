"""Meaning checks of a package's ``views`` (named list views): each problem with its JSON pointer.

A view names its form, the roles it is offered to, its columns and sort (field ids or relation
paths that resolve to a single stored value), and fixed filters in the records API's syntax. What
would fail when the list is opened fails here instead: an unknown form, role, field or flow step, a
path that goes nowhere, a role that cannot read the form, or a filter on a field a role cannot read
(the records API would refuse that role the filter, so the view would never open for them).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from engine.errors import Problem
from engine.forms.list_filters import FLOW_OPERATORS, INSTANCE_STATES, ME, OPERATORS, split_filter
from engine.forms.row_rule_checks import SYSTEM_COLUMNS, Hop, PathError, column_of, forms_of, resolve_path
from engine.packages.messages import problem
from engine.registry import suggest

SORTABLE_SYSTEM = ("id", "created_at", "updated_at")


def view_problems(document: Mapping[str, Any]) -> list[Problem]:
    views = document.get("views", [])
    if not views:
        return []
    found: list[Problem] = []
    first: dict[str, str] = {}
    for i, view in enumerate(views):
        here = f"/views/{i}"
        if view["id"] in first:
            found.append(problem(f"{here}/id", "ref.duplicate_id", kind="view", id=view["id"], first=first[view["id"]]))
        else:
            first[view["id"]] = here
        found.extend(_ViewChecker(document, here, view).run())
    return found


class _ViewChecker:
    def __init__(self, document: Mapping[str, Any], here: str, view: Mapping[str, Any]):
        self.doc, self.here, self.view = document, here, view
        self.forms = forms_of(document)
        self.problems: list[Problem] = []

    def run(self) -> list[Problem]:
        form_id = self.view["form"]
        if form_id not in self.forms:
            hint = suggest(form_id, list(self.forms))
            return [problem(f"{self.here}/form", "ref.unknown", kind="form", id=form_id, hint=hint)]
        roles = self._roles(form_id)
        for k, column in enumerate(self.view.get("columns", ())):
            self._path(f"{self.here}/columns/{k}", form_id, column)
        if "sort" in self.view:
            name = self.view["sort"].lstrip("-")
            if name not in SORTABLE_SYSTEM and self._path(f"{self.here}/sort", form_id, name, system=False):
                if "." in name:
                    self.problems.append(problem(f"{self.here}/sort", "view.sort_path", id=name))
        for key, value in self.view.get("filters", {}).items():
            self._filter(f"{self.here}/filters/{_escape(key)}", form_id, key, value, roles)
        return self.problems

    def _roles(self, form_id: str) -> list[str]:
        """The roles the view is for (checked to exist and to read the form); all readers when not given."""
        known = [role["id"] for role in self.doc.get("roles", ())]
        if "roles" not in self.view:
            return [role for role in known if _read_grants(self.doc, role, form_id)]
        roles = []
        for k, role in enumerate(self.view["roles"]):
            pointer = f"{self.here}/roles/{k}"
            if role not in known:
                self.problems.append(problem(pointer, "ref.unknown", kind="role", id=role, hint=suggest(role, known)))
            elif not _read_grants(self.doc, role, form_id):
                self.problems.append(problem(pointer, "view.role_cannot_read", role=role, form=form_id))
            else:
                roles.append(role)
        return roles

    def _path(self, pointer: str, form_id: str, name: str, *, system: bool = True) -> tuple[Hop, ...] | None:
        """The hops of a column, sort or filter name, ending in one stored value; None (and a problem) if not."""
        try:
            hops = resolve_path(self.forms, form_id, name)
        except PathError:
            if "." not in name:
                fields = [f["id"] for f in self.forms[form_id].get("fields", ())]
                hint = suggest(name, fields)
                self.problems.append(problem(pointer, "ref.unknown", kind="field", id=name, hint=hint))
            else:
                self.problems.append(problem(pointer, "view.path", id=name, form=form_id))
            return None
        last = hops[-1]
        column = column_of(self.forms, last)
        if column is None or column.kind == "json" or (not system and last.field in SYSTEM_COLUMNS):
            self.problems.append(problem(pointer, "view.not_single", id=name))
            return None
        return hops

    def _filter(self, pointer: str, form_id: str, key: str, value: Any, roles: Sequence[str]) -> None:
        name, op = split_filter(key)
        if name in FLOW_OPERATORS:
            self._flow_filter(pointer, form_id, name, op, value)
            return
        if name.startswith("_"):
            self.problems.append(
                problem(pointer, "ref.unknown", kind="filter", id=name, hint=suggest(name, FLOW_OPERATORS))
            )
            return
        if op not in OPERATORS:
            self.problems.append(problem(pointer, "view.operator", op=op, operators=", ".join(OPERATORS)))
            return
        hops = self._path(pointer, form_id, name)
        if hops is None:
            return
        for role in roles:
            for hop in hops:
                if _hidden_from(self.doc, role, hop):
                    self.problems.append(problem(pointer, "view.filter_hidden", id=name, role=role, field=hop.field))
                    return

    def _flow_filter(self, pointer: str, form_id: str, name: str, op: str, value: Any) -> None:
        if op not in FLOW_OPERATORS[name]:
            self.problems.append(problem(pointer, "view.operator", op=op, operators=", ".join(FLOW_OPERATORS[name])))
            return
        values = (
            [str(v) for v in value]
            if isinstance(value, list)
            else [str(value).lower() if isinstance(value, bool) else str(value)]
        )
        if name == "_step":
            nodes = [
                node["id"]
                for flow in self.doc.get("flows", ())
                if flow.get("form") == form_id
                for node in flow.get("nodes", ())
            ]
            for v in values:
                if v not in nodes:
                    self.problems.append(problem(pointer, "ref.unknown", kind="node", id=v, hint=suggest(v, nodes)))
        elif name == "_state":
            for v in values:
                if v not in INSTANCE_STATES:
                    self.problems.append(problem(pointer, "view.flow_value", id=v, values=", ".join(INSTANCE_STATES)))
        elif name == "_overdue" and values[0] not in ("true", "false"):
            self.problems.append(problem(pointer, "view.flow_value", id=values[0], values="true, false"))
        elif name == "_assignee" and any(not v for v in values):
            self.problems.append(problem(pointer, "view.flow_value", id="", values=ME))


def _read_grants(document: Mapping[str, Any], role: str, form_id: str) -> list[Mapping[str, Any]]:
    return [
        grant
        for grant in document.get("permissions", ())
        if grant["role"] == role and grant["form"] == form_id and "read" in grant["actions"]
    ]


def _hidden_from(document: Mapping[str, Any], role: str, hop: Hop) -> bool:
    """Whether ``role`` cannot read ``hop``'s field everywhere (no read grant, or a read grant hiding it)."""
    grants = _read_grants(document, role, hop.form)
    return not grants or any(grant.get("fields", {}).get(hop.field) == "hidden" for grant in grants)


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")
