"""The boundary-timer examples of docs/flows.md and docs/bpmn.md are true: the package validates and
runs as the text says, and the BPMN drawing imports to the timer shown and exports back."""

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from engine.flows import actions
from engine.flows.assignment import Assigner
from engine.flows.bpmn import bpmn_to_flow, flow_to_bpmn
from engine.flows.environment import Environment, MemoryDirectory
from engine.flows.interpreter import Run
from engine.flows.spec import compile_flow
from engine.flows.state import InstanceState, new_id
from engine.packages import package_problems
from engine.principal import Principal

DOCS = Path(__file__).resolve().parents[2] / "docs"
SECTION = "## Boundary timers that start their own path"


def _blocks(name: str, heading: str, language: str) -> list[str]:
    text = (DOCS / name).read_text(encoding="utf-8").split(heading, 1)[1].split("\n## ", 1)[0]
    return re.findall(rf"```{language}\n(.*?)\n```", text, re.S)


def test_the_flows_example_validates_and_runs_as_described():
    (source,) = _blocks("flows.md", SECTION, "json")
    package = json.loads(source)
    assert package_problems(package) == []
    flow = package["flows"][0]
    spec = compile_flow(flow, fields=["summary"])
    now = [datetime(2026, 3, 2, 1, 0, tzinfo=UTC)]
    directory = MemoryDirectory(roles={"agent": ["amy"], "supervisor": ["sue"]})
    env = Environment(Assigner(package["id"], directory), lambda: now[0])
    state = InstanceState(new_id(), package["id"], 1, flow["id"], flow["form"], 1, "amy", now[0])
    Run(spec, state, env, {}).start()
    (task,) = state.open_tasks("handle")
    (timer,) = state.timers.values()

    now[0] += timedelta(hours=2)
    assert actions.fire_timer(Run(spec, state, env, {}), timer.id)

    assert state.open_tasks() == [task]  # the agent's task stays open
    assert [(e.payload["node"], e.payload["to"]) for e in state.effects] == [
        ("tell_supervisor", [["role", "supervisor"]])
    ]
    assert state.running and [t.node for t in state.tokens] == ["handle"]  # the path ended at late_noted
    amy = Principal("amy", "amy", {package["id"]: frozenset({"agent"})})
    actions.complete(Run(spec, state, env, {}, amy), task.id)
    assert (state.status, state.end_status) == ("completed", "completed")


def test_the_bpmn_example_imports_to_the_timer_shown_and_exports_back():
    (xml,) = _blocks("bpmn.md", "## A timer that starts its own path", "xml")
    (timer,) = _blocks("bpmn.md", "## A timer that starts its own path", "json")

    result = bpmn_to_flow(xml.encode(), form="complaint")

    assert result.unsupported == []
    handle = next(node for node in result.flow["nodes"] if node["id"] == "handle")
    assert handle["timers"] == [json.loads(timer)]
    escalate = next(edge for edge in result.flow["edges"] if edge["id"] == "escalate")
    assert (escalate["source"], escalate["target"]) == ("handle", "lookin")
    assert bpmn_to_flow(flow_to_bpmn(result.flow)).flow == result.flow
