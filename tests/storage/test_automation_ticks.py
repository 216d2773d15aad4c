"""A schedule's due moment can be claimed once: the second claim breaks the unique key (storage layer)."""

from datetime import UTC, datetime

import pytest

from engine.storage.automations import AutomationRepository
from engine.storage.database import WriteClashError

pytestmark = pytest.mark.storage


def test_a_due_moment_is_claimed_once_and_remembered(database):
    repository = AutomationRepository()
    due = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)
    with database.writing() as session:
        repository.claim_tick(session, "plant", "hourly", due, datetime.now(UTC))

    with pytest.raises(WriteClashError), database.writing() as session:
        repository.claim_tick(session, "plant", "hourly", due, datetime.now(UTC))

    with database.writing() as session:
        repository.claim_tick(session, "plant", "other", due, datetime.now(UTC))
        last = repository.last_tick(session, "plant", "hourly")
    assert last == due
