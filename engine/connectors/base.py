"""What every connector type shares: the parsed definition, one call, the registry of types."""

from __future__ import annotations

import json
import re
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from engine.connectors.environment import ENV_TEMPLATE
from engine.errors import ConnectorError
from engine.registry import Registry

DEFAULT_MAX_ATTEMPTS = 5


@dataclass(frozen=True, slots=True)
class ConnectorSpec:
    """A connector from an app package (``connectors[]``); shared by every call made through it."""

    id: str
    type: str
    config: Mapping[str, Any]
    stored: Mapping[str, str] = field(default_factory=dict)  # the app's stored secrets, opened for this call

    @property
    def reads_stored(self) -> bool:
        """Whether a call needs the app's stored secrets (only then are they opened)."""
        return "stored" in json.dumps(self.config)

    @property
    def max_attempts(self) -> int:
        return int(self.config.get("max_attempts", DEFAULT_MAX_ATTEMPTS))

    @property
    def timeout_seconds(self) -> float:
        return float(self.config.get("timeout_seconds", 10))


@dataclass(frozen=True, slots=True)
class ConnectorCall:
    """One call: the operation named by the flow node and the fields its mapping produced."""

    operation: str
    data: Mapping[str, Any]
    idempotency_key: str  # the same for every attempt, so the other side can drop repeats


class ConnectorType(ABC):
    """A kind of outbound call. ``call`` returns on acknowledgement and raises ``ConnectorError`` otherwise.

    Every failure is retried by the outbox until the connector's ``max_attempts`` are used up,
    so the message of the error is what an admin reads on the failed item: say what happened,
    with ``ConnectorError.says`` and a ``connector.`` code, so its ``message`` is the English line
    the outbox stores and ``message_code``/``params`` let a page show it in the reader's language.
    """

    @abstractmethod
    def call(self, spec: ConnectorSpec, request: ConnectorCall, environ: Mapping[str, str]) -> Any: ...


CONNECTOR_TYPES: Registry[ConnectorType] = Registry("connector type")


def connector_spec(
    definitions: Sequence[Mapping[str, Any]], connector_id: str, stored: Mapping[str, str] | None = None
) -> ConnectorSpec:
    for definition in definitions:
        if definition.get("id") == connector_id:
            config = dict(definition.get("config", {}))
            return ConnectorSpec(definition["id"], definition["type"], config, dict(stored or {}))
    known = ", ".join(sorted(str(d.get("id")) for d in definitions))
    if not known:
        raise ConnectorError.says("connector.unknown_none", connector=connector_id)
    raise ConnectorError.says("connector.unknown", connector=connector_id, known=known)


def resolve_template(
    value: str,
    environ: Mapping[str, str],
    connector: str,
    header: str | None = None,
    stored: Mapping[str, str] | None = None,
) -> str:
    """Fill ``{{env.NAME}}`` from the environment and ``{{stored.NAME}}`` from the app's stored secrets.

    A missing one is a clear error, never an empty URL. ``header`` names the header whose value
    this is; without it the value is the connector's url.
    """

    def fill(match: re.Match[str]) -> str:
        source, name = match.group(1), match.group(2)
        if source == "stored":
            return _stored(stored or {}, name)
        found = environ.get(name)
        if not found:
            if header is None:
                raise ConnectorError.says("connector.env_missing_url", connector=connector, name=name)
            raise ConnectorError.says("connector.env_missing_header", connector=connector, header=header, name=name)
        return found

    return ENV_TEMPLATE.sub(fill, value)


def resolve_secret(
    reference: str | None, environ: Mapping[str, str], stored: Mapping[str, str] | None = None
) -> str | None:
    """``env:NAME`` names the variable holding the secret, ``stored:NAME`` a secret an administrator
    stored for the app (encrypted): packages never carry secrets themselves."""
    if not reference:
        return None
    if reference.startswith("stored:"):
        return _stored(stored or {}, reference.removeprefix("stored:"))
    name = reference.removeprefix("env:")
    found = environ.get(name)
    if not found:
        raise ConnectorError.says("connector.secret_missing", name=name)
    return found


def _stored(stored: Mapping[str, str], name: str) -> str:
    found = stored.get(name)
    if not found:
        raise ConnectorError.says("connector.stored_missing", name=name)
    return found
