"""The runtime state of one flow instance, as the interpreter sees it during one action.

Storage loads it (the instance row, its tokens, its open tasks and pending timers), the
interpreter changes it in memory, and storage writes back exactly what changed - in the same
transaction as the record changes it asked for. Nothing here touches a database, which is what
lets the same interpreter run in memory for tests and benchmarks.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from engine.flows.state_format import FORMAT, upgrade, version_of
from engine.flows.status import InstanceStatus, TaskStatus, TimerStatus, TokenState

# the names storage and older code use for the states
RUNNING, COMPLETED, CANCELLED, FAILED = (
    InstanceStatus.RUNNING,
    InstanceStatus.COMPLETED,
    InstanceStatus.CANCELLED,
    InstanceStatus.FAILED,
)
OPEN, DONE, CANCELLED_TASK = TaskStatus.OPEN, TaskStatus.DONE, TaskStatus.CANCELLED
PENDING, FIRED = TimerStatus.PENDING, TimerStatus.FIRED


def new_id() -> str:
    return uuid.uuid4().hex


@dataclass(slots=True)
class Token:
    """A point of control: at a node, either moving (``active``) or parked (``waiting``)."""

    id: str
    node: str
    state: TokenState = TokenState.ACTIVE
    via: str | None = None  # the edge it arrived by (joins count edges)

    def __post_init__(self) -> None:
        self.state = TokenState(self.state)

    def dump(self) -> dict[str, Any]:
        return {"id": self.id, "node": self.node, "state": self.state.value, "via": self.via}

    @classmethod
    def load(cls, raw: dict[str, Any]) -> Token:
        return cls(raw["id"], raw["node"], TokenState(raw.get("state", "active")), raw.get("via"))


@dataclass(slots=True)
class Candidate:
    kind: str  # user | role | group | tracking
    value: str

    def dump(self) -> list[str]:
        return [self.kind, self.value]


@dataclass(slots=True)
class Task:
    id: str
    node: str
    token: str
    created_at: datetime
    candidates: list[Candidate] = field(default_factory=list)
    assignee: str | None = None
    owner: str | None = None  # who it was assigned to before a delegation
    status: TaskStatus = TaskStatus.OPEN
    claimed_at: datetime | None = None
    completed_at: datetime | None = None
    completed_by: str | None = None
    due_at: datetime | None = None
    outcome: str | None = None
    comment: str | None = None
    position: int = 0  # signer order in a sequential approval
    lock_version: int = 1
    touched: bool = False  # someone acted on it (claimed, commented, transferred): withdraw is then refused
    #: the values this person gave for the step's editable fields (a signer's opinion), as JSON
    data: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.status = TaskStatus(self.status)  # storage hands over the stored string


@dataclass(slots=True)
class Timer:
    id: str
    node: str
    spec: str  # the timer's id in the node definition
    due_at: datetime
    task: str | None = None
    token: str | None = None
    status: TimerStatus = TimerStatus.PENDING

    def __post_init__(self) -> None:
        self.status = TimerStatus(self.status)


@dataclass(slots=True)
class Event:
    kind: str
    at: datetime
    actor: str
    node: str | None = None
    task: str | None = None
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Effect:
    """A side effect for the outbox: delivered by a worker after the transaction commits."""

    topic: str  # notify | connector | subflow
    payload: dict[str, Any]


@dataclass(slots=True)
class InstanceState:
    id: str
    app_id: str
    app_version: int
    flow_id: str
    form_id: str
    record_id: int
    started_by: str
    started_at: datetime
    status: InstanceStatus = InstanceStatus.RUNNING
    end_status: str | None = None
    stage: str | None = None
    error: str | None = None
    variables: dict[str, Any] = field(default_factory=dict)
    tokens: list[Token] = field(default_factory=list)
    tasks: dict[str, Task] = field(default_factory=dict)
    timers: dict[str, Timer] = field(default_factory=dict)
    lock_version: int = 0
    ended_at: datetime | None = None
    parent: str | None = None  # the instance (and token) a subflow reports back to
    parent_token: str | None = None
    # what this action changed, for storage to write back
    events: list[Event] = field(default_factory=list)
    effects: list[Effect] = field(default_factory=list)
    record_changes: dict[str, Any] = field(default_factory=dict)
    new_tasks: set[str] = field(default_factory=set)
    changed_tasks: set[str] = field(default_factory=set)
    new_timers: set[str] = field(default_factory=set)
    changed_timers: set[str] = field(default_factory=set)
    #: typed values read from ``variables`` (an approval's tally), kept beside the JSON they were read
    #: from so a step does not parse it again; never persisted, and stale as soon as the JSON changes
    parsed: dict[str, tuple[Any, Any]] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        """Storage hands over the stored strings and JSON: states become enums, older formats are upgraded."""
        self.status = InstanceStatus(self.status)
        if not self.variables and not self.tokens:  # a new instance starts in the current format
            self.variables = {"format": FORMAT}
        elif version_of(self.variables) != FORMAT:
            document = upgrade({"tokens": self.dump_tokens(), "variables": self.variables})
            self.variables = document["variables"]
            self.tokens = [Token.load(raw) for raw in document["tokens"]]

    @property
    def running(self) -> bool:
        return self.status == RUNNING

    def open_tasks(self, node: str | None = None) -> list[Task]:
        return [t for t in self.tasks.values() if t.status == OPEN and (node is None or t.node == node)]

    def token(self, token_id: str) -> Token | None:
        return next((t for t in self.tokens if t.id == token_id), None)

    def add_task(self, task: Task) -> None:
        self.tasks[task.id] = task
        self.new_tasks.add(task.id)

    def changed(self, task: Task) -> None:
        if task.id not in self.new_tasks:
            self.changed_tasks.add(task.id)

    def add_timer(self, timer: Timer) -> None:
        self.timers[timer.id] = timer
        self.new_timers.add(timer.id)

    def drop_timer(self, timer: Timer, status: str = TimerStatus.CANCELLED) -> None:
        timer.status = timer.status.to(status)
        if timer.id not in self.new_timers:
            self.changed_timers.add(timer.id)

    def dump_tokens(self) -> list[dict[str, Any]]:
        return [t.dump() for t in self.tokens]
