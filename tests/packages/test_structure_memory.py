"""The meta-schema check remembers the last documents it found sound, and nothing else.

The builder checks the same draft on every expression typed; walking it again each time cost 0.1–0.3 s
a check. What is remembered must never hide a problem: a document with problems, a document changed
in any way, and any document judged by a validator rebuilt for a changed registry are walked again.
"""

from __future__ import annotations

import json

import pytest

from engine.errors import Problem
from engine.packages import structure
from engine.packages.schema_assembly import assembled_schemas
from engine.schemas import build_validator
from tests.conftest import PROPERTY_APP


@pytest.fixture
def walks(monkeypatch) -> list[object]:
    """Each document the real walk is asked about, in order."""
    walked: list[object] = []
    real = structure._problems

    def counting(validator, document):  # type: ignore[no-untyped-def]
        walked.append(document)
        return real(validator, document)

    monkeypatch.setattr(structure, "_SOUND", structure._SoundDocuments(structure.SOUND_REMEMBERED))
    monkeypatch.setattr(structure, "_problems", counting)
    return walked


def test_a_sound_package_is_walked_once_and_stays_sound(walks):
    package = json.loads(PROPERTY_APP.read_text(encoding="utf-8"))

    assert structure.structure_problems(package) == []
    assert structure.structure_problems(json.loads(PROPERTY_APP.read_text(encoding="utf-8"))) == []
    assert len(walks) == 1


def test_a_package_with_a_problem_is_walked_and_told_every_time(walks):
    package = json.loads(PROPERTY_APP.read_text(encoding="utf-8"))
    package["forms"][0]["fields"][0]["type"] = "txet"

    first = structure.structure_problems(package)
    again = structure.structure_problems(package)

    assert first == again and len(first) == 1 and first[0].pointer == "/forms/0/fields/0/type"
    assert len(walks) == 2


def test_a_sound_package_changed_in_one_place_is_walked_again(walks):
    package = json.loads(PROPERTY_APP.read_text(encoding="utf-8"))
    assert structure.structure_problems(package) == []

    package["forms"][0]["fields"][0]["type"] = "txet"

    assert [p.pointer for p in structure.structure_problems(package)] == ["/forms/0/fields/0/type"]
    assert len(walks) == 2


def test_a_new_validator_judges_anew(walks, monkeypatch):
    """A registry change builds a new validator: what the old one found sound is asked again."""
    package = json.loads(PROPERTY_APP.read_text(encoding="utf-8"))
    assert structure.structure_problems(package) == []

    rebuilt = build_validator(assembled_schemas())
    monkeypatch.setattr(structure, "app_validator", lambda: rebuilt)

    assert structure.structure_problems(package) == []
    assert len(walks) == 2


def test_only_the_latest_documents_are_remembered(monkeypatch):
    walked: list[object] = []

    def sound(validator, document) -> list[Problem]:  # type: ignore[no-untyped-def]
        walked.append(document)
        return []

    monkeypatch.setattr(structure, "_SOUND", structure._SoundDocuments(3))
    monkeypatch.setattr(structure, "_problems", sound)
    for number in (1, 2, 3, 1, 4):  # 1 asked again is the most recent; 2 is the oldest when 4 comes
        structure.structure_problems({"n": number})
    structure.structure_problems({"n": 1})
    structure.structure_problems({"n": 2})

    assert walked == [{"n": 1}, {"n": 2}, {"n": 3}, {"n": 4}, {"n": 2}]


def test_what_is_not_json_is_never_remembered(monkeypatch):
    walked: list[object] = []
    monkeypatch.setattr(structure, "_SOUND", structure._SoundDocuments(3))
    monkeypatch.setattr(structure, "_problems", lambda validator, document: walked.append(document) or [])
    odd = {"ids": {1, 2}}  # a set: no JSON text, so no digest

    structure.structure_problems(odd)
    structure.structure_problems(odd)

    assert len(walked) == 2
