"""Moving running instances from one published version of a flow to another, with a node map.

Instances normally finish on the version they started on. When a flow must change under running
tickets, an administrator maps old nodes to new ones (nodes kept under the same id map to
themselves). The plan is computed first and shown as a dry run; a map that would strand a
token (its node gone and not mapped), put a task's work under a node of another kind, or lose
a countersign's votes (an approval mapped to one with another mode) is refused as a whole.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from engine.expressions.phrases import Phrase, phrase
from engine.flows.nodes import kind_of
from engine.flows.spec import FlowSpec
from engine.flows.state import Event, InstanceState
from engine.flows.status import TokenState
from engine.i18n import LOG_LOCALE


@dataclass
class InstancePlan:
    instance_id: str
    record_id: int
    moves: list[tuple[str, str]] = field(default_factory=list)  # (old node, new node) of each token
    tasks: list[tuple[str, str, str]] = field(default_factory=list)  # (task id, old node, new node)
    dropped_timers: list[str] = field(default_factory=list)
    problems: list[Phrase] = field(default_factory=list)  # said in the reader's language when reported

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self, locale: str = LOG_LOCALE) -> dict[str, Any]:
        return {
            "instance": self.instance_id,
            "record_id": self.record_id,
            "moves": [{"from": a, "to": b} for a, b in self.moves],
            "tasks": [{"task": t, "from": a, "to": b} for t, a, b in self.tasks],
            "dropped_timers": self.dropped_timers,
            "problems": [p.render(locale) for p in self.problems],
        }


def map_problems(old: FlowSpec, new: FlowSpec, mapping: Mapping[str, str]) -> list[Phrase]:
    """What is wrong with the map itself, whatever the instances."""
    found = []
    for source, target in mapping.items():
        if source not in old.nodes:
            found.append(phrase("flow.migrate.old_no_node", node=source))
        if target not in new.nodes:
            found.append(phrase("flow.migrate.new_no_node", node=target))
    return found


def plan_instance(old: FlowSpec, new: FlowSpec, state: InstanceState, mapping: Mapping[str, str]) -> InstancePlan:
    plan = InstancePlan(state.id, state.record_id)
    for token in state.tokens:
        target = mapping.get(token.node, token.node)
        plan.moves.append((token.node, target))
        if target not in new.nodes:
            plan.problems.append(phrase("flow.migrate.stranded", node=token.node, target=target))
            continue
        before, after = old.node(token.node), new.node(target)
        if before.type != after.type:
            kinds = {"kind": before.type, "target_kind": after.type}
            plan.problems.append(phrase("flow.migrate.kind_changed", node=token.node, target=target, **kinds))
        else:
            plan.problems.extend(kind_of(after).migration_problems(before, after, state))
        if token.state == TokenState.WAITING and token.via and len(after.incoming) > 1:
            if token.via not in {edge.id for edge in after.incoming}:
                plan.problems.append(phrase("flow.migrate.join_edge", target=target, edge=token.via))
    for task in state.open_tasks():
        target = mapping.get(task.node, task.node)
        plan.tasks.append((task.id, task.node, target))
    for timer in state.timers.values():
        target = mapping.get(timer.node, timer.node)
        node = new.nodes.get(target)
        if node is None or timer.spec not in {t.id for t in node.timers}:
            plan.dropped_timers.append(f"{timer.node}/{timer.spec}")
    return plan


def apply_plan(
    state: InstanceState,
    plan: InstancePlan,
    new: FlowSpec,
    mapping: Mapping[str, str],
    version: int,
    actor: str,
    *,
    at: datetime,
) -> None:
    """Move the instance onto ``version`` as planned (the plan must be ok)."""
    assert plan.ok, plan.problems
    old_version = state.app_version
    for token in state.tokens:
        token.node = mapping.get(token.node, token.node)
    for task in state.open_tasks():
        target = mapping.get(task.node, task.node)
        if target != task.node:
            task.node = target
            state.changed(task)
    for timer in state.timers.values():
        target = mapping.get(timer.node, timer.node)
        node = new.nodes.get(target)
        if node is None or timer.spec not in {t.id for t in node.timers}:
            state.drop_timer(timer)
        elif target != timer.node:
            timer.node = target
            state.changed_timers.add(timer.id)
    state.variables["visited"] = [mapping.get(n, n) for n in state.variables.get("visited", [])]
    outcomes = state.variables.get("outcomes", {})
    state.variables["outcomes"] = {mapping.get(k, k): v for k, v in outcomes.items()}
    state.app_version = version
    state.events.append(
        Event(
            "migrated",
            at,
            actor,
            details={"from_version": old_version, "to_version": version, "map": dict(mapping), "plan": plan.as_dict()},
        )
    )
