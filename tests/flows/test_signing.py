"""The approval tally and its counting strategies, without an interpreter: one vote in, a verdict out."""

from __future__ import annotations

from typing import Any

import pytest

from engine.flows.nodes.signing import APPROVED, REJECTED, SIGNING_MODES, ApprovalTally, Signer
from engine.flows.spec import NodeSpec
from engine.flows.state import Candidate
from engine.registry import UnknownKeyError


def node(mode: str, **extra: Any) -> NodeSpec:
    return NodeSpec("sign", "approval", None, {"mode": mode, **extra}, "/flows/0/nodes/1")


def signers(*users: str) -> list[Signer]:
    return [(Candidate("user", u),) for u in users]


def votes(mode: str, ballots: list[bool], *, people: int = 3, **extra: Any) -> list[str | None]:
    """The verdict after each ballot."""
    spec, strategy = node(mode, **extra), SIGNING_MODES.get(mode)
    tally, _ = strategy.begin(spec, signers(*(f"u{n}" for n in range(people))))
    found = []
    for approve in ballots:
        verdict = strategy.count(spec, tally, approve)
        tally = verdict.tally
        found.append(verdict.outcome)
    return found


def test_countersign_waits_for_every_signer_by_default():
    assert votes("countersign", [True, True, True]) == [None, None, APPROVED]


def test_countersign_rejects_on_first_no():
    assert votes("countersign", [True, False]) == [None, REJECTED]


def test_countersign_with_a_pass_ratio_decides_once_the_share_is_reached_or_lost():
    assert votes("countersign", [True, True], people=4, pass_ratio=0.5) == [None, APPROVED]
    assert votes("countersign", [False, False, False], people=4, pass_ratio=0.5) == [None, None, REJECTED]


def test_or_sign_takes_the_first_decision():
    assert votes("or_sign", [False]) == [REJECTED]
    assert votes("or_sign", [True]) == [APPROVED]


def test_sequential_asks_one_signer_after_another_and_stops_at_the_first_no():
    spec, strategy = node("sequential"), SIGNING_MODES.get("sequential")
    tally, asked = strategy.begin(spec, signers("ann", "bob", "cat"))
    assert [s[0].value for s in asked] == ["ann"]
    verdict = strategy.count(spec, tally, True)
    assert (verdict.outcome, verdict.ask) == (None, (Candidate("user", "bob"),))
    assert strategy.count(spec, verdict.tally, False).outcome == REJECTED


def test_an_added_signer_is_asked_at_once_except_in_sequence_where_they_come_next():
    spec = node("countersign")
    tally, _ = SIGNING_MODES.get("countersign").begin(spec, signers("ann"))
    added = SIGNING_MODES.get("countersign").add(tally, (Candidate("user", "bob"),))
    assert (added.tally.signers, added.ask) == (2, (Candidate("user", "bob"),))
    tally, _ = SIGNING_MODES.get("sequential").begin(spec, signers("ann", "cat"))
    added = SIGNING_MODES.get("sequential").add(tally, (Candidate("user", "bob"),))
    assert (added.ask, [s[0].value for s in added.tally.queue]) == (None, ["bob", "cat"])


def test_a_tally_is_a_value_that_survives_json():
    tally = ApprovalTally("sign", 3, approved=1, next=2, queue=((Candidate("user", "cat"),),))
    assert ApprovalTally.load(tally.dump()) == tally
    with pytest.raises(AttributeError):
        tally.approved = 2  # type: ignore[misc]


def test_an_unknown_mode_suggests_the_nearest():
    with pytest.raises(UnknownKeyError) as refused:
        SIGNING_MODES.get("countersing")
    assert refused.value.message == "unknown approval mode 'countersing' (did you mean 'countersign'?)"
