"""Task and instance actions: who may do what, and what it does to the instance.

Each function works on a ``Run`` (one action, one transaction). Refusals say why in words a
technician understands: 403 when the person may not, 409 when the task moved on meanwhile
(someone else took it first), 422 when the request itself is wrong.
"""

from __future__ import annotations

from typing import Any

from engine.errors import ConflictError, InvalidTransitionError, PermissionDeniedError, SubmissionError
from engine.flows.interpreter import Run
from engine.flows.nodes import NODE_TYPES
from engine.flows.nodes.tasks import APPROVED, Approval
from engine.flows.state import CANCELLED, DONE, OPEN, PENDING, Candidate, Task, Timer, new_id
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
        raise ConflictError("this task is no longer open: the ticket has moved on; reload to see where it is")
    if task.status != OPEN:
        raise ConflictError(f"this task was already {task.status} ({task.completed_by or ''}); reload to see it")
    return task


def _allowed(run: Run, task: Task, action: str) -> None:
    node = run.spec.node(task.node)
    if action not in node.actions and not (action in ("save", "check_in") and "complete" in node.actions):
        raise InvalidTransitionError(f"'{node.label(run.actor.locale)}' does not offer '{action}'")
    if not may_work_on(task, run.actor, run.state.app_id):
        if task.assignee is not None and is_candidate(task, run.actor, run.state.app_id):
            raise ConflictError("someone else already took this task", details={"assignee": task.assignee})
        raise PermissionDeniedError("this task is not yours to work on")


def ensure_allowed(run: Run, task_id: str, action: str) -> None:
    """Refuse early, before any data the request carries is looked at."""
    task = open_task(run, task_id)
    if action in ("transfer", "delegate") and run.actor.is_admin:
        return
    _allowed(run, task, "complete" if action in ("save", "check_in") else action)


def claim(run: Run, task_id: str) -> Task:
    """Take (or, when already assigned to you, accept / 接单) a task. The second of two claims gets a 409."""
    task = open_task(run, task_id)
    _allowed(run, task, "claim")
    if task.claimed_at is not None:
        if task.assignee == run.actor.id:
            return task
        raise ConflictError("someone else already took this task", details={"assignee": task.assignee})
    task.assignee = task.assignee or run.actor.id
    task.claimed_at = run.now
    task.touched = True
    run.state.changed(task)
    acceptance = {t.id for t in run.spec.node(task.node).timers if t.until_claimed}
    for timer in run.state.timers.values():
        if timer.task == task.id and timer.spec in acceptance and timer.status == "pending":
            run.state.drop_timer(timer)
    run.event("claimed", task.node, task.id)
    return task


def complete(run: Run, task_id: str, *, outcome: str | None = None, comment: str | None = None) -> Task:
    task = open_task(run, task_id)
    node = run.spec.node(task.node)
    if node.type == "approval":
        raise InvalidTransitionError("an approval is decided with approve or reject, not complete")
    _allowed(run, task, "complete")
    if node.outcomes:
        if outcome not in node.outcomes:
            raise SubmissionError(
                f"choose one of: {', '.join(node.outcomes)}",
                {"outcome": [f"choose one of: {', '.join(node.outcomes)}"]},
            )
    elif outcome is not None:
        raise SubmissionError("this step has no outcomes to choose", {"outcome": ["this step has no outcomes"]})
    _close(run, task, outcome, comment)
    run.record_outcome(node, outcome)
    token = run.state.token(task.token)
    if token is not None:
        run.continue_from(token, node)
    return task


def decide(run: Run, task_id: str, *, approve: bool, comment: str | None = None) -> Task:
    task = open_task(run, task_id)
    node = run.spec.node(task.node)
    if node.type != "approval":
        raise InvalidTransitionError("only an approval step can be approved or rejected")
    _allowed(run, task, "approve" if approve else "reject")
    armed = [t for t in run.state.timers.values() if t.task == task.id and t.status == PENDING]
    _close(run, task, APPROVED if approve else "rejected", comment)
    result = Approval.decide(run, node, task, approve)
    if result is None:
        _pass_timers_on(run, task, armed)
        return task
    for other in run.state.open_tasks(node.id):
        if other.token == task.token:
            run.cancel_task(other, reason=f"decided: {result}")
    run.state.variables.get("votes", {}).pop(task.token, None)
    run.record_outcome(node, result)
    run.event("decided", node.id, outcome=result)
    token = run.state.token(task.token)
    if token is not None:
        run.continue_from(token, node)
    return task


def return_to(run: Run, task_id: str, target: str, *, comment: str | None = None) -> Task:
    """Send the ticket back to an earlier step (one it has been through); this step's work is cancelled."""
    task = open_task(run, task_id)
    _allowed(run, task, "return")
    visited = run.state.variables.get("visited", [])
    if target not in visited or target == task.node or not run.spec.nodes.get(target, None):
        raise SubmissionError(
            "return only to an earlier step this ticket has been through",
            {"to": [f"choose one of: {', '.join(n for n in visited if n != task.node) or '(none)'}"]},
        )
    token = run.state.token(task.token)
    for other in run.state.open_tasks(task.node):
        if other.token == task.token:
            run.cancel_task(other, reason="returned")
    run.state.variables.get("votes", {}).pop(task.token, None)
    run.event("returned", task.node, task.id, to=target, comment=comment)
    if token is not None:
        token.node, token.via, token.state = target, None, "active"
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
        exclude = frozenset({run.actor.id})
        NODE_TYPES.get(node.type).enter(run, node, token, exclude)  # type: ignore[call-arg]
    return task


def transfer(run: Run, task_id: str, to_user: str, *, comment: str | None = None, delegate: bool = False) -> Task:
    """Hand a task to someone else; a delegation keeps the original holder able to act on it."""
    task = open_task(run, task_id)
    if not run.actor.is_admin:
        _allowed(run, task, "delegate" if delegate else "transfer")
    if to_user == task.assignee:
        raise SubmissionError("the task is already theirs", {"to": ["the task is already theirs"]})
    previous = task.assignee
    if delegate:
        task.owner = task.owner or previous or run.actor.id
    task.assignee = to_user
    task.candidates = [*task.candidates, Candidate("user", to_user)]
    task.claimed_at = None
    task.touched = True
    run.state.changed(task)
    run.event(
        "delegated" if delegate else "transferred", task.node, task.id, to=to_user, previous=previous, comment=comment
    )
    run.effect(
        "notify",
        to=[["user", to_user]],
        message={"zh-CN": "您有一个新任务", "en": "A task was passed to you"},
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
    if node.type != "approval":
        raise InvalidTransitionError("signers can only be added to an approval step")
    _allowed(run, task, "add_signer")
    Approval.add_signer(run, node, task, (Candidate("user", user),))
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


def withdraw(run: Run) -> None:
    """The submitter takes the ticket back while nobody has touched it yet."""
    if not run.state.running:
        raise ConflictError("this ticket is no longer running")
    if run.actor.id != run.state.started_by:
        raise PermissionDeniedError("only the person who submitted it may withdraw it")
    if run.state.variables.get("done_tasks") or any(t.touched for t in run.state.open_tasks()):
        raise ConflictError("someone is already working on it, so it can no longer be withdrawn; ask them instead")
    run.finish(CANCELLED, "withdrawn")


def cancel(run: Run, *, reason: str | None = None) -> None:
    if not run.actor.is_admin:
        raise PermissionDeniedError("only an administrator may cancel a running flow")
    if run.state.status not in ("running", "failed"):
        raise ConflictError(f"this flow is already {run.state.status}")
    run.finish(CANCELLED, "cancelled")
    run.event("cancel_reason", None, reason=reason)


def fire_timer(run: Run, timer_id: str) -> bool:
    """Fire one due timer; False when it no longer applies (its task was done meanwhile)."""
    timer = run.state.timers.get(timer_id)
    if timer is None or timer.status != "pending" or not run.state.running:
        return False
    node = run.spec.node(timer.node)
    spec = next((t for t in node.timers if t.id == timer.spec), None)
    task = run.state.tasks.get(timer.task) if timer.task else None
    token = run.state.token(timer.token) if timer.token else None
    run.state.drop_timer(timer, "fired")
    if spec is None or (timer.task and (task is None or task.status != OPEN)) or token is None:
        return False
    run.event("timer_fired", node.id, timer.task, timer=spec.id, action=spec.action)
    if spec.action == "continue":
        run.continue_from(token, node)
    elif spec.action == "notify":
        to = (
            run.env.assign(node, spec.to, run.context(), frozenset()).candidates
            if spec.to
            else tuple(task.candidates if task else ())
        )
        run.effect(
            "notify",
            to=[c.dump() for c in to],
            message=spec.message or {"zh-CN": "任务即将超时", "en": "A task is due"},
            channels=["inbox"],
            app=run.state.app_id,
            record=run.state.record_id,
            node=node.id,
            task=task.id if task else None,
        )
    elif spec.action == "escalate" and task is not None:
        found = run.env.assign(node, spec.to or {}, run.context(), frozenset())
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
            message=spec.message or {"zh-CN": "任务已升级给您", "en": "A task was escalated to you"},
            channels=["inbox"],
            app=run.state.app_id,
            record=run.state.record_id,
            node=node.id,
            task=task.id,
        )
    elif spec.action == "complete" and task is not None:
        _close(run, task, None, None)
        for other in run.state.open_tasks(node.id):
            if other.token == token.id:  # the other signers of an approval: the node is done without them
                run.cancel_task(other, reason="timed out")
        run.state.variables.get("votes", {}).pop(token.id, None)
        run.record_outcome(node, None)
        run.event("auto_completed", node.id, task.id)
        run.continue_from(token, node)
    elif spec.action == "route" and task is not None:
        edge = run.spec.edges.get(spec.edge or "")
        for other in run.state.open_tasks(node.id):
            if other.token == token.id:
                run.cancel_task(other, reason="timed out")
        if edge is None:
            run.fail(token, f"timer '{spec.id}' routes along edge '{spec.edge}', which does not exist")
        else:
            token.state = "active"
            run.leave(token, [edge])
            run.advance()
    return True


def resume(run: Run, token_id: str, status: str | None) -> None:
    """A subflow ended: its parent's waiting token goes on, with the subflow's end status as outcome."""
    token = run.state.token(token_id)
    if token is None or not run.state.running:
        return
    node = run.spec.node(token.node)
    run.record_outcome(node, status)
    run.continue_from(token, node)


def _pass_timers_on(run: Run, task: Task, armed: list[Timer]) -> None:
    """An approval's boundary timers ride on one signer's task; once that signer has voted and the
    node still waits for others, they move to another open signer's task instead of being lost."""
    heir = next((t for t in run.state.open_tasks(task.node) if t.token == task.token), None)
    if heir is None:
        return
    for timer in armed:
        run.state.add_timer(Timer(new_id(), timer.node, timer.spec, timer.due_at, task=heir.id, token=timer.token))


def _close(run: Run, task: Task, outcome: str | None, comment: str | None) -> None:
    task.status = DONE
    task.outcome = outcome
    task.comment = comment
    task.completed_at = run.now
    task.completed_by = run.actor.id
    if task.claimed_at is None:
        task.claimed_at = run.now
        if task.assignee is None:
            task.assignee = run.actor.id
    run.state.changed(task)
    run.drop_task_timers(task)
    run.state.variables["done_tasks"] = run.state.variables.get("done_tasks", 0) + 1
    run.event("completed_task", task.node, task.id, outcome=outcome, comment=comment)
