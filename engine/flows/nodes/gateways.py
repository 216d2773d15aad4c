"""Gateways: exclusive (first true branch), parallel (all branches, join all), inclusive (every
true branch; the join waits for exactly the branches that can still arrive)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine.flows.nodes.base import NodeType
from engine.flows.spec import NodeSpec
from engine.flows.state import Token
from engine.flows.status import TokenState

if TYPE_CHECKING:
    from engine.flows.interpreter import Run


class Exclusive(NodeType):
    def enter(self, run: Run, node: NodeSpec, token: Token) -> None:
        run.leave(token, run.choose(node, first_only=True))


class Parallel(NodeType):
    def enter(self, run: Run, node: NodeSpec, token: Token) -> None:
        if len(node.incoming) > 1:
            run.park(token)
            here = [t for t in run.state.tokens if t.node == node.id and t.state == TokenState.WAITING]
            arrived: dict[str, Token] = {}
            for waiting in here:
                arrived.setdefault(waiting.via or "", waiting)
            if len(arrived) < len(node.incoming):
                return
            merged = list(arrived.values())
            for extra in merged[1:]:
                run.consume(extra)
            token = merged[0]
            run.event("joined", node.id, branches=len(merged))
        run.leave(token, [edge for edge in node.outgoing])


class Inclusive(NodeType):
    def enter(self, run: Run, node: NodeSpec, token: Token) -> None:
        if len(node.incoming) > 1:
            run.park(token)
            elsewhere = [t for t in run.state.tokens if t.node != node.id and t.state != TokenState.FAILED]
            if any(run.spec.can_reach(t.node, node.id) for t in elsewhere):
                return
            here = [t for t in run.state.tokens if t.node == node.id and t.state == TokenState.WAITING]
            for extra in here[1:]:
                run.consume(extra)
            token = here[0]
            run.event("joined", node.id, branches=len(here))
        run.leave(token, run.choose(node, first_only=False))
