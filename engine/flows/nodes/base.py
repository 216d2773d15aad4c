"""``NodeType``: what a node does when a token enters it and when its work ends (domain).

One class per node type, registered by name. Node types are stateless and shared by every
instance: each hook receives the ``Run`` (the instance during one action) and the node's spec.
The defaults describe a node that does its work on entering and moves on, so a simple node type
overrides ``enter`` only; node types that hold tasks or tallies override the hooks they need.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, ClassVar

from engine.errors import InvalidTransitionError
from engine.expressions.phrases import Phrase
from engine.flows.spec import NodeSpec, TimerSpec
from engine.flows.state import Candidate, InstanceState, Task, Timer, Token
from engine.flows.timers import TIMER_ACTIONS
from engine.registry import Registry

if TYPE_CHECKING:
    from engine.flows.interpreter import Run


class NodeType(ABC):
    """Enter moves the token on (``run.leave``), parks it (``run.park``) or ends it."""

    #: the task actions a node of this type offers when its definition lists none
    default_actions: ClassVar[frozenset[str]] = frozenset()
    #: task actions this type's tasks never take -> the catalog code of the refusal
    refused_actions: ClassVar[Mapping[str, str]] = MappingProxyType({})

    #: task actions whose body may carry values for the step's editable fields
    data_actions: ClassVar[frozenset[str]] = frozenset()
    #: the data actions that finish a person's work, so the step's required fields must be filled
    finishing_actions: ClassVar[frozenset[str]] = frozenset()
    #: each person's values are kept on their task (a signer's opinion), not only written to the record
    keeps_values: ClassVar[bool] = False

    #: JSON Schema of the node type's own definition keys (``assignee``, ``mode`` ...): the package
    #: schema merges it in, so a new node type never edits ``flow.schema.json``.
    config_schema: ClassVar[Mapping[str, Any]] = {}

    @abstractmethod
    def enter(self, run: Run, node: NodeSpec, token: Token) -> None: ...

    def dispatch_again(self, run: Run, node: NodeSpec, token: Token, exclude: frozenset[str]) -> None:
        """A task was handed back: give the node's work out again, to nobody in ``exclude`` if possible."""
        self.enter(run, node, token)

    def offers(self, node: NodeSpec, action: str) -> bool:
        """Whether this node's tasks take ``action``: its definition's list, and what rides on it."""
        return action in node.actions

    def record_values(
        self, node: NodeSpec, action: str, values: Mapping[str, Any], record: Mapping[str, Any], signer: str
    ) -> dict[str, Any]:
        """What a person's ``values`` (already cleaned) write to the record when they take ``action``."""
        return dict(values)

    def refuse(self, run: Run, node: NodeSpec, action: str) -> None:
        """Refuse a task action this type never takes, before anyone's rights are looked at."""
        code = self.refused_actions.get(action)
        if code is not None:
            raise InvalidTransitionError.says(code)

    def on_task_done(self, run: Run, node: NodeSpec, task: Task, outcome: str | None, armed: Sequence[Timer]) -> None:
        """A person finished ``task`` (already closed; ``armed`` are the timers that rode on it).

        By default the node is done with the token: its outcome is recorded and the token goes on.
        """
        run.record_outcome(node, outcome)
        token = run.state.token(task.token)
        if token is not None:
            run.continue_from(token, node)

    def add_signer(self, run: Run, node: NodeSpec, task: Task, signer: tuple[Candidate, ...]) -> None:
        raise InvalidTransitionError.says("flow.approval.only_signers")

    def release(self, run: Run, node: NodeSpec, token: str) -> None:
        """The node stops waiting for ``token`` before it decided by itself (returned, timed out).

        Nothing to drop by default: only a node that keeps something per token overrides it.
        """
        return None

    def on_timer_fired(self, run: Run, node: NodeSpec, timer: TimerSpec, task: Task | None, token: Token) -> None:
        """A boundary timer (or the node's own wait) fired: do what the timer's ``action`` says."""
        TIMER_ACTIONS.get(timer.action)(run, self, node, timer, task, token)

    def migration_problems(self, old: NodeSpec, new: NodeSpec, instance: InstanceState) -> list[Phrase]:
        """Why ``instance``'s work at ``old`` (same type as ``new``) cannot move to ``new``; nothing by default."""
        return []


NODE_TYPES: Registry[NodeType] = Registry("node type")


def kind_of(node: NodeSpec) -> NodeType:
    return NODE_TYPES.get(node.type)
