"""``ActionType``: one thing an automation does, and the ``Performer`` it does it through (domain).

One class per action type, registered by name in ``ACTION_TYPES``. A type brings its own
definition keys (``config_schema``), checks its references at validate time, lists the
expressions it evaluates (compiled and name-checked with the trigger's names), and acts by
evaluating them against ``performer.context`` and asking the performer to write, start, notify
or call. The performer is the services layer's: it writes through the record and flow services
as the system, in the run's transaction. Types stay free of storage and stateless.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import Any, ClassVar, Protocol

from engine.automations.index import Finding, PackageIndex
from engine.expressions import Expression
from engine.registry import Registry


class Performer(Protocol):
    """What an action may do; the services layer carries it out inside the run's transaction."""

    @property
    def context(self) -> Mapping[str, Any]:
        """The names the automation's expressions read: the record's fields, ``user``, ``before``, ``event``."""
        ...

    def set_fields(self, values: Mapping[str, Any]) -> None: ...

    def related(self, field_id: str) -> tuple[str, list[int]]:
        """The form a relation field of the record points at, and the ids it holds now."""
        ...

    def update_record(self, form_id: str, record_id: int, values: Mapping[str, Any]) -> None: ...

    def create_record(self, form_id: str, values: Mapping[str, Any]) -> int: ...

    def start_flow(self, flow_id: str) -> None: ...

    def notify(self, to: Mapping[str, Any], message: Any) -> None: ...

    def call_connector(self, connector: str, operation: str, data: Mapping[str, Any] | None) -> None:
        """Call after the run's writes commit; ``data`` None sends the connector's own mapping."""
        ...


class ActionType(ABC):
    #: JSON Schema of the action's own keys (beside ``type``), merged into the package schema
    config_schema: ClassVar[Mapping[str, Any]] = {}
    #: whether the action needs a triggering record (a schedule has none)
    needs_record: ClassVar[bool] = False

    def problems(self, definition: Mapping[str, Any], index: PackageIndex, record_form: str | None) -> list[Finding]:
        """References that name nothing, keys relative to the action; ``record_form`` is the trigger's form."""
        return []

    def expressions(self, definition: Mapping[str, Any]) -> dict[str, str]:
        """The expressions the action evaluates, by their key below the action (``set/status``)."""
        return {}

    @abstractmethod
    def run(self, definition: Mapping[str, Any], compiled: Mapping[str, Expression], performer: Performer) -> None:
        """Do the action through ``performer``, inside the run's transaction."""


#: the schema of an object of field -> expression (``set``, ``fields``, ``mapping``)
EXPRESSIONS = {
    "type": "object",
    "minProperties": 1,
    "maxProperties": 200,
    "propertyNames": {"$ref": "common.schema.json#/$defs/id"},
    "additionalProperties": {"$ref": "common.schema.json#/$defs/expression"},
}


def evaluate_all(
    definition: Mapping[str, Any], key: str, compiled: Mapping[str, Expression], context: Mapping[str, Any]
) -> dict[str, Any]:
    """The values of the expressions under ``definition[key]`` (field -> value), in definition order."""
    return {name: compiled[f"{key}/{name}"].evaluate(context) for name in definition.get(key, {})}


def keyed(definition: Mapping[str, Any], key: str) -> dict[str, str]:
    return {f"{key}/{name}": source for name, source in definition.get(key, {}).items()}


ACTION_TYPES: Registry[ActionType] = Registry("action type")
