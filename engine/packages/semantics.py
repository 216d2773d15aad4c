"""Meaning checks on a package whose structure is already valid: ids, references, flow graphs.

The schema can say "target is an id"; only this module can say "there is no node 'dispatchh'
(did you mean 'dispatch'?)", "node 'x' can never be reached" or "this parallel split never joins".
Each check appends Problems; nothing here raises, so one run reports every finding.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from engine.automations import ACTION_TYPES, TRIGGER_TYPES, PackageIndex
from engine.errors import ExpressionError, Problem
from engine.expressions import RESERVED_NAMES, parse_duration
from engine.flows.facts import flow_facts_problems
from engine.flows.lanes import lane_problems
from engine.forms.spec import FieldSpec
from engine.forms.types import FIELD_TYPES, FieldValueError
from engine.packages.cascades import cascade_problems
from engine.packages.expression_checks import expression_problem
from engine.packages.knowledge_base_checks import knowledge_base_problems
from engine.packages.messages import problem
from engine.packages.navigation import navigation_problems
from engine.packages.structure import pointer_sort_key
from engine.packages.unique_together import unique_together_problems
from engine.registry import suggest

SYSTEM_FIELDS = ("id", "created_at", "updated_at", "created_by", "updated_by")
RESERVED_FIELD_IDS = frozenset(
    {"id", "uuid", "app_version", "created_at", "updated_at", "created_by", "updated_by", "lock_version", "deleted_at"}
)
RESERVED_ROW_IDS = frozenset({"id", "parent_id", "position"})
#: the engine's own per-app role: who may build the app (engine/services/builder_access.py). A package
#: may not declare it, or it could hand itself builders and its end users would open the builder.
BUILDER_ROLE = "builder"
SPLIT_KINDS = {"parallel_gateway": "parallel", "inclusive_gateway": "inclusive"}


class _Ids:
    """The ids of one collection, where each was declared, and a did-you-mean for misses."""

    def __init__(self, kind: str, items: Iterable[tuple[str, str]], problems: list[Problem]):
        self.kind = kind
        self.where: dict[str, str] = {}
        for pointer, ident in items:
            if ident in self.where:
                problems.append(
                    problem(f"{pointer}/id", "ref.duplicate_id", kind=kind, id=ident, first=self.where[ident])
                )
            else:
                self.where[ident] = pointer

    def check(self, pointer: str, ident: str, problems: list[Problem], extra: Sequence[str] = ()) -> bool:
        if ident in self.where or ident in extra:
            return True
        problems.append(
            problem(pointer, "ref.unknown", kind=self.kind, id=ident, hint=suggest(ident, [*self.where, *extra]))
        )
        return False


def semantic_problems(document: Mapping[str, Any]) -> list[Problem]:
    """Every meaning problem, in document order (by JSON pointer)."""
    return sorted(_PackageChecker(document).run(), key=lambda found: pointer_sort_key(found.pointer))


def _duration(pointer: str, text: str, problems: list[Problem]) -> None:
    """A duration the schema's pattern lets through but the engine cannot use (``P1M``: months vary)."""
    try:
        parse_duration(text)
    except ExpressionError as exc:
        problems.append(expression_problem(pointer, exc))


def _indexed(items: Sequence[Mapping[str, Any]], base: str) -> list[tuple[str, str]]:
    return [(f"{base}/{i}", item["id"]) for i, item in enumerate(items)]


class _PackageChecker:
    def __init__(self, document: Mapping[str, Any]):
        self.doc = document
        self.problems: list[Problem] = []
        p = self.problems
        self.roles = _Ids("role", _indexed(document.get("roles", []), "/roles"), p)
        for i, role in enumerate(document.get("roles", [])):
            if role["id"] == BUILDER_ROLE:
                p.append(problem(f"/roles/{i}/id", "role.reserved_id", id=BUILDER_ROLE))
        self.forms = _Ids("form", _indexed(document.get("forms", []), "/forms"), p)
        self.flows = _Ids("flow", _indexed(document.get("flows", []), "/flows"), p)
        self.reports = _Ids("report", _indexed(document.get("reports", []), "/reports"), p)
        self.dashboards = _Ids("dashboard", _indexed(document.get("dashboards", []), "/dashboards"), p)
        self.automations = _Ids("automation", _indexed(document.get("automations", []), "/automations"), p)
        self.connectors = _Ids("connector", _indexed(document.get("connectors", []), "/connectors"), p)
        self.automation_index = PackageIndex.from_document(document)
        self.form_fields: dict[str, _Ids] = {}
        self.forms_by_id = {form["id"]: form for form in document.get("forms", [])}
        self.fields_by_index: list[_Ids] = []
        for i, form in enumerate(document.get("forms", [])):
            fields = _Ids("field", _indexed(form["fields"], f"/forms/{i}/fields"), p)
            self.fields_by_index.append(fields)
            self.form_fields.setdefault(form["id"], fields)

    def run(self) -> list[Problem]:
        for i, form in enumerate(self.doc.get("forms", [])):
            self._form(f"/forms/{i}", form, self.fields_by_index[i])
        for i, flow in enumerate(self.doc.get("flows", [])):
            _FlowChecker(self, f"/flows/{i}", flow).run()
        for i, report in enumerate(self.doc.get("reports", [])):
            self._report(f"/reports/{i}", report)
        for i, board in enumerate(self.doc.get("dashboards", [])):
            self._dashboard(f"/dashboards/{i}", board)
        for i, automation in enumerate(self.doc.get("automations", [])):
            self._automation(f"/automations/{i}", automation)
        for i, grant in enumerate(self.doc.get("permissions", [])):
            self._permission(f"/permissions/{i}", grant)
        self.problems.extend(navigation_problems(self.doc))
        if "time_zone" in self.doc and not known_zone(self.doc["time_zone"]):
            self.problems.append(problem("/time_zone", "package.unknown_time_zone", zone=self.doc["time_zone"]))
        return self.problems

    # -- shared helpers ------------------------------------------------------------------------
    def field_ids(self, form_id: str) -> _Ids | None:
        return self.form_fields.get(form_id)

    def check_field(self, pointer: str, form_id: str, field_id: str, *, system: bool = False) -> None:
        fields = self.field_ids(form_id)
        if fields is not None:
            fields.check(pointer, field_id, self.problems, SYSTEM_FIELDS if system else ())

    def check_assignment(self, pointer: str, assignment: Mapping[str, Any], form_id: str | None) -> None:
        if assignment["type"] == "role":
            self.roles.check(f"{pointer}/role", assignment["role"], self.problems)
        elif assignment["type"] == "roles":
            for k, role in enumerate(assignment["roles"]):
                self.roles.check(f"{pointer}/roles/{k}", role, self.problems)
        elif assignment["type"] == "field" and form_id is not None:
            self.check_field(f"{pointer}/field", form_id, assignment["field"], system=True)
        if form_id is not None and "match_community" in assignment:  # dispatch, role, roles
            self.check_field(f"{pointer}/match_community", form_id, assignment["match_community"])

    # -- forms ---------------------------------------------------------------------------------
    def _form(self, base: str, form: Mapping[str, Any], fields: _Ids) -> None:
        p = self.problems
        for key in ("title_field",):
            if key in form:
                fields.check(f"{base}/{key}", form[key], p)
        for k, field_id in enumerate(form.get("summary_fields", [])):
            fields.check(f"{base}/summary_fields/{k}", field_id, p)
        for s, step in enumerate(form.get("layout", [])):
            for k, field_id in enumerate(step["fields"]):
                fields.check(f"{base}/layout/{s}/fields/{k}", field_id, p)
        public = form.get("public", {})
        for key in ("prefill", "fields"):
            for k, field_id in enumerate(public.get(key, [])):
                fields.check(f"{base}/public/{key}/{k}", field_id, p)
        for n, index in enumerate(form.get("indexes", [])):
            for k, field_id in enumerate(index["fields"]):
                fields.check(f"{base}/indexes/{n}/fields/{k}", field_id, p)
        p.extend(unique_together_problems(base, form))
        p.extend(cascade_problems(base, form, self.forms_by_id))
        p.extend(knowledge_base_problems(self.doc, base, form))
        _Ids("rule", _indexed(form.get("rules", []), f"{base}/rules"), p)
        for r, rule in enumerate(form.get("rules", [])):
            for k, field_id in enumerate(rule.get("fields", [])):
                fields.check(f"{base}/rules/{r}/fields/{k}", field_id, p)
        for j, field in enumerate(form["fields"]):
            if field["id"] in RESERVED_FIELD_IDS:
                p.append(problem(f"{base}/fields/{j}/id", "form.reserved_field_id", id=field["id"]))
            elif field["id"] in RESERVED_NAMES:
                p.append(problem(f"{base}/fields/{j}/id", "form.field_shadows_helper", id=field["id"]))
            self._field(f"{base}/fields/{j}", form["id"], field)

    def _field(self, base: str, form_id: str, field: Mapping[str, Any]) -> None:
        p = self.problems
        if field["type"] not in FIELD_TYPES:
            return  # the structure check named it; nothing here can be said of an unknown type
        kind = FIELD_TYPES.get(field["type"])
        spec = FieldSpec.from_definition(field)
        target = kind.related_form(spec)
        if target is not None and self.forms.check(f"{base}/target", target, p):
            if target == form_id and field.get("required"):
                p.append(problem(f"{base}/required", "form.relation_self_required", form=form_id))
            if "display_field" in field:
                self.check_field(f"{base}/display_field", target, field["display_field"])
        if "role" in field:  # a person or group picker limited to a role
            self.roles.check(f"{base}/role", field["role"], p)
        for found in kind.config_problems(spec):
            p.append(problem(f"{base}/{found.key}", found.code, **found.params))
        if "options" in field:
            seen: set[str] = set()
            for k, option in enumerate(field["options"]):
                if option["value"] in seen:
                    p.append(problem(f"{base}/options/{k}/value", "form.option_duplicate", value=option["value"]))
                seen.add(option["value"])
        if "default" in field and field["default"] is not None:
            try:
                kind.clean(spec, field["default"])
            except FieldValueError as exc:
                p.append(problem(f"{base}/default", "form.bad_default", reason=exc.code))
        if kind.holds_rows:
            _Ids("field", _indexed(field["fields"], f"{base}/fields"), p)
            for k, child in enumerate(field["fields"]):
                if child["id"] in RESERVED_ROW_IDS:
                    p.append(problem(f"{base}/fields/{k}/id", "form.reserved_field_id", id=child["id"]))
                self._field(f"{base}/fields/{k}", form_id, child)

    # -- reports, dashboards, automations, permissions -----------------------------------------
    def _report(self, base: str, report: Mapping[str, Any]) -> None:
        p = self.problems
        source = report["source"]
        form_id: str | None = None
        if "form" in source and self.forms.check(f"{base}/source/form", source["form"], p):
            form_id = source["form"]
        if "flow" in source:
            self.flows.check(f"{base}/source/flow", source["flow"], p)
        dims: list[str] = []
        for key in ("rows", "columns"):
            for k, dim in enumerate(report.get(key, [])):
                dims.append(dim.get("id", dim["field"]))
                if form_id and "." not in dim["field"]:  # a relation path: engine.reports.spec checks it
                    self.check_field(f"{base}/{key}/{k}/field", form_id, dim["field"], system=True)
        for k, flt in enumerate(report.get("filters", [])):
            if form_id and "." not in flt["field"]:
                self.check_field(f"{base}/filters/{k}/field", form_id, flt["field"], system=True)
        measures = _Ids("measure", _indexed(report["measures"], f"{base}/measures"), p)
        for k, measure in enumerate(report["measures"]):
            if form_id and "field" in measure and "." not in measure["field"]:
                self.check_field(f"{base}/measures/{k}/field", form_id, measure["field"], system=True)
        chart = report.get("chart", {})
        if "x" in chart:
            measures.check(f"{base}/chart/x", chart["x"], p, extra=dims)
        for k, name in enumerate(chart.get("y", [])):
            measures.check(f"{base}/chart/y/{k}", name, p, extra=dims)
        for k, order in enumerate(report.get("sort", [])):
            measures.check(f"{base}/sort/{k}/by", order["by"], p, extra=dims)

    def _dashboard(self, base: str, board: Mapping[str, Any]) -> None:
        _Ids("widget", _indexed(board["widgets"], f"{base}/widgets"), self.problems)
        _Ids("filter", _indexed(board.get("filters", []), f"{base}/filters"), self.problems)
        for k, widget in enumerate(board["widgets"]):
            self.reports.check(f"{base}/widgets/{k}/report", widget["report"], self.problems)

    def _automation(self, base: str, automation: Mapping[str, Any]) -> None:
        """The trigger's and each action's own checks (their types say what they name), then who is notified."""
        p = self.problems
        trigger = automation["trigger"]
        if trigger["type"] not in TRIGGER_TYPES:
            return  # the structure check named it
        kind = TRIGGER_TYPES.get(trigger["type"])
        index = self.automation_index
        for found in kind.problems(trigger, index):
            p.append(problem(f"{base}/trigger/{found.key}", found.code, **found.params))
        form_id = kind.record_form(trigger, index)
        for k, action in enumerate(automation["actions"]):
            here = f"{base}/actions/{k}"
            if action["type"] not in ACTION_TYPES:
                continue
            does = ACTION_TYPES.get(action["type"])
            if does.needs_record and not kind.has_record(trigger):
                p.append(
                    problem(f"{here}/type", "automation.needs_record", action=action["type"], trigger=trigger["type"])
                )
                continue
            for found in does.problems(action, index, form_id):
                p.append(problem(f"{here}/{found.key}", found.code, **found.params))
            if "to" in action:
                self.check_assignment(f"{here}/to", action["to"], form_id)

    def _permission(self, base: str, grant: Mapping[str, Any]) -> None:
        self.roles.check(f"{base}/role", grant["role"], self.problems)
        if self.forms.check(f"{base}/form", grant["form"], self.problems):
            for name in grant.get("fields", {}):
                self.check_field(f"{base}/fields/{name}", grant["form"], name, system=True)


#: what a check-in writes into the field it names, to see that the field takes it
CHECK_IN_SAMPLES: Mapping[str, Any] = {
    "time": "2026-01-01T09:30:00+00:00",
    "location": {"lat": 30.25, "lng": 120.17, "address": "A"},
}


def public_hidden_fields(document: Mapping[str, Any], form_id: str) -> set[str]:
    """The fields of a form that a public role (whoever holds a tracking link) may not read."""
    public = {role["id"] for role in document.get("roles", []) if role.get("public")}
    return {
        field_id
        for rule in document.get("permissions", [])
        if rule.get("role") in public and rule.get("form") == form_id
        for field_id, mode in rule.get("fields", {}).items()
        if mode == "hidden"
    }


class _FlowChecker:
    """Graph checks of one flow: references, one start, reachable ends, no dead ends, joined splits."""

    def __init__(self, package: _PackageChecker, base: str, flow: Mapping[str, Any]):
        self.pkg = package
        self.base = base
        self.flow = flow
        self.problems = package.problems
        self.nodes = _Ids("node", _indexed(flow["nodes"], f"{base}/nodes"), self.problems)
        self.edges = _Ids("edge", _indexed(flow["edges"], f"{base}/edges"), self.problems)
        self.kind = {node["id"]: node["type"] for node in flow["nodes"]}
        self.form_id = flow["form"] if flow["form"] in package.forms.where else None

    def run(self) -> None:
        p = self.problems
        self.pkg.forms.check(f"{self.base}/form", self.flow["form"], p)
        outgoing: dict[str, list[str]] = {n: [] for n in self.kind}
        incoming: dict[str, list[str]] = {n: [] for n in self.kind}
        defaults: dict[str, int] = {}
        for k, edge in enumerate(self.flow["edges"]):
            here = f"{self.base}/edges/{k}"
            ok_source = self.nodes.check(f"{here}/source", edge["source"], p)
            ok_target = self.nodes.check(f"{here}/target", edge["target"], p)
            if edge["source"] == edge["target"]:
                p.append(problem(here, "flow.self_loop", id=edge["id"]))
            if ok_source and ok_target:
                outgoing[edge["source"]].append(edge["target"])
                incoming[edge["target"]].append(edge["source"])
            if edge.get("default") and ok_source:
                defaults[edge["source"]] = defaults.get(edge["source"], 0) + 1
        for node_id, count in defaults.items():
            if count > 1:
                p.append(problem(self.nodes.where[node_id], "flow.many_defaults", id=node_id, count=count))
        for k, node in enumerate(self.flow["nodes"]):
            self._node(f"{self.base}/nodes/{k}", node)
        for s, stage in enumerate(self.flow.get("stages", [])):
            for k, node_id in enumerate(stage["nodes"]):
                self.nodes.check(f"{self.base}/stages/{s}/nodes/{k}", node_id, p)
        _Ids("lane", _indexed(self.flow.get("lanes", []), f"{self.base}/lanes"), p)
        for s, lane in enumerate(self.flow.get("lanes", [])):
            if "assignee" in lane:
                self.pkg.check_assignment(f"{self.base}/lanes/{s}/assignee", lane["assignee"], self.form_id)
        p.extend(lane_problems(self.flow, self.base))
        tracking = self.flow.get("tracking", {})
        hidden = public_hidden_fields(self.pkg.doc, self.form_id) if self.form_id else set()
        for k, field_id in enumerate(tracking.get("outcome_fields", [])):
            if self.form_id:
                self.pkg.check_field(f"{self.base}/tracking/outcome_fields/{k}", self.form_id, field_id)
            if field_id in hidden:
                p.append(
                    problem(f"{self.base}/tracking/outcome_fields/{k}", "flow.tracking.hidden_outcome", id=field_id)
                )
        for k, edge_id in enumerate(tracking.get("rework_edges", [])):
            self.edges.check(f"{self.base}/tracking/rework_edges/{k}", edge_id, p)
        if "name_field" in tracking and self.form_id:
            self.pkg.check_field(f"{self.base}/tracking/name_field", self.form_id, tracking["name_field"])
        p.extend(flow_facts_problems(self.flow, self.base))
        self._graph(outgoing, incoming)

    def _check_in_field(self, pointer: str, form_id: str, key: str, name: str) -> None:
        """A check-in writes the server's moment or the phone's place: the field must exist and take it."""
        self.pkg.check_field(pointer, form_id, name)
        form = next(f for f in self.pkg.doc["forms"] if f["id"] == form_id)
        field = next((f for f in form["fields"] if f["id"] == name), None)
        if field is None or field["type"] not in FIELD_TYPES:
            return  # reported as unknown already
        spec = FieldSpec.from_definition(field)
        kind = FIELD_TYPES.get(field["type"])
        sample = CHECK_IN_SAMPLES[key]
        try:
            fits = not kind.computed and kind.column(spec) is not None and kind.clean(spec, sample) is not None
        except (FieldValueError, TypeError, ValueError):
            fits = False
        if not fits:
            p = self.problems
            p.append(problem(pointer, f"flow.check_in_{key}", field=name))

    def _editable_field(self, pointer: str, form_id: str, name: str, collect: str | None) -> None:
        """A step lets people fill a field only if it takes typed values; collecting every signer's
        opinion (``collect: all``) adds lines of text, so it needs a text field."""
        form = next(f for f in self.pkg.doc["forms"] if f["id"] == form_id)
        field = next((f for f in form["fields"] if f["id"] == name), None)
        if field is None or field["type"] not in FIELD_TYPES:
            return  # reported as unknown already
        kind = FIELD_TYPES.get(field["type"])
        if kind.computed or not kind.stores_value:
            self.problems.append(problem(pointer, "flow.field_not_editable", field=name, type=field["type"]))
        elif collect == "all" and not kind.collects_lines:
            self.problems.append(problem(pointer, "flow.collect_needs_text", field=name, type=field["type"]))

    def _node(self, base: str, node: Mapping[str, Any]) -> None:
        p = self.problems
        form_id = self.form_id
        if "assignee" in node:
            self.pkg.check_assignment(f"{base}/assignee", node["assignee"], form_id)
        if "to" in node:
            self.pkg.check_assignment(f"{base}/to", node["to"], form_id)
        if form_id:
            for name, mode in node.get("field_permissions", {}).items():
                self.pkg.check_field(f"{base}/field_permissions/{name}", form_id, name)
                if mode in ("editable", "required"):
                    self._editable_field(f"{base}/field_permissions/{name}", form_id, name, node.get("collect"))
            for name in node.get("set", {}):
                self.pkg.check_field(f"{base}/set/{name}", form_id, name)
            if "until_field" in node:
                self.pkg.check_field(f"{base}/until_field", form_id, node["until_field"], system=True)
            for key, name in node.get("check_in", {}).items():
                self._check_in_field(f"{base}/check_in/{key}", form_id, key, name)
        if "connector" in node:
            self.pkg.connectors.check(f"{base}/connector", node["connector"], p)
        if node["type"] == "subflow":
            self.pkg.flows.check(f"{base}/flow", node["flow"], p)
        _Ids("timer", _indexed(node.get("timers", []), f"{base}/timers"), p)
        for key in ("after", "due"):
            if key in node:
                _duration(f"{base}/{key}", node[key], p)
        for t, timer in enumerate(node.get("timers", [])):
            self._timer(f"{base}/timers/{t}", node, timer)

    def _timer(self, here: str, node: Mapping[str, Any], timer: Mapping[str, Any]) -> None:
        """A boundary timer runs as written: its durations parse, its edge leaves its node and is taken
        by a ``route`` only, and ``interrupting`` agrees with what its action does to the task."""
        p, action = self.problems, timer["action"]
        for key in ("after", "offset"):
            if key in timer:
                _duration(f"{here}/{key}", timer[key], p)
        if "to" in timer:
            self.pkg.check_assignment(f"{here}/to", timer["to"], self.form_id)
        if action == "route" and "edge" not in timer:
            p.append(problem(here, "flow.timer_route_needs_edge", timer=timer["id"]))
        if action != "route" and "edge" in timer:
            p.append(problem(f"{here}/edge", "flow.timer_edge_not_route", timer=timer["id"], action=action))
        elif "edge" in timer:
            self.edges.check(f"{here}/edge", timer["edge"], p)
            route = next((e for e in self.flow["edges"] if e["id"] == timer["edge"]), None)
            if route is not None and route["source"] != node["id"]:
                p.append(problem(f"{here}/edge", "flow.timer_edge_elsewhere", edge=timer["edge"], node=node["id"]))
            elif route is not None and not any(
                e["source"] == node["id"] and e["id"] != timer["edge"] for e in self.flow["edges"]
            ):
                p.append(problem(f"{here}/edge", "flow.timer_edge_only_way", edge=timer["edge"], node=node["id"]))
        if timer.get("interrupting") is True and action in ("notify", "escalate"):
            p.append(problem(f"{here}/interrupting", "flow.timer_cannot_interrupt", action=action))
        if timer.get("interrupting") is False and action == "complete":
            p.append(problem(f"{here}/interrupting", "flow.timer_must_interrupt", action=action))
        if "until_field" in timer and self.form_id:
            self.pkg.check_field(f"{here}/until_field", self.form_id, timer["until_field"], system=True)

    def _graph(self, outgoing: dict[str, list[str]], incoming: dict[str, list[str]]) -> None:
        p = self.problems
        starts = [n for n, kind in self.kind.items() if kind == "start"]
        ends = [n for n, kind in self.kind.items() if kind == "end"]
        flow_pointer = self.base
        if not starts:
            p.append(problem(f"{flow_pointer}/nodes", "flow.no_start"))
        elif len(starts) > 1:
            p.append(problem(self.nodes.where[starts[1]], "flow.many_starts", count=len(starts)))
        if not ends:
            p.append(problem(f"{flow_pointer}/nodes", "flow.no_end"))
        for node_id, kind in self.kind.items():
            where = self.nodes.where.get(node_id, flow_pointer)
            if kind == "start" and incoming[node_id]:
                p.append(problem(where, "flow.start_incoming"))
            elif kind == "end" and outgoing[node_id]:
                p.append(problem(where, "flow.end_outgoing"))
            elif kind != "end" and not outgoing[node_id]:
                p.append(problem(where, "flow.dead_end", id=node_id))
        if len(starts) != 1:
            return
        reached = _reachable(starts[0], outgoing)
        # one finding per cut-off region: its first node in document order, not every node behind it
        explained = set(reached)
        for node_id in self.kind:
            if node_id not in explained:
                p.append(problem(self.nodes.where[node_id], "flow.unreachable", id=node_id))
                explained |= _reachable(node_id, outgoing)
        if ends and not any(end in reached for end in ends):
            p.append(problem(f"{flow_pointer}/nodes", "flow.end_unreachable"))
        for node_id, kind in self.kind.items():
            if kind in SPLIT_KINDS and len(outgoing[node_id]) > 1 and node_id in reached:
                self._split_joins(node_id, kind, outgoing, incoming)

    def _split_joins(
        self, split: str, kind: str, outgoing: dict[str, list[str]], incoming: dict[str, list[str]]
    ) -> None:
        joins = {n for n, k in self.kind.items() if k == kind and len(incoming[n]) > 1 and n != split}
        common: set[str] | None = None
        for branch in outgoing[split]:
            seen = _reachable(branch, outgoing, stop=split)
            found = seen & joins
            common = found if common is None else common & found
        if not common:
            self.problems.append(
                problem(self.nodes.where[split], "flow.split_without_join", kind=SPLIT_KINDS[kind], id=split)
            )


def known_zone(name: str) -> bool:
    """Whether ``name`` is an IANA time zone this machine knows (``Asia/Shanghai``)."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def _reachable(start: str, outgoing: Mapping[str, list[str]], stop: str | None = None) -> set[str]:
    seen = {start}
    queue = deque([start])
    while queue:
        for nxt in outgoing.get(queue.popleft(), []):
            if nxt not in seen and nxt != stop:
                seen.add(nxt)
                queue.append(nxt)
    return seen
