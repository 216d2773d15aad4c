"""Task and instance actions: who may do what, and what it does to the instance (domain).

Each function works on a ``Run`` (one action, one transaction). What a node does with a finished
task, a fired timer or an added signer is its node type's hook (``engine.flows.nodes``); here are
only the checks every node shares. Refusals say why in words a technician understands (catalog
codes ``flow.*``): 403 when the person may not, 409 when the task moved on meanwhile (someone
else took it first), 422 when the request itself is wrong.
"""

from __future__ import annotations

from typing import Any

from engine.errors import ConflictError, InvalidTransitionError, PermissionDeniedError, SubmissionError
from engine.flows.assignment import holder_writes
from engine.flows.interpreter import Run
from engine.flows.nodes import kind_of
from engine.flows.nodes.signing import APPROVED, REJECTED
from engine.flows.state import Candidate, Task
from engine.flows.status import InstanceStatus, TaskStatus, TimerStatus, TokenState
from engine.i18n import LOG_LOCALE, texts, translate
from engine.principal import Principal

TASK_ACTIONS = (
    "claim",
    "complete",
    "approve",
    "reject",
    "return",
    "transfer",
    "delegate",
    "add_signer",
    "hand_back",
    "check_in",
    "save",
)


def tracking_subject(app_id: str, form_id: str, record_id: int) -> str:
    """The principal id a ticket's tracking link acts as: exactly that ticket, nothing else."""
    return f"tracking:{app_id}:{form_id}:{record_id}"


def is_candidate(task: Task, principal: Principal, app_id: str) -> bool:
    roles = principal.roles_in(app_id)
    for candidate in task.candidates:
        if candidate.kind == "user" and candidate.value == principal.id:
            return True
        if candidate.kind == "role" and candidate.value in roles:
            return True
        if candidate.kind == "group" and candidate.value in principal.groups:
            return True
        if candidate.kind == "tracking" and candidate.value == principal.id:
            return True
    return False


def may_work_on(task: Task, principal: Principal, app_id: str) -> bool:
    """The assignee (or the one who delegated it); when nobody holds it yet, any candidate."""
    if task.assignee is not None:
        return principal.id in (task.assignee, task.owner)
    return is_candidate(task, principal, app_id)


def open_task(run: Run, task_id: str) -> Task:
    task = run.state.tasks.get(task_id)
    if task is None or not run.state.running:
        raise ConflictError.says("flow.task.gone")
    if task.status != TaskStatus.OPEN:
        raise ConflictError.says("flow.task.already", status=task.status, by=task.completed_by or "")
    return task


def _taken(task: Task) -> ConflictError:
    error = ConflictError.says("flow.task.taken")
    error.details = {"assignee": task.assignee}
    return error


def _refused(field: str, code: str, field_code: str | None = None, **params: Any) -> SubmissionError:
    """A 422 whose field error is the same sentence (or ``field_code``'s)."""
    error = SubmissionError.says(code, **params)
    error.field_errors = {field: [translate(field_code or code, LOG_LOCALE, **params)]}
    return error


def _allowed(run: Run, task: Task, action: str) -> None:
    node = run.spec.node(task.node)
    if not kind_of(node).offers(node, action):
        raise InvalidTransitionError.says("flow.task.not_offered", node=node.label(run.actor.locale), action=action)
    if not may_work_on(task, run.actor, run.state.app_id):
        if task.assignee is not None and is_candidate(task, run.actor, run.state.app_id):
            raise _taken(task)
        raise PermissionDeniedError.says("flow.task.not_yours")


def ensure_allowed(run: Run, task_id: str, action: str) -> None:
    """Refuse early, before any data the request carries is looked at."""
    task = open_task(run, task_id)
    if action in ("transfer", "delegate") and run.actor.is_admin:
        return
    _allowed(run, task, action)


def claim(run: Run, task_id: str) -> Task:
    """Take (or, when already assigned to you, accept / 接单) a task. The second of two claims gets a 409."""
    task = open_task(run, task_id)
    _allowed(run, task, "claim")
    if task.claimed_at is not None:
        if task.assignee == run.actor.id:
            return task
        raise _taken(task)
    task.assignee = task.assignee or run.actor.id
    task.claimed_at = run.now
    task.touched = True
    run.state.changed(task)
    acceptance = {t.id for t in run.spec.node(task.node).timers if t.until_claimed}
    for timer in run.state.timers.values():
        if timer.task == task.id and timer.spec in acceptance and timer.status == TimerStatus.PENDING:
            run.state.drop_timer(timer)
    run.event("claimed", task.node, task.id)
    return task


def complete(run: Run, task_id: str, *, outcome: str | None = None, comment: str | None = None) -> Task:
    task = open_task(run, task_id)
    node = run.spec.node(task.node)
    kind = kind_of(node)
    kind.refuse(run, node, "complete")
    _allowed(run, task, "complete")
    if node.outcomes:
        if outcome not in node.outcomes:
            raise _refused("outcome", "flow.task.choose_outcome", choices=", ".join(node.outcomes))
    elif outcome is not None:
        raise _refused("outcome", "flow.task.no_outcomes", "flow.task.no_outcomes_here")
    armed = run.close_task(task, outcome, comment)
    kind.on_task_done(run, node, task, outcome, armed)
    return task


def decide(run: Run, task_id: str, *, approve: bool, comment: str | None = None) -> Task:
    task = open_task(run, task_id)
    node = run.spec.node(task.node)
    kind = kind_of(node)
    action = "approve" if approve else "reject"
    kind.refuse(run, node, action)
    _allowed(run, task, action)
    outcome = APPROVED if approve else REJECTED
    armed = run.close_task(task, outcome, comment)
    kind.on_task_done(run, node, task, outcome, armed)
    return task


def return_to(run: Run, task_id: str, target: str, *, comment: str | None = None) -> Task:
    """Send the ticket back to an earlier step (one it has been through); this step's work is cancelled."""
    task = open_task(run, task_id)
    _allowed(run, task, "return")
    visited = run.state.variables.get("visited", [])
    if target not in visited or target == task.node or not run.spec.nodes.get(target, None):
        error = SubmissionError.says("flow.task.return_earlier")
        earlier = ", ".join(n for n in visited if n != task.node) or "(none)"
        error.field_errors = {"to": [translate("flow.task.choose_outcome", LOG_LOCALE, choices=earlier)]}
        raise error
    node = run.spec.node(task.node)
    token = run.state.token(task.token)
    for other in run.state.open_tasks(task.node):
        if other.token == task.token:
            run.cancel_task(other, reason="returned")
    kind_of(node).release(run, node, task.token)
    run.event("returned", task.node, task.id, to=target, comment=comment)
    if token is not None:
        token.node, token.via, token.state = target, None, token.state.to(TokenState.ACTIVE)
        run.advance()
    return task


def hand_back(run: Run, task_id: str, *, comment: str | None = None) -> Task:
    """A worker hands the task back: it is dispatched again, to someone else if anyone else can take it."""
    task = open_task(run, task_id)
    _allowed(run, task, "hand_back")
    node = run.spec.node(task.node)
    run.cancel_task(task, reason="handed back")
    run.event("handed_back", node.id, task.id, comment=comment)
    token = run.state.token(task.token)
    if token is not None:
        kind_of(node).dispatch_again(run, node, token, frozenset({run.actor.id}))
        again = [t for t in run.state.open_tasks(node.id) if t.token == token.id and t.id != task.id]
        if any(t.assignee == run.actor.id for t in again):  # nobody else qualifies: it would only come back
            raise InvalidTransitionError.says("flow.task.hand_back_nobody_else", node=node.label(run.actor.locale))
        run.notify_new_tasks(node.id, token.id, "flow.notify.task_passed")
    return task


def transfer(run: Run, task_id: str, to_user: str, *, comment: str | None = None, delegate: bool = False) -> Task:
    """Hand a task to someone else; a delegation keeps the original holder able to act on it."""
    task = open_task(run, task_id)
    if not run.actor.is_admin:
        _allowed(run, task, "delegate" if delegate else "transfer")
    if to_user == task.assignee:
        raise _refused("to", "flow.task.already_theirs")
    previous = task.assignee
    if delegate:
        task.owner = task.owner or previous or run.actor.id
    task.assignee = to_user
    task.candidates = [*task.candidates, Candidate("user", to_user)]
    task.claimed_at = None
    task.touched = True
    run.state.changed(task)
    if not delegate:  # the record's worker field (a dispatch's write.worker) names who now does the work
        for name, value in holder_writes(run.spec.node(task.node).definition.get("assignee", {}), to_user).items():
            run.set_field(name, value)
    run.event(
        "delegated" if delegate else "transferred", task.node, task.id, to=to_user, previous=previous, comment=comment
    )
    run.effect(
        "notify",
        to=[["user", to_user]],
        message=texts("flow.notify.task_passed"),
        channels=["inbox"],
        app=run.state.app_id,
        record=run.state.record_id,
        node=task.node,
        task=task.id,
    )
    return task


def add_signer(run: Run, task_id: str, user: str, *, comment: str | None = None) -> Task:
    task = open_task(run, task_id)
    node = run.spec.node(task.node)
    kind = kind_of(node)
    kind.refuse(run, node, "add_signer")
    _allowed(run, task, "add_signer")
    kind.add_signer(run, node, task, (Candidate("user", user),))
    task.touched = True
    run.state.changed(task)
    run.event("signer_added", node.id, task.id, user=user, comment=comment)
    return task


def note(run: Run, task_id: str, action: str, details: dict[str, Any]) -> Task:
    """Save work on a task without finishing it (``save``), or check in on arrival (``check_in``)."""
    task = open_task(run, task_id)
    _allowed(run, task, action)
    task.touched = True
    if action == "check_in" and task.claimed_at is None:
        task.claimed_at = run.now
    run.state.changed(task)
    run.event("checked_in" if action == "check_in" else "saved", task.node, task.id, **details)
    return task


def keep_values(run: Run, task_id: str, values: dict[str, Any]) -> Task:
    """A signer's values (cleaned) kept on their own task: a draft until they decide, then their opinion."""
    task = open_task(run, task_id)
    task.data = {**task.data, **values}
    task.touched = True
    run.state.changed(task)
    return task


def withdraw(run: Run) -> None:
    """The submitter takes the ticket back while nobody has touched it yet."""
    if not run.state.running:
        raise ConflictError.says("flow.instance.not_running")
    if run.actor.id != run.state.started_by:
        raise PermissionDeniedError.says("flow.instance.withdraw_not_submitter")
    if run.state.variables.get("done_tasks") or any(t.touched for t in run.state.open_tasks()):
        raise ConflictError.says("flow.instance.withdraw_in_progress")
    run.finish(InstanceStatus.CANCELLED, "withdrawn")


def cancel(run: Run, *, reason: str | None = None) -> None:
    if not run.actor.is_admin:
        raise PermissionDeniedError.says("flow.instance.cancel_admin_only")
    if run.state.status not in (InstanceStatus.RUNNING, InstanceStatus.FAILED):
        raise ConflictError.says("flow.instance.already", status=run.state.status)
    run.finish(InstanceStatus.CANCELLED, "cancelled")
    run.event("cancel_reason", None, reason=reason)


def retry(run: Run) -> None:
    """Run a failed instance's stopped step again (its cause fixed: the record corrected, someone given the role)."""
    if not run.actor.is_admin:
        raise PermissionDeniedError.says("flow.instance.cancel_admin_only")
    if run.state.status != InstanceStatus.FAILED:
        raise ConflictError.says("flow.instance.not_failed", status=run.state.status)
    run.state.status = run.state.status.to(InstanceStatus.RUNNING)
    run.state.error = None
    for token in run.state.tokens:
        if token.state == TokenState.FAILED:
            token.state = token.state.to(TokenState.ACTIVE)
            run.event("retried", token.node)
    run.advance()


def fire_timer(run: Run, timer_id: str) -> bool:
    """Fire one due timer; False when it no longer applies (its task was done meanwhile)."""
    timer = run.state.timers.get(timer_id)
    if timer is None or timer.status != TimerStatus.PENDING or not run.state.running:
        return False
    node = run.spec.node(timer.node)
    spec = next((t for t in node.timers if t.id == timer.spec), None)
    task = run.state.tasks.get(timer.task) if timer.task else None
    token = run.state.token(timer.token) if timer.token else None
    run.state.drop_timer(timer, TimerStatus.FIRED)
    if spec is None or (timer.task and (task is None or task.status != TaskStatus.OPEN)) or token is None:
        return False
    run.event("timer_fired", node.id, timer.task, timer=spec.id, action=spec.action)
    kind_of(node).on_timer_fired(run, node, spec, task, token)
    return True


def resume(run: Run, token_id: str, status: str | None) -> None:
    """A subflow ended: its parent's waiting token goes on, with the subflow's end status as outcome."""
    token = run.state.token(token_id)
    if token is None or not run.state.running:
        return
    node = run.spec.node(token.node)
    run.record_outcome(node, status)
    run.continue_from(token, node)
