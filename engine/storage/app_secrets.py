"""Secrets stored per app for its connectors (``"secret": "stored:NAME"``, ``{{stored.NAME}}``).

The value is sealed by a ``SecretBox`` before it reaches the database and is opened only when a
connector is about to call out; listing shows names and who changed them when, never values.
Every change writes an audit event (without the value) in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select

from engine.storage.database import Database
from engine.storage.secret_box import SecretBox
from engine.storage.tables import AppSecretRow, AuditEventRow, utcnow


@dataclass(frozen=True, slots=True)
class StoredSecret:
    name: str
    updated_at: datetime
    updated_by: str


class AppSecretStore:
    """``box`` is asked for only when a value is sealed or opened (it may derive a key on first use)."""

    def __init__(self, database: Database, box: Callable[[], SecretBox], clock: Callable[[], datetime] = utcnow):
        self.database = database
        self._box = box
        self.clock = clock

    def put(self, app_id: str, name: str, value: str, actor: str) -> None:
        sealed = self._box().seal(value)
        now = self.clock()
        with self.database.transaction() as session:
            row = session.get(AppSecretRow, (app_id, name), with_for_update=True)
            action = "secret.changed" if row is not None else "secret.stored"
            if row is None:
                session.add(AppSecretRow(app_id=app_id, name=name, ciphertext=sealed, updated_at=now, updated_by=actor))
            else:
                row.ciphertext, row.updated_at, row.updated_by = sealed, now, actor
            session.add(_audit(now, actor, action, app_id, name))

    def remove(self, app_id: str, name: str, actor: str) -> bool:
        now = self.clock()
        with self.database.transaction() as session:
            result = session.execute(
                delete(AppSecretRow).where(AppSecretRow.app_id == app_id, AppSecretRow.name == name)
            )
            gone = int(getattr(result, "rowcount", 0) or 0)
            if gone:
                session.add(_audit(now, actor, "secret.removed", app_id, name))
        return bool(gone)

    def listed(self, app_id: str) -> list[StoredSecret]:
        with self.database.transaction() as session:
            rows = session.scalars(
                select(AppSecretRow).where(AppSecretRow.app_id == app_id).order_by(AppSecretRow.name)
            )
            return [StoredSecret(row.name, row.updated_at, row.updated_by) for row in rows]

    def values(self, app_id: str) -> dict[str, str]:
        """Every secret of the app, opened: for the connector about to call, never for a page."""
        with self.database.transaction() as session:
            rows = list(
                session.execute(select(AppSecretRow.name, AppSecretRow.ciphertext).where(AppSecretRow.app_id == app_id))
            )
        if not rows:
            return {}
        box = self._box()
        return {name: box.open(sealed) for name, sealed in rows}


def _audit(at: datetime, actor: str, action: str, app_id: str, name: str) -> AuditEventRow:
    return AuditEventRow(
        at=at, actor=actor, action=action, subject_type="app", subject_id=app_id, details={"secret": name}
    )
