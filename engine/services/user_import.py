"""Bulk import of users from CSV or XLSX (services layer): every row checked first, then all or nothing.

The file is read and each row checked by ``engine.people.import_table``; here the rows are checked
against the database (taken logins and mobiles, unknown roles and groups), and only when no row has
a problem are all users created in one transaction.

Hashing decides how long an import takes: full-cost scrypt is ~0.05-0.15 s per password, so
5,000 of them would hold one request for minutes. Passwords written in the file were chosen by
people and keep the full cost (hashed on every core, at most MAX_FILE_PASSWORDS per file);
the one-time passwords generated for rows without one are random 72-bit secrets, which no
amount of guessing reaches, so they are stored at GENERATED_SCRYPT_N (the password the user
sets later is hashed at full cost again).
"""

from __future__ import annotations

import hashlib
import os
import uuid
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any

from engine.errors import ConflictError, SubmissionError
from engine.i18n import DEFAULT_LOCALE
from engine.people import passwords
from engine.people.import_table import MAX_BYTES, MAX_ROWS, ImportRow, file_error, parse_rows, read_table, text
from engine.registry import suggest
from engine.services.directory import DirectoryService
from engine.storage.database import WriteClashError
from engine.storage.tables import utcnow

__all__ = ["MAX_BYTES", "MAX_ROWS", "UserImport", "read_table"]

GENERATED_SCRYPT_N = 2**8  # 256 KiB, ~1 ms: plenty for a random secret (see the module's docstring)
MAX_FILE_PASSWORDS = 500  # full-cost hashes one request may spend (~30 s on two slow cores)
HASHING_THREADS = min(8, os.cpu_count() or 1)  # hashlib.scrypt releases the GIL; 32 MiB each


class UserImport:
    """``UserImport(directory).run(data, locale=..., actor=...)``: the whole file in, or nothing."""

    def __init__(self, directory: DirectoryService):
        self.directory = directory
        self.repository = directory.repository

    def run(
        self, data: bytes, *, locale: str = DEFAULT_LOCALE, actor: str = "system", file_name: str = ""
    ) -> dict[str, Any]:
        """Create every user in the file, or raise SubmissionError with every problem by row.

        Returns ``{"created": n, "users": [{row, id, login}], "passwords": [{row, login, password}]}``;
        ``passwords`` lists the passwords generated for rows without one (shown this once).
        """
        header, raw_rows = read_table(data, locale)
        rows, problems = parse_rows(header, raw_rows, locale)
        chosen = sum(1 for row in rows if not row.generated)
        if chosen > MAX_FILE_PASSWORDS:
            raise file_error("too_many_passwords", locale, count=chosen, max=MAX_FILE_PASSWORDS)
        for number, found in self._check_against_database(rows, locale).items():
            problems.setdefault(number, []).extend(found)
        if problems:
            messages = [message for number in sorted(problems) for message in problems[number]]
            summary = text("summary", locale, count=len(messages), first=messages[0])
            raise SubmissionError(summary, {str(number): problems[number] for number in sorted(problems)})
        return self._create(rows, actor, data, file_name)

    def _check_against_database(self, rows: list[ImportRow], locale: str) -> dict[int, list[str]]:
        problems: dict[int, list[str]] = {}
        logins = [r.values["login"] for r in rows]
        mobiles = [r.values["mobile"] for r in rows if r.values.get("mobile")]
        repo = self.repository
        with repo.transaction() as tx:
            taken_logins = repo.taken_logins(tx, logins)
            taken_mobiles = repo.taken_mobiles(tx, mobiles)
            group_names = repo.group_names(tx)
            apps = repo.app_ids(tx)
            app_roles: dict[str, list[str] | None] = {}
            for row in rows:
                for app_id, _ in row.roles:
                    if app_id not in app_roles:
                        app_roles[app_id] = repo.app_roles(tx, app_id)
        for row in rows:
            found: list[str] = []
            login = row.values["login"]
            if login in taken_logins:
                found.append(text("login_taken", locale, value=login))
            mobile = row.values.get("mobile")
            if mobile and mobile in taken_mobiles:
                found.append(text("mobile_taken", locale, value=mobile))
            for app_id, role in row.roles:
                known = app_roles[app_id]
                if known is None or role not in known:
                    hint = suggest(app_id, apps) if known is None else suggest(role, known)
                    found.append(text("role_unknown", locale, value=f"{app_id}:{role}", hint=hint))
            for group in row.groups:
                if group not in group_names:
                    hint = suggest(group, group_names)
                    found.append(text("group_unknown", locale, value=group, hint=hint))
            if found:
                problems[row.number] = [text("row", locale, row=row.number, message=m) for m in found]
        return problems

    def _create(self, rows: list[ImportRow], actor: str, data: bytes, file_name: str) -> dict[str, Any]:
        created: list[dict[str, Any]] = []
        generated: list[dict[str, Any]] = []
        hashes = _hashes(rows)
        repo = self.repository
        try:
            with repo.transaction() as tx:
                groups = repo.group_ids_by_name(tx)
                now = utcnow()
                users = [
                    {
                        "id": uuid.uuid4().hex,
                        "login": row.values["login"],
                        "name": row.values.get("name") or row.values["login"],
                        "mobile": row.values.get("mobile") or None,
                        "email": row.values.get("email") or None,
                        "active": True,
                        "locale": DEFAULT_LOCALE,
                        "is_admin": False,
                        "password_hash": hashes[row.number],
                        "on_duty": False,
                        "created_at": now,
                        "failed_logins": 0,
                    }
                    for row in rows
                ]
                ids = repo.add_users(tx, users)
                for row, user, user_id in zip(rows, users, ids, strict=True):
                    repo.add_roles(tx, user_id, row.roles)
                    repo.add_memberships(tx, user_id, [groups[g] for g in row.groups])
                    details = {
                        "login": user["login"],
                        "name": user["name"],
                        "admin": False,
                        "roles": [f"{a}:{r}" for a, r in row.roles],
                        "groups": row.groups,
                        "communities": [],
                        "import_row": row.number,
                    }
                    repo.audit(tx, actor, "user.create", "user", user_id, details, flush=False)
                    created.append({"row": row.number, "id": user_id, "login": user["login"]})
                    if row.generated:
                        generated.append(
                            {"row": row.number, "login": user["login"], "password": row.values["password"]}
                        )
                digest = hashlib.sha256(data).hexdigest()
                summary = {"file_name": file_name[:200], "rows": len(rows), "sha256": digest}
                repo.audit(tx, actor, "users.import", "import", digest[:16], summary)
        except WriteClashError:
            raise ConflictError.says("directory.import.raced") from None
        return {"created": len(created), "users": created, "passwords": generated}


def _hashes(rows: list[ImportRow]) -> dict[int, str]:
    """Row number -> password hash: chosen passwords at full cost on every core, generated ones cheaply."""
    chosen = [row for row in rows if not row.generated]
    generated = [row for row in rows if row.generated]
    with ThreadPoolExecutor(HASHING_THREADS) as pool:
        full = pool.map(passwords.hash_password, [row.values["password"] for row in chosen])
        cheap = pool.map(
            partial(passwords.hash_password, n=GENERATED_SCRYPT_N), [row.values["password"] for row in generated]
        )
        return dict(zip([row.number for row in chosen + generated], [*full, *cheap], strict=True))
