"""The interpreter's view of the world, built from an ``Assigner`` and a clock.

Storage gives it a SQL-backed directory; ``MemoryDirectory`` serves tests and the in-memory
benchmark with the same semantics.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from engine.flows.assignment import Assigner, Assignment, GroupFacts, Signers
from engine.flows.calendar import deadline
from engine.flows.spec import NodeSpec


def utcnow() -> datetime:
    return datetime.now(UTC)


#: what the record would say of values a step fills in itself (a dispatch's chosen person): None, or why not
WriteCheck = Callable[[Mapping[str, Any]], str | None]


class Environment:
    def __init__(
        self, assigner: Assigner, clock: Callable[[], datetime] = utcnow, check_writes: WriteCheck | None = None
    ):
        self.assigner = assigner
        self.clock = clock
        self.check_writes = check_writes

    def now(self) -> datetime:
        return self.clock()

    def assign(
        self, node: NodeSpec, assignment: Mapping[str, Any], context: Mapping[str, Any], exclude: frozenset[str]
    ) -> Assignment:
        return self.assigner.assign(assignment, context, tables=_tables(node), context=context, exclude=exclude)

    def signers(
        self,
        node: NodeSpec,
        assignment: Mapping[str, Any],
        context: Mapping[str, Any],
        exclude: frozenset[str] = frozenset(),
    ) -> Signers:
        return self.assigner.signers(assignment, context, tables=_tables(node), context=context, exclude=exclude)

    def deadline(self, start: datetime, length: timedelta, business_hours: bool) -> datetime:
        return deadline(start, length, business_hours=business_hours)

    def refused(self, writes: Mapping[str, Any]) -> str | None:
        return None if self.check_writes is None or not writes else self.check_writes(writes)


def _tables(node: NodeSpec) -> dict[int, Any]:
    """A dispatch rule's compiled ``when`` conditions, by table row."""
    return {int(key.split("/")[1]): e for key, e in node.expressions.items() if key.startswith("table/")}


@dataclass
class MemoryDirectory:
    """A directory held in dictionaries: roles, groups, open-task counts."""

    roles: dict[str, list[str]] = field(default_factory=dict)  # role -> user ids
    areas: dict[str, frozenset[int]] = field(default_factory=dict)  # user id -> community record ids covered
    groups: dict[str, GroupFacts] = field(default_factory=dict)  # name -> facts
    load: dict[str, int] = field(default_factory=dict)
    assigned: dict[str, datetime] = field(default_factory=dict)

    def users_with_role(self, app_id: str, role: str) -> list[str]:
        return list(self.roles.get(role, []))

    def communities_of(self, user_ids: Sequence[str]) -> Mapping[str, frozenset[int]]:
        return {u: self.areas.get(u, frozenset()) for u in user_ids}

    def group(self, name_or_id: str) -> GroupFacts | None:
        return self.groups.get(name_or_id) or next((g for g in self.groups.values() if g.id == name_or_id), None)

    def user_id(self, login_or_id: str) -> str | None:
        return login_or_id

    def leaders_of(self, user_id: str) -> list[str]:
        return [g.leader for g in self.groups.values() if g.leader and any(m.id == user_id for m in g.members)]

    def open_task_counts(self, user_ids: Sequence[str]) -> Mapping[str, int]:
        return {u: self.load.get(u, 0) for u in user_ids}

    def last_assigned(self, user_ids: Sequence[str]) -> Mapping[str, datetime]:
        return {u: self.assigned[u] for u in user_ids if u in self.assigned}
