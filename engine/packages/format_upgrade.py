"""The package format's version and the chain of registered steps that upgrades older packages.

A package names its format (``"format": "trellis.app/1"``). When the format changes, a step
``trellis.app/N -> trellis.app/N+1`` is registered here and every older package still imports:
the steps run one after another, before the structure checks, and the stored document is the
upgraded one. A package of the current format is returned as it is (the same object), so what is
stored and exported stays byte for byte what its author wrote. A format this Trellis cannot reach
(newer than it knows, older with no step, or no format name at all) is left as it is, and the
structure checks refuse it at ``/format`` ("must be 'trellis.app/1'"), as they always have.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from engine.registry import Registry

CURRENT_FORMAT = "trellis.app/1"
_FORMAT_NAME = re.compile(r"^trellis\.app/([1-9][0-9]{0,5}|0)$")

Upgrade = Callable[[dict[str, Any]], dict[str, Any]]


@dataclass(frozen=True, slots=True)
class FormatStep:
    """One step of the chain: a document of format ``source`` becomes one of format ``target``.

    ``upgrade`` receives a private deep copy and may change it in place; the chain writes the new
    ``format`` itself, so a step only moves the data.
    """

    source: str
    target: str
    upgrade: Upgrade
    summary: str


def format_number(value: Any) -> int | None:
    """``N`` for a ``trellis.app/N`` format name, None for anything else."""
    if not isinstance(value, str):
        return None
    found = _FORMAT_NAME.match(value)
    return int(found.group(1)) if found else None


class FormatChain:
    """Registered upgrade steps, keyed by the format they read; a format has at most one step."""

    def __init__(self, current: str = CURRENT_FORMAT):
        if format_number(current) is None:
            raise ValueError(f"{current!r} is not a format name like 'trellis.app/1'")
        self.current = current
        self._steps: Registry[FormatStep] = Registry("package format upgrade from")

    def step(self, source: str, target: str, summary: str) -> Callable[[Upgrade], Upgrade]:
        """Register the decorated function as the step from ``source`` to ``target``."""

        def register(upgrade: Upgrade) -> Upgrade:
            self.add(FormatStep(source, target, upgrade, summary))
            return upgrade

        return register

    def add(self, step: FormatStep) -> FormatStep:
        before, after, newest = format_number(step.source), format_number(step.target), format_number(self.current)
        if before is None or after is None or newest is None or not before < after <= newest:
            # refuse at start-up: a step going sideways or backwards would loop, one past current would overshoot
            raise ValueError(f"a format step goes forward up to {self.current}: {step.source} -> {step.target}")
        return self._steps.register(step.source, step)

    def steps(self) -> list[FormatStep]:
        return sorted((self._steps.get(key) for key in self._steps), key=lambda s: format_number(s.source) or 0)

    def upgrade(self, document: Mapping[str, Any]) -> tuple[Mapping[str, Any], list[FormatStep]]:
        """The document in the current format and the steps that took it there.

        With nothing to do, or no way to the current format, the same object and no steps.
        """
        found = document.get("format")
        if not isinstance(found, str) or found == self.current or found not in self._steps:
            return document, []
        upgraded: dict[str, Any] = copy.deepcopy(dict(document))
        applied: list[FormatStep] = []
        while upgraded.get("format") != self.current:
            here = upgraded.get("format")
            if here not in self._steps:
                return document, []  # a gap in the chain: the structure checks name the format
            step = self._steps.get(str(here))
            upgraded = step.upgrade(upgraded)
            upgraded["format"] = step.target
            applied.append(step)
        return upgraded, applied


#: the chain every import and validation runs; a format change registers its step here
FORMATS = FormatChain()


def upgrade_package(document: Mapping[str, Any]) -> tuple[Mapping[str, Any], list[FormatStep]]:
    """``document`` in the current package format, and the steps applied (see ``FormatChain.upgrade``)."""
    return FORMATS.upgrade(document)
