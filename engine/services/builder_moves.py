"""Moving a flow's running instances when a builder changes it (services layer).

Instances finish on the version they started on unless someone moves them. Before publishing a
changed flow the builder may ask for a dry run: every unfinished instance, on whichever version it
runs, planned onto the draft's flow (which node each piece of work lands on, the timers dropped, and
why an instance cannot move), with an optional node map for renamed or replaced steps. After
publishing, the same map moves them onto the new current version, all or nothing, audited as
``flow.migrate``. The engine's own migration planner decides both; nothing here judges a move.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.errors import NotFoundError, SubmissionError
from engine.flows.migration import InstancePlan, map_problems
from engine.flows.spec import FlowSpec, compile_flow, localized
from engine.forms.spec import FormSpec
from engine.principal import Principal
from engine.services.builder import BuilderService, actor_of
from engine.services.builder_access import require_builder
from engine.services.builder_publish import publishable
from engine.services.flows import FlowService


class BuilderMoves:
    def __init__(self, builder: BuilderService, flows: FlowService):
        self.builder = builder
        self.flows = flows

    def dry_run(
        self, principal: Principal, app_id: str, flow_id: str, mapping: Mapping[str, str], locale: str
    ) -> dict[str, Any]:
        """What moving the flow's unfinished instances onto the draft's flow would do; changes nothing."""
        require_builder(principal, app_id)
        new = self._drafted(principal, app_id, flow_id)
        planned = self.flows.plan_moves(app_id, flow_id, new, mapping)
        olds = {version: old for version, old, _ in planned}
        problems = [p.render(locale) for old in olds.values() for p in map_problems(old, new, mapping)]
        instances = [_said(version, old, new, plan, locale) for version, old, plan in planned]
        return {
            "flow": flow_id,
            "name": localized(new.name, locale) or flow_id,
            "mapping": dict(mapping),
            "problems": list(dict.fromkeys(problems)),
            "instances": instances,
            "movable": not problems and all(i["ok"] for i in instances),
        }

    def move(
        self, principal: Principal, app_id: str, flow_id: str, mapping: Mapping[str, str], locale: str
    ) -> dict[str, Any]:
        """Move every unfinished instance on an earlier version onto the current one, all or nothing."""
        require_builder(principal, app_id)
        current = self.flows.records.compiled_app(app_id)
        versions = [v for v in self.flows.unfinished_versions(app_id, flow_id) if v != current.version]
        run = self.flows.migrate
        checks = [run(app_id, flow_id, v, current.version, mapping, locale=locale) for v in versions]
        refused = [c for c in checks if c["refused"]]
        if refused:
            raise SubmissionError.says("builder.moves_refused", flow=flow_id, count=len(refused))
        actor = actor_of(principal)
        done = [run(app_id, flow_id, v, current.version, mapping, dry_run=False, actor=actor) for v in versions]
        return {
            "flow": flow_id,
            "to_version": current.version,
            "moved": sum(len(report["instances"]) for report in done),
        }

    def _drafted(self, principal: Principal, app_id: str, flow_id: str) -> FlowSpec:
        """The draft's flow, compiled as publishing will compile it; the draft must be publishable."""
        raw = self.builder.draft_document(principal, app_id)
        document = publishable(raw, app_id, self.builder.apps.env_policy)
        for index, definition in enumerate(document.get("flows", [])):
            if definition["id"] == flow_id:
                form = next(f for f in document["forms"] if f["id"] == definition["form"])
                fields = [f.id for f in FormSpec.from_definition(app_id, form).fields]
                return compile_flow(definition, fields=fields, pointer=f"/flows/{index}")
        raise NotFoundError.says("builder.moves_no_flow", flow=flow_id)


def _said(version: int, old: FlowSpec, new: FlowSpec, plan: InstancePlan, locale: str) -> dict[str, Any]:
    """One instance's plan with its steps named as the builder named them."""

    def named(spec: FlowSpec, node: str) -> str:
        return spec.nodes[node].label(locale) if node in spec.nodes else node

    return {
        **plan.as_dict(locale),
        "from_version": version,
        "ok": plan.ok,
        "moves": [{"from": a, "from_name": named(old, a), "to": b, "to_name": named(new, b)} for a, b in plan.moves],
    }
