"""Who gets a task: roles, groups, named users, a field of the record, the submitter, the
submitter's manager, or a dispatch rule (decision table + strategy).

The logic is pure; the facts (who holds a role, who is in a group, who is on duty, who has how
many open tasks) come from a ``Directory`` that storage implements with SQL and tests or
benchmarks may implement in memory.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from engine.errors import EngineError
from engine.expressions import Expression
from engine.flows.state import Candidate

PUBLIC_SUBMITTER = "public"


class AssignmentError(EngineError):
    """Nobody can be found for a task: the instance stops at that node with this message."""

    code = "no_assignee"


@dataclass(frozen=True, slots=True)
class Member:
    id: str
    on_duty: bool = True
    communities: frozenset[int] = frozenset()


@dataclass(frozen=True, slots=True)
class GroupFacts:
    id: str
    name: str
    leader: str | None
    members: tuple[Member, ...]


class Directory(Protocol):
    def users_with_role(self, app_id: str, role: str) -> list[str]: ...
    def communities_of(self, user_ids: Sequence[str]) -> Mapping[str, frozenset[int]]: ...
    def group(self, name_or_id: str) -> GroupFacts | None: ...
    def user_id(self, login_or_id: str) -> str | None: ...
    def leaders_of(self, user_id: str) -> list[str]: ...
    def open_task_counts(self, user_ids: Sequence[str]) -> Mapping[str, int]: ...
    def last_assigned(self, user_ids: Sequence[str]) -> Mapping[str, datetime]: ...


@dataclass(frozen=True, slots=True)
class Assignment:
    candidates: tuple[Candidate, ...]
    assignee: str | None = None
    writes: Mapping[str, Any] = field(default_factory=dict)  # record fields a dispatch fills in (worker, leader, group)
    group: str | None = None  # the dispatched group's name


@dataclass(frozen=True, slots=True)
class Signers:
    """An approval's signers, one task each, and what finding them fills in: a dispatch's ``write``
    fields and its group, exactly as for a task's :class:`Assignment`."""

    each: tuple[tuple[Candidate, ...], ...]
    writes: Mapping[str, Any] = field(default_factory=dict)
    group: str | None = None


class Assigner:
    def __init__(self, app_id: str, directory: Directory, *, submitter_candidate: Candidate | None = None):
        self.app_id = app_id
        self.directory = directory
        self.submitter_candidate = submitter_candidate  # the tracking link of a ticket filed without an account

    def assign(
        self,
        assignment: Mapping[str, Any],
        record: Mapping[str, Any],
        *,
        tables: Mapping[int, Expression] | None = None,
        context: Mapping[str, Any] | None = None,
        exclude: frozenset[str] = frozenset(),
    ) -> Assignment:
        kind = assignment["type"]
        if kind in ("role", "roles") and "match_community" in assignment:
            roles = [assignment["role"]] if kind == "role" else assignment["roles"]
            pooled = sorted({u for role in roles for u in self._covering(role, assignment, record, required=False)})
            if not pooled:
                raise AssignmentError.says(
                    "flow.assign.nobody_covering", role=roles[0], field=assignment["match_community"]
                )
            return Assignment(tuple(Candidate("user", u) for u in pooled))
        if kind == "role":
            return Assignment((Candidate("role", assignment["role"]),))
        if kind == "roles":
            return Assignment(tuple(Candidate("role", r) for r in assignment["roles"]))
        if kind == "group":
            group = self._group(assignment["group"])
            if assignment.get("leader"):
                return self._one(self._leader(group))
            return Assignment((Candidate("group", group.id),))
        if kind == "users":
            users = [self._user(u) for u in assignment["users"]]
            return self._one(users[0]) if len(users) == 1 else Assignment(tuple(Candidate("user", u) for u in users))
        if kind == "field":
            return self._from_field(assignment, record)
        if kind == "submitter":
            return self._submitter(record)
        if kind == "submitter_manager":
            leaders = self.directory.leaders_of(str(record.get("created_by") or ""))
            if not leaders:
                raise AssignmentError.says("flow.assign.no_manager")
            return (
                self._one(leaders[0]) if len(leaders) == 1 else Assignment(tuple(Candidate("user", u) for u in leaders))
            )
        if kind == "dispatch":
            return self._dispatch(assignment, record, tables or {}, context or record, exclude)
        raise AssignmentError.says("flow.assign.unknown_type", kind=kind)

    def signers(
        self,
        assignment: Mapping[str, Any],
        record: Mapping[str, Any],
        *,
        tables: Mapping[int, Expression] | None = None,
        context: Mapping[str, Any] | None = None,
        exclude: frozenset[str] = frozenset(),
    ) -> Signers:
        """The approvers of an approval node: each entry is one signer (one task). A dispatch rule reads
        its table's conditions and fills its ``write`` fields here as it does for a task."""
        kind = assignment["type"]
        if kind == "roles" and "match_community" in assignment:  # one task per role, for its holders here
            return Signers(
                tuple(
                    tuple(Candidate("user", u) for u in self._covering(r, assignment, record))
                    for r in assignment["roles"]
                )
            )
        if kind == "role" and "match_community" in assignment:
            return Signers(
                tuple((Candidate("user", u),) for u in self._covering(assignment["role"], assignment, record))
            )
        if kind == "role":
            users = self.directory.users_with_role(self.app_id, assignment["role"])
            if not users:
                raise AssignmentError.says("flow.assign.nobody_in_role", role=assignment["role"])
            return Signers(tuple((Candidate("user", u),) for u in users))
        if kind == "roles":
            return Signers(tuple((Candidate("role", r),) for r in assignment["roles"]))
        if kind == "group" and not assignment.get("leader"):
            group = self._group(assignment["group"])
            members = [m.id for m in group.members]
            if not members:
                raise AssignmentError.says("flow.assign.empty_group", group=group.name)
            return Signers(tuple((Candidate("user", m),) for m in members))
        found = self.assign(assignment, record, tables=tables, context=context, exclude=exclude)
        if found.assignee:
            return Signers(((Candidate("user", found.assignee),),), found.writes, found.group)
        return Signers(tuple((c,) for c in found.candidates), found.writes, found.group)

    # -- the kinds --------------------------------------------------------------------------
    def _covering(
        self, role: str, assignment: Mapping[str, Any], record: Mapping[str, Any], *, required: bool = True
    ) -> list[str]:
        """The active holders of ``role`` who cover the community the record names in ``match_community``.

        When ``required``, nobody (an empty field included) fails the step: a task for the role's
        holders in every community would show one community's records to another's staff.
        """
        field_id = assignment["match_community"]
        community = record.get(field_id)
        users = self.directory.users_with_role(self.app_id, role)
        areas = self.directory.communities_of(users) if community is not None else {}
        found = [u for u in users if community in areas.get(u, frozenset())]
        if required and not found:
            raise AssignmentError.says("flow.assign.nobody_covering", role=role, field=field_id)
        return found

    def _one(self, user: str) -> Assignment:
        return Assignment((Candidate("user", user),), assignee=user)

    def _group(self, name: str) -> GroupFacts:
        group = self.directory.group(name)
        if group is None:
            raise AssignmentError.says("flow.assign.no_group", group=name)
        return group

    def _leader(self, group: GroupFacts) -> str:
        if not group.leader:
            raise AssignmentError.says("flow.assign.no_leader", group=group.name)
        if self.directory.user_id(group.leader) is None:
            raise AssignmentError.says("flow.assign.inactive_leader", group=group.name, user=group.leader)
        return group.leader

    def _user(self, ref: str) -> str:
        found = self.directory.user_id(ref)
        if found is None:
            raise AssignmentError.says("flow.assign.no_user", user=ref)
        return found

    def _person(self, ref: str, field: str) -> str:
        """The active user a field names (by id or login), or the instance fails naming the field."""
        found = self.directory.user_id(ref)
        if found is None:
            raise AssignmentError.says("flow.assign.inactive_user", field=field, user=ref)
        return found

    def _from_field(self, assignment: Mapping[str, Any], record: Mapping[str, Any]) -> Assignment:
        name = assignment["field"]
        value = record.get(name)
        if value in (None, "", []):
            raise AssignmentError.says("flow.assign.empty_field", field=name)
        if assignment.get("leader"):
            group = self._group(str(value))
            return self._one(self._leader(group))
        # fail fast on a person who left or never was: a task for them would wait for nobody
        users = [self._person(str(v), name) for v in (value if isinstance(value, list) else [value])]
        return self._one(users[0]) if len(users) == 1 else Assignment(tuple(Candidate("user", u) for u in users))

    def _submitter(self, record: Mapping[str, Any]) -> Assignment:
        submitter = str(record.get("created_by") or "")
        if submitter and submitter != PUBLIC_SUBMITTER:
            return self._one(submitter)
        if self.submitter_candidate is None:
            raise AssignmentError.says("flow.assign.no_tracking")
        return Assignment((self.submitter_candidate,))

    def _dispatch(
        self,
        rule: Mapping[str, Any],
        record: Mapping[str, Any],
        tables: Mapping[int, Expression],
        context: Mapping[str, Any],
        exclude: frozenset[str],
    ) -> Assignment:
        group_name = None
        for r, row in enumerate(rule["table"]):
            condition = tables.get(r)
            if condition is None or condition.evaluate(context):
                group_name = row["group"]
                break
        if group_name is None:
            raise AssignmentError.says("flow.assign.no_dispatch_row")
        group = self._group(group_name)
        members = [m for m in group.members if m.id not in exclude]
        if rule.get("only_on_duty"):
            members = [m for m in members if m.on_duty]
        area = rule.get("match_community")
        if area:
            community = record.get(area)
            members = [m for m in members if community is not None and community in m.communities]
        writes = dict(_writes(rule, "group", group.name))
        if group.leader:
            writes.update(_writes(rule, "leader", group.leader))
        if members:
            chosen = self._pick([m.id for m in members], rule.get("strategy", "least_loaded"))
            writes.update(_writes(rule, "worker", chosen))
        elif rule.get("fallback", "group_leader") == "group_leader" and group.leader:
            # nobody qualified: the leader holds the task to choose someone (transfer), not as its worker
            chosen = group.leader
            writes.update(_writes(rule, "worker", None))
        else:
            writes.update(_writes(rule, "worker", None))
            return Assignment((Candidate("group", group.id),), writes=writes, group=group.name)
        return Assignment((Candidate("user", chosen),), assignee=chosen, writes=writes, group=group.name)

    def _pick(self, users: list[str], strategy: str) -> str:
        """Least-loaded picks the fewest open tasks; ties (and round-robin) go to whoever waited longest."""
        last = self.directory.last_assigned(users)
        never = datetime.min
        if strategy == "least_loaded":
            load = self.directory.open_task_counts(users)
            return min(users, key=lambda u: (load.get(u, 0), last.get(u, never).replace(tzinfo=None), u))
        return min(users, key=lambda u: (last.get(u, never).replace(tzinfo=None), u))


def holder_writes(assignment: Mapping[str, Any], user: str) -> dict[str, Any]:
    """The record fields that follow who holds the task: a dispatch's ``write.worker`` names the new holder."""
    return _writes(assignment, "worker", user)


def _writes(rule: Mapping[str, Any], key: str, value: Any) -> dict[str, Any]:
    target = rule.get("write", {}).get(key)
    return {target: value} if target else {}
