"""The directory as flows see it (roles, groups, duty, load), answered with SQL in the action's transaction."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from engine.flows.assignment import GroupFacts, Member
from engine.storage.tables import (
    FlowTaskRow,
    GroupMemberRow,
    GroupRow,
    UserCommunityRow,
    UserRoleRow,
    UserRow,
)


class SqlDirectory:
    def __init__(self, session: Session):
        self.session = session

    def users_with_role(self, app_id: str, role: str) -> list[str]:
        rows = self.session.scalars(
            select(UserRoleRow.user_id)
            .join(UserRow, UserRow.id == UserRoleRow.user_id)
            .where(UserRoleRow.app_id == app_id, UserRoleRow.role == role, UserRow.active.is_(True))
            .order_by(UserRow.login)
        )
        return list(rows)

    def communities_of(self, user_ids: Sequence[str]) -> Mapping[str, frozenset[int]]:
        areas: dict[str, set[int]] = {u: set() for u in user_ids}
        if areas:
            for row in self.session.execute(
                select(UserCommunityRow.user_id, UserCommunityRow.community_id).where(
                    UserCommunityRow.user_id.in_(list(areas))
                )
            ):
                areas[row.user_id].add(row.community_id)
        return {u: frozenset(found) for u, found in areas.items()}

    def group(self, name_or_id: str) -> GroupFacts | None:
        group = self.session.scalars(
            select(GroupRow).where(or_(GroupRow.name == name_or_id, GroupRow.id == name_or_id))
        ).first()
        if group is None:
            return None
        members = self.session.execute(
            select(UserRow.id, UserRow.on_duty)
            .join(GroupMemberRow, GroupMemberRow.user_id == UserRow.id)
            .where(GroupMemberRow.group_id == group.id, UserRow.active.is_(True))
            .order_by(UserRow.login)
        ).all()
        areas = self.communities_of([m.id for m in members])
        return GroupFacts(
            id=group.id,
            name=group.name,
            leader=group.leader_id,
            members=tuple(Member(m.id, bool(m.on_duty), areas[m.id]) for m in members),
        )

    def user_id(self, login_or_id: str) -> str | None:
        return self.session.scalar(
            select(UserRow.id).where(or_(UserRow.login == login_or_id, UserRow.id == login_or_id), UserRow.active)
        )

    def leaders_of(self, user_id: str) -> list[str]:
        rows = self.session.scalars(
            select(GroupRow.leader_id)
            .join(GroupMemberRow, GroupMemberRow.group_id == GroupRow.id)
            .where(GroupMemberRow.user_id == user_id, GroupRow.leader_id.is_not(None), GroupRow.leader_id != user_id)
        )
        return sorted({r for r in rows if r})

    def open_task_counts(self, user_ids: Sequence[str]) -> Mapping[str, int]:
        rows = self.session.execute(
            select(FlowTaskRow.assignee, func.count())
            .where(FlowTaskRow.assignee.in_(list(user_ids)), FlowTaskRow.status == "open")
            .group_by(FlowTaskRow.assignee)
        )
        return {str(row[0]): int(row[1]) for row in rows if row[0] is not None}

    def last_assigned(self, user_ids: Sequence[str]) -> Mapping[str, datetime]:
        rows = self.session.execute(
            select(FlowTaskRow.assignee, func.max(FlowTaskRow.created_at))
            .where(FlowTaskRow.assignee.in_(list(user_ids)))
            .group_by(FlowTaskRow.assignee)
        )
        return {str(row[0]): row[1] for row in rows if row[0] is not None and row[1] is not None}


@dataclass(frozen=True, slots=True)
class ActivePerson:
    """An active user as a person field sees them: the roles held in one app, the groups (ids and names)."""

    id: str
    login: str
    roles: frozenset[str]
    groups: frozenset[str]


def active_people(session: Session, app_id: str, refs: Collection[str]) -> dict[str, ActivePerson]:
    """The active users among ``refs`` (ids or logins), keyed by both, in one query for a whole write."""
    wanted = sorted({r for r in refs if r})
    if not wanted:
        return {}
    rows = session.execute(
        select(UserRow.id, UserRow.login, UserRoleRow.role, GroupRow.id.label("group_id"), GroupRow.name)
        .outerjoin(UserRoleRow, and_(UserRoleRow.user_id == UserRow.id, UserRoleRow.app_id == app_id))
        .outerjoin(GroupMemberRow, GroupMemberRow.user_id == UserRow.id)
        .outerjoin(GroupRow, GroupRow.id == GroupMemberRow.group_id)
        .where(or_(UserRow.id.in_(wanted), UserRow.login.in_(wanted)), UserRow.active.is_(True))
    ).all()
    facts: dict[str, tuple[str, set[str], set[str]]] = {}
    for row in rows:
        login, roles, groups = facts.setdefault(row.id, (row.login, set(), set()))
        if row.role:
            roles.add(row.role)
        if row.group_id:
            groups.update((row.group_id, row.name))
    found: dict[str, ActivePerson] = {}
    for user_id, (login, roles, groups) in facts.items():
        person = ActivePerson(user_id, login, frozenset(roles), frozenset(groups))
        found[user_id] = person
        found.setdefault(login, person)
    return found
