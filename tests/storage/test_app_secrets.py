"""Secrets an administrator stores for an app: sealed in the database, opened only for the call.

On SQLite and PostgreSQL, through the real flow and outbox, against the local finance stand-in.
"""

from __future__ import annotations

import json

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select

from engine.errors import ConfigError
from engine.storage.app_secrets import AppSecretStore
from engine.storage.outbox import Outbox
from engine.storage.secret_box import SecretBox
from engine.storage.tables import AppSecretRow, AuditEventRow
from tests.connectors.finance_api import FinanceApi
from tests.flows.conftest import company  # noqa: F401 - the fixture, shared with the flow tests
from tests.storage.test_outbox_delivery import RETRY, connector_items, queue_receivable

TOKEN = "fin-token-7f3a9c"
BOX = SecretBox(Fernet.generate_key())


@pytest.fixture
def property_package(property_package):
    """The finance connector reads its bearer token from a stored secret and its URL from one too."""
    config = next(c for c in property_package["connectors"] if c["id"] == "finance")["config"]
    config.update(url="{{stored.FINANCE_URL}}", secret="stored:FINANCE_TOKEN", max_attempts=3, timeout_seconds=2)
    return property_package


def test_the_database_holds_only_ciphertext_and_the_audit_log_no_value(database):
    store = AppSecretStore(database, lambda: BOX)
    store.put("property_repair", "FINANCE_TOKEN", TOKEN, "admin")
    store.put("property_repair", "FINANCE_TOKEN", TOKEN + "2", "admin")
    with database.transaction() as session:
        [row] = session.scalars(select(AppSecretRow)).all()
        events = session.scalars(select(AuditEventRow).where(AuditEventRow.action.like("secret.%"))).all()
        assert TOKEN not in row.ciphertext
        assert [(e.action, e.details) for e in events] == [
            ("secret.stored", {"secret": "FINANCE_TOKEN"}),
            ("secret.changed", {"secret": "FINANCE_TOKEN"}),
        ]
    assert store.values("property_repair") == {"FINANCE_TOKEN": TOKEN + "2"}
    assert [s.name for s in store.listed("property_repair")] == ["FINANCE_TOKEN"]
    assert store.remove("property_repair", "FINANCE_TOKEN", "admin") is True
    assert store.values("property_repair") == {}


def test_another_key_cannot_open_a_stored_secret(database):
    AppSecretStore(database, lambda: BOX).put("property_repair", "FINANCE_TOKEN", TOKEN, "admin")
    with pytest.raises(ConfigError) as caught:
        AppSecretStore(database, lambda: SecretBox.derived("another server")).values("property_repair")
    assert caught.value.message_code == "config.secret_unreadable"


def test_the_connector_calls_with_the_stored_secrets(company, database):  # noqa: F811
    queue_receivable(company)
    store = AppSecretStore(database, lambda: BOX)
    with FinanceApi("ok") as api:
        store.put("property_repair", "FINANCE_URL", api.url, "admin")
        store.put("property_repair", "FINANCE_TOKEN", TOKEN, "admin")
        outbox = Outbox(
            database,
            catalog=company.records.catalog,
            environ={},
            clock=company.clock,
            retry=RETRY,
            secret_box=lambda: BOX,
        )
        assert outbox.run()["delivered"] == 1
    assert api.requests[0]["headers"]["Authorization"] == f"Bearer {TOKEN}"
    assert connector_items(database)[0].delivered_at is not None


def test_a_secret_nobody_stored_fails_the_call_saying_which(company, database):  # noqa: F811
    queue_receivable(company)
    outbox = Outbox(
        database, catalog=company.records.catalog, environ={}, clock=company.clock, retry=RETRY, secret_box=lambda: BOX
    )
    outbox.run()
    [item] = connector_items(database)
    assert "FINANCE_URL" in item.last_error and "trellis secrets set" in item.last_error
    assert json.dumps(item.payload).find(TOKEN) == -1
