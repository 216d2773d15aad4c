"""``record_updated``: fields of a record of ``form`` changed (domain)."""

from __future__ import annotations

from engine.automations.triggers.base import FORM, TriggerType


class RecordUpdated(TriggerType):
    """Any change to a record's fields; ``before`` holds the changed fields' earlier values."""

    config_schema = {"required": ["form"], "properties": FORM}
    listens_to = "record_updated"
    extra_names = ("before",)
