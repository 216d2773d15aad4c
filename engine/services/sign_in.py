"""Signing in (services layer): password checks with a lockout after repeated failures, and bearer tokens.

A wrong password and a name nobody has are answered alike and cost the same time; failures under
an unknown name are counted by the name's hash (``LoginThrottleRow``), so guessing names reveals
nothing. Each attempt is one transaction that also writes its audit event.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from engine.errors import PermissionDeniedError
from engine.people import passwords, rules
from engine.principal import Principal
from engine.services.refusals import refusal
from engine.storage.database import WriteClashError
from engine.storage.directory import DirectoryRepository

MAX_FAILURES = 5  # failed sign-ins in a row before the account locks
LOCK_DURATION = timedelta(minutes=15)
TOKEN_TOUCH_INTERVAL = timedelta(minutes=1)  # last_used_at is a hint, not a write per request
SESSION_LIFETIME = timedelta(days=31)  # as long as the signed cookie lives (Flask's permanent session)


class SignIn:
    def __init__(self, repository: DirectoryRepository, clock: Callable[[], datetime]):
        self.repository = repository
        self._clock = clock

    def authenticate(self, login_or_mobile: str, password: str) -> Principal:
        """The principal of a correct login name (or mobile number) and password.

        Raises PermissionDeniedError: ``login_failed`` for any wrong combination (the same for a
        name nobody has), ``login_locked`` after MAX_FAILURES in a row (with ``retry_at``), and
        ``account_inactive`` when the password is right but the account was deactivated.
        """
        identifier = login_or_mobile.strip()
        mobile = rules.normalize_mobile(identifier)
        by_mobile = rules.mobile_valid(mobile)
        key = mobile if by_mobile else identifier.lower()
        for attempt in range(2):
            try:
                with self.repository.transaction() as tx:
                    user = self.repository.user_for_sign_in(tx, key, by_mobile=by_mobile)
                    principal: Principal | None = None
                    error: PermissionDeniedError | None
                    if user is None:
                        error = self._fail_unknown(tx, key, password)
                    else:
                        error = self._check(tx, user, identifier, password)
                        if error is None:
                            principal = self.repository.principal(tx, user)
                break
            except WriteClashError:
                # two first failures under the same unknown name at once: the retry finds the row
                if attempt:
                    raise
        if error is not None:
            raise error
        assert principal is not None
        return principal

    def _check(self, tx: Any, user: Any, identifier: str, password: str) -> PermissionDeniedError | None:
        repo = self.repository
        now = self._clock()
        details: dict[str, Any] = {"identifier": identifier}
        if user.locked_until is not None and user.locked_until > now:
            repo.audit(tx, "anonymous", "login.refused", "user", user.id, {**details, "reason": "locked"})
            return _locked(user.locked_until)
        if not passwords.check_password(user.password_hash, password):
            repo.change(user, failed_logins=user.failed_logins + 1)
            if user.failed_logins >= MAX_FAILURES:
                repo.change(user, failed_logins=0, locked_until=now + LOCK_DURATION)
                details["locked_until"] = user.locked_until.isoformat()
            repo.audit(tx, "anonymous", "login.failure", "user", user.id, {**details, "reason": "wrong_password"})
            return _locked(user.locked_until) if user.locked_until and user.locked_until > now else _failed()
        if not user.active:
            repo.audit(tx, "anonymous", "login.failure", "user", user.id, {**details, "reason": "inactive"})
            return refusal(PermissionDeniedError, "directory.account_inactive", code="account_inactive")
        repo.change(user, failed_logins=0, locked_until=None)
        repo.audit(tx, f"user:{user.id}", "login.success", "user", user.id, details)
        return None

    def _fail_unknown(self, tx: Any, identifier: str, password: str) -> PermissionDeniedError:
        """Count a failure under a name no account has, exactly as an account would count it."""
        repo = self.repository
        now = self._clock()
        key = passwords.throttle_key(identifier)
        row = repo.throttle(tx, key)
        if row is not None and row.locked_until is not None and row.locked_until > now:
            repo.audit(tx, "anonymous", "login.refused", "login", key[:16], {"reason": "locked"})
            return _locked(row.locked_until)
        passwords.check_password(passwords.dummy_hash(), password)  # same time as a wrong password for a real account
        if row is None:
            row = repo.new_throttle(tx, key, now)
        repo.change(row, failures=row.failures + 1, updated_at=now)
        if row.failures >= MAX_FAILURES:
            repo.change(row, failures=0, locked_until=now + LOCK_DURATION)
        # the name typed is not logged either: only its hash prefix, enough to see repeated attempts
        repo.audit(tx, "anonymous", "login.failure", "login", key[:16], {"reason": "unknown_login"})
        repo.flush(tx)
        return _locked(row.locked_until) if row.locked_until and row.locked_until > now else _failed()

    def begin_session(self, user_id: str) -> str:
        """A new browser session for the user: the token goes in the cookie, only its hash in the database."""
        token = secrets.token_urlsafe(32)
        now = self._clock()
        with self.repository.transaction() as tx:
            self.repository.add_web_session(tx, _session_hash(token), user_id, now, now - SESSION_LIFETIME)
        return token

    def session_alive(self, tx: Any, token: str, user_id: str) -> bool:
        return self.repository.web_session_alive(tx, _session_hash(token), user_id)

    def end_session(self, token: str) -> None:
        """Signing out: the session ends on the server, so a copy of the cookie is worth nothing."""
        with self.repository.transaction() as tx:
            self.repository.end_web_session(tx, _session_hash(token))

    def principal_for_token(self, token: str) -> Principal | None:
        """The principal behind a bearer token, with its scopes; None for anything not currently valid."""
        match = rules.TOKEN.fullmatch(token.strip())
        if match is None:
            return None
        token = match.group(0)
        repo = self.repository
        with repo.transaction() as tx:
            row = repo.token(tx, match.group(1))
            if row is None or not passwords.hmac_equal(row.token_hash, passwords.token_hash(token)):
                return None
            if row.revoked_at is not None:
                return None
            user = repo.user_by_id(tx, row.user_id)
            if user is None or not user.active:
                return None
            now = self._clock()
            if row.last_used_at is None or now - row.last_used_at >= TOKEN_TOUCH_INTERVAL:
                repo.change(row, last_used_at=now)
            return repo.principal(tx, user, frozenset(row.scopes))


def _session_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def _failed() -> PermissionDeniedError:
    return refusal(PermissionDeniedError, "directory.login_failed", code="login_failed")


def _locked(until: datetime) -> PermissionDeniedError:
    # rounded up to the minute: "after 10:32" must not be answered "locked" at 10:32:30
    shown = until.replace(second=0, microsecond=0)
    if shown < until:
        shown += timedelta(minutes=1)
    return refusal(
        PermissionDeniedError,
        "directory.login_locked",
        code="login_locked",
        details={"retry_at": until.isoformat()},
        time=f"{shown:%Y-%m-%d %H:%M}",
    )
