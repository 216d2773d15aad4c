"""An instance's persisted state carries a format; older formats upgrade step by step to the current one."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from engine.errors import FlowError
from engine.flows.nodes.signing import ApprovalTally
from engine.flows.state import InstanceState, Token
from engine.flows.state_format import FORMAT, UPGRADES, upgrade, version_of
from tests.flows.memory import ANN, BOB, CAT, START, Flow, approval, end

GOLDEN = Path(__file__).parent / "golden"


def golden(version: int) -> dict[str, Any]:
    found: dict[str, Any] = json.loads((GOLDEN / f"instance_state_v{version}.json").read_text(encoding="utf-8"))
    return found


def instance(document: dict[str, Any]) -> InstanceState:
    """The state as storage builds it from a row: the stored JSON handed to the constructor."""
    return InstanceState(
        "i1",
        "app",
        1,
        "f",
        "ticket",
        1,
        "owner",
        datetime(2026, 3, 2, tzinfo=UTC),
        variables=document["variables"],
        tokens=[Token.load(raw) for raw in document["tokens"]],
    )


def persisted(state: InstanceState) -> dict[str, Any]:
    """What storage writes back, through JSON like a database column."""
    found: dict[str, Any] = json.loads(json.dumps({"tokens": state.dump_tokens(), "variables": state.variables}))
    return found


def test_every_format_has_a_golden_file_and_every_older_one_an_upgrade_step():
    assert sorted(UPGRADES) == list(range(FORMAT))
    assert [version_of(golden(v)["variables"]) for v in range(FORMAT + 1)] == list(range(FORMAT + 1))


def test_v0_state_upgrades_to_exactly_v1():
    assert upgrade(golden(0)) == golden(1)


def test_upgrading_leaves_the_stored_document_as_it_was():
    before = golden(0)
    upgrade(before)
    assert before == golden(0)


def test_v1_state_round_trips_through_an_instance():
    assert persisted(instance(golden(1))) == golden(1)


def test_a_v0_row_loads_upgraded_and_is_written_back_as_v1():
    assert persisted(instance(golden(0))) == golden(1)


def test_v1_tallies_read_as_typed_values():
    votes = instance(golden(0)).variables["votes"]
    chain = ApprovalTally.load(votes["t-chain"])
    assert (chain.signers, chain.approved, chain.next, [[c.value for c in s] for s in chain.queue]) == (
        3,
        1,
        2,
        [["cat"]],
    )
    assert ApprovalTally.load(chain.dump()) == chain


def test_a_state_newer_than_the_server_is_refused_by_name():
    document = golden(1)
    document["variables"]["format"] = FORMAT + 1
    with pytest.raises(FlowError) as refused:
        upgrade(document)
    assert refused.value.message == (
        f"this instance was saved in state format {FORMAT + 1}, newer than this server reads ({FORMAT}); "
        "upgrade Trellis"
    )


def test_a_countersign_saved_before_formats_existed_goes_on_after_the_upgrade():
    flow = Flow(
        [START, approval("sign", "countersign", ["ann", "bob", "cat"]), end()], [("start", "sign"), ("sign", "end")]
    )
    flow.do(ANN, "approve", flow.open("sign")[0])
    stored = json.loads(json.dumps(flow.state.variables))
    stored.pop("format")
    for token, tally in stored["votes"].items():  # written the way format 0 wrote it
        stored["votes"][token] = {"node": tally["node"], "n": tally["signers"], "approved": 1, "rejected": 0, "next": 1}
    flow.state = replace(flow.state, variables=stored)
    assert version_of(flow.state.variables) == FORMAT
    bob, cat = flow.open("sign")
    flow.do(BOB, "approve", bob)
    assert flow.status == "running"
    flow.do(CAT, "approve", cat)
    assert (flow.status, flow.state.variables["votes"]) == ("completed", {})
