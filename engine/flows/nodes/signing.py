"""How an approval counts its signers' votes: the ``ApprovalTally`` value and one strategy per mode (domain).

Countersign (会签) passes once ``pass_ratio`` of the signers approved (all, by default) and fails
as soon as that share can no longer be reached; or-sign (或签) takes the first decision;
sequential asks one signer after another and stops at the first no. A strategy is stateless: it
takes a tally and a vote and answers with the next tally, the outcome once the node is decided,
and the signer to ask now (if any). The tally is persisted as JSON in the instance's variables
(``votes``, by token) so it survives between actions and a migration can refuse to lose it.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from engine.flows.spec import NodeSpec
from engine.flows.state import Candidate
from engine.registry import Registry

APPROVED, REJECTED = "approved", "rejected"

Signer = tuple[Candidate, ...]  # one signer (one task): a user, or a pool any of whom may sign


@dataclass(frozen=True, slots=True)
class ApprovalTally:
    """The votes an approval has collected for one token."""

    node: str
    signers: int  # how many votes the node waits for; grows when a signer is added
    approved: int = 0
    rejected: int = 0
    next: int = 1  # the position the next signer's task gets
    queue: tuple[Signer, ...] = ()  # sequential: the signers still to be asked, in order

    def vote(self, approve: bool) -> ApprovalTally:
        # built directly rather than with dataclasses.replace: this runs on every vote
        approved, rejected = (self.approved + 1, self.rejected) if approve else (self.approved, self.rejected + 1)
        return ApprovalTally(self.node, self.signers, approved, rejected, self.next, self.queue)

    def advanced(self) -> ApprovalTally:
        """The tally once the next position has been given to a signer's task."""
        return replace(self, next=self.next + 1)

    def dump(self) -> dict[str, Any]:
        return {
            "node": self.node,
            "signers": self.signers,
            "approved": self.approved,
            "rejected": self.rejected,
            "next": self.next,
            "queue": [[c.dump() for c in signer] for signer in self.queue],
        }

    @classmethod
    def load(cls, raw: Mapping[str, Any]) -> ApprovalTally:
        """A tally as ``dump`` wrote it (state format 1; older formats are upgraded before this)."""
        return cls(
            node=raw["node"],
            signers=raw["signers"],
            approved=raw["approved"],
            rejected=raw["rejected"],
            next=raw["next"],
            queue=tuple(tuple(Candidate(kind, value) for kind, value in signer) for signer in raw["queue"]),
        )


@dataclass(frozen=True, slots=True)
class Verdict:
    tally: ApprovalTally
    outcome: str | None = None  # approved / rejected once the node is decided; None: keep waiting
    ask: Signer | None = None  # a signer to give a task to now


class SigningMode(ABC):
    """One way of counting; the defaults ask every signer at once."""

    def begin(self, node: NodeSpec, signers: Sequence[Signer]) -> tuple[ApprovalTally, list[Signer]]:
        """The tally a fresh approval starts with, and the signers asked at once."""
        return ApprovalTally(node.id, len(signers)), list(signers)

    @abstractmethod
    def count(self, node: NodeSpec, tally: ApprovalTally, approve: bool) -> Verdict: ...

    def add(self, tally: ApprovalTally, signer: Signer) -> Verdict:
        """A signer added while the node waits: asked at once, and counted."""
        return Verdict(replace(tally, signers=tally.signers + 1), ask=signer)


class Countersign(SigningMode):
    def count(self, node: NodeSpec, tally: ApprovalTally, approve: bool) -> Verdict:
        tally = tally.vote(approve)
        ratio = float(node.definition.get("pass_ratio", 1))
        needed = max(1, math.ceil(ratio * tally.signers - 1e-9))
        if tally.approved >= needed:
            return Verdict(tally, APPROVED)
        if tally.rejected > tally.signers - needed:
            return Verdict(tally, REJECTED)
        return Verdict(tally)


class OrSign(SigningMode):
    def count(self, node: NodeSpec, tally: ApprovalTally, approve: bool) -> Verdict:
        return Verdict(tally.vote(approve), APPROVED if approve else REJECTED)


class Sequential(SigningMode):
    def begin(self, node: NodeSpec, signers: Sequence[Signer]) -> tuple[ApprovalTally, list[Signer]]:
        return ApprovalTally(node.id, len(signers), queue=tuple(signers[1:])), list(signers[:1])

    def count(self, node: NodeSpec, tally: ApprovalTally, approve: bool) -> Verdict:
        tally = tally.vote(approve)
        if not approve:
            return Verdict(tally, REJECTED)
        if not tally.queue:
            return Verdict(tally, APPROVED)
        return Verdict(replace(tally, queue=tally.queue[1:]), ask=tally.queue[0])

    def add(self, tally: ApprovalTally, signer: Signer) -> Verdict:
        """An added signer is asked next, before the rest of the queue."""
        return Verdict(replace(tally, signers=tally.signers + 1, queue=(signer, *tally.queue)))


SIGNING_MODES: Registry[SigningMode] = Registry("approval mode")
SIGNING_MODES.register("countersign", Countersign())
SIGNING_MODES.register("or_sign", OrSign())
SIGNING_MODES.register("sequential", Sequential())
