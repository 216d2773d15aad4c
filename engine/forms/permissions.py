"""Who may do what to which records and fields of an app (domain core): the one place the app
package's ``permissions`` are read.

``AppPermissions.from_definition`` compiles a package's grants once per published version;
``effective(principal, app_id, form_id)`` answers with a ``FormAccess`` that the records API,
lists, search, exports, reports and downloads all consult:

- actions are the union over the grants of the roles the principal holds;
- a grant's ``rows`` limits its actions to the records its rule matches; several grants join
  with OR, and a grant without ``rows`` covers every record;
- a field's mode is the most generous over the grants that apply (editable > read_only >
  hidden); a field a grant does not list is editable when that grant may create or update,
  else read-only; a role without a grant on the form has no access at all;
- rows limit existing records (read, update, delete, export); for one record only the grants
  whose rows match it count, for actions and for field modes alike;
- rows bind writes too: ``admits("create" | "update", record)`` says whether a record in its new
  state is within the rows of the grants giving that action (the records service refuses a new
  record, or an update moving one, outside them). Flows and system writes are not bound.

Who holds which roles: a signed-in principal holds the roles assigned to it in the app;
an anonymous one holds only the app's public roles (``"public": true``); ``is_admin`` holds
everything; an API token (``scopes`` not None) is limited further by ``app:<app>:read``
(read, export), ``app:<app>:write`` (create, update, delete) or ``admin`` (no limit). Scopes
only ever take away.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from engine.errors import DefinitionError
from engine.forms.row_rule_checks import row_rule_problems, typed_rule
from engine.forms.row_rules import Const, RowRule, any_of, bind, fields_of, paths_of
from engine.forms.spec import FieldSpec
from engine.principal import Principal

FieldMode = Literal["hidden", "read_only", "editable"]
ACTIONS = ("create", "read", "update", "delete", "export")
READ_ACTIONS = frozenset({"read", "export"})
WRITE_ACTIONS = frozenset({"create", "update", "delete"})
MODE_RANK: Mapping[str, int] = {"hidden": 0, "read_only": 1, "editable": 2}


@dataclass(frozen=True, slots=True)
class Grant:
    """One entry of the package's ``permissions``, compiled; ``pointer`` says where it was written."""

    role: str
    form: str
    actions: frozenset[str]
    rows: RowRule | None = None  # None: every record
    fields: Mapping[str, FieldMode] = field(default_factory=dict)
    pointer: str = ""

    @property
    def writes(self) -> bool:
        return bool(self.actions & {"create", "update"})

    def mode(self, field_id: str) -> FieldMode:
        mode = self.fields.get(field_id) or ("editable" if self.writes else "read_only")
        return "read_only" if mode == "editable" and not self.writes else mode

    def covers(self, record: Mapping[str, Any], principal: Principal) -> bool:
        return self.rows is None or self.rows.matches(record, principal)


@dataclass(frozen=True, slots=True)
class FormAccess:
    """What one principal may do on one form: the grants that apply to it, already limited by scopes.

    Methods taking an optional ``record`` (its stored values, system fields included) answer for
    that record: only grants whose rows match it count. Without one they answer for the form as
    a whole, the most any record allows: right for column headers and blank forms, not for values.
    Field modes count only the grants giving ``action`` (read by default), so a role that may only
    create never reveals a field on a record someone else can read.
    """

    app_id: str
    form_id: str
    principal: Principal
    grants: tuple[Grant, ...] = ()

    @property
    def actions(self) -> frozenset[str]:
        return frozenset().union(*(grant.actions for grant in self.grants))

    def allows(self, action: str, record: Mapping[str, Any] | None = None) -> bool:
        """Whether ``action`` is allowed (on this record). Rows limit existing records only, so a
        record given with ``create`` is not checked against them (an anonymous owner's new ticket
        has no creator yet)."""
        _check_action(action)
        if action == "create":
            record = None
        return any(action in g.actions and (record is None or g.covers(record, self.principal)) for g in self.grants)

    def admits(self, action: str, record: Mapping[str, Any]) -> bool:
        """Whether ``record`` (its new values, system fields and relation path values included) lies
        within the rows of the grants giving ``action``: a writer may not create or move a record
        out of the rows they may touch. True when a grant giving ``action`` has no rows."""
        rule = self.rows_for(action)
        return rule is None or rule.matches(record, self.principal)

    def field_mode(self, field_id: str, record: Mapping[str, Any] | None = None, action: str = "read") -> FieldMode:
        best: FieldMode = "hidden"
        for grant in self._live(record, action):
            mode = grant.mode(field_id)
            if MODE_RANK[mode] > MODE_RANK[best]:
                best = mode
        return best

    def visible_fields(
        self, fields: Iterable[FieldSpec], record: Mapping[str, Any] | None = None, action: str = "read"
    ) -> list[FieldSpec]:
        """The fields that may leave the server, in the order given (check sub-table fields too)."""
        return [spec for spec in fields if self.field_mode(spec.id, record, action) != "hidden"]

    def shows_everywhere(self, field_id: str, action: str = "read") -> bool:
        """Whether no grant giving ``action`` hides the field. Only such a field may be filtered or
        sorted on: a filter or an order (and the cursor it hands out) reveals the field's values on
        every record it reaches, whichever grant lets the principal see that record."""
        return all(grant.mode(field_id) != "hidden" for grant in self._live(None, action))

    def redact(self, record: Mapping[str, Any], action: str = "read") -> dict[str, Any]:
        """The record without the values hidden from this principal on it (rows are judged on the full record)."""
        live = tuple(self._live(record, action))
        return {key: value for key, value in record.items() if any(g.mode(key) != "hidden" for g in live)}

    def rows_for(self, action: str) -> RowRule | None:
        """The records ``action`` may touch, as written (unbound); None: every record.

        With no grant for the action this is ``Const(False)``.
        """
        _check_action(action)
        rules: list[RowRule] = []
        for grant in self.grants:
            if action in grant.actions:
                if grant.rows is None:
                    return None
                rules.append(grant.rows)
        return any_of(rules) if rules else Const(False)

    def rows_showing(self, field_id: str, action: str = "read") -> RowRule | None:
        """The records on which ``field_id`` is not hidden (None: every record), for aggregates:
        storage sums ``CASE WHEN <rule> THEN field END`` so a report never counts a hidden value."""
        rules: list[RowRule] = []
        for grant in self._live(None, action):
            if grant.mode(field_id) != "hidden":
                if grant.rows is None:
                    return None
                rules.append(grant.rows)
        return any_of(rules) if rules else Const(False)

    @property
    def row_filter(self) -> RowRule | None:
        """The records this principal may read; None: every record."""
        return self.rows_for("read")

    def bound_filter(self, action: str = "read") -> RowRule | None:
        """``rows_for(action)`` with the principal's values substituted: what storage turns into SQL."""
        rule = self.rows_for(action)
        return None if rule is None else bind(rule, self.principal)

    @property
    def paths(self) -> frozenset[str]:
        """The relation paths (``room.building.community``) the rows of these grants read: the
        values a record checked in memory must carry under those dotted keys."""
        return frozenset().union(*(paths_of(g.rows) for g in self.grants if g.rows is not None))

    def _live(self, record: Mapping[str, Any] | None, action: str) -> Iterable[Grant]:
        _check_action(action)
        return (
            g
            for g in self.grants
            if action in g.actions and (record is None or action == "create" or g.covers(record, self.principal))
        )


def _check_action(action: str) -> None:
    if action not in ACTIONS:
        raise ValueError(f"unknown action '{action}'; expected one of {', '.join(ACTIONS)}")


@dataclass(frozen=True, slots=True)
class AppPermissions:
    """The compiled ``permissions`` of one app version; share it between requests."""

    app_id: str
    grants: tuple[Grant, ...]
    public_roles: frozenset[str] = frozenset()

    @classmethod
    def from_definition(cls, document: Mapping[str, Any]) -> AppPermissions:
        """Compile the grants; refuses a ``rows`` rule outside the allowed shapes (fail closed)."""
        problems = row_rule_problems(document)
        if problems:
            raise DefinitionError.says("form.permissions_unenforceable", problems=problems)
        grants = []
        for i, data in enumerate(document.get("permissions", ())):
            grants.append(
                Grant(
                    role=data["role"],
                    form=data["form"],
                    actions=frozenset(data["actions"]),
                    rows=typed_rule(document, data["form"], data["rows"]) if "rows" in data else None,
                    fields=dict(data.get("fields", {})),
                    pointer=f"/permissions/{i}",
                )
            )
        public = frozenset(role["id"] for role in document.get("roles", ()) if role.get("public"))
        return cls(app_id=document["id"], grants=tuple(grants), public_roles=public)

    def paths_on(self, form_id: str) -> frozenset[str]:
        """Every relation path the rows of the grants on ``form_id`` read (what storage must be able to follow)."""
        return frozenset().union(*(paths_of(g.rows) for g in self.grants if g.form == form_id and g.rows is not None))

    def roles_of(self, principal: Principal) -> frozenset[str]:
        return self.public_roles if principal.anonymous else principal.roles_in(self.app_id)

    def effective(self, principal: Principal, app_id: str, form_id: str) -> FormAccess:
        if app_id != self.app_id:
            raise ValueError(f"these are the permissions of app '{self.app_id}', not '{app_id}'")
        if principal.is_admin and not principal.anonymous:
            grants: tuple[Grant, ...] = (Grant(role="*admin", form=form_id, actions=frozenset(ACTIONS)),)
        else:
            roles = self.roles_of(principal)
            grants = tuple(g for g in self.grants if g.form == form_id and g.role in roles)
        if principal.scopes is not None:
            allowed = scoped_actions(principal.scopes, app_id)
            grants = tuple(replace(g, actions=g.actions & allowed) for g in grants if g.actions & allowed)
        return FormAccess(app_id=app_id, form_id=form_id, principal=principal, grants=grants)


def scoped_actions(scopes: Iterable[str], app_id: str) -> frozenset[str]:
    """The actions an API token's scopes leave open in this app."""
    allowed: set[str] = set()
    for scope in scopes:
        if scope == "admin":
            return frozenset(ACTIONS)
        if scope == f"app:{app_id}:read":
            allowed |= READ_ACTIONS
        elif scope == f"app:{app_id}:write":
            allowed |= WRITE_ACTIONS
    return frozenset(allowed)


__all__ = [
    "ACTIONS",
    "AppPermissions",
    "FieldMode",
    "FormAccess",
    "Grant",
    "fields_of",
    "row_rule_problems",
    "scoped_actions",
]
