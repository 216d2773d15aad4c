"""User tasks and approvals: the nodes where a token waits for people (domain).

An approval gives each signer a task and counts their votes in an ``ApprovalTally`` with the
strategy of its ``mode`` (``engine.flows.nodes.signing``). The tally is kept as JSON in the
instance's variables (``votes``, by token), so it survives between actions and a migration can see
(and refuse to lose) the votes.

Both carry data: a user task writes its editable fields to the record on ``save`` and
``complete``; a signer's values (their opinion) are kept on their own task, as a draft on ``save``
and for good with the decision, and the decision writes them to the record as the node's
``collect`` says: ``last`` (the default) puts the latest signer's value in the field, ``all``
adds a ``name: opinion`` line per signer to a text field.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, ClassVar, cast

from engine.expressions.phrases import Phrase, phrase
from engine.flows.assignment import Assignment, Signers
from engine.flows.nodes.base import NodeType
from engine.flows.nodes.signing import APPROVED, REJECTED, SIGNING_MODES, ApprovalTally, Signer, Verdict
from engine.flows.spec import NodeSpec
from engine.flows.state import InstanceState, Task, Timer, Token, new_id

if TYPE_CHECKING:
    from engine.flows.interpreter import Run

TASK_CONFIG: dict[str, Any] = {
    # ``assignee`` may come from the node's lane instead (engine.flows.lanes checks one of them is there)
    "properties": {
        "assignee": {"$ref": "common.schema.json#/$defs/assignment"},
        "field_permissions": {"$ref": "#/$defs/fieldPermissions"},
        "due": {"$ref": "common.schema.json#/$defs/duration"},
        "timers": {"type": "array", "maxItems": 20, "items": {"$ref": "#/$defs/timer"}},
        "actions": {
            "type": "array",
            "maxItems": 20,
            "uniqueItems": True,
            "items": {
                "enum": [
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
                    "withdraw",
                ]
            },
        },
        "check_in": {
            "description": (
                "What 到场签到 (the check_in action) records in the record: the moment, and where the phone was."
            ),
            "type": "object",
            "properties": {
                "time": {"$ref": "common.schema.json#/$defs/id"},
                "location": {"$ref": "common.schema.json#/$defs/id"},
            },
            "additionalProperties": False,
        },
        "outcomes": {
            "description": "Buttons that complete the task with a named outcome, visible to the conditions after it.",
            "type": "array",
            "maxItems": 10,
            "items": {
                "type": "object",
                "required": ["id"],
                "properties": {
                    "id": {"$ref": "common.schema.json#/$defs/id"},
                    "label": {"$ref": "common.schema.json#/$defs/text"},
                    "destructive": {
                        "type": "boolean",
                        "description": "The outcome undoes or refuses the work: task pages set its button apart.",
                    },
                },
                "additionalProperties": False,
            },
        },
    },
}

__all__ = ["APPROVED", "REJECTED", "Approval", "UserTask"]


class UserTask(NodeType):
    config_schema = TASK_CONFIG
    default_actions = frozenset({"claim", "complete", "transfer", "delegate", "return"})
    data_actions = frozenset({"complete", "save", "check_in"})
    finishing_actions = frozenset({"complete"})
    refused_actions: ClassVar[Mapping[str, str]] = MappingProxyType(
        {
            "approve": "flow.approval.only_decided",
            "reject": "flow.approval.only_decided",
            "add_signer": "flow.approval.only_signers",
        }
    )

    def offers(self, node: NodeSpec, action: str) -> bool:
        """Saving work and checking in come with completing."""
        return action in node.actions or (action in ("save", "check_in") and "complete" in node.actions)

    def enter(self, run: Run, node: NodeSpec, token: Token) -> None:
        self.dispatch_again(run, node, token, frozenset())

    def dispatch_again(self, run: Run, node: NodeSpec, token: Token, exclude: frozenset[str]) -> None:
        run.park(token)
        found = run.env.assign(node, node.definition["assignee"], run.context(), exclude)
        run.open_task(node, token, found)
        _visit(run, node)


class Approval(NodeType):
    """A user task whose people decide: its schema is the task's plus how the votes count."""

    config_schema = {
        "required": ["mode"],
        "properties": {
            **TASK_CONFIG["properties"],
            "mode": {"enum": ["countersign", "or_sign", "sequential"]},
            "pass_ratio": {"type": "number", "exclusiveMinimum": 0, "maximum": 1},
            "collect": {
                "description": (
                    "How the signers' values reach the record: last (the latest decision's value) or all "
                    "(one 'name: opinion' line per signer, text fields only)."
                ),
                "enum": ["last", "all"],
            },
        },
    }

    default_actions = frozenset({"claim", "approve", "reject", "transfer", "delegate", "add_signer", "return"})
    refused_actions: ClassVar[Mapping[str, str]] = MappingProxyType({"complete": "flow.approval.not_completed"})
    data_actions = frozenset({"approve", "reject", "save"})
    finishing_actions = frozenset({"approve", "reject"})
    keeps_values = True

    def offers(self, node: NodeSpec, action: str) -> bool:
        """A signer may save a draft of their opinion where the step has fields to fill and decisions to take."""
        if action == "save":
            return bool(node.editable_fields) and bool(node.actions & self.finishing_actions)
        return action in node.actions

    def record_values(
        self, node: NodeSpec, action: str, values: Mapping[str, Any], record: Mapping[str, Any], signer: str
    ) -> dict[str, Any]:
        """A draft stays on the signer's task; a decision writes the latest value, or adds a line per signer."""
        if action not in self.finishing_actions:
            return {}
        if node.definition.get("collect", "last") == "last":
            return dict(values)
        return {
            name: "\n".join(line for line in (record.get(name) or "", f"{signer}: {value}") if line)
            for name, value in values.items()
            if value not in (None, "")
        }

    def enter(self, run: Run, node: NodeSpec, token: Token) -> None:
        self.dispatch_again(run, node, token, frozenset())

    def dispatch_again(self, run: Run, node: NodeSpec, token: Token, exclude: frozenset[str]) -> None:
        run.park(token)
        found = run.env.signers(node, node.definition["assignee"], run.context(), exclude)
        signers = [s for s in found.each if not (len(s) == 1 and s[0].kind == "user" and s[0].value in exclude)]
        tally, asked = SIGNING_MODES.get(node.definition["mode"]).begin(node, signers or list(found.each))
        _keep(run, token.id, tally)
        for position, signer in enumerate(asked):
            # the first task carries what finding the signers filled in (a dispatch's write fields)
            first = found if position == 0 else None
            run.open_task(node, token, _assignment(signer, first), position=position, timers=position == 0)
        _visit(run, node)

    def on_task_done(self, run: Run, node: NodeSpec, task: Task, outcome: str | None, armed: Sequence[Timer]) -> None:
        """Count the vote; once the node is decided the other signers' tasks are cancelled and the token goes on."""
        mode = SIGNING_MODES.get(node.definition["mode"])
        verdict = mode.count(node, tally_of(run.state, task.token), outcome == APPROVED)
        self._ask(run, node, task.token, verdict)
        if verdict.outcome is None:
            _pass_timers_on(run, task, armed)
            return
        for other in run.state.open_tasks(node.id):
            if other.token == task.token:
                run.cancel_task(other, reason=f"decided: {verdict.outcome}")
        self.release(run, node, task.token)
        run.record_outcome(node, verdict.outcome)
        run.event("decided", node.id, outcome=verdict.outcome)
        token = run.state.token(task.token)
        if token is not None:
            run.continue_from(token, node)

    def add_signer(self, run: Run, node: NodeSpec, task: Task, signer: Signer) -> None:
        verdict = SIGNING_MODES.get(node.definition["mode"]).add(tally_of(run.state, task.token), signer)
        self._ask(run, node, task.token, verdict)

    def release(self, run: Run, node: NodeSpec, token: str) -> None:
        run.state.variables.get("votes", {}).pop(token, None)

    def migration_problems(self, old: NodeSpec, new: NodeSpec, instance: InstanceState) -> list[Phrase]:
        before, after = old.definition.get("mode"), new.definition.get("mode")
        if before == after:
            return []
        params = {"node": old.id, "target": new.id, "mode": before, "target_mode": after}
        return [phrase("flow.migrate.votes_lost", **params)]

    @staticmethod
    def _ask(run: Run, node: NodeSpec, token_id: str, verdict: Verdict) -> None:
        """Keep the verdict's tally and give its signer (if any) a task at the tally's next position."""
        tally = verdict.tally
        if verdict.ask is not None:
            token = run.state.token(token_id)
            assert token is not None
            run.open_task(node, token, _assignment(verdict.ask), position=tally.next, timers=False)
            tally = tally.advanced()
        _keep(run, token_id, tally)


def tally_of(state: InstanceState, token: str) -> ApprovalTally:
    """The votes an approval collected so far for ``token``."""
    raw = state.variables["votes"][token]
    source, tally = state.parsed.get(f"votes/{token}", (None, None))
    if source is not raw:  # written by storage or by an upgrade since this step last kept it
        tally = ApprovalTally.load(raw)
    return cast(ApprovalTally, tally)


def _keep(run: Run, token: str, tally: ApprovalTally) -> None:
    raw = tally.dump()
    run.state.variables.setdefault("votes", {})[token] = raw
    run.state.parsed[f"votes/{token}"] = (raw, tally)


def _visit(run: Run, node: NodeSpec) -> None:
    visited = run.state.variables.setdefault("visited", [])
    if node.id not in visited:
        visited.append(node.id)


def _pass_timers_on(run: Run, task: Task, armed: Sequence[Timer]) -> None:
    """An approval's boundary timers ride on one signer's task; once that signer has voted and the
    node still waits for others, they move to another open signer's task instead of being lost."""
    heir = next((t for t in run.state.open_tasks(task.node) if t.token == task.token), None)
    if heir is None:
        return
    for timer in armed:
        run.state.add_timer(Timer(new_id(), timer.node, timer.spec, timer.due_at, task=heir.id, token=timer.token))


def _assignment(signer: Signer, found: Signers | None = None) -> Assignment:
    writes, group = (found.writes, found.group) if found is not None else ({}, None)
    if len(signer) == 1 and signer[0].kind == "user":
        return Assignment(signer, assignee=signer[0].value, writes=writes, group=group)
    return Assignment(signer, writes=writes, group=group)
