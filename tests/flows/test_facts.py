"""A flow's ``facts``: the columns its fact rows have, and every bad declaration refused at its pointer."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from engine.flows.facts import INSTANCE_COLUMNS, TASK_COLUMNS, Milestone, Span, flow_facts
from engine.packages import package_problems
from engine.packages.messages import localize

PACKAGE = json.loads((Path(__file__).parents[2] / "apps" / "property_repair.json").read_text("utf-8"))


def _repair(package: dict) -> dict:
    return next(f for f in package["flows"] if f["id"] == "repair")


def test_the_property_flow_names_its_milestones_and_the_engine_adds_start_and_end():
    facts = flow_facts(_repair(PACKAGE))
    assert facts.milestones == (
        Milestone("started", "started"),
        Milestone("ended", "ended"),
        Milestone("reviewed", "completed", "accept"),
        Milestone("dispatched", "entered", "repair"),
        Milestone("accepted", "claimed", "repair"),
        Milestone("arrived", "checked_in", "repair"),
        Milestone("completed", "completed", "repair", last=True),
        Milestone("closed", "entered", "closed"),
    )
    assert facts.spans == (
        Span("response", "started", "accepted"),
        Span("arrival", "started", "arrived"),
        Span("handling", "accepted", "completed"),
        Span("resolution", "started", "completed"),
    )
    assert (facts.rework_edges, facts.deadline_timers) == (
        ("e_unhappy",),
        ("accept_overdue", "accept_sla", "accept_sla_urgent", "resolve_sla"),
    )


def test_the_instance_row_has_fixed_columns_then_one_per_milestone_and_two_per_duration():
    facts = flow_facts(_repair(PACKAGE))
    assert facts.instance_columns == (
        *INSTANCE_COLUMNS,
        "reviewed_at",
        "dispatched_at",
        "accepted_at",
        "arrived_at",
        "completed_at",
        "closed_at",
        "response_seconds",
        "response_business_seconds",
        "arrival_seconds",
        "arrival_business_seconds",
        "handling_seconds",
        "handling_business_seconds",
        "resolution_seconds",
        "resolution_business_seconds",
    )
    assert facts.task_columns == TASK_COLUMNS


def test_a_flow_without_facts_still_has_its_built_in_rows():
    flow = {key: value for key, value in _repair(PACKAGE).items() if key != "facts"}
    facts = flow_facts(flow)
    assert [m.id for m in facts.milestones] == ["started", "ended"]
    assert facts.spans == ()
    assert facts.instance_columns == INSTANCE_COLUMNS
    # the flow itself stays valid; only the reports that read the removed facts are refused, at their fields
    problems = package_problems({**PACKAGE, "flows": [flow, *PACKAGE["flows"][1:]]})
    assert {p.code for p in problems} == {"report.unknown_fact"}
    assert all(p.pointer.startswith("/reports/") for p in problems)


def _with(change) -> list[tuple[str, str]]:
    package = copy.deepcopy(PACKAGE)
    change(_repair(package)["facts"])
    return [(p.pointer, p.code) for p in package_problems(package)]


def test_a_milestone_at_an_unknown_node_is_refused_with_a_suggestion():
    def change(facts: dict) -> None:
        facts["milestones"]["accepted"]["node"] = "repiar"

    assert _with(change) == [("/flows/0/facts/milestones/accepted/node", "flow.facts.unknown_node")]
    package = copy.deepcopy(PACKAGE)
    change(_repair(package)["facts"])
    found = package_problems(package)[0]
    assert found.message == "the flow has no node 'repiar' (did you mean 'repair'?)"
    assert localize(found, "zh-CN").message == "流程中没有节点“repiar” (did you mean 'repair'?)"


@pytest.mark.parametrize(
    ("node", "event"),
    [
        ("valid_gate", "claimed"),  # a gateway gives out no task
        ("reopen", "completed"),  # nor does a script step
        ("accept", "checked_in"),  # a task without the check-in action
        ("start", "claimed"),
    ],
)
def test_an_event_the_node_can_never_have_is_refused_at_the_event(node, event):
    def change(facts: dict) -> None:
        facts["milestones"]["arrived"] = {"node": node, "event": event}

    assert _with(change) == [("/flows/0/facts/milestones/arrived/event", "flow.facts.impossible_event")]


def test_every_node_may_be_entered():
    def change(facts: dict) -> None:
        facts["milestones"]["gate"] = {"node": "valid_gate", "event": "entered"}

    assert _with(change) == []


def test_a_built_in_name_a_bad_duration_and_an_unknown_timer_are_each_refused_at_their_pointer():
    def change(facts: dict) -> None:
        facts["milestones"]["started"] = {"node": "accept", "event": "entered"}
        facts["durations"]["response"] = {"from": "acepted", "to": "nowhere"}
        facts["durations"]["nothing"] = {"from": "closed", "to": "closed"}
        facts["deadline_timers"].append("resolve_slaa")

    assert _with(change) == [
        ("/flows/0/facts/deadline_timers/4", "flow.facts.unknown_timer"),
        ("/flows/0/facts/durations/nothing", "flow.facts.empty_span"),
        ("/flows/0/facts/durations/response/from", "flow.facts.unknown_milestone"),
        ("/flows/0/facts/durations/response/to", "flow.facts.unknown_milestone"),
        ("/flows/0/facts/milestones/started", "flow.facts.built_in"),
    ]


@pytest.mark.parametrize(
    ("garbage", "pointer"),
    [
        ({"milestones": {"x": {"node": "accept", "event": "left"}}}, "/flows/0/facts/milestones/x/event"),
        ({"milestones": {"x": {"node": "accept"}}}, "/flows/0/facts/milestones/x"),
        ({"milestones": {"Bad Name": {"node": "accept", "event": "entered"}}}, "/flows/0/facts/milestones"),
        ({"milestones": {"x": {"node": "accept", "event": "entered", "occurrence": 2}}}, None),
        ({"milestones": []}, "/flows/0/facts/milestones"),
        ({"durations": {"x": {"from": "started"}}}, "/flows/0/facts/durations/x"),
        ({"deadline_timers": "accept_sla"}, "/flows/0/facts/deadline_timers"),
        ({"sla": 1}, "/flows/0/facts/sla"),
        ("facts", "/flows/0/facts"),
    ],
)
def test_garbage_in_facts_is_refused_by_the_schema_with_its_pointer(garbage, pointer):
    package = copy.deepcopy(PACKAGE)
    _repair(package)["facts"] = garbage
    found = package_problems(package)
    assert found
    expected = pointer or "/flows/0/facts/milestones/x/occurrence"
    assert all(p.code.startswith("schema") for p in found)
    assert expected in [p.pointer for p in found]
