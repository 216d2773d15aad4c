"""The directory's rows (storage layer): users, groups, roles per app, communities, sign-in counters, tokens.

Rows and SQL only: the directory service (``engine.services.directory``) decides what may change
and words every refusal; this repository reads and writes the rows it is told to, inside the
transaction the service opens. Every change the service makes is written with an audit event in
that same transaction.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from engine.principal import Principal
from engine.storage.database import Database
from engine.storage.tables import (
    ApiTokenRow,
    AppRow,
    AppVersionRow,
    AuditEventRow,
    BuilderDraftRow,
    GroupMemberRow,
    GroupRow,
    LoginThrottleRow,
    UserCommunityRow,
    UserRoleRow,
    UserRow,
    WebSessionRow,
)


class DirectoryRepository:
    """The directory's tables; every method takes the session of the service's transaction."""

    def __init__(self, database: Database):
        self.database = database

    def transaction(self) -> AbstractContextManager[Session]:
        """One transaction; a unique value lost to a concurrent writer is a ``WriteClashError``."""
        return self.database.writing()

    @staticmethod
    def change(row: Any, **values: Any) -> None:
        """Set columns of a row read in this transaction; they are written when it commits."""
        for key, value in values.items():
            setattr(row, key, value)

    @staticmethod
    def audit(
        session: Session,
        actor: str,
        action: str,
        subject_type: str,
        subject_id: str,
        details: Any,
        *,
        flush: bool = True,
    ) -> None:
        """An audit event in the change's own transaction; ``flush=False`` batches many (a bulk import)."""
        session.add(
            AuditEventRow(actor=actor, action=action, subject_type=subject_type, subject_id=subject_id, details=details)
        )
        if flush:
            session.flush()

    # users

    @staticmethod
    def user(session: Session, ref: str) -> UserRow | None:
        """A user by id or login."""
        return session.get(UserRow, ref) or session.scalar(select(UserRow).where(UserRow.login == ref.strip().lower()))

    @staticmethod
    def user_by_id(session: Session, user_id: str) -> UserRow | None:
        return session.get(UserRow, user_id)

    @staticmethod
    def login_taken(session: Session, login: str) -> bool:
        return session.scalar(select(UserRow.id).where(UserRow.login == login)) is not None

    @staticmethod
    def mobile_taken(session: Session, mobile: str) -> bool:
        return session.scalar(select(UserRow.id).where(UserRow.mobile == mobile)) is not None

    @staticmethod
    def mobile_taken_by_other(session: Session, mobile: str | None, user_id: str) -> bool:
        return session.scalar(select(UserRow.id).where(UserRow.mobile == mobile, UserRow.id != user_id)) is not None

    @staticmethod
    def add_user(
        session: Session,
        values: dict[str, Any],
        roles: Iterable[tuple[str, str]],
        group_ids: Iterable[str],
        communities: Iterable[int],
    ) -> str:
        user = UserRow(**values)
        session.add(user)
        session.flush()
        session.add_all(UserRoleRow(user_id=user.id, app_id=a, role=r) for a, r in roles)
        session.add_all(GroupMemberRow(group_id=g, user_id=user.id) for g in group_ids)
        session.add_all(UserCommunityRow(user_id=user.id, community_id=c) for c in communities)
        return user.id

    @staticmethod
    def add_users(session: Session, users: Sequence[dict[str, Any]]) -> list[str]:
        """Many users in one batch, before what refers to them (the unit of work would not order them)."""
        rows = [UserRow(**values) for values in users]
        session.add_all(rows)
        session.flush()
        return [row.id for row in rows]

    @staticmethod
    def taken_logins(session: Session, logins: Sequence[str]) -> set[str]:
        taken: set[str] = set()
        for start in range(0, len(logins), 500):
            chunk = logins[start : start + 500]
            taken.update(session.scalars(select(UserRow.login).where(UserRow.login.in_(chunk))))
        return taken

    @staticmethod
    def taken_mobiles(session: Session, mobiles: Sequence[str]) -> set[str]:
        taken: set[str] = set()
        for start in range(0, len(mobiles), 500):
            chunk = mobiles[start : start + 500]
            hits = session.scalars(select(UserRow.mobile).where(UserRow.mobile.in_(chunk)))
            taken.update(m for m in hits if m)
        return taken

    @staticmethod
    def active_admin_ids(session: Session) -> list[str]:
        """The active administrators, locked while counted: two admins deactivating each other cannot both succeed."""
        return list(
            session.scalars(
                select(UserRow.id).where(UserRow.is_admin.is_(True), UserRow.active.is_(True)).with_for_update()
            ).all()
        )

    # roles and communities

    @staticmethod
    def holds_role(session: Session, user_id: str, app_id: str, role: str) -> bool:
        return session.get(UserRoleRow, (user_id, app_id, role)) is not None

    @staticmethod
    def role_holders(session: Session, app_id: str, role: str, limit: int) -> list[UserRow]:
        """The active people holding ``role`` in ``app_id``, by name."""
        return list(
            session.scalars(
                select(UserRow)
                .join(UserRoleRow, UserRoleRow.user_id == UserRow.id)
                .where(UserRoleRow.app_id == app_id, UserRoleRow.role == role, UserRow.active.is_(True))
                .order_by(UserRow.name, UserRow.login)
                .limit(limit)
            ).all()
        )

    @staticmethod
    def add_role(session: Session, user_id: str, app_id: str, role: str) -> None:
        session.add(UserRoleRow(user_id=user_id, app_id=app_id, role=role))

    @staticmethod
    def add_roles(session: Session, user_id: str, roles: Iterable[tuple[str, str]]) -> None:
        session.add_all(UserRoleRow(user_id=user_id, app_id=a, role=r) for a, r in roles)

    @staticmethod
    def remove_role(session: Session, user_id: str, app_id: str, role: str) -> bool:
        """Whether the role was held (and is now gone)."""
        held = session.get(UserRoleRow, (user_id, app_id, role))
        if held is None:
            return False
        session.delete(held)
        return True

    @staticmethod
    def community_ids(session: Session, user_id: str) -> set[int]:
        return set(session.scalars(select(UserCommunityRow.community_id).where(UserCommunityRow.user_id == user_id)))

    @staticmethod
    def replace_communities(session: Session, user_id: str, wanted: list[int], held: set[int]) -> None:
        session.execute(
            delete(UserCommunityRow).where(
                UserCommunityRow.user_id == user_id, UserCommunityRow.community_id.not_in(wanted)
            )
        )
        session.add_all(UserCommunityRow(user_id=user_id, community_id=c) for c in wanted if c not in held)

    @staticmethod
    def app_ids(session: Session) -> list[str]:
        return list(session.scalars(select(AppRow.id)))

    @staticmethod
    def app_roles(session: Session, app_id: str) -> list[str] | None:
        """The role ids the app's current version declares; None when there is no such app (an app
        the builder created and never published has a draft and declares no role yet)."""
        app = session.get(AppRow, app_id)
        if app is None:
            return [] if session.get(BuilderDraftRow, app_id) is not None else None
        document = session.scalar(
            select(AppVersionRow.document).where(
                AppVersionRow.app_id == app_id, AppVersionRow.number == app.current_version
            )
        )
        return [role["id"] for role in json.loads(document or "{}").get("roles", [])]

    # groups

    @staticmethod
    def group(session: Session, ref: str) -> GroupRow | None:
        """A group by id or name."""
        return session.get(GroupRow, ref) or session.scalar(select(GroupRow).where(GroupRow.name == ref.strip()))

    @staticmethod
    def group_names(session: Session) -> list[str]:
        return list(session.scalars(select(GroupRow.name)).all())

    @staticmethod
    def group_ids_by_name(session: Session) -> dict[str, str]:
        return {g.name: g.id for g in session.scalars(select(GroupRow))}

    @staticmethod
    def group_name_taken(session: Session, name: str) -> bool:
        return session.scalar(select(GroupRow.id).where(GroupRow.name == name)) is not None

    @staticmethod
    def add_group(session: Session, values: dict[str, Any]) -> str:
        group = GroupRow(**values)
        session.add(group)
        session.flush()
        return group.id

    @staticmethod
    def is_member(session: Session, group_id: str, user_id: str) -> bool:
        return session.get(GroupMemberRow, (group_id, user_id)) is not None

    @staticmethod
    def add_membership(session: Session, group_id: str, user_id: str) -> None:
        session.add(GroupMemberRow(group_id=group_id, user_id=user_id))

    @staticmethod
    def add_memberships(session: Session, user_id: str, group_ids: Iterable[str]) -> None:
        session.add_all(GroupMemberRow(group_id=g, user_id=user_id) for g in group_ids)

    @staticmethod
    def remove_membership(session: Session, group_id: str, user_id: str) -> bool:
        held = session.get(GroupMemberRow, (group_id, user_id))
        if held is None:
            return False
        session.delete(held)
        return True

    # signing in

    @staticmethod
    def user_for_sign_in(session: Session, key: str, *, by_mobile: bool) -> UserRow | None:
        """The account a sign-in names, locked so concurrent failures count one after another."""
        column = UserRow.mobile if by_mobile else UserRow.login
        return session.scalar(select(UserRow).where(column == key).with_for_update())

    @staticmethod
    def throttle(session: Session, key: str) -> LoginThrottleRow | None:
        return session.get(LoginThrottleRow, key, with_for_update=True)

    @staticmethod
    def new_throttle(session: Session, key: str, now: datetime) -> LoginThrottleRow:
        """A counter for a name nobody has; counters idle for a day are swept out first."""
        session.execute(delete(LoginThrottleRow).where(LoginThrottleRow.updated_at < now - timedelta(days=1)))
        row = LoginThrottleRow(key=key, failures=0, updated_at=now)
        session.add(row)
        return row

    @staticmethod
    def principal(session: Session, user: UserRow, scopes: frozenset[str] | None = None) -> Principal:
        app_roles: dict[str, set[str]] = {}
        for app_id, role in session.execute(
            select(UserRoleRow.app_id, UserRoleRow.role).where(UserRoleRow.user_id == user.id)
        ):
            app_roles.setdefault(app_id, set()).add(role)
        member_of = session.scalars(select(GroupMemberRow.group_id).where(GroupMemberRow.user_id == user.id)).all()
        parents: dict[str, str | None] = {
            row.id: row.parent_id for row in session.execute(select(GroupRow.id, GroupRow.parent_id))
        }
        groups: set[str] = set()
        for group_id in member_of:
            current: str | None = group_id
            while current is not None and current not in groups:  # the tree has no cycles; stay safe anyway
                groups.add(current)
                current = parents.get(current)
        communities = session.scalars(
            select(UserCommunityRow.community_id).where(UserCommunityRow.user_id == user.id)
        ).all()
        return Principal(
            id=user.id,
            name=user.name,
            app_roles={app_id: frozenset(held) for app_id, held in app_roles.items()},
            groups=frozenset(groups),
            communities=frozenset(communities),
            locale=user.locale,
            ui_locale=user.ui_locale,
            is_admin=user.is_admin and (scopes is None or "admin" in scopes),
            scopes=scopes,
        )

    # API tokens

    @staticmethod
    def add_token(session: Session, values: dict[str, Any]) -> None:
        session.add(ApiTokenRow(**values))
        session.flush()

    @staticmethod
    def token(session: Session, token_id: str, *, lock: bool = False) -> ApiTokenRow | None:
        if lock:
            return session.get(ApiTokenRow, token_id, with_for_update=True)
        return session.get(ApiTokenRow, token_id)

    # reading (the administration API)

    @staticmethod
    def search_users(session: Session, text: str, limit: int, after: str | None) -> list[UserRow]:
        """Up to ``limit`` users by login, matching ``text`` in login, name, mobile or email, after a login."""
        statement = select(UserRow).order_by(UserRow.login).limit(limit)
        if text:
            pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            statement = statement.where(
                or_(
                    func.lower(UserRow.login).like(pattern, escape="\\"),
                    func.lower(UserRow.name).like(pattern, escape="\\"),
                    func.lower(UserRow.mobile).like(pattern, escape="\\"),
                    func.lower(UserRow.email).like(pattern, escape="\\"),
                )
            )
        if after is not None:
            statement = statement.where(UserRow.login > after)
        return list(session.scalars(statement))

    @staticmethod
    def memberships_of(
        session: Session, ids: Sequence[str]
    ) -> tuple[dict[str, list[str]], dict[str, list[str]], dict[str, list[int]]]:
        """For each user id: roles as ``app:role``, group names and community ids, each sorted."""
        roles: dict[str, list[str]] = {}
        groups: dict[str, list[str]] = {}
        communities: dict[str, list[int]] = {}
        if ids:
            for user_id, app_id, role in session.execute(
                select(UserRoleRow.user_id, UserRoleRow.app_id, UserRoleRow.role)
                .where(UserRoleRow.user_id.in_(ids))
                .order_by(UserRoleRow.app_id, UserRoleRow.role)
            ):
                roles.setdefault(user_id, []).append(f"{app_id}:{role}")
            for user_id, name in session.execute(
                select(GroupMemberRow.user_id, GroupRow.name)
                .join(GroupRow, GroupRow.id == GroupMemberRow.group_id)
                .where(GroupMemberRow.user_id.in_(ids))
                .order_by(GroupRow.name)
            ):
                groups.setdefault(user_id, []).append(name)
            for user_id, community in session.execute(
                select(UserCommunityRow.user_id, UserCommunityRow.community_id)
                .where(UserCommunityRow.user_id.in_(ids))
                .order_by(UserCommunityRow.community_id)
            ):
                communities.setdefault(user_id, []).append(community)
        return roles, groups, communities

    @staticmethod
    def group_tree_rows(session: Session) -> tuple[list[GroupRow], dict[str, Any], list[tuple[str, str]]]:
        """Every group by name, every person (id, login, name, active) by id, and (group, user) memberships."""
        groups = list(session.scalars(select(GroupRow).order_by(GroupRow.name)))
        people = {
            row.id: row for row in session.execute(select(UserRow.id, UserRow.login, UserRow.name, UserRow.active))
        }
        members = [
            (group_id, user_id)
            for group_id, user_id in session.execute(
                select(GroupMemberRow.group_id, GroupMemberRow.user_id).order_by(GroupMemberRow.user_id)
            )
        ]
        return groups, people, members

    @staticmethod
    def flush(session: Session) -> None:
        session.flush()

    # -- browser sessions ----------------------------------------------------------------------------
    @staticmethod
    def add_web_session(session: Session, session_hash: str, user_id: str, now: datetime, oldest: datetime) -> None:
        """Keep a new session; the user's sessions older than ``oldest`` (expired cookies) go."""
        session.execute(
            delete(WebSessionRow).where(WebSessionRow.user_id == user_id, WebSessionRow.created_at < oldest)
        )
        session.add(WebSessionRow(id=session_hash, user_id=user_id, created_at=now))

    @staticmethod
    def web_session_alive(session: Session, session_hash: str, user_id: str) -> bool:
        found = session.get(WebSessionRow, session_hash)
        return found is not None and found.user_id == user_id

    @staticmethod
    def end_web_session(session: Session, session_hash: str) -> None:
        session.execute(delete(WebSessionRow).where(WebSessionRow.id == session_hash))
