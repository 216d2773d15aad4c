"""Installed apps, the use cases (services layer): import all-or-nothing, export, list, version history.

An import is one transaction: the app row, the new version, the form tables and the audit event
commit together or not at all. Re-importing an unchanged package (same fingerprint as the current
version) changes nothing; a changed one becomes the next version number, and every earlier
version stays readable. A package of an older format is upgraded first and stored upgraded.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from engine.connectors.environment import DEFAULT_POLICY, EnvPolicy
from engine.errors import ConflictError, DefinitionError, NotFoundError
from engine.packages import check_package, dumps, fingerprint, upgrade_package
from engine.packages.messages import problem, refusal
from engine.services.app_results import CUSTOMISED, ImportResult
from engine.services.app_upgrades import bundled_upgrade
from engine.storage import Database
from engine.storage.apps import (
    AppInfo,
    AppRepository,
    AppVersionInfo,
    StoredVersion,
    UniqueRuleConflictError,
)
from engine.storage.database import WriteClashError

T = TypeVar("T")


class AppService:
    def __init__(self, database: Database, env_policy: EnvPolicy = DEFAULT_POLICY):
        self.repository = AppRepository(database)
        self.env_policy = env_policy  # the environment variables packages may read (host setting)

    def import_package(self, document: Mapping[str, Any], *, actor: str, origin: str = "api") -> ImportResult:
        """Validate and install a package; raises PackageInvalidError before touching the database.

        ``origin`` says where it comes from (``bundled``: a package file of ``trellis import``). A
        bundled package never replaces a version the company published from the builder: it is
        stored aside and merged three-way (engine/services/app_upgrades.py)."""
        upgraded, steps = upgrade_package(document)
        check_package(upgraded, self.env_policy)

        def work(session: Any) -> ImportResult:
            if origin == "bundled":
                app = self.repository.app(session, upgraded["id"], lock=True)
                current = None if app is None else self.stored(session, app.id, app.current_version)
                if app is not None and current is not None and current.origin in CUSTOMISED:
                    return bundled_upgrade(self, session, app, upgraded, actor)
            return self.install(session, upgraded, [s.target for s in steps], actor, origin)

        return self.run(upgraded["id"], work)

    def run(self, app_id: str, work: Callable[[Any], T]) -> T:
        """``work`` in one transaction, its clashes said: a concurrent import, a unique rule the data breaks."""
        try:
            with self.repository.transaction() as session:
                return work(session)
        except WriteClashError:
            raise ConflictError.says("app.import_race", app_id=app_id) from None
        except UniqueRuleConflictError as exc:
            found = problem("/forms", "form.unique_conflict", reason=exc.reason)
            error = refusal(DefinitionError, "form.unique_conflict", [found], reason=exc.reason)
            error.code = "publish_refused"
            raise error from None

    def install(
        self, session: Any, document: Mapping[str, Any], formats: list[str], actor: str, origin: str = "api"
    ) -> ImportResult:
        app_id = document["id"]
        digest = fingerprint(document)
        app = self.repository.app(session, app_id, lock=True)
        previous: Mapping[str, Any] = {}
        if app is not None:
            current = self.stored(session, app_id, app.current_version)
            if current.fingerprint == digest:
                return ImportResult(app_id, app.current_version, "unchanged")
            previous = json.loads(current.document)
        number = self.repository.next_number(session, app_id)
        outcome = "created" if app is None else "updated"
        self.repository.add_version(
            session, document, number=number, fingerprint=digest, text=dumps(document), actor=actor, origin=origin
        )
        changes = self.repository.publish_forms(session, app_id, previous, document, number)
        details: dict[str, Any] = {
            "version": number,
            "outcome": outcome,
            "fingerprint": digest,
            "schema_changes": changes,
            "origin": origin,
        }
        if formats:
            details["format_upgrades"] = formats
        self.audit(session, actor, "app.import", app_id, details)
        return ImportResult(app_id, number, outcome)

    def audit(self, session: Any, actor: str, action: str, app_id: str, details: dict[str, Any]) -> None:
        self.repository.add_audit(session, actor, action, app_id, details)

    def export_text(self, app_id: str, version: int | None = None, *, actor: str | None = None) -> str:
        """The stored document of a version (the current one by default), exactly as exported."""
        with self.repository.transaction() as session:
            app = self.app(session, app_id)
            stored = self.stored(session, app_id, version or app.current_version)
            if actor is not None:
                self.audit(session, actor, "app.export", app_id, {"version": stored.number})
            return stored.document

    def export(self, app_id: str, version: int | None = None) -> dict[str, Any]:
        document: dict[str, Any] = json.loads(self.export_text(app_id, version))
        return document

    def versions(self, app_id: str) -> list[AppVersionInfo]:
        with self.repository.transaction() as session:
            self.app(session, app_id)
            return self.repository.versions(session, app_id)

    def list_apps(self) -> list[dict[str, Any]]:
        with self.repository.transaction() as session:
            return [
                {
                    "id": app.id,
                    "name": app.name,
                    "current_version": app.current_version,
                    "created_at": app.created_at.isoformat(),
                    "updated_at": app.updated_at.isoformat(),
                }
                for app in self.repository.apps(session)
            ]

    def app(self, session: Any, app_id: str) -> AppInfo:
        app = self.repository.app(session, app_id)
        if app is None:
            error = NotFoundError.says("app.not_found", app_id=app_id)
            error.details = {"app_id": app_id}
            raise error
        return app

    def stored(self, session: Any, app_id: str, number: int) -> StoredVersion:
        stored = self.repository.version(session, app_id, number)
        if stored is None:
            error = NotFoundError.says("app.no_version", app_id=app_id, version=number)
            error.details = {"app_id": app_id, "version": number}
            raise error
        return stored
