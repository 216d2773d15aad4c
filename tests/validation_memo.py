"""Remember which package documents the meta-schemas already found sound, per test process.

Checking the property app against the meta-schemas takes about 0.4 s (jsonschema walking every
field), and hundreds of tests import that same app as their starting point. The structure check
is a pure function of the document and the validator, and the validator is rebuilt whenever a
registry changes (``engine.packages.schema_assembly.app_validator``): so once a document was found
sound by a validator, the same document is sound for the same validator. Only that answer is
remembered; every document with a problem, and every document not seen before, is checked anew,
and the semantic, expression, view and report checks always run.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from engine.errors import Problem
from engine.packages import structure, validation


def remembering(check: Callable[[Any], list[Problem]]) -> Callable[[Any], list[Problem]]:
    sound: set[tuple[int, str]] = set()  # (the validator's id, the document's text)
    validators: list[object] = []  # every validator seen, kept alive: its id is never another's

    def structure_problems(document: Any) -> list[Problem]:
        validator = structure.app_validator()
        try:
            key = (id(validator), json.dumps(document, ensure_ascii=False))
        except (TypeError, ValueError):  # not JSON (a test's garbage): no memory of it
            return check(document)
        if key in sound:
            return []
        found = check(document)
        if not found:
            sound.add(key)
            if not any(seen is validator for seen in validators):
                validators.append(validator)
        return found

    return structure_problems


@pytest.fixture(autouse=True, scope="session")
def remembered_sound_packages() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(validation, "structure_problems", remembering(structure.structure_problems))
        yield
