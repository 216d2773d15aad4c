"""Role assignments narrowed to the staff who cover the record's community (``match_community``)."""

from __future__ import annotations

import pytest

from engine.flows.assignment import Assigner, AssignmentError
from engine.flows.environment import MemoryDirectory
from engine.flows.state import Candidate

DIRECTORY = MemoryDirectory(
    roles={"engineering": ["eng_a", "eng_b", "eng_ab"], "security": ["sec_a", "sec_b"]},
    areas={"eng_a": frozenset({1}), "eng_b": frozenset({2}), "eng_ab": frozenset({1, 2}), "sec_a": frozenset({1})},
)
ASSIGNER = Assigner("estate", DIRECTORY)
RECORD_IN_1 = {"community": 1}


def users(*ids: str) -> tuple[Candidate, ...]:
    return tuple(Candidate("user", u) for u in ids)


def test_a_role_task_goes_to_the_holders_covering_the_community_only():
    found = ASSIGNER.assign({"type": "role", "role": "engineering", "match_community": "community"}, RECORD_IN_1)

    assert found.candidates == users("eng_a", "eng_ab")
    assert found.assignee is None  # a pool to claim from, as for the whole role


def test_a_task_for_several_roles_pools_their_holders_in_the_community():
    assignment = {"type": "roles", "roles": ["engineering", "security"], "match_community": "community"}

    assert ASSIGNER.assign(assignment, {"community": 2}).candidates == users("eng_ab", "eng_b")


def test_a_countersign_of_roles_gives_each_role_one_task_for_its_holders_in_the_community():
    assignment = {"type": "roles", "roles": ["engineering", "security"], "match_community": "community"}

    assert ASSIGNER.signers(assignment, RECORD_IN_1).each == (users("eng_a", "eng_ab"), users("sec_a"))


def test_a_countersign_of_one_role_asks_each_holder_in_the_community():
    assignment = {"type": "role", "role": "engineering", "match_community": "community"}

    assert ASSIGNER.signers(assignment, {"community": 2}).each == (users("eng_b"), users("eng_ab"))


def test_without_match_community_the_whole_role_is_asked_as_before():
    assert ASSIGNER.assign({"type": "role", "role": "engineering"}, RECORD_IN_1).candidates == (
        Candidate("role", "engineering"),
    )


@pytest.mark.parametrize("record", [{"community": 3}, {"community": None}, {}])
def test_nobody_covering_the_community_fails_the_step_naming_role_and_field(record):
    assignment = {"type": "roles", "roles": ["engineering", "security"], "match_community": "community"}

    with pytest.raises(AssignmentError) as refused:
        ASSIGNER.signers(assignment, record)

    assert refused.value.code == "no_assignee"
    assert str(refused.value) == (
        "nobody holding the role 'engineering' covers the community in the field 'community', "
        "so the task has nobody to go to"
    )
