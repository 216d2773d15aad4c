"""The states of instances, tasks, timers and tokens, and the one function that moves between them (domain).

Each kind is a ``StrEnum`` whose values are exactly the strings stored in the database, so rows
and JSON written before the enums existed read back unchanged and SQL compares them as text.
Every change of state goes through ``Status.to``, which refuses a move its kind does not allow
with an ``InvalidTransitionError`` naming both states: a bug that would, say, reopen a finished
task stops there instead of being written.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Self

from engine.errors import InvalidTransitionError


class Status(StrEnum):
    """Base of the status kinds below; it has no members of its own."""

    def to(self, target: str) -> Self:
        """The state ``target`` once this one may move there; an illegal move is refused by name."""
        kind = type(self)
        found = kind._value2member_map_.get(target) or kind(target)  # the map: this runs on every step
        refusal, moves = RULES[kind]
        if found not in moves.get(self, frozenset()):
            raise InvalidTransitionError.says(refusal, current=self.value, target=found.value)
        return found  # type: ignore[return-value]


class InstanceStatus(Status):
    RUNNING = "running"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    FAILED = "failed"


class TaskStatus(Status):
    OPEN = "open"
    DONE = "completed"
    CANCELLED = "cancelled"


class TimerStatus(Status):
    PENDING = "pending"
    FIRED = "fired"
    CANCELLED = "cancelled"


class TokenState(Status):
    """A point of control is moving (``active``), parked at a node (``waiting``) or stopped by an error."""

    ACTIVE = "active"
    WAITING = "waiting"
    FAILED = "failed"


_I, _T, _M, _K = InstanceStatus, TaskStatus, TimerStatus, TokenState

#: kind -> (the catalog code of its refusal, state -> the states it may move to)
RULES: Mapping[type[Status], tuple[str, Mapping[Status, frozenset[Status]]]] = {
    InstanceStatus: (
        "flow.status.instance_move",
        {
            _I.RUNNING: frozenset({_I.COMPLETED, _I.CANCELLED, _I.FAILED}),
            _I.FAILED: frozenset({_I.CANCELLED, _I.RUNNING}),  # an administrator cancels or retries a failed instance
        },
    ),
    TaskStatus: ("flow.status.task_move", {_T.OPEN: frozenset({_T.DONE, _T.CANCELLED})}),
    TimerStatus: ("flow.status.timer_move", {_M.PENDING: frozenset({_M.FIRED, _M.CANCELLED})}),
    TokenState: (
        "flow.status.token_move",
        {
            # a token moving on re-enters ``active``; a task node re-dispatched parks it again
            _K.ACTIVE: frozenset({_K.ACTIVE, _K.WAITING, _K.FAILED}),
            _K.WAITING: frozenset({_K.ACTIVE, _K.WAITING, _K.FAILED}),
            _K.FAILED: frozenset({_K.ACTIVE}),  # an administrator retries the step it stopped at
        },
    ),
}
