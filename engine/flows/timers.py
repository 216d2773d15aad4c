"""What a fired timer does, one function per timer ``action`` (domain).

A node type's ``on_timer_fired`` looks its timer's action up here (and a node type with timers of
its own may override the hook). ``notify`` and ``escalate`` leave the token where it is;
``complete`` ends the node's wait for the token. ``route`` is interrupting by default (the token
leaves along the timer's edge and the node's tasks for it are cancelled); with ``interrupting:
false`` the task stays open and a new token starts along the edge (BPMN's non-interrupting
boundary event with its own path: the escalation a modeler draws). That token is an ordinary one:
it ends at an ``end`` like any branch, and the instance completes when no token is left.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from engine.flows.spec import NodeSpec, TimerSpec
from engine.flows.state import Task, Token, new_id
from engine.i18n import LOG_LOCALE, texts, translate
from engine.registry import Registry

if TYPE_CHECKING:
    from engine.flows.interpreter import Run
    from engine.flows.nodes.base import NodeType

TimerAction = Callable[["Run", "NodeType", NodeSpec, TimerSpec, "Task | None", Token], None]

TIMER_ACTIONS: Registry[TimerAction] = Registry("timer action")


def _continue(run: Run, kind: NodeType, node: NodeSpec, timer: TimerSpec, task: Task | None, token: Token) -> None:
    """A timer node's own wait is over."""
    run.continue_from(token, node)


def _notify(run: Run, kind: NodeType, node: NodeSpec, timer: TimerSpec, task: Task | None, token: Token) -> None:
    to = (
        run.env.assign(node, timer.to, run.context(), frozenset()).candidates
        if timer.to
        else tuple(task.candidates if task else ())
    )
    run.effect(
        "notify",
        to=[c.dump() for c in to],
        message=timer.message or texts("flow.notify.task_due"),
        channels=["inbox"],
        app=run.state.app_id,
        record=run.state.record_id,
        node=node.id,
        task=task.id if task else None,
    )


def _escalate(run: Run, kind: NodeType, node: NodeSpec, timer: TimerSpec, task: Task | None, token: Token) -> None:
    if task is None:
        return
    found = run.env.assign(node, timer.to or {}, run.context(), frozenset())
    previous = task.assignee
    task.owner = task.owner or previous
    task.candidates = list(found.candidates)
    task.assignee = found.assignee
    task.claimed_at = None
    run.state.changed(task)
    run.event("escalated", node.id, task.id, to=[c.dump() for c in found.candidates], previous=previous)
    run.effect(
        "notify",
        to=[c.dump() for c in found.candidates],
        message=timer.message or texts("flow.notify.task_escalated"),
        channels=["inbox"],
        app=run.state.app_id,
        record=run.state.record_id,
        node=node.id,
        task=task.id,
    )


def _complete(run: Run, kind: NodeType, node: NodeSpec, timer: TimerSpec, task: Task | None, token: Token) -> None:
    """The task completes without an outcome; the node's other tasks for the token are no longer needed."""
    if task is None:
        return
    run.close_task(task, None, None)
    for other in run.state.open_tasks(node.id):
        if other.token == token.id:  # the other signers of an approval: the node is done without them
            run.cancel_task(other, reason="timed out")
    kind.release(run, node, token.id)
    run.record_outcome(node, None)
    run.event("auto_completed", node.id, task.id)
    run.continue_from(token, node)


def _route(run: Run, kind: NodeType, node: NodeSpec, timer: TimerSpec, task: Task | None, token: Token) -> None:
    """Along the timer's own edge: the token itself, its open tasks cancelled (interrupting), or a new
    token while the task stays open (non-interrupting)."""
    if task is None:
        return
    edge = run.spec.edges.get(timer.edge or "")
    if timer.interrupting:
        for other in run.state.open_tasks(node.id):
            if other.token == token.id:
                run.cancel_task(other, reason="timed out")
        kind.release(run, node, token.id)
    if edge is None:
        run.fail(token, translate("flow.timer.no_edge", LOG_LOCALE, timer=timer.id, edge=timer.edge))
        return
    if timer.interrupting:
        run.leave(token, [edge])
    else:
        path = Token(new_id(), node.id)
        run.state.tokens.append(path)
        run.event("path_started", node.id, task.id, timer=timer.id, edge=edge.id, token=path.id)
        run.leave(path, [edge])
    run.advance()


TIMER_ACTIONS.register("continue", _continue)
TIMER_ACTIONS.register("notify", _notify)
TIMER_ACTIONS.register("escalate", _escalate)
TIMER_ACTIONS.register("complete", _complete)
TIMER_ACTIONS.register("route", _route)

#: the actions that reach people named by the timer's ``to`` (else the task's own candidates)
RECIPIENT_ACTIONS = frozenset({"notify", "escalate"})
#: the actions that take the timer's own line (``edge``), interrupting the task or not
PATH_ACTIONS = frozenset({"route"})
