"""Secrets an administrator stores for an app's connectors (use cases): store, list, remove.

Only administrators manage them (the command line acts as one); a package names them as
``stored:NAME`` or ``{{stored.NAME}}`` and never holds a value, so exporting, importing or
publishing a package cannot leak one. The list also names the secrets the app's current package
reads and nobody has stored yet, so an administrator sees what is missing before a call fails.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from engine.errors import NotFoundError, PermissionDeniedError, SubmissionError
from engine.principal import Principal
from engine.storage import Database
from engine.storage.app_secrets import AppSecretStore
from engine.storage.apps import AppRepository
from engine.storage.catalog import AppCatalog
from engine.storage.secret_box import SecretBox
from engine.storage.tables import utcnow

MAX_VALUE = 8192
_NAME = re.compile(r"^[A-Z][A-Z0-9_]{0,99}$")
_READS = re.compile(r"stored(?::|\.)([A-Z][A-Z0-9_]*)")


class AppSecretService:
    def __init__(
        self,
        database: Database,
        catalog: AppCatalog,
        box: Callable[[], SecretBox],
        clock: Callable[[], datetime] = utcnow,
    ):
        self.database = database
        self.catalog = catalog
        self.store = AppSecretStore(database, box, clock)

    def put(self, principal: Principal, app_id: str, name: str, value: str) -> None:
        self._check(principal, app_id)
        if not _NAME.match(name):
            raise SubmissionError.says("secret.bad_name", name=name[:60])
        if (
            not value
            or len(value) > MAX_VALUE
            or not (value.isascii() and value.isprintable())
            or value != value.strip()
        ):
            raise SubmissionError.says("secret.bad_value", most=MAX_VALUE)
        self.store.put(app_id, name, value, principal.id)

    def remove(self, principal: Principal, app_id: str, name: str) -> None:
        self._check(principal, app_id)
        if not self.store.remove(app_id, name, principal.id):
            raise NotFoundError.says("secret.not_found", app=app_id, name=name[:60])

    def listed(self, principal: Principal, app_id: str) -> list[dict[str, Any]]:
        """Stored secrets (name, when, by whom) and, as ``stored: False``, those the package reads but lacks."""
        document = self._check(principal, app_id)
        found = {
            item.name: {"name": item.name, "stored": True, "updated_at": item.updated_at, "updated_by": item.updated_by}
            for item in self.store.listed(app_id)
        }
        for name in sorted(set(_READS.findall(json.dumps(document.get("connectors", []))))):
            found.setdefault(name, {"name": name, "stored": False, "updated_at": None, "updated_by": None})
        return sorted(found.values(), key=lambda item: item["name"])

    def _check(self, principal: Principal, app_id: str) -> dict[str, Any]:
        if not principal.is_admin:
            raise PermissionDeniedError.says("secret.admins_only")
        with self.database.transaction() as session:
            if AppRepository.app(session, app_id) is None:
                raise NotFoundError.says("app.not_found", app_id=app_id[:63])
            return dict(self.catalog.current(session, app_id).document)
