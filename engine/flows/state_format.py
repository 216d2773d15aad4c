"""Versions of an instance's persisted state, and the chain of upgrades that reads old ones (domain).

An instance can run for weeks, so the JSON a store keeps for it (its tokens and its variables)
outlives the code that wrote it. The variables carry the version as ``"format"``, since they are
the one document every store keeps whole; state written before versions existed has none and is
format 0. Loading runs ``UPGRADES`` in order up to ``FORMAT``; each step is a pure function from
one version's document to the next, checked against a golden file per version
(``tests/flows/golden/instance_state_v<N>.json``). A change to the persisted shape adds a step
and a golden file; it never edits an old step.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from typing import Any

from engine.errors import FlowError

FORMAT = 1

Document = dict[str, Any]  # {"tokens": [...], "variables": {...}} (a store may keep more beside them)


def version_of(variables: Mapping[str, Any]) -> int:
    found = variables.get("format", 0)
    return found if isinstance(found, int) else 0


def upgrade(document: Mapping[str, Any]) -> Document:
    """``document`` brought to ``FORMAT`` (a copy; the argument is left as it was)."""
    found = copy.deepcopy(dict(document))
    found.setdefault("tokens", [])
    found["variables"] = dict(found.get("variables") or {})
    version = version_of(found["variables"])
    if version > FORMAT:
        raise FlowError.says("flow.state.format_newer", found=version, known=FORMAT)
    while version < FORMAT:
        found = UPGRADES[version](found)
        version += 1
        found["variables"]["format"] = version
    return found


def _typed_tallies(document: Document) -> Document:
    """0 -> 1: an approval's tally names its signer count ``signers`` (was ``n``) and always has a queue."""
    votes = document["variables"].get("votes")
    if isinstance(votes, dict):
        document["variables"]["votes"] = {
            token: {
                "node": raw["node"],
                "signers": raw["n"],
                "approved": raw.get("approved", 0),
                "rejected": raw.get("rejected", 0),
                "next": raw.get("next", 1),
                "queue": raw.get("queue", []),
            }
            for token, raw in votes.items()
        }
    return document


#: version -> the step that reads it and writes the next version
UPGRADES: Mapping[int, Callable[[Document], Document]] = {0: _typed_tallies}
