"""Which environment variables an app package may read: only those an administrator allowed.

A package names variables in connector URLs and headers (``{{env.NAME}}``) and secrets
(``env:NAME``). Without a limit, a package could send ``TRELLIS_SECRET_KEY`` or the database URL
to any address it likes, and packages are edited by business staff, not only administrators. So
the host's administrator lists what packages may read (``TRELLIS_PACKAGE_ENV``: names, or
prefixes ending in ``*``; by default every ``TRELLIS_APP_*`` variable), and Trellis's own settings
(``TRELLIS_*`` outside ``TRELLIS_APP_``) are never readable, whatever the list says.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

OWN_PREFIX = "TRELLIS_"
PACKAGE_PREFIX = "TRELLIS_APP_"
DEFAULT_ALLOWED = (f"{PACKAGE_PREFIX}*",)
SETTING = "TRELLIS_PACKAGE_ENV"

_NAME = re.compile(r"^[A-Z][A-Z0-9_]*\*?$")
ENV_TEMPLATE = re.compile(r"\{\{\s*(env|stored)\.([A-Z][A-Z0-9_]*)\s*\}\}")


def is_own_setting(name: str) -> bool:
    """Trellis's own settings: never readable by a package, even if an administrator lists them."""
    return name.startswith(OWN_PREFIX) and not name.startswith(PACKAGE_PREFIX)


@dataclass(frozen=True, slots=True)
class EnvPolicy:
    """The administrator's allow-list: exact names and ``PREFIX*`` patterns."""

    allowed: tuple[str, ...] = DEFAULT_ALLOWED

    @classmethod
    def parse(cls, text: str | None) -> EnvPolicy:
        """``TRELLIS_PACKAGE_ENV``'s value; ValueError names an entry that is no variable name."""
        if text is None or not text.strip():
            return cls()
        entries = tuple(part.strip() for part in text.split(",") if part.strip())
        for entry in entries:
            if not _NAME.match(entry):
                raise ValueError(entry)
        return cls(entries)

    def allows(self, name: str) -> bool:
        if is_own_setting(name):
            return False
        return any(name == entry or (entry.endswith("*") and name.startswith(entry[:-1])) for entry in self.allowed)

    def visible(self, environ: Mapping[str, str]) -> Mapping[str, str]:
        """The part of ``environ`` packages may read: what connectors are handed at run time.

        A live view, not a copy: a variable an administrator sets later is read at the next call.
        """
        return _AllowedView(environ, self)

    @property
    def shown(self) -> str:
        return ", ".join(self.allowed)


class _AllowedView(Mapping[str, str]):
    def __init__(self, environ: Mapping[str, str], policy: EnvPolicy):
        self._environ = environ
        self._policy = policy

    def __getitem__(self, name: str) -> str:
        if not self._policy.allows(name):
            raise KeyError(name)
        return self._environ[name]

    def __iter__(self) -> Iterator[str]:
        return (name for name in list(self._environ) if self._policy.allows(name))

    def __len__(self) -> int:
        return sum(1 for _ in self)


DEFAULT_POLICY = EnvPolicy()


def environment_names(config: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """(pointer below the connector's ``config``, variable name) for every variable a connector reads."""
    url = config.get("url")
    if isinstance(url, str):
        for match in ENV_TEMPLATE.finditer(url):
            if match.group(1) == "env":
                yield "/url", match.group(2)
    headers = config.get("headers")
    if isinstance(headers, Mapping):
        for header, value in headers.items():
            if isinstance(value, str):
                for match in ENV_TEMPLATE.finditer(value):
                    if match.group(1) == "env":
                        yield f"/headers/{_escape(str(header))}", match.group(2)
    secret = config.get("secret")
    if isinstance(secret, str) and secret.startswith("env:"):
        yield "/secret", secret.removeprefix("env:")


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")
