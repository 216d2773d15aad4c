"""The directory's use cases (services layer): people, groups, roles, communities, API tokens, sign-in.

Everything that decides *who* is acting ends here in a ``Principal``; what that principal may do
is decided elsewhere. Each use case is one transaction of ``DirectoryRepository`` that also writes
its audit event; the rules (``engine.people.rules``) and hashing (``engine.people.passwords``) are
applied here, before any row is touched, and every refusal is said by catalog code.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from engine.errors import ConflictError, NotFoundError, PermissionDeniedError
from engine.i18n import DEFAULT_LOCALE
from engine.packages.semantics import BUILDER_ROLE
from engine.people import passwords, rules
from engine.people.rules import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, TOKEN_PREFIX, normalize_mobile
from engine.principal import Principal
from engine.registry import suggest
from engine.services.directory_problems import change_problems, detail, field_problem, field_problems, scope_problem
from engine.services.directory_views import decode_cursor, describe_users, encode_cursor, group_tree
from engine.services.refusals import field_text, invalid, refusal
from engine.services.sign_in import SignIn
from engine.storage.database import Database, WriteClashError
from engine.storage.directory import DirectoryRepository
from engine.storage.tables import utcnow

MAX_PAGE = 200
EDITABLE = ("name", "mobile", "email", "locale", "on_duty", "active", "password", "roles")

__all__ = ["MAX_PASSWORD_LENGTH", "MIN_PASSWORD_LENGTH", "DirectoryService", "scope_problem"]


class DirectoryService:
    """``DirectoryService(database)``: the directory as web, CLI, demo loader and tests use it."""

    def __init__(self, database: Database, *, clock: Callable[[], datetime] = utcnow):
        """``clock`` exists for tests of the lockout; it must return aware UTC datetimes."""
        self.database = database
        self.repository = DirectoryRepository(database)
        self._clock = clock
        self.sign_in = SignIn(self.repository, clock)

    # users

    def create_user(
        self,
        login: str,
        password: str,
        *,
        name: str | None = None,
        mobile: str | None = None,
        email: str | None = None,
        locale: str = DEFAULT_LOCALE,
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
        if user_id is not None and not rules.USER_ID.match(user_id):
            raise invalid("directory.user_id_invalid", {"id": [field_text("directory.field.user_id_invalid")]})
        login = login.strip().lower()
        mobile = normalize_mobile(mobile) if mobile else None
        name = (name or "").strip() or login
        problems = field_problems(
            rules.user_problems(login, password, name, mobile, email, locale), mobile, email, locale
        )
        if problems:
            raise invalid("directory.user_not_created", problems, detail=detail(problems))
        role_pairs = sorted(set(roles))
        community_ids = sorted({int(c) for c in communities})
        repo = self.repository
        try:
            with repo.transaction() as tx:
                if repo.login_taken(tx, login):
                    raise ConflictError.says("directory.login_taken", login=login)
                if mobile and repo.mobile_taken(tx, mobile):
                    raise ConflictError.says("directory.mobile_taken", mobile=mobile)
                self.check_roles(tx, role_pairs)
                group_rows = [self.group_row(tx, g) for g in dict.fromkeys(groups)]
                values = {
                    "id": user_id or uuid.uuid4().hex,
                    "login": login,
                    "name": name,
                    "mobile": mobile,
                    "email": email or None,
                    "active": True,
                    "locale": locale,
                    "is_admin": admin,
                    "password_hash": passwords.hash_password(password),
                    "on_duty": False,
                    "created_at": self._clock(),
                    "failed_logins": 0,
                }
                new_id = repo.add_user(tx, values, role_pairs, [g.id for g in group_rows], community_ids)
                details = {
                    "login": login,
                    "name": name,
                    "admin": admin,
                    "roles": [f"{a}:{r}" for a, r in role_pairs],
                    "groups": [g.name for g in group_rows],
                    "communities": community_ids,
                }
                repo.audit(tx, actor, "user.create", "user", new_id, details)
                return new_id
        except WriteClashError:
            raise ConflictError.says("directory.login_raced", login=login) from None

    def set_password(self, user: str, password: str, *, actor: str = "system") -> None:
        """Replace a password (``user`` is a login or id); also lifts a lockout."""
        problem = rules.password_problem(password)
        if problem:
            text = field_problem(problem)
            raise invalid("directory.password_not_changed", {"password": [text]}, problem=text)
        password_hash = passwords.hash_password(password)
        with self.repository.transaction() as tx:
            row = self.user_row(tx, user)
            self.repository.change(row, password_hash=password_hash, failed_logins=0, locked_until=None)
            self.repository.audit(tx, actor, "user.password_set", "user", row.id, {"login": row.login})

    def deactivate(self, user: str, *, actor: str = "system") -> None:
        """Stop a user signing in or using tokens; the row stays, since records and the audit name it."""
        with self.repository.transaction() as tx:
            row = self.user_row(tx, user)
            if row.active:
                self.refuse_last_admin(tx, row)
                self.repository.change(row, active=False)
                self.repository.audit(tx, actor, "user.deactivate", "user", row.id, {"login": row.login})

    def set_on_duty(self, user: str, on_duty: bool, *, actor: str = "system") -> None:
        with self.repository.transaction() as tx:
            row = self.user_row(tx, user)
            if row.on_duty != on_duty:
                self.repository.change(row, on_duty=on_duty)
                details = {"login": row.login, "on_duty": on_duty}
                self.repository.audit(tx, actor, "user.on_duty", "user", row.id, details)

    def set_page_locale(self, user_id: str, locale: str) -> None:
        """Remember the page language a person chose (a page's language link), for their next visits anywhere."""
        if not rules.locale_valid(locale):
            problems = field_problems({"locale": "locale_invalid"}, None, None, locale)
            raise invalid("directory.user_not_changed", problems, detail=detail(problems))
        with self.repository.transaction() as tx:
            row = self.user_row(tx, user_id)
            if row.ui_locale != locale:
                self.repository.change(row, ui_locale=locale)

    def grant_role(self, user: str, app_id: str, role: str, *, actor: str = "system") -> None:
        repo = self.repository
        with repo.transaction() as tx:
            row = self.user_row(tx, user)
            self.check_roles(tx, [(app_id, role)])
            if not repo.holds_role(tx, row.id, app_id, role):
                repo.add_role(tx, row.id, app_id, role)
                repo.audit(tx, actor, "user.role_grant", "user", row.id, {"app_id": app_id, "role": role})

    def revoke_role(self, user: str, app_id: str, role: str, *, actor: str = "system") -> None:
        repo = self.repository
        with repo.transaction() as tx:
            row = self.user_row(tx, user)
            if repo.remove_role(tx, row.id, app_id, role):
                repo.audit(tx, actor, "user.role_revoke", "user", row.id, {"app_id": app_id, "role": role})

    def set_communities(self, user: str, communities: Iterable[int], *, actor: str = "system") -> None:
        """Replace the communities a user covers (record ids of the app's community form)."""
        wanted = sorted({int(c) for c in communities})
        if any(not 0 < c < 2**31 for c in wanted):
            fields = {"communities": [field_text("directory.field.communities_invalid")]}
            raise invalid("directory.communities_invalid", fields)
        repo = self.repository
        with repo.transaction() as tx:
            row = self.user_row(tx, user)
            held = repo.community_ids(tx, row.id)
            if held == set(wanted):
                return
            repo.replace_communities(tx, row.id, wanted, held)
            repo.audit(tx, actor, "user.communities", "user", row.id, {"login": row.login, "communities": wanted})

    # groups

    def create_group(
        self, name: str, parent: str | None = None, leader: str | None = None, *, actor: str = "system"
    ) -> str:
        """Create a group under ``parent`` (a group name or id) and return its id; ``leader`` is a login or id."""
        name = name.strip()
        if not name or len(name) > 200:
            fields = {"name": [field_text("directory.field.group_name_invalid")]}
            raise invalid("directory.group_name_invalid", fields)
        repo = self.repository
        try:
            with repo.transaction() as tx:
                if repo.group_name_taken(tx, name):
                    raise ConflictError.says("directory.group_taken", name=name)
                parent_row = self.group_row(tx, parent) if parent else None
                leader_row = self.user_row(tx, leader) if leader else None
                values = {
                    "id": uuid.uuid4().hex,
                    "name": name,
                    "parent_id": parent_row.id if parent_row else None,
                    "leader_id": leader_row.id if leader_row else None,
                    "created_at": self._clock(),
                }
                group_id = repo.add_group(tx, values)
                details = {
                    "name": name,
                    "parent": parent_row.name if parent_row else None,
                    "leader": leader_row.login if leader_row else None,
                }
                repo.audit(tx, actor, "group.create", "group", group_id, details)
                return group_id
        except WriteClashError:
            raise ConflictError.says("directory.group_taken", name=name) from None

    def add_member(self, group: str, user: str, *, actor: str = "system") -> None:
        repo = self.repository
        with repo.transaction() as tx:
            group_row = self.group_row(tx, group)
            user_row = self.user_row(tx, user)
            if not repo.is_member(tx, group_row.id, user_row.id):
                repo.add_membership(tx, group_row.id, user_row.id)
                details = {"group": group_row.name, "login": user_row.login}
                repo.audit(tx, actor, "group.member_add", "group", group_row.id, details)

    def remove_member(self, group: str, user: str, *, actor: str = "system") -> None:
        """Take ``user`` out of ``group``; removing someone who is not a member changes nothing."""
        repo = self.repository
        with repo.transaction() as tx:
            group_row = self.group_row(tx, group)
            user_row = self.user_row(tx, user)
            if repo.remove_membership(tx, group_row.id, user_row.id):
                details = {"group": group_row.name, "login": user_row.login}
                repo.audit(tx, actor, "group.member_remove", "group", group_row.id, details)

    # signing in (the lockout lives in engine.services.sign_in)

    def authenticate(self, login_or_mobile: str, password: str) -> Principal:
        """The principal of a correct login name (or mobile number) and password; see ``SignIn.authenticate``."""
        return self.sign_in.authenticate(login_or_mobile, password)

    def principal_for(self, user_id: str, *, stamp: str | None = None, session_token: str | None = None) -> Principal:
        """The principal of an active user (for a session that holds the id).

        A deactivated user is NotFoundError like an unknown id, so a session that outlives the
        account simply ends instead of failing every request. With ``stamp`` (what
        ``credential_stamp`` gave when the session began), a session from before a password
        change ends the same way: changing a password signs out every other browser.
        """
        with self.repository.transaction() as tx:
            user = self.repository.user_by_id(tx, user_id)
            if user is None or not user.active:
                raise NotFoundError.says("directory.no_active_user", user_id=user_id)
            if stamp is not None and not passwords.stamps_match(stamp, user.password_hash):
                raise NotFoundError.says("directory.session_outdated")
            if session_token is not None and not self.sign_in.session_alive(tx, session_token, user_id):
                raise NotFoundError.says("directory.session_outdated")  # signed out: the cookie was copied or is old
            return self.repository.principal(tx, user)

    def begin_session(self, user_id: str) -> str:
        return self.sign_in.begin_session(user_id)

    def end_session(self, token: str) -> None:
        self.sign_in.end_session(token)

    def credential_stamp(self, user_id: str) -> str:
        """A short fingerprint of the user's current password hash, kept in their session."""
        with self.repository.transaction() as tx:
            user = self.repository.user_by_id(tx, user_id)
            if user is None:
                raise NotFoundError.says("directory.no_user_id", user_id=user_id)
            return passwords.credential_stamp(user.password_hash)

    # API tokens

    def create_token(self, login: str, name: str, scopes: Iterable[str], *, actor: str = "system") -> tuple[str, str]:
        """Return (token, token id). The token is shown this once: only its sha256 is kept."""
        wanted = sorted(set(scopes))
        name = name.strip()
        if not name or len(name) > 100:
            fields = {"name": [field_text("directory.field.token_label_invalid")]}
            raise invalid("directory.token_label_invalid", fields)
        repo = self.repository
        with repo.transaction() as tx:
            user = self.user_row(tx, login)
            if not user.active:
                raise refusal(
                    PermissionDeniedError, "directory.token_user_inactive", code="account_inactive", login=user.login
                )
            self._check_scopes(tx, wanted, user)
            token_id = secrets.token_hex(8)
            token = f"{TOKEN_PREFIX}_{token_id}_{secrets.token_urlsafe(32)}"
            values = {
                "id": token_id,
                "user_id": user.id,
                "name": name,
                "scopes": wanted,
                "token_hash": passwords.token_hash(token),
                "created_at": self._clock(),
                "created_by": actor,
            }
            repo.add_token(tx, values)
            repo.audit(
                tx, actor, "token.create", "token", token_id, {"login": user.login, "name": name, "scopes": wanted}
            )
        return token, token_id

    def principal_for_token(self, token: str) -> Principal | None:
        """The principal behind a bearer token, with its scopes; None for anything not currently valid."""
        return self.sign_in.principal_for_token(token)

    def revoke_token(self, token_id: str, *, actor: str = "system") -> None:
        repo = self.repository
        with repo.transaction() as tx:
            row = repo.token(tx, token_id, lock=True)
            if row is None:
                raise NotFoundError.says("directory.no_token", token_id=token_id)
            if row.revoked_at is None:
                repo.change(row, revoked_at=self._clock())
                repo.audit(tx, actor, "token.revoke", "token", row.id, {"name": row.name})

    # reading and editing (the administration API)

    def list_users(self, query: str = "", limit: int = 50, cursor: str | None = None) -> dict[str, Any]:
        """A page of users ordered by login, matching ``query`` in login, name, mobile or email.

        ``cursor`` is the ``next_cursor`` of the previous page (keyset on the login, so pages do not
        shift when someone is added meanwhile).
        """
        if not isinstance(limit, int) or not 1 <= limit <= MAX_PAGE:
            fields = {"limit": [field_text("directory.field.limit_invalid", max=MAX_PAGE)]}
            raise invalid("directory.limit_invalid", fields, max=MAX_PAGE)
        text = query.strip().lower()[:200]
        after = decode_cursor(cursor) if cursor else None
        with self.repository.transaction() as tx:
            rows = self.repository.search_users(tx, text, limit + 1, after)
            more = len(rows) > limit
            rows = rows[:limit]
            items = self._describe_users(tx, rows)
        next_cursor = encode_cursor(rows[-1].login) if more and rows else None
        return {"items": items, "next_cursor": next_cursor}

    def people_with_role(self, app_id: str, role: str, limit: int = 200) -> list[dict[str, str]]:
        """Who holds ``role`` in ``app_id`` (id and name, never more): a builder picks one to view as."""
        with self.repository.transaction() as tx:
            return [
                {"id": u.id, "name": u.name or u.login} for u in self.repository.role_holders(tx, app_id, role, limit)
            ]

    def people_by_login(self, logins: Sequence[str]) -> list[dict[str, str]]:
        """Logins (or ids) as a builder reads them: login and name, in the order asked; unknown ones left out."""
        with self.repository.transaction() as tx:
            rows = [self.repository.user(tx, ref) for ref in logins]
        return [{"login": row.login, "name": row.name or row.login} for row in rows if row is not None]

    def get_user(self, ref: str) -> dict[str, Any]:
        """One user (``ref`` is an id or login) as the administration API shows it; never the password hash."""
        with self.repository.transaction() as tx:
            return self._describe_users(tx, [self.user_row(tx, ref)])[0]

    def update_user(self, ref: str, changes: Mapping[str, Any], *, actor: str = "system") -> dict[str, Any]:
        """Apply an administrator's edit in one transaction: all of it, or (on any error) none of it.

        ``changes`` may hold name, mobile, email, locale, on_duty, active, password and
        roles ``{"add": ["app:role"], "remove": [...]}``; anything else is refused.
        """
        if not isinstance(changes, Mapping):
            raise invalid("directory.body_not_object", {"_body": [field_text("directory.field.json_object")]})
        unknown = sorted(set(changes) - set(EDITABLE))
        if unknown:
            field = unknown[0]
            fields = {field: [field_text("directory.field.not_editable", fields=", ".join(EDITABLE))]}
            raise invalid("directory.not_editable", fields, field=field, hint=suggest(field, EDITABLE))
        problems = change_problems(changes)
        if problems:
            raise invalid("directory.user_not_changed", problems, detail=detail(problems))
        add = [rules.role_pair(r) for r in changes.get("roles", {}).get("add", [])]
        remove = [rules.role_pair(r) for r in changes.get("roles", {}).get("remove", [])]
        password_hash = passwords.hash_password(changes["password"]) if "password" in changes else None
        repo = self.repository
        try:
            with repo.transaction() as tx:
                row = self.user_row(tx, ref)
                self.check_roles(tx, add)
                profile: dict[str, Any] = {}
                for key in ("name", "mobile", "email", "locale"):
                    if key not in changes:
                        continue
                    value = changes[key]
                    if key == "mobile":
                        value = normalize_mobile(value) if value else None
                        if value and repo.mobile_taken_by_other(tx, value, row.id):
                            raise ConflictError.says("directory.mobile_taken", mobile=value)
                    elif key == "email":
                        value = value or None
                    elif key == "name":
                        value = value.strip() or row.login
                    if getattr(row, key) != value:
                        repo.change(row, **{key: value})
                        profile[key] = value
                if profile:
                    repo.audit(tx, actor, "user.update", "user", row.id, {"login": row.login, **profile})
                if password_hash is not None:
                    repo.change(row, password_hash=password_hash, failed_logins=0, locked_until=None)
                    repo.audit(tx, actor, "user.password_set", "user", row.id, {"login": row.login})
                if "on_duty" in changes and row.on_duty != changes["on_duty"]:
                    repo.change(row, on_duty=changes["on_duty"])
                    repo.audit(tx, actor, "user.on_duty", "user", row.id, {"login": row.login, "on_duty": row.on_duty})
                if "active" in changes and row.active != changes["active"]:
                    if not changes["active"]:
                        self.refuse_last_admin(tx, row)
                    repo.change(row, active=changes["active"])
                    action = "user.reactivate" if row.active else "user.deactivate"
                    repo.audit(tx, actor, action, "user", row.id, {"login": row.login})
                for app_id, role in sorted(set(add)):
                    if not repo.holds_role(tx, row.id, app_id, role):
                        repo.add_role(tx, row.id, app_id, role)
                        repo.audit(tx, actor, "user.role_grant", "user", row.id, {"app_id": app_id, "role": role})
                for app_id, role in sorted(set(remove)):
                    if repo.remove_role(tx, row.id, app_id, role):
                        repo.audit(tx, actor, "user.role_revoke", "user", row.id, {"app_id": app_id, "role": role})
                repo.flush(tx)
                return self._describe_users(tx, [row])[0]
        except WriteClashError:
            raise ConflictError.says("directory.mobile_raced") from None

    def list_groups(self) -> list[dict[str, Any]]:
        """Every group, depth first (a parent before its children, siblings by name), with ``depth``."""
        with self.repository.transaction() as tx:
            groups, people, memberships = self.repository.group_tree_rows(tx)
        return group_tree(groups, people, memberships)

    def _describe_users(self, tx: Any, rows: list[Any]) -> list[dict[str, Any]]:
        return describe_users(rows, *self.repository.memberships_of(tx, [row.id for row in rows]))

    # lookups and checks (public to the other directory use cases: user_edit, user_import)

    def refuse_last_admin(self, tx: Any, row: Any) -> None:
        """Refuse to take away the last active administrator: nobody could manage people or apps again.

        The active administrators are locked while counted, so two admins deactivating each other
        at the same moment cannot both succeed.
        """
        if not (row.is_admin and row.active):
            return
        if set(self.repository.active_admin_ids(tx)) <= {row.id}:
            raise ConflictError.says("directory.last_admin", login=row.login)

    def user_row(self, tx: Any, ref: str) -> Any:
        user = self.repository.user(tx, ref)
        if user is None:
            raise NotFoundError.says("directory.no_user", ref=ref)
        return user

    def group_row(self, tx: Any, ref: str) -> Any:
        group = self.repository.group(tx, ref)
        if group is None:
            raise NotFoundError.says("directory.no_group", ref=ref, hint=suggest(ref, self.repository.group_names(tx)))
        return group

    def app_roles(self, tx: Any, app_id: str) -> list[str]:
        """The roles ``app_id`` declares; NotFoundError (with a did-you-mean) when there is no such app."""
        roles = self.repository.app_roles(tx, app_id)
        if roles is None:
            hint = suggest(app_id, self.repository.app_ids(tx))
            raise NotFoundError.says("directory.no_app", app_id=app_id, hint=hint)
        return roles

    def check_roles(self, tx: Any, pairs: Iterable[tuple[str, str]]) -> None:
        known: dict[str, list[str]] = {}
        for app_id, role in pairs:
            if app_id not in known:  # besides the app's own roles, the engine's reserved builder role
                known[app_id] = [*self.app_roles(tx, app_id), BUILDER_ROLE]
            if role not in known[app_id]:
                raise NotFoundError.says(
                    "directory.no_role", app_id=app_id, role=role, hint=suggest(role, known[app_id])
                )

    def _check_scopes(self, tx: Any, scopes: list[str], user: Any) -> None:
        if not scopes:
            raise invalid("directory.scopes_missing", {"scopes": [field_text("directory.field.scopes_missing")]})
        for scope in scopes:
            problem = scope_problem(scope)
            if problem:
                raise invalid("directory.scope_invalid", {"scopes": [problem]}, scope=scope)
            if scope == "admin" and not user.is_admin:
                raise PermissionDeniedError.says("directory.admin_scope_refused", login=user.login)
            app_id = rules.scope_app(scope)
            if app_id:
                self.app_roles(tx, app_id)  # the app must exist
