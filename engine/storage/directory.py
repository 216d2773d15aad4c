"""The directory (storage layer): users, groups, roles per app, communities, sign-in and API tokens.

Everything that decides *who* is acting lives here and ends in a ``Principal``; what that
principal may do is decided elsewhere. Every change writes an audit event in its own
transaction, and neither a password nor a token is ever stored or logged: passwords as salted
scrypt (werkzeug's ``scrypt:n:r:p$salt$hash`` format, built on hashlib because werkzeug
belongs to the web layer), tokens as a sha256 of 256 random bits.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
import string
import uuid
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import delete, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine.errors import ConflictError, NotFoundError, PermissionDeniedError, SubmissionError
from engine.packages.messages import LOCALES
from engine.principal import Principal
from engine.registry import suggest
from engine.storage.database import Database
from engine.storage.tables import (
    ApiTokenRow,
    AppRow,
    AppVersionRow,
    AuditEventRow,
    GroupMemberRow,
    GroupRow,
    LoginThrottleRow,
    UserCommunityRow,
    UserRoleRow,
    UserRow,
    utcnow,
)

MAX_FAILURES = 5  # failed sign-ins in a row before the account locks
LOCK_DURATION = timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 1024  # scrypt of a megabyte "password" would be a cheap denial of service
TOKEN_PREFIX = "trellis"
TOKEN_TOUCH_INTERVAL = timedelta(minutes=1)  # last_used_at is a hint, not a write per request
USER_ID = re.compile(r"^[a-z0-9_.-]{1,32}$")
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1  # werkzeug's defaults: ~50 ms and 32 MB per check
MAX_PAGE = 200
EDITABLE = ("name", "mobile", "email", "locale", "on_duty", "active", "password", "roles")

_LOGIN = re.compile(r"[a-z0-9][a-z0-9._@+-]{0,99}")
_MOBILE = re.compile(r"\+?[0-9]{5,19}")
_TOKEN = re.compile(rf"{TOKEN_PREFIX}_([0-9a-f]{{16}})_[A-Za-z0-9_-]{{43}}")
_APP_SCOPE = re.compile(r"app:([a-z][a-z0-9_]{0,62}):(read|write)")
_SALT_CHARS = string.ascii_letters + string.digits

LOGIN_FAILED = "wrong login name, mobile number or password"


class DirectoryStore:
    def __init__(self, database: Database, *, clock: Callable[[], datetime] = utcnow):
        """``clock`` exists for tests of the lockout; it must return aware UTC datetimes."""
        self.database = database
        self._clock = clock

    # users

    def create_user(
        self,
        login: str,
        password: str,
        *,
        name: str | None = None,
        mobile: str | None = None,
        email: str | None = None,
        locale: str = "zh-CN",
        admin: bool = False,
        roles: Iterable[tuple[str, str]] = (),
        groups: Iterable[str] = (),
        communities: Iterable[int] = (),
        actor: str = "system",
        user_id: str | None = None,
    ) -> str:
        """Create an active user and return its id; ``groups`` are names or ids, ``roles`` (app id, role id).

        ``user_id`` fixes the id (demo data and migrations from another system refer to people by it);
        otherwise a random one is chosen.
        """
        if user_id is not None and not USER_ID.match(user_id):
            raise SubmissionError(
                "a user id is 1 to 32 lower-case letters, digits, '.', '_' or '-'", {"id": ["not a valid user id"]}
            )
        login = login.strip().lower()
        mobile = _normalize_mobile(mobile) if mobile else None
        name = (name or "").strip() or login
        problems = _user_problems(login, password, name, mobile, email, locale)
        if problems:
            detail = "; ".join(f"{key}: {messages[0]}" for key, messages in problems.items())
            raise SubmissionError(f"the user was not created: {detail}", problems)
        role_pairs = sorted(set(roles))
        community_ids = sorted({int(c) for c in communities})
        try:
            with self.database.transaction() as session:
                self._refuse_taken(session, login, mobile)
                self._check_roles(session, role_pairs)
                group_rows = [self._group(session, g) for g in dict.fromkeys(groups)]
                user = UserRow(
                    id=user_id or uuid.uuid4().hex,
                    login=login,
                    name=name,
                    mobile=mobile,
                    email=email or None,
                    active=True,
                    locale=locale,
                    is_admin=admin,
                    password_hash=hash_password(password),
                    on_duty=False,
                    created_at=self._clock(),
                    failed_logins=0,
                )
                session.add(user)
                session.flush()
                session.add_all(UserRoleRow(user_id=user.id, app_id=a, role=r) for a, r in role_pairs)
                session.add_all(GroupMemberRow(group_id=g.id, user_id=user.id) for g in group_rows)
                session.add_all(UserCommunityRow(user_id=user.id, community_id=c) for c in community_ids)
                details = {
                    "login": login,
                    "name": name,
                    "admin": admin,
                    "roles": [f"{a}:{r}" for a, r in role_pairs],
                    "groups": [g.name for g in group_rows],
                    "communities": community_ids,
                }
                _audit(session, actor, "user.create", "user", user.id, details)
                return user.id
        except IntegrityError:
            raise ConflictError(f"the login '{login}' or mobile number was taken at the same moment") from None

    def set_password(self, user: str, password: str, *, actor: str = "system") -> None:
        """Replace a password (``user`` is a login or id); also lifts a lockout."""
        problems = _password_problems(password)
        if problems:
            raise SubmissionError(f"the password was not changed: {problems[0]}", {"password": problems})
        with self.database.transaction() as session:
            row = self._user(session, user)
            row.password_hash = hash_password(password)
            row.failed_logins = 0
            row.locked_until = None
            _audit(session, actor, "user.password_set", "user", row.id, {"login": row.login})

    def deactivate(self, user: str, *, actor: str = "system") -> None:
        """Stop a user signing in or using tokens; the row stays, since records and the audit name it."""
        with self.database.transaction() as session:
            row = self._user(session, user)
            if row.active:
                self._refuse_last_admin(session, row)
                row.active = False
                _audit(session, actor, "user.deactivate", "user", row.id, {"login": row.login})

    def set_on_duty(self, user: str, on_duty: bool, *, actor: str = "system") -> None:
        with self.database.transaction() as session:
            row = self._user(session, user)
            if row.on_duty != on_duty:
                row.on_duty = on_duty
                _audit(session, actor, "user.on_duty", "user", row.id, {"login": row.login, "on_duty": on_duty})

    def grant_role(self, user: str, app_id: str, role: str, *, actor: str = "system") -> None:
        with self.database.transaction() as session:
            row = self._user(session, user)
            self._check_roles(session, [(app_id, role)])
            if session.get(UserRoleRow, (row.id, app_id, role)) is None:
                session.add(UserRoleRow(user_id=row.id, app_id=app_id, role=role))
                _audit(session, actor, "user.role_grant", "user", row.id, {"app_id": app_id, "role": role})

    def revoke_role(self, user: str, app_id: str, role: str, *, actor: str = "system") -> None:
        with self.database.transaction() as session:
            row = self._user(session, user)
            held = session.get(UserRoleRow, (row.id, app_id, role))
            if held is not None:
                session.delete(held)
                _audit(session, actor, "user.role_revoke", "user", row.id, {"app_id": app_id, "role": role})

    def set_communities(self, user: str, communities: Iterable[int], *, actor: str = "system") -> None:
        """Replace the communities a user covers (record ids of the app's community form)."""
        wanted = sorted({int(c) for c in communities})
        if any(not 0 < c < 2**31 for c in wanted):
            raise SubmissionError("community ids are whole numbers above 0", {"communities": ["ids above 0"]})
        with self.database.transaction() as session:
            row = self._user(session, user)
            held = set(session.scalars(select(UserCommunityRow.community_id).where(UserCommunityRow.user_id == row.id)))
            if held == set(wanted):
                return
            session.execute(
                delete(UserCommunityRow).where(
                    UserCommunityRow.user_id == row.id, UserCommunityRow.community_id.not_in(wanted)
                )
            )
            session.add_all(UserCommunityRow(user_id=row.id, community_id=c) for c in wanted if c not in held)
            details = {"login": row.login, "communities": wanted}
            _audit(session, actor, "user.communities", "user", row.id, details)

    # groups

    def create_group(
        self, name: str, parent: str | None = None, leader: str | None = None, *, actor: str = "system"
    ) -> str:
        """Create a group under ``parent`` (a group name or id) and return its id; ``leader`` is a login or id."""
        name = name.strip()
        if not name or len(name) > 200:
            raise SubmissionError("a group needs a name of 1 to 200 characters", {"name": ["1 to 200 characters"]})
        try:
            with self.database.transaction() as session:
                if session.scalar(select(GroupRow.id).where(GroupRow.name == name)) is not None:
                    raise ConflictError(f"there is already a group named '{name}'")
                parent_row = self._group(session, parent) if parent else None
                leader_row = self._user(session, leader) if leader else None
                group = GroupRow(
                    id=uuid.uuid4().hex,
                    name=name,
                    parent_id=parent_row.id if parent_row else None,
                    leader_id=leader_row.id if leader_row else None,
                    created_at=self._clock(),
                )
                session.add(group)
                session.flush()
                details = {
                    "name": name,
                    "parent": parent_row.name if parent_row else None,
                    "leader": leader_row.login if leader_row else None,
                }
                _audit(session, actor, "group.create", "group", group.id, details)
                return group.id
        except IntegrityError:
            raise ConflictError(f"there is already a group named '{name}'") from None

    def add_member(self, group: str, user: str, *, actor: str = "system") -> None:
        with self.database.transaction() as session:
            group_row = self._group(session, group)
            user_row = self._user(session, user)
            if session.get(GroupMemberRow, (group_row.id, user_row.id)) is None:
                session.add(GroupMemberRow(group_id=group_row.id, user_id=user_row.id))
                details = {"group": group_row.name, "login": user_row.login}
                _audit(session, actor, "group.member_add", "group", group_row.id, details)

    def remove_member(self, group: str, user: str, *, actor: str = "system") -> None:
        """Take ``user`` out of ``group``; removing someone who is not a member changes nothing."""
        with self.database.transaction() as session:
            group_row = self._group(session, group)
            user_row = self._user(session, user)
            held = session.get(GroupMemberRow, (group_row.id, user_row.id))
            if held is not None:
                session.delete(held)
                details = {"group": group_row.name, "login": user_row.login}
                _audit(session, actor, "group.member_remove", "group", group_row.id, details)

    # signing in

    def authenticate(self, login_or_mobile: str, password: str) -> Principal:
        """The principal of a correct login name (or mobile number) and password.

        Raises PermissionDeniedError: ``login_failed`` for any wrong combination (the same for a
        name nobody has), ``login_locked`` after MAX_FAILURES in a row (with ``retry_at``), and
        ``account_inactive`` when the password is right but the account was deactivated.
        """
        identifier = login_or_mobile.strip()
        mobile = _normalize_mobile(identifier)
        by_mobile = _MOBILE.fullmatch(mobile) is not None
        key = mobile if by_mobile else identifier.lower()
        for attempt in range(2):
            try:
                with self.database.transaction() as session:
                    column = UserRow.mobile if by_mobile else UserRow.login
                    user = session.scalar(select(UserRow).where(column == key).with_for_update())
                    principal: Principal | None = None
                    error: PermissionDeniedError | None
                    if user is None:
                        error = self._fail_unknown(session, key, password)
                    else:
                        error = self._check(session, user, identifier, password)
                        if error is None:
                            principal = self._principal(session, user)
                break
            except IntegrityError:
                # two first failures under the same unknown name at once: the retry finds the row
                if attempt:
                    raise
        if error is not None:
            raise error
        assert principal is not None
        return principal

    def _check(self, session: Session, user: UserRow, identifier: str, password: str) -> PermissionDeniedError | None:
        now = self._clock()
        details: dict[str, Any] = {"identifier": identifier}
        if user.locked_until is not None and user.locked_until > now:
            _audit(session, "anonymous", "login.refused", "user", user.id, {**details, "reason": "locked"})
            return _locked(user.locked_until)
        if not check_password(user.password_hash, password):
            user.failed_logins += 1
            if user.failed_logins >= MAX_FAILURES:
                user.failed_logins = 0
                user.locked_until = now + LOCK_DURATION
                details["locked_until"] = user.locked_until.isoformat()
            _audit(session, "anonymous", "login.failure", "user", user.id, {**details, "reason": "wrong_password"})
            return _locked(user.locked_until) if user.locked_until and user.locked_until > now else _failed()
        if not user.active:
            _audit(session, "anonymous", "login.failure", "user", user.id, {**details, "reason": "inactive"})
            return PermissionDeniedError(
                "this account has been deactivated; ask an administrator to reactivate it", code="account_inactive"
            )
        user.failed_logins = 0
        user.locked_until = None
        _audit(session, f"user:{user.id}", "login.success", "user", user.id, details)
        return None

    def _fail_unknown(self, session: Session, identifier: str, password: str) -> PermissionDeniedError:
        """Count a failure under a name no account has, exactly as an account would count it."""
        now = self._clock()
        key = hashlib.sha256(identifier.encode()).hexdigest()
        row = session.get(LoginThrottleRow, key, with_for_update=True)
        if row is not None and row.locked_until is not None and row.locked_until > now:
            _audit(session, "anonymous", "login.refused", "login", key[:16], {"reason": "locked"})
            return _locked(row.locked_until)
        check_password(_dummy_hash(), password)  # same time as a wrong password for a real account
        if row is None:
            session.execute(delete(LoginThrottleRow).where(LoginThrottleRow.updated_at < now - timedelta(days=1)))
            row = LoginThrottleRow(key=key, failures=0, updated_at=now)
            session.add(row)
        row.failures += 1
        row.updated_at = now
        if row.failures >= MAX_FAILURES:
            row.failures = 0
            row.locked_until = now + LOCK_DURATION
        # the name typed is not logged either: only its hash prefix, enough to see repeated attempts
        _audit(session, "anonymous", "login.failure", "login", key[:16], {"reason": "unknown_login"})
        session.flush()
        return _locked(row.locked_until) if row.locked_until and row.locked_until > now else _failed()

    def principal_for(self, user_id: str, *, stamp: str | None = None) -> Principal:
        """The principal of an active user (for a session that holds the id).

        A deactivated user is NotFoundError like an unknown id, so a session that outlives the
        account simply ends instead of failing every request. With ``stamp`` (what
        ``credential_stamp`` gave when the session began), a session from before a password
        change ends the same way: changing a password signs out every other browser.
        """
        with self.database.transaction() as session:
            user = session.get(UserRow, user_id)
            if user is None or not user.active:
                raise NotFoundError(f"there is no active user with id '{user_id}'")
            if stamp is not None and not hmac.compare_digest(stamp, _stamp(user.password_hash)):
                raise NotFoundError("this session began before the password was changed; sign in again")
            return self._principal(session, user)

    def credential_stamp(self, user_id: str) -> str:
        """A short fingerprint of the user's current password hash, kept in their session."""
        with self.database.transaction() as session:
            user = session.get(UserRow, user_id)
            if user is None:
                raise NotFoundError(f"there is no user with id '{user_id}'")
            return _stamp(user.password_hash)

    def _principal(self, session: Session, user: UserRow, scopes: frozenset[str] | None = None) -> Principal:
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
            is_admin=user.is_admin and (scopes is None or "admin" in scopes),
            scopes=scopes,
        )

    # API tokens

    def create_token(self, login: str, name: str, scopes: Iterable[str], *, actor: str = "system") -> tuple[str, str]:
        """Return (token, token id). The token is shown this once: only its sha256 is kept."""
        wanted = sorted(set(scopes))
        name = name.strip()
        if not name or len(name) > 100:
            raise SubmissionError("a token needs a label of 1 to 100 characters", {"name": ["1 to 100 characters"]})
        with self.database.transaction() as session:
            user = self._user(session, login)
            if not user.active:
                raise PermissionDeniedError(
                    f"'{user.login}' is deactivated; reactivate the account before giving it a token",
                    code="account_inactive",
                )
            self._check_scopes(session, wanted, user)
            token_id = secrets.token_hex(8)
            token = f"{TOKEN_PREFIX}_{token_id}_{secrets.token_urlsafe(32)}"
            session.add(
                ApiTokenRow(
                    id=token_id,
                    user_id=user.id,
                    name=name,
                    scopes=wanted,
                    token_hash=_token_hash(token),
                    created_at=self._clock(),
                    created_by=actor,
                )
            )
            session.flush()
            details = {"login": user.login, "name": name, "scopes": wanted}
            _audit(session, actor, "token.create", "token", token_id, details)
        return token, token_id

    def principal_for_token(self, token: str) -> Principal | None:
        """The principal behind a bearer token, with its scopes; None for anything not currently valid."""
        match = _TOKEN.fullmatch(token.strip())
        if match is None:
            return None
        token = match.group(0)
        with self.database.transaction() as session:
            row = session.get(ApiTokenRow, match.group(1))
            if row is None or not hmac.compare_digest(row.token_hash, _token_hash(token)):
                return None
            if row.revoked_at is not None:
                return None
            user = session.get(UserRow, row.user_id)
            if user is None or not user.active:
                return None
            now = self._clock()
            if row.last_used_at is None or now - row.last_used_at >= TOKEN_TOUCH_INTERVAL:
                row.last_used_at = now
            return self._principal(session, user, frozenset(row.scopes))

    def revoke_token(self, token_id: str, *, actor: str = "system") -> None:
        with self.database.transaction() as session:
            row = session.get(ApiTokenRow, token_id, with_for_update=True)
            if row is None:
                raise NotFoundError(f"there is no API token with id '{token_id}'")
            if row.revoked_at is None:
                row.revoked_at = self._clock()
                _audit(session, actor, "token.revoke", "token", row.id, {"name": row.name})

    # reading and editing (the administration API)

    def list_users(self, query: str = "", limit: int = 50, cursor: str | None = None) -> dict[str, Any]:
        """A page of users ordered by login, matching ``query`` in login, name, mobile or email.

        ``cursor`` is the ``next_cursor`` of the previous page (keyset on the login, so pages do not
        shift when someone is added meanwhile).
        """
        if not isinstance(limit, int) or not 1 <= limit <= MAX_PAGE:
            raise SubmissionError(f"limit must be 1 to {MAX_PAGE}", {"limit": [f"1 to {MAX_PAGE}"]})
        statement = select(UserRow).order_by(UserRow.login).limit(limit + 1)
        text = query.strip().lower()[:200]
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
        if cursor:
            statement = statement.where(UserRow.login > _decode_cursor(cursor))
        with self.database.transaction() as session:
            rows = list(session.scalars(statement))
            more = len(rows) > limit
            rows = rows[:limit]
            items = self._describe_users(session, rows)
        next_cursor = _encode_cursor(rows[-1].login) if more and rows else None
        return {"items": items, "next_cursor": next_cursor}

    def get_user(self, ref: str) -> dict[str, Any]:
        """One user (``ref`` is an id or login) as the administration API shows it; never the password hash."""
        with self.database.transaction() as session:
            return self._describe_users(session, [self._user(session, ref)])[0]

    def update_user(self, ref: str, changes: Mapping[str, Any], *, actor: str = "system") -> dict[str, Any]:
        """Apply an administrator's edit in one transaction: all of it, or (on any error) none of it.

        ``changes`` may hold name, mobile, email, locale, on_duty, active, password and
        roles ``{"add": ["app:role"], "remove": [...]}``; anything else is refused.
        """
        if not isinstance(changes, Mapping):
            raise SubmissionError("send the changes as a JSON object", {"_body": ["a JSON object"]})
        unknown = sorted(set(changes) - set(EDITABLE))
        if unknown:
            field = unknown[0]
            message = f"'{field}' cannot be changed here{suggest(field, EDITABLE)}"
            raise SubmissionError(message, {field: [f"not one of {', '.join(EDITABLE)}"]})
        problems = _change_problems(changes)
        if problems:
            detail = "; ".join(f"{key}: {messages[0]}" for key, messages in problems.items())
            raise SubmissionError(f"the user was not changed: {detail}", problems)
        add = [_role_pair(r) for r in changes.get("roles", {}).get("add", [])]
        remove = [_role_pair(r) for r in changes.get("roles", {}).get("remove", [])]
        try:
            with self.database.transaction() as session:
                row = self._user(session, ref)
                self._check_roles(session, add)
                profile: dict[str, Any] = {}
                for key in ("name", "mobile", "email", "locale"):
                    if key not in changes:
                        continue
                    value = changes[key]
                    if key == "mobile":
                        value = _normalize_mobile(value) if value else None
                        taken = session.scalar(select(UserRow.id).where(UserRow.mobile == value, UserRow.id != row.id))
                        if value and taken is not None:
                            raise ConflictError(f"the mobile number {value} already belongs to another user")
                    elif key == "email":
                        value = value or None
                    elif key == "name":
                        value = value.strip() or row.login
                    if getattr(row, key) != value:
                        setattr(row, key, value)
                        profile[key] = value
                if profile:
                    _audit(session, actor, "user.update", "user", row.id, {"login": row.login, **profile})
                if "password" in changes:
                    row.password_hash = hash_password(changes["password"])
                    row.failed_logins = 0
                    row.locked_until = None
                    _audit(session, actor, "user.password_set", "user", row.id, {"login": row.login})
                if "on_duty" in changes and row.on_duty != changes["on_duty"]:
                    row.on_duty = changes["on_duty"]
                    details = {"login": row.login, "on_duty": row.on_duty}
                    _audit(session, actor, "user.on_duty", "user", row.id, details)
                if "active" in changes and row.active != changes["active"]:
                    if not changes["active"]:
                        self._refuse_last_admin(session, row)
                    row.active = changes["active"]
                    action = "user.reactivate" if row.active else "user.deactivate"
                    _audit(session, actor, action, "user", row.id, {"login": row.login})
                for app_id, role in sorted(set(add)):
                    if session.get(UserRoleRow, (row.id, app_id, role)) is None:
                        session.add(UserRoleRow(user_id=row.id, app_id=app_id, role=role))
                        details = {"app_id": app_id, "role": role}
                        _audit(session, actor, "user.role_grant", "user", row.id, details)
                for app_id, role in sorted(set(remove)):
                    held = session.get(UserRoleRow, (row.id, app_id, role))
                    if held is not None:
                        session.delete(held)
                        details = {"app_id": app_id, "role": role}
                        _audit(session, actor, "user.role_revoke", "user", row.id, details)
                session.flush()
                return self._describe_users(session, [row])[0]
        except IntegrityError:
            raise ConflictError("the mobile number was taken at the same moment; try again") from None

    def list_groups(self) -> list[dict[str, Any]]:
        """Every group, depth first (a parent before its children, siblings by name), with ``depth``."""
        with self.database.transaction() as session:
            groups = list(session.scalars(select(GroupRow).order_by(GroupRow.name)))
            people = {
                row.id: row for row in session.execute(select(UserRow.id, UserRow.login, UserRow.name, UserRow.active))
            }
            members: dict[str, list[dict[str, Any]]] = {}
            for group_id, user_id in session.execute(
                select(GroupMemberRow.group_id, GroupMemberRow.user_id).order_by(GroupMemberRow.user_id)
            ):
                members.setdefault(group_id, []).append(_person(people[user_id]))
        known = {g.id for g in groups}
        children: dict[str | None, list[GroupRow]] = {}
        for group in groups:
            parent = group.parent_id if group.parent_id in known else None
            children.setdefault(parent, []).append(group)
        ordered: list[dict[str, Any]] = []
        seen: set[str] = set()

        def visit(parent: str | None, depth: int) -> None:
            for group in children.get(parent, []):
                if group.id in seen:  # the tree has no cycles; stay safe anyway
                    continue
                seen.add(group.id)
                leader = people.get(group.leader_id) if group.leader_id else None
                ordered.append(
                    {
                        "id": group.id,
                        "name": group.name,
                        "parent": group.parent_id,
                        "depth": depth,
                        "leader": _person(leader) if leader is not None else None,
                        "members": sorted(members.get(group.id, []), key=lambda m: m["login"]),
                    }
                )
                visit(group.id, depth + 1)

        visit(None, 0)
        return ordered

    def _describe_users(self, session: Session, rows: list[UserRow]) -> list[dict[str, Any]]:
        ids = [row.id for row in rows]
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
        return [
            {
                "id": row.id,
                "login": row.login,
                "name": row.name,
                "mobile": row.mobile,
                "email": row.email,
                "active": row.active,
                "is_admin": row.is_admin,
                "on_duty": row.on_duty,
                "locale": row.locale,
                "roles": roles.get(row.id, []),
                "groups": groups.get(row.id, []),
                "communities": communities.get(row.id, []),
            }
            for row in rows
        ]

    # lookups and checks

    @staticmethod
    def _refuse_last_admin(session: Session, row: UserRow) -> None:
        """Refuse to take away the last active administrator: nobody could manage people or apps again.

        The active administrators are locked while counted, so two admins deactivating each other
        at the same moment cannot both succeed.
        """
        if not (row.is_admin and row.active):
            return
        admins = session.scalars(
            select(UserRow.id).where(UserRow.is_admin.is_(True), UserRow.active.is_(True)).with_for_update()
        ).all()
        if set(admins) <= {row.id}:
            raise ConflictError(
                f"'{row.login}' is the last active administrator; create another one first "
                "(`trellis users create NAME --admin`), then deactivate this account"
            )

    @staticmethod
    def _user(session: Session, ref: str) -> UserRow:
        user = session.get(UserRow, ref) or session.scalar(select(UserRow).where(UserRow.login == ref.strip().lower()))
        if user is None:
            raise NotFoundError(f"there is no user '{ref}'; `trellis users create` adds one")
        return user

    @staticmethod
    def _group(session: Session, ref: str) -> GroupRow:
        group = session.get(GroupRow, ref) or session.scalar(select(GroupRow).where(GroupRow.name == ref.strip()))
        if group is None:
            names = session.scalars(select(GroupRow.name)).all()
            raise NotFoundError(f"there is no group '{ref}'{suggest(ref, names)}")
        return group

    @staticmethod
    def _refuse_taken(session: Session, login: str, mobile: str | None) -> None:
        if session.scalar(select(UserRow.id).where(UserRow.login == login)) is not None:
            raise ConflictError(f"the login '{login}' is taken; choose another")
        if mobile and session.scalar(select(UserRow.id).where(UserRow.mobile == mobile)) is not None:
            raise ConflictError(f"the mobile number {mobile} already belongs to another user")

    @staticmethod
    def _app_roles(session: Session, app_id: str) -> list[str]:
        app = session.get(AppRow, app_id)
        if app is None:
            apps = session.scalars(select(AppRow.id)).all()
            raise NotFoundError(f"there is no app '{app_id}'{suggest(app_id, apps)}; `trellis import` installs one")
        document = session.scalar(
            select(AppVersionRow.document).where(
                AppVersionRow.app_id == app_id, AppVersionRow.number == app.current_version
            )
        )
        return [role["id"] for role in json.loads(document or "{}").get("roles", [])]

    def _check_roles(self, session: Session, pairs: Iterable[tuple[str, str]]) -> None:
        known: dict[str, list[str]] = {}
        for app_id, role in pairs:
            if app_id not in known:
                known[app_id] = self._app_roles(session, app_id)
            if role not in known[app_id]:
                raise NotFoundError(f"app '{app_id}' has no role '{role}'{suggest(role, known[app_id])}")

    def _check_scopes(self, session: Session, scopes: list[str], user: UserRow) -> None:
        if not scopes:
            raise SubmissionError(
                "a token needs at least one scope, such as app:APP_ID:read, app:APP_ID:write or admin",
                {"scopes": ["at least one scope"]},
            )
        for scope in scopes:
            problem = scope_problem(scope)
            if problem:
                raise SubmissionError(problem, {"scopes": [problem]})
            if scope == "admin" and not user.is_admin:
                message = f"only an administrator's token may have the 'admin' scope; '{user.login}' is not one"
                raise PermissionDeniedError(message)
            match = _APP_SCOPE.fullmatch(scope)
            if match:
                self._app_roles(session, match.group(1))  # the app must exist


def scope_problem(scope: str) -> str | None:
    """Why ``scope`` is not a token scope, or None when it is one (the app's existence is checked later)."""
    if scope == "admin" or _APP_SCOPE.fullmatch(scope):
        return None
    return f"'{scope}' is not a scope; write app:APP_ID:read, app:APP_ID:write or admin"


def _stamp(password_hash: str) -> str:
    return hashlib.sha256(("session:" + password_hash).encode()).hexdigest()[:16]


def hash_password(password: str) -> str:
    """Salted scrypt in werkzeug's format, so ``werkzeug.security.check_password_hash`` accepts it too."""
    salt = "".join(secrets.choice(_SALT_CHARS) for _ in range(16))
    return f"scrypt:{SCRYPT_N}:{SCRYPT_R}:{SCRYPT_P}${salt}${_scrypt(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)}"


def check_password(stored: str, password: str) -> bool:
    try:
        method, salt, digest = stored.split("$", 2)
        name, n, r, p = method.split(":")
        if name != "scrypt":
            return False
        computed = _scrypt(password, salt, int(n), int(r), int(p))
    except ValueError:
        return False
    return hmac.compare_digest(computed, digest)


def _scrypt(password: str, salt: str, n: int, r: int, p: int) -> str:
    data = password.encode("utf-8", "surrogatepass")
    return hashlib.scrypt(data, salt=salt.encode(), n=n, r=r, p=p, maxmem=132 * n * r * p).hex()


@cache
def _dummy_hash() -> str:
    return hash_password(secrets.token_urlsafe(16))


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _normalize_mobile(value: str) -> str:
    return re.sub(r"[\s\-()]", "", value.strip())


def _password_problems(password: str) -> list[str]:
    if len(password) < MIN_PASSWORD_LENGTH:
        return [f"must have at least {MIN_PASSWORD_LENGTH} characters"]
    if len(password) > MAX_PASSWORD_LENGTH:
        return [f"must have at most {MAX_PASSWORD_LENGTH} characters"]
    return []


def _user_problems(
    login: str, password: str, name: str, mobile: str | None, email: str | None, locale: str
) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    if not _LOGIN.fullmatch(login):
        problems["login"] = ["use 1 to 100 letters, digits and . _ @ + - (starting with a letter or digit)"]
    elif _MOBILE.fullmatch(_normalize_mobile(login)):
        problems["login"] = ["cannot look like a phone number (sign-in would take it for a mobile number)"]
    if password_problems := _password_problems(password):
        problems["password"] = password_problems
    if len(name) > 200:
        problems["name"] = ["must have at most 200 characters"]
    if mobile is not None and not _MOBILE.fullmatch(mobile):
        problems["mobile"] = [f"'{mobile}' is not a phone number (5 to 19 digits, optionally starting with +)"]
    if email and (len(email) > 254 or not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email)):
        problems["email"] = [f"'{email}' is not an email address"]
    if locale not in LOCALES:
        problems["locale"] = [f"must be one of {', '.join(LOCALES)}, not '{locale}'"]
    return problems


def _failed() -> PermissionDeniedError:
    return PermissionDeniedError(LOGIN_FAILED, code="login_failed")


def _locked(until: datetime) -> PermissionDeniedError:
    # rounded up to the minute: "after 10:32" must not be answered "locked" at 10:32:30
    shown = until.replace(second=0, microsecond=0)
    if shown < until:
        shown += timedelta(minutes=1)
    return PermissionDeniedError(
        f"too many failed sign-ins; try again after {shown:%Y-%m-%d %H:%M} UTC",
        code="login_locked",
        details={"retry_at": until.isoformat()},
    )


def _audit(session: Session, actor: str, action: str, subject_type: str, subject_id: str, details: Any) -> None:
    session.add(
        AuditEventRow(actor=actor, action=action, subject_type=subject_type, subject_id=subject_id, details=details)
    )
    session.flush()


def _person(row: Any) -> dict[str, Any]:
    return {"id": row.id, "login": row.login, "name": row.name, "active": row.active}


def _encode_cursor(login: str) -> str:
    return base64.urlsafe_b64encode(login.encode()).decode().rstrip("=")


def _decode_cursor(cursor: str) -> str:
    try:
        return base64.b64decode(cursor + "=" * (-len(cursor) % 4), altchars=b"-_", validate=True).decode()
    except (ValueError, UnicodeDecodeError):
        raise SubmissionError(
            "the cursor is not one this server gave out; start again without it", {"cursor": ["not a valid cursor"]}
        ) from None


def _role_pair(text: str) -> tuple[str, str]:
    app_id, _, role = text.partition(":")
    return app_id, role


def _change_problems(changes: Mapping[str, Any]) -> dict[str, list[str]]:
    """Types and shapes of an edit; existence (roles, a taken mobile) is checked against the database."""
    problems: dict[str, list[str]] = {}
    for key in ("name", "locale", "password"):
        if key in changes and not isinstance(changes[key], str):
            problems[key] = ["must be text"]
    for key in ("mobile", "email"):
        if key in changes and changes[key] is not None and not isinstance(changes[key], str):
            problems[key] = ["must be text or null"]
    for key in ("on_duty", "active"):
        if key in changes and not isinstance(changes[key], bool):
            problems[key] = ["must be true or false"]
    if "roles" in changes:
        roles = changes["roles"]
        if (
            not isinstance(roles, Mapping)
            or set(roles) - {"add", "remove"}
            or not all(isinstance(v, list) and all(isinstance(r, str) for r in v) for v in roles.values())
        ):
            problems["roles"] = ['write {"add": ["APP:ROLE", ...], "remove": [...]}']
        else:
            bad = [r for v in roles.values() for r in v if not re.fullmatch(r"[a-z][a-z0-9_]{0,62}:[a-z0-9_]+", r)]
            if bad:
                problems["roles"] = [f"'{bad[0]}' is not APP:ROLE (like property_repair:technician)"]
    if problems:
        return problems
    mobile = _normalize_mobile(changes["mobile"]) if changes.get("mobile") else None
    found = _user_problems(
        "placeholder",
        changes.get("password", "x" * MIN_PASSWORD_LENGTH),
        (changes.get("name") or "").strip(),
        mobile,
        changes.get("email") or None,
        changes.get("locale", LOCALES[0]),
    )
    return {key: found[key] for key in found if key in changes}
