"""``record_deleted``: a record of ``form`` was moved to the bin (domain)."""

from __future__ import annotations

from engine.automations.triggers.base import FORM, TriggerType


class RecordDeleted(TriggerType):
    config_schema = {"required": ["form"], "properties": FORM}
    listens_to = "record_deleted"
