"""``record_created``: a record of ``form`` was created (domain)."""

from __future__ import annotations

from engine.automations.triggers.base import FORM, TriggerType


class RecordCreated(TriggerType):
    config_schema = {"required": ["form"], "properties": FORM}
    listens_to = "record_created"
