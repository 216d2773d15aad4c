"""Installed apps and their immutable versions: import, export, list, history.

An import is one transaction: the app row, the new version and the audit event commit
together or not at all. Re-importing an unchanged package (same fingerprint as the current
version) changes nothing; a changed one becomes the next version number, and every earlier
version stays readable.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine.errors import ConflictError, DefinitionError, NotFoundError, Problem
from engine.forms.spec import FormSpec
from engine.packages import check_package, dumps, fingerprint
from engine.storage.database import Database
from engine.storage.form_tables import apply_tables, build_tables, evolution_problems, refuse
from engine.storage.tables import AppRow, AppVersionRow, AuditEventRow, utcnow


@dataclass(frozen=True, slots=True)
class AppVersionInfo:
    app_id: str
    number: int
    package_version: str
    fingerprint: str
    created_at: datetime
    created_by: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "app_id": self.app_id,
            "version": self.number,
            "package_version": self.package_version,
            "fingerprint": self.fingerprint,
            "created_at": self.created_at.isoformat(),
            "created_by": self.created_by,
        }


@dataclass(frozen=True, slots=True)
class ImportResult:
    app_id: str
    version: int
    outcome: str  # "created" | "updated" | "unchanged"

    def as_dict(self) -> dict[str, Any]:
        return {"app_id": self.app_id, "version": self.version, "outcome": self.outcome}


MAX_VERSION = 2**31 - 1  # version numbers are INTEGER columns on every back-end


def publish_forms(
    connection: Connection, app_id: str, previous: Mapping[str, Any], document: Mapping[str, Any]
) -> list[str]:
    """Bring the app's form tables to the new version inside the import's transaction."""
    old_forms = {f["id"]: FormSpec.from_definition(app_id, f) for f in previous.get("forms", [])}
    new_forms = [FormSpec.from_definition(app_id, f) for f in document.get("forms", [])]
    refuse(evolution_problems(old_forms, enumerate(new_forms)))
    try:
        return apply_tables(connection, build_tables(app_id, new_forms))
    except IntegrityError as exc:
        # a new unique index over existing duplicates: the data decides, so say which rule it breaks
        message = (
            "a new unique rule cannot be applied because existing records already share values "
            f"({str(exc.orig).splitlines()[0][:200]}); remove the duplicates first or drop the unique rule"
        )
        raise DefinitionError(
            message, [Problem("/forms", "form.unique_conflict", message)], code="publish_refused"
        ) from None


class AppStore:
    def __init__(self, database: Database):
        self.database = database

    def import_package(self, document: Mapping[str, Any], *, actor: str) -> ImportResult:
        """Validate and install a package; raises PackageInvalidError before touching the database."""
        check_package(document)
        app_id = document["id"]
        digest = fingerprint(document)
        try:
            with self.database.transaction() as session:
                return self._install(session, document, app_id, digest, actor)
        except IntegrityError:
            raise ConflictError(
                f"another import of app '{app_id}' finished at the same moment; import again to see the result"
            ) from None

    def _install(
        self, session: Session, document: Mapping[str, Any], app_id: str, digest: str, actor: str
    ) -> ImportResult:
        app = session.get(AppRow, app_id, with_for_update=True)
        previous: Mapping[str, Any] = {}
        if app is not None:
            current = self._version_row(session, app_id, app.current_version)
            if current.fingerprint == digest:
                return ImportResult(app_id, app.current_version, "unchanged")
            previous = json.loads(current.document)
        number = (session.scalar(select(func.max(AppVersionRow.number)).where(AppVersionRow.app_id == app_id)) or 0) + 1
        now = utcnow()
        if app is None:
            app = AppRow(id=app_id, name=document["name"], current_version=number, created_at=now, updated_at=now)
            session.add(app)
            outcome = "created"
        else:
            app.name = document["name"]
            app.current_version = number
            app.updated_at = now
            outcome = "updated"
        session.flush()
        session.add(
            AppVersionRow(
                app_id=app_id,
                number=number,
                package_version=document["version"],
                fingerprint=digest,
                document=dumps(document),
                created_at=now,
                created_by=actor,
            )
        )
        session.flush()
        changes = publish_forms(session.connection(), app_id, previous, document)
        details = {"version": number, "outcome": outcome, "fingerprint": digest, "schema_changes": changes}
        self._audit(session, actor, "app.import", app_id, details)
        return ImportResult(app_id, number, outcome)

    def _audit(self, session: Session, actor: str, action: str, app_id: str, details: dict[str, Any]) -> None:
        session.add(AuditEventRow(actor=actor, action=action, subject_type="app", subject_id=app_id, details=details))
        session.flush()

    def export_text(self, app_id: str, version: int | None = None, *, actor: str | None = None) -> str:
        """The stored document of a version (the current one by default), exactly as exported."""
        with self.database.transaction() as session:
            app = self._app(session, app_id)
            row = self._version_row(session, app_id, version or app.current_version)
            if actor is not None:
                self._audit(session, actor, "app.export", app_id, {"version": row.number})
            return row.document

    def export(self, app_id: str, version: int | None = None) -> dict[str, Any]:
        document: dict[str, Any] = json.loads(self.export_text(app_id, version))
        return document

    def versions(self, app_id: str) -> list[AppVersionInfo]:
        with self.database.transaction() as session:
            self._app(session, app_id)
            rows = session.scalars(
                select(AppVersionRow).where(AppVersionRow.app_id == app_id).order_by(AppVersionRow.number)
            )
            return [
                AppVersionInfo(r.app_id, r.number, r.package_version, r.fingerprint, r.created_at, r.created_by)
                for r in rows
            ]

    def list_apps(self) -> list[dict[str, Any]]:
        with self.database.transaction() as session:
            rows = session.scalars(select(AppRow).order_by(AppRow.id))
            return [
                {
                    "id": r.id,
                    "name": r.name,
                    "current_version": r.current_version,
                    "created_at": r.created_at.isoformat(),
                    "updated_at": r.updated_at.isoformat(),
                }
                for r in rows
            ]

    @staticmethod
    def _app(session: Session, app_id: str) -> AppRow:
        app = session.get(AppRow, app_id)
        if app is None:
            raise NotFoundError(
                f"there is no app '{app_id}'; `trellis import` installs one", details={"app_id": app_id}
            )
        return app

    @staticmethod
    def _version_row(session: Session, app_id: str, number: int) -> AppVersionRow:
        row = (
            None
            if not 0 < number <= MAX_VERSION
            else session.scalar(
                select(AppVersionRow).where(AppVersionRow.app_id == app_id, AppVersionRow.number == number)
            )
        )
        if row is None:
            raise NotFoundError(
                f"app '{app_id}' has no version {number}", details={"app_id": app_id, "version": number}
            )
        return row
