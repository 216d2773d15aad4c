"""Live formulas (services layer): formulas reading aggregates across records, computed again when read.

A formula such as ``capacity - related_count('registration', 'event')`` on an event changes
whenever a registration is created, moved or deleted, not only when the event itself is saved.
Rather than rewrite every event after each registration, the stored value is the one computed
at the event's last save and every read computes the live formulas again: one grouped query per
aggregate for a whole page of records (``engine.storage.aggregates.SqlAggregates.prime``).
"""

from __future__ import annotations

from typing import Any

from engine.forms.aggregates import anchor_of
from engine.forms.relation_paths import RelatedRecords
from engine.forms.types import FIELD_TYPES
from engine.storage.catalog import CompiledApp, CompiledForm
from engine.storage.records import RecordRepository, Transaction


def refresh_live_formulas(
    repository: RecordRepository,
    session: Transaction,
    app: CompiledApp,
    form: CompiledForm,
    rows: list[Any],
    documents: list[dict[str, Any]],
    related: RelatedRecords | None,
) -> None:
    """Put the live formulas' current values into the records' documents (in place)."""
    validator = form.validator
    if not validator.live_formulas or not rows:
        return
    counting = repository.aggregates(session, app, form, record_id=None, writing=False)
    values = [repository.values(session, form, row) for row in rows]
    for aggregate in validator.live_aggregates:
        anchors = (anchor_of(aggregate, stored, row.id) for stored, row in zip(values, rows, strict=True))
        counting.prime(aggregate, [anchor for anchor in anchors if anchor is not None])
    fields = {f.id: f for f in form.spec.fields}
    for row, stored, document in zip(rows, values, documents, strict=True):
        fresh = validator.refresh(stored, related=related, aggregates=counting.about(row.id))
        for field_id, value in fresh.items():
            field = fields[field_id]
            document["data"][field_id] = FIELD_TYPES.get(field.type).dump(field, value)
