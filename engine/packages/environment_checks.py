"""Refuse, at validate, a package that reads an environment variable the administrator did not allow.

The same policy filters what connectors see when they run (the outbox hands them the rest), so a
package that validates never finds a variable missing for this reason, and a package that was
imported before the list shrank fails its calls with a clear message instead of reading it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.connectors.environment import EnvPolicy, environment_names, is_own_setting
from engine.errors import Problem
from engine.packages.messages import problem


def environment_problems(document: Mapping[str, Any], policy: EnvPolicy) -> list[Problem]:
    found: list[Problem] = []
    for index, connector in enumerate(document.get("connectors", [])):
        config = connector.get("config") if isinstance(connector, Mapping) else None
        if not isinstance(config, Mapping):
            continue
        for where, name in environment_names(config):
            if policy.allows(name):
                continue
            pointer = f"/connectors/{index}/config{where}"
            if is_own_setting(name):
                found.append(problem(pointer, "package.env_own_setting", name=name))
            else:
                found.append(problem(pointer, "package.env_not_allowed", name=name, allowed=policy.shown))
    return found
