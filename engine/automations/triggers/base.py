"""``TriggerType``: what makes an automation run, and what its expressions may read (domain).

One class per trigger type, registered by name in ``TRIGGER_TYPES``. A type brings its own
definition keys (``config_schema``, merged into the package schema), says which ``Happening``
it answers, checks its references at validate time, and names the record its automation's
condition and actions read. Types are stateless and shared by every automation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar

from engine.automations.index import Finding, PackageIndex, unknown
from engine.registry import Registry


@dataclass(frozen=True, slots=True)
class Happening:
    """Something that happened and may fire automations: its kind, the record, and what changed.

    ``kind`` is what a trigger type listens to (``record_created``, ``record_updated``,
    ``record_deleted``, ``flow_event``, ``schedule``); ``event`` is the flow event's name.
    """

    kind: str
    form: str | None = None
    record: int | None = None
    changed: tuple[str, ...] = ()
    flow: str | None = None
    event: str | None = None
    details: Mapping[str, Any] = field(default_factory=dict)


#: the key of the form a record trigger watches
FORM = {"form": {"$ref": "common.schema.json#/$defs/id"}}


class TriggerType:
    #: JSON Schema of the trigger's own keys (beside ``type``), merged into the package schema
    config_schema: ClassVar[Mapping[str, Any]] = {}
    #: the ``Happening.kind`` this trigger answers
    listens_to: ClassVar[str] = ""
    #: names an automation of this trigger reads beside the record's fields and ``user``
    extra_names: ClassVar[tuple[str, ...]] = ()

    def matches(self, definition: Mapping[str, Any], happening: Happening) -> bool:
        """Whether this trigger (of the kind the happening is) fires for it."""
        return definition.get("form") == happening.form

    def record_form(self, definition: Mapping[str, Any], index: PackageIndex) -> str | None:
        """The form of the record the automation acts on; None when it has none (a schedule)."""
        form = definition.get("form")
        return form if form in index.forms else None

    def has_record(self, definition: Mapping[str, Any]) -> bool:
        """Whether the automation's runs each have a record (its condition and actions read it)."""
        return True

    def problems(self, definition: Mapping[str, Any], index: PackageIndex) -> list[Finding]:
        """The trigger's references that name nothing (keys relative to the trigger)."""
        form = definition.get("form")
        if form is not None and form not in index.forms:
            return [unknown("form", "form", form, index.forms)]
        return []

    def last_due(self, definition: Mapping[str, Any], now: datetime, zone: str) -> datetime | None:
        """For a time-based trigger: the latest moment at or before ``now`` it was due (UTC)."""
        return None


TRIGGER_TYPES: Registry[TriggerType] = Registry("trigger type")
