"""A flow instance run in memory and saved/restored between steps the way storage does it.

Shared by the in-memory flow tests (patterns, node types, actions): every definition is first checked
as a real app package, so it is one an app could publish.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from functools import partial
from typing import Any

from engine.flows import actions
from engine.flows.assignment import Assigner, GroupFacts, Member
from engine.flows.environment import Environment, MemoryDirectory
from engine.flows.interpreter import Run
from engine.flows.spec import compile_flow
from engine.flows.state import OPEN, PENDING, Effect, Event, InstanceState, Task, Token, new_id
from engine.packages.validation import check_package
from engine.principal import SYSTEM, Principal

# -- an instance run in memory, saved and restored between steps like storage does -------------
APP = "patterns"
FIELDS = [
    {"id": "amount", "type": "number", "label": "Amount"},
    {"id": "note", "type": "text", "label": "Note"},
    {"id": "deadline", "type": "datetime", "label": "Deadline"},
    {"id": "rounds", "type": "number", "label": "Rounds"},
]
ROLES = ("clerk", "boss", "lead")
CLERKS = ["ann", "bob", "cat"]
DEFAULT = {"default": True}
START = {"id": "start", "type": "start"}


def person(pid: str, *roles: str, admin: bool = False) -> Principal:
    return Principal(pid, pid, {APP: frozenset(roles)}, is_admin=admin)


ANN, BOB, CAT = (person(p, "clerk") for p in CLERKS)
BOSS, LEA, OWNER, STRANGER = person("boss", "boss"), person("lea", "lead"), person("owner"), person("eve")
ADMIN = person("root", admin=True)


def task(node_id: str, role: str = "clerk", **extra: Any) -> dict[str, Any]:
    return {"id": node_id, "type": "user_task", "assignee": {"type": "role", "role": role}, **extra}


def approval(node_id: str, mode: str, users: list[str], **extra: Any) -> dict[str, Any]:
    return {"id": node_id, "type": "approval", "mode": mode, "assignee": {"type": "users", "users": users}, **extra}


def gateway(node_id: str, kind: str) -> dict[str, Any]:
    return {"id": node_id, "type": f"{kind}_gateway"}


def script(node_id: str, **assign: str) -> dict[str, Any]:
    return {"id": node_id, "type": "script_task", "assign": assign}


def end(node_id: str = "end", **extra: Any) -> dict[str, Any]:
    return {"id": node_id, "type": "end", **extra}


def package(definition: dict[str, Any]) -> dict[str, Any]:
    return {
        "format": "trellis.app/1",
        "id": APP,
        "version": "0.1.0",
        "name": "Patterns",
        "roles": [{"id": r, "name": r} for r in ROLES],
        "forms": [{"id": "ticket", "name": "Ticket", "fields": FIELDS}],
        "flows": [definition],
        "permissions": [{"role": "clerk", "form": "ticket", "actions": ["create", "read", "update"]}],
        "connectors": [{"id": "erp", "name": "ERP", "type": "finance", "config": {"url": "https://erp.example/post"}}],
    }


def definition(nodes: list[dict[str, Any]], edges: list[tuple[Any, ...]]) -> dict[str, Any]:
    """Edges as ``(source, target)``, ``(source, target, "condition")`` or ``(source, target, {...})``."""
    found = []
    for source, target, *rest in edges:
        extra = rest[0] if rest else {}
        if isinstance(extra, str):
            extra = {"condition": extra}
        found.append({"id": f"{source}_{target}", "source": source, "target": target, **extra})
    return {"id": "f", "name": "F", "form": "ticket", "nodes": nodes, "edges": found}


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # a Monday, 09:00 in Shanghai

    def __call__(self) -> datetime:
        return self.now


class Flow:
    """One instance in memory. After every step its state is saved and restored the way storage does
    (only open tasks and pending timers come back; variables and tokens go through JSON), and a step
    that raises leaves the state exactly as before, like a rolled-back transaction."""

    def __init__(
        self,
        nodes: list[dict[str, Any]],
        edges: list[tuple[Any, ...]],
        record: dict[str, Any] | None = None,
        *,
        clerks: list[str] = CLERKS,
        lanes: list[dict[str, Any]] | None = None,
    ):
        raw = definition(nodes, edges)
        if lanes:
            raw["lanes"] = lanes
        check_package(package(raw))  # every flow here is one an app could publish
        self.spec = compile_flow(raw, fields=[f["id"] for f in FIELDS])
        self.clock = Clock()
        self.record: dict[str, Any] = {"created_by": "owner", **{f["id"]: None for f in FIELDS}, **(record or {})}
        directory = MemoryDirectory(
            roles={"clerk": list(clerks), "boss": ["boss"], "lead": ["lea"]},
            groups={"team": GroupFacts("g1", "team", "lea", (Member("ann"), Member("bob")))},
        )
        self.env = Environment(Assigner(APP, directory), self.clock)
        self.state = InstanceState(new_id(), APP, 1, "f", "ticket", 1, "owner", self.clock.now)
        self.tasks: dict[str, Task] = {}  # every task the instance ever had
        self.events: list[Event] = []
        self.effects: list[Effect] = []
        self.step(SYSTEM, lambda run: run.start())

    def step(self, actor: Principal, act: Callable[[Run], Any]) -> Any:
        before, record = copy.deepcopy(self.state), dict(self.record)
        try:
            result = act(Run(self.spec, self.state, self.env, self.record, actor))
        except Exception:
            self.state, self.record = before, record
            raise
        self._save()
        return result

    def _save(self) -> None:
        s = self.state
        self.tasks.update(s.tasks)
        self.events += s.events
        self.effects += s.effects
        self.state = replace(
            s,
            variables=json.loads(json.dumps(s.variables)),
            tokens=[Token.load(t) for t in json.loads(json.dumps(s.dump_tokens()))],
            tasks={i: t for i, t in s.tasks.items() if t.status == OPEN},
            timers={i: t for i, t in s.timers.items() if t.status == PENDING},
            lock_version=s.lock_version + 1,
            events=[],
            effects=[],
            record_changes={},
            new_tasks=set(),
            changed_tasks=set(),
            new_timers=set(),
            changed_timers=set(),
        )

    # -- acting ------------------------------------------------------------------------------
    def do(self, who: Principal, action: str, where: str | Task, *args: Any, **kwargs: Any) -> Task:
        target = where if isinstance(where, Task) else self.task(where)
        act = ACTIONS[action]
        return self.step(who, lambda run: act(run, target.id, *args, **kwargs))  # type: ignore[no-any-return]

    def fire(self, spec_id: str) -> bool:
        timer = next(t for t in self.state.timers.values() if t.spec == spec_id)
        self.clock.now = max(self.clock.now, timer.due_at)
        return self.step(SYSTEM, lambda run: actions.fire_timer(run, timer.id))  # type: ignore[no-any-return]

    # -- looking -----------------------------------------------------------------------------
    @property
    def status(self) -> str:
        return self.state.status

    @property
    def waiting_at(self) -> list[str]:
        return sorted(t.node for t in self.state.tokens)

    def open(self, node: str | None = None) -> list[Task]:
        return sorted(self.state.open_tasks(node), key=lambda t: (t.node, t.position))

    def task(self, node: str) -> Task:
        found = self.open(node)
        assert len(found) == 1, f"expected one open task at {node}, found {found}"
        return found[0]

    def entered(self) -> list[str]:
        return [e.node or "" for e in self.events if e.kind == "entered"]

    def kinds(self) -> list[str]:
        return [e.kind for e in self.events]


def _note(action: str) -> Callable[..., Task]:
    return lambda run, task_id, **details: actions.note(run, task_id, action, details)


ACTIONS: dict[str, Callable[..., Any]] = {
    "claim": actions.claim,
    "complete": actions.complete,
    "approve": partial(actions.decide, approve=True),
    "reject": partial(actions.decide, approve=False),
    "return": actions.return_to,
    "transfer": actions.transfer,
    "delegate": partial(actions.transfer, delegate=True),
    "add_signer": actions.add_signer,
    "hand_back": actions.hand_back,
    "save": _note("save"),
    "check_in": _note("check_in"),
}
