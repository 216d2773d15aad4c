"""How fast the flow engine runs one approval flow, next to SpiffWorkflow running the same flow in the same run.

Run: python benchmarks/bench_flows.py [--memory 2000] [--persisted 300] [--postgres URL] [--profile]
The flow: start → exclusive gateway (amount > 1000) → 3-person countersign → end. One instance
is four actions: start, then three approvals (each moves the engine until it waits again).
Part 1 runs it in memory: Trellis's interpreter on an ``InstanceState`` (no database) and
SpiffWorkflow on a BPMN XML of the same flow (a parallel multi-instance user task, cardinality 3).
Part 2 runs it through ``FlowService`` on SQLite and PostgreSQL: creating the record starts the
flow, then three signers approve through ``FlowService.act`` - each action one transaction,
exactly what the HTTP API does minus Flask. The PostgreSQL URL (--postgres, else
TRELLIS_BENCH_DATABASE_URL, else postgresql://postgres@127.0.0.1:5432/postgres) is only used to
create and drop a database named trellis_bench_flows_<pid>. SpiffWorkflow is a benchmark-only
dependency: ``pip install SpiffWorkflow``.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from postgres_scratch import throwaway_database  # benchmarks/ is on the path when a script runs

from engine.flows import actions
from engine.flows.assignment import Assigner
from engine.flows.environment import Environment, MemoryDirectory
from engine.flows.interpreter import Run
from engine.flows.spec import compile_flow
from engine.flows.state import InstanceState, new_id
from engine.principal import SYSTEM, Principal
from engine.services.apps import AppService
from engine.services.directory import DirectoryService
from engine.services.flows import FlowService
from engine.services.records import RecordService
from engine.storage import Database
from engine.storage.catalog import AppCatalog
from engine.storage.migrate import upgrade

APP = "bench_flows"
SIGNERS = ("ann", "bob", "cat")
FLOW = {
    "id": "approve",
    "name": "Approve",
    "form": "claim",
    "nodes": [
        {"id": "start", "type": "start"},
        {"id": "gate", "type": "exclusive_gateway"},
        {
            "id": "sign",
            "type": "approval",
            "mode": "countersign",
            "assignee": {"type": "users", "users": list(SIGNERS)},
        },
        {"id": "small", "type": "end", "status": "small"},
        {"id": "end", "type": "end"},
    ],
    "edges": [
        {"id": "e_start", "source": "start", "target": "gate"},
        {"id": "e_large", "source": "gate", "target": "sign", "condition": "amount > 1000"},
        {"id": "e_small", "source": "gate", "target": "small", "default": True},
        {"id": "e_signed", "source": "sign", "target": "end"},
    ],
}
PACKAGE = {
    "format": "trellis.app/1",
    "id": APP,
    "version": "1.0.0",
    "name": "Flow benchmark",
    "roles": [{"id": "signer", "name": "Signer"}],
    "forms": [{"id": "claim", "name": "Claim", "fields": [{"id": "amount", "type": "number", "label": "Amount"}]}],
    "flows": [FLOW],
    "permissions": [{"role": "signer", "form": "claim", "actions": ["create", "read", "update"]}],
}

SPIFF_BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="defs" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="approve" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>e_start</bpmn:outgoing></bpmn:startEvent>
    <bpmn:exclusiveGateway id="gate" default="e_small">
      <bpmn:incoming>e_start</bpmn:incoming><bpmn:outgoing>e_large</bpmn:outgoing><bpmn:outgoing>e_small</bpmn:outgoing>
    </bpmn:exclusiveGateway>
    <bpmn:userTask id="sign" name="Countersign">
      <bpmn:incoming>e_large</bpmn:incoming><bpmn:outgoing>e_signed</bpmn:outgoing>
      <bpmn:multiInstanceLoopCharacteristics isSequential="false">
        <bpmn:loopCardinality>3</bpmn:loopCardinality>
      </bpmn:multiInstanceLoopCharacteristics>
    </bpmn:userTask>
    <bpmn:endEvent id="small"><bpmn:incoming>e_small</bpmn:incoming></bpmn:endEvent>
    <bpmn:endEvent id="end"><bpmn:incoming>e_signed</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="e_start" sourceRef="start" targetRef="gate"/>
    <bpmn:sequenceFlow id="e_large" sourceRef="gate" targetRef="sign">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">amount &gt; 1000</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="e_small" sourceRef="gate" targetRef="small"/>
    <bpmn:sequenceFlow id="e_signed" sourceRef="sign" targetRef="end"/>
  </bpmn:process>
</bpmn:definitions>
"""
STEPS = 4  # start + three approvals, in both engines


def rate(count: int, seconds: float) -> str:
    return f"{count / seconds:10,.0f}/s"


# -- part 1: in memory ------------------------------------------------------------------------------
def trellis_memory(instances: int) -> float:
    spec = compile_flow(FLOW, fields=["amount"])
    env = Environment(Assigner(APP, MemoryDirectory()))
    people = {login: Principal(login, login) for login in SIGNERS}
    now = datetime.now(UTC)
    began = time.perf_counter()
    for _ in range(instances):
        state = InstanceState(new_id(), APP, 1, spec.id, "claim", 1, "ann", now)
        record = {"amount": 5000, "created_by": "ann"}
        Run(spec, state, env, record, SYSTEM).start()
        for task in list(state.tasks.values()):
            actions.decide(Run(spec, state, env, record, people[task.assignee or ""]), task.id, approve=True)
        assert state.status == "completed", state.error
    return time.perf_counter() - began


def spiff_memory(instances: int) -> float | None:
    try:
        from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnParser  # type: ignore[import-not-found]
        from SpiffWorkflow.bpmn.workflow import BpmnWorkflow  # type: ignore[import-not-found]
        from SpiffWorkflow.util.task import TaskState  # type: ignore[import-not-found]
    except ImportError:
        return None
    parser = BpmnParser()
    parser.add_bpmn_str(SPIFF_BPMN.encode())
    spec = parser.get_spec("approve")
    began = time.perf_counter()
    for _ in range(instances):
        workflow = BpmnWorkflow(spec)
        workflow.get_tasks(spec_name="start")[0].data["amount"] = 5000
        workflow.do_engine_steps()
        for task in workflow.get_tasks(state=TaskState.READY, manual=True):
            task.data["approved"] = True
            task.run()
            workflow.do_engine_steps()
        assert workflow.is_completed()
    return time.perf_counter() - began


# -- part 2: persisted ------------------------------------------------------------------------------
class Persisted:
    def __init__(self, url: str):
        self.database = Database(url)
        upgrade(self.database)
        AppService(self.database).import_package(PACKAGE, actor="bench")
        self.records = RecordService(self.database, AppCatalog())
        self.flows = FlowService(self.database, self.records)
        self.records.on_create.append(self.flows.record_created)
        directory = DirectoryService(self.database)
        for login in SIGNERS:
            directory.create_user(login, "a-long-password", roles=[(APP, "signer")], user_id=login)
        self.people = {login: directory.principal_for(login) for login in SIGNERS}

    def one(self) -> None:
        record, _ = self.records.create(self.people["ann"], APP, "claim", {"amount": 5000})
        instance_id = self.flows.instances_of(APP, "claim", record["id"])[-1]
        tasks = self.flows.instance(self.people["ann"], instance_id)["tasks"]
        for task in tasks:
            result = self.flows.act(self.people[task["assignee"]], task["id"], "approve", {})
        assert result["instance"]["status"] == "completed"

    def run(self, instances: int) -> float:
        self.one()  # warm the catalog and spec caches
        began = time.perf_counter()
        for _ in range(instances):
            self.one()
        return time.perf_counter() - began


def profiled(label: str, work: Callable[[], Any]) -> None:
    profile = cProfile.Profile()
    profile.enable()
    work()
    profile.disable()
    print(f"\n--- profile: {label} (cumulative, top 30) ---")
    pstats.Stats(profile, stream=sys.stdout).sort_stats("cumulative").print_stats(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--memory", type=int, default=2000, help="instances run in memory per engine")
    parser.add_argument("--persisted", type=int, default=300, help="instances run through FlowService per database")
    parser.add_argument(
        "--postgres",
        default=os.environ.get("TRELLIS_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
    )
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the persisted PostgreSQL run")
    args = parser.parse_args()

    print(f"flow: start → exclusive gateway → 3-person countersign → end; {STEPS} actions per instance\n")
    print("in memory                     instances        steps")
    seconds = trellis_memory(args.memory)
    print(f"  Trellis interpreter     {rate(args.memory, seconds)} {rate(args.memory * STEPS, seconds)}")
    spiff = spiff_memory(args.memory)
    if spiff is None:
        print("  SpiffWorkflow           not installed: pip install SpiffWorkflow (a benchmark-only dependency)")
    else:
        print(f"  SpiffWorkflow           {rate(args.memory, spiff)} {rate(args.memory * STEPS, spiff)}")

    print("\npersisted through FlowService (start → 3 approvals → end, one transaction per action)")
    with tempfile.TemporaryDirectory() as folder:
        sqlite = Persisted(f"sqlite:///{Path(folder) / 'bench.db'}")
        seconds = sqlite.run(args.persisted)
        print(f"  SQLite                  {rate(args.persisted, seconds)} {rate(args.persisted * STEPS, seconds)}")
        sqlite.database.dispose()
    with throwaway_database(args.postgres, "flows") as url:
        postgres = Persisted(url)
        try:
            seconds = postgres.run(args.persisted)
            print(
                f"  PostgreSQL              {rate(args.persisted, seconds)} {rate(args.persisted * STEPS, seconds)}"
                "   (goal: 250 instances/s)"
            )
            if args.profile:
                profiled("PostgreSQL, 100 instances", lambda: postgres.run(100))
        finally:
            postgres.database.dispose()


if __name__ == "__main__":
    main()
