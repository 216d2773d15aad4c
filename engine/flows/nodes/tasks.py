"""User tasks and approvals: the nodes where a token waits for people.

An approval gives each signer a task. Countersign (会签) passes once ``pass_ratio`` of the
signers approved (all, by default) and fails as soon as that share can no longer be reached;
or-sign (或签) takes the first decision and cancels the other tasks; sequential asks one signer
after another. The tally lives in the instance's variables, so it survives between actions and
a migration can see (and refuse to lose) the votes.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from engine.flows.assignment import Assignment
from engine.flows.nodes.base import NodeType
from engine.flows.spec import NodeSpec
from engine.flows.state import Candidate, Task, Token

if TYPE_CHECKING:
    from engine.flows.interpreter import Run

APPROVED, REJECTED = "approved", "rejected"
TASK_CONFIG: dict[str, Any] = {
    "required": ["assignee"],
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
                },
                "additionalProperties": False,
            },
        },
    },
}


class UserTask(NodeType):
    config_schema = TASK_CONFIG

    def enter(self, run: Run, node: NodeSpec, token: Token, exclude: frozenset[str] = frozenset()) -> None:
        token.state = "waiting"
        found = run.env.assign(node, node.definition["assignee"], run.context(), exclude)
        run.open_task(node, token, found)
        visited = run.state.variables.setdefault("visited", [])
        if node.id not in visited:
            visited.append(node.id)


class Approval(NodeType):
    """A user task whose people decide: its schema is the task's plus how the votes count."""

    config_schema = {
        "required": [*TASK_CONFIG["required"], "mode"],
        "properties": {
            **TASK_CONFIG["properties"],
            "mode": {"enum": ["countersign", "or_sign", "sequential"]},
            "pass_ratio": {"type": "number", "exclusiveMinimum": 0, "maximum": 1},
        },
    }

    def enter(self, run: Run, node: NodeSpec, token: Token, exclude: frozenset[str] = frozenset()) -> None:
        token.state = "waiting"
        signers = run.env.signers(node, node.definition["assignee"], run.context())
        signers = [s for s in signers if not (len(s) == 1 and s[0].kind == "user" and s[0].value in exclude)] or signers
        tally: dict[str, Any] = {"node": node.id, "n": len(signers), "approved": 0, "rejected": 0, "next": 1}
        if node.definition["mode"] == "sequential":
            tally["queue"] = [[c.dump() for c in s] for s in signers[1:]]
            signers = signers[:1]
        run.state.variables.setdefault("votes", {})[token.id] = tally
        for position, signer in enumerate(signers):
            run.open_task(node, token, _assignment(signer), position=position, timers=position == 0)
        visited = run.state.variables.setdefault("visited", [])
        if node.id not in visited:
            visited.append(node.id)

    @staticmethod
    def decide(run: Run, node: NodeSpec, task: Task, approve: bool) -> str | None:
        """Count one vote; the node's outcome once it is decided, else None (keep waiting)."""
        tally = run.state.variables["votes"][task.token]
        tally["approved" if approve else "rejected"] += 1
        mode = node.definition["mode"]
        if mode == "or_sign":
            return APPROVED if approve else REJECTED
        if mode == "sequential":
            if not approve:
                return REJECTED
            queue = tally.get("queue", [])
            if not queue:
                return APPROVED
            signer = tuple(Candidate(kind, value) for kind, value in queue.pop(0))
            token = run.state.token(task.token)
            assert token is not None
            run.open_task(node, token, _assignment(signer), position=tally["next"], timers=False)
            tally["next"] += 1
            return None
        ratio = float(node.definition.get("pass_ratio", 1))
        needed = max(1, math.ceil(ratio * tally["n"] - 1e-9))
        if tally["approved"] >= needed:
            return APPROVED
        if tally["rejected"] > tally["n"] - needed:
            return REJECTED
        return None

    @staticmethod
    def add_signer(run: Run, node: NodeSpec, task: Task, signer: tuple[Candidate, ...]) -> None:
        tally = run.state.variables["votes"][task.token]
        tally["n"] += 1
        if node.definition["mode"] == "sequential":
            tally.setdefault("queue", []).insert(0, [c.dump() for c in signer])
            return
        token = run.state.token(task.token)
        assert token is not None
        run.open_task(node, token, _assignment(signer), position=tally["next"], timers=False)
        tally["next"] += 1


def _assignment(signer: tuple[Candidate, ...]) -> Assignment:
    if len(signer) == 1 and signer[0].kind == "user":
        return Assignment(signer, assignee=signer[0].value)
    return Assignment(signer)
