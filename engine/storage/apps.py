"""Installed apps and their immutable versions (storage layer): the rows, the SQL, the form tables.

``AppService`` (engine/services/apps.py) owns the use cases and the transaction; this module
reads and writes rows inside the session it is handed and turns database failures into the two
facts the service needs to know: another import won the race, or existing data breaks a new
unique rule.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine.errors import Problem
from engine.forms.spec import FormSpec
from engine.reports.indexes import report_indexes
from engine.storage.database import Database
from engine.storage.form_tables import (
    TableStep,
    apply_tables,
    build_tables,
    evolution_problems,
    past_columns,
    plan_tables,
    refuse,
    returning_problems,
)
from engine.storage.report_summaries import sync_summaries
from engine.storage.tables import AppRow, AppVersionRow, AuditEventRow, utcnow

MAX_VERSION = 2**31 - 1  # version numbers are INTEGER columns on every back-end


@dataclass(frozen=True, slots=True)
class AppVersionInfo:
    app_id: str
    number: int
    package_version: str
    fingerprint: str
    created_at: datetime
    created_by: str
    origin: str = "api"  # bundled | builder | api | rollback

    def as_dict(self) -> dict[str, Any]:
        return {
            "app_id": self.app_id,
            "version": self.number,
            "package_version": self.package_version,
            "fingerprint": self.fingerprint,
            "created_at": self.created_at.isoformat(),
            "created_by": self.created_by,
            "origin": self.origin,
        }


@dataclass(frozen=True, slots=True)
class AppInfo:
    id: str
    name: Any  # a text or a {locale: text} mapping, as the package wrote it
    current_version: int
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class StoredVersion:
    """One published version as stored: its number, fingerprint and the exact exported text."""

    number: int
    fingerprint: str
    document: str
    origin: str = "api"


class UniqueRuleConflictError(Exception):
    """A new unique index cannot be built because existing records share values; ``reason`` is the database's."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def publish_forms(
    connection: Connection,
    app_id: str,
    previous: Mapping[str, Any],
    document: Mapping[str, Any],
    earlier: Sequence[tuple[int, Mapping[str, Any]]] = (),
) -> list[str]:
    """Bring the app's form tables to the new version inside the import's transaction; ``earlier``:
    every stored version (number, document), whose columns a returning field must still fit."""
    refuse(form_problems(app_id, previous, document, earlier))
    try:
        tables = build_tables(app_id, _forms(app_id, document), report_indexes(document))
        return apply_tables(connection, tables) + sync_summaries(connection, app_id, document, tables.main)
    except IntegrityError as exc:
        # a new unique index over existing duplicates: the data decides, so say which rule it breaks
        raise UniqueRuleConflictError(str(exc.orig).splitlines()[0][:200]) from None


def form_problems(
    app_id: str,
    previous: Mapping[str, Any],
    document: Mapping[str, Any],
    earlier: Sequence[tuple[int, Mapping[str, Any]]],
) -> list[Problem]:
    """What the new version asks of stored columns that they cannot give (any earlier version's)."""
    old_forms = {form.id: form for form in _forms(app_id, previous)}
    new_forms = list(enumerate(_forms(app_id, document)))
    past = past_columns((number, _forms(app_id, doc)) for number, doc in earlier)
    return evolution_problems(old_forms, new_forms) + returning_problems(past, old_forms, new_forms)


def plan_forms(connection: Connection, app_id: str, document: Mapping[str, Any]) -> list[TableStep]:
    """The schema changes publishing ``document`` would make, changing nothing."""
    return plan_tables(connection, build_tables(app_id, _forms(app_id, document), report_indexes(document)))


def _forms(app_id: str, document: Mapping[str, Any]) -> list[FormSpec]:
    return [FormSpec.from_definition(app_id, f) for f in document.get("forms", [])]


class AppRepository:
    """Rows of apps, versions and their audit events; every method works in the caller's session."""

    def __init__(self, database: Database):
        self.database = database

    def transaction(self) -> AbstractContextManager[Session]:
        """One transaction; a unique value lost to a concurrent writer is a ``WriteClashError``."""
        return self.database.writing()

    @staticmethod
    def app(session: Session, app_id: str, *, lock: bool = False) -> AppInfo | None:
        """The app, or None; ``lock`` holds its row until the transaction ends (imports queue up)."""
        row = session.get(AppRow, app_id, with_for_update=lock)
        return None if row is None else AppInfo(row.id, row.name, row.current_version, row.created_at, row.updated_at)

    @staticmethod
    def version(session: Session, app_id: str, number: int) -> StoredVersion | None:
        row = (
            None
            if not 0 < number <= MAX_VERSION
            else session.scalar(
                select(AppVersionRow).where(AppVersionRow.app_id == app_id, AppVersionRow.number == number)
            )
        )
        return None if row is None else StoredVersion(row.number, row.fingerprint, row.document, row.origin)

    @staticmethod
    def documents(session: Session, app_id: str) -> list[tuple[int, dict[str, Any]]]:
        """Every stored version's document, oldest first."""
        rows = session.execute(
            select(AppVersionRow.number, AppVersionRow.document)
            .where(AppVersionRow.app_id == app_id)
            .order_by(AppVersionRow.number)
        )
        return [(number, json.loads(text)) for number, text in rows]

    @staticmethod
    def stored_versions(session: Session, app_id: str) -> list[StoredVersion]:
        rows = session.scalars(
            select(AppVersionRow).where(AppVersionRow.app_id == app_id).order_by(AppVersionRow.number)
        )
        return [StoredVersion(r.number, r.fingerprint, r.document, r.origin) for r in rows]

    @staticmethod
    def next_number(session: Session, app_id: str) -> int:
        return (session.scalar(select(func.max(AppVersionRow.number)).where(AppVersionRow.app_id == app_id)) or 0) + 1

    @staticmethod
    def add_version(
        session: Session,
        document: Mapping[str, Any],
        *,
        number: int,
        fingerprint: str,
        text: str,
        actor: str,
        origin: str = "api",
        current: bool = True,
    ) -> None:
        """Make ``number`` the app's current version, creating the app on its first version;
        ``current=False`` only stores it (a bundled upgrade kept aside for a merge)."""
        app_id = document["id"]
        now = utcnow()
        app = session.get(AppRow, app_id)
        if app is None:
            app = AppRow(id=app_id, name=document["name"], current_version=number, created_at=now, updated_at=now)
            session.add(app)
        elif current:
            app.name = document["name"]
            app.current_version = number
            app.updated_at = now
        session.flush()
        session.add(
            AppVersionRow(
                app_id=app_id,
                number=number,
                package_version=document["version"],
                fingerprint=fingerprint,
                document=text,
                created_at=now,
                created_by=actor,
                origin=origin,
            )
        )
        session.flush()

    @staticmethod
    def publish_forms(
        session: Session, app_id: str, previous: Mapping[str, Any], document: Mapping[str, Any], number: int = 0
    ) -> list[str]:
        """``number``: the version being published (its own row is not an earlier version)."""
        earlier = [(n, doc) for n, doc in AppRepository.documents(session, app_id) if n != number]
        return publish_forms(session.connection(), app_id, previous, document, earlier)

    @staticmethod
    def plan_publish(
        session: Session, app_id: str, previous: Mapping[str, Any], document: Mapping[str, Any]
    ) -> tuple[list[TableStep], list[Problem]]:
        """A publish's dry run: the schema changes it would make and the problems that would refuse it."""
        problems = form_problems(app_id, previous, document, AppRepository.documents(session, app_id))
        return ([] if problems else plan_forms(session.connection(), app_id, document)), problems

    @staticmethod
    def add_audit(session: Session, actor: str, action: str, app_id: str, details: dict[str, Any]) -> None:
        session.add(AuditEventRow(actor=actor, action=action, subject_type="app", subject_id=app_id, details=details))
        session.flush()

    @staticmethod
    def versions(session: Session, app_id: str) -> list[AppVersionInfo]:
        rows = session.scalars(
            select(AppVersionRow).where(AppVersionRow.app_id == app_id).order_by(AppVersionRow.number)
        )
        return [
            AppVersionInfo(r.app_id, r.number, r.package_version, r.fingerprint, r.created_at, r.created_by, r.origin)
            for r in rows
        ]

    @staticmethod
    def apps(session: Session) -> list[AppInfo]:
        rows = session.scalars(select(AppRow).order_by(AppRow.id))
        return [AppInfo(r.id, r.name, r.current_version, r.created_at, r.updated_at) for r in rows]
