"""BPMN 2.0 XML → a Trellis flow definition, with every element that could not be carried over listed.

The reader trusts nothing: the bytes go through ``security.parse_document`` (size cap, no DTD or
entities), broken references refuse the file with a ``DefinitionError``, and an element outside
the supported subset is reported by id and type (``Activity_1x2y (bpmn:subProcess): not
supported``) - never silently dropped. Trellis properties written by ``flow_to_bpmn`` take
precedence over what the reader derives from plain BPMN, so export → import gives the same flow.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any
from xml.etree.ElementTree import Element

from engine.errors import Problem
from engine.flows.bpmn.assignment import assignment
from engine.flows.bpmn.conditions import Completion, completion, to_python
from engine.flows.bpmn.document import (
    BpmnImport,
    ImportNote,
    UnsupportedElement,
    assignment_sources,
    camunda_attribute,
    choose_process,
    claimed_ids,
    derive_text,
    derive_timer,
    diagram_bounds,
    local_name,
    ordered,
    valid_trellis_id,
)
from engine.flows.bpmn.extensions import read_properties
from engine.flows.bpmn.lanes import participant_name, read_lanes
from engine.flows.bpmn.namespaces import (
    CAMUNDA_LIKE,
    TRELLIS,
    ZEEBE,
    bpmn,
    prefixed,
    q,
    split,
    text_of,
)
from engine.flows.bpmn.naming import labels_text, trellis_id
from engine.flows.bpmn.security import MAX_BPMN_BYTES, index_ids, parse_document, refuse
from engine.flows.bpmn.text import Text, says
from engine.packages.messages import problem

DURATION = re.compile(r"^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$")
FLOW_ORDER = ("id", "name", "description", "form", "start_on", "stages", "lanes", "nodes", "edges")
NODE_ORDER = (
    "id", "type", "name", "description", "position", "mode", "pass_ratio", "assignee", "to", "message",
    "channels", "actions", "outcomes", "field_permissions", "due", "timers", "connector", "operation", "set",
    "mapping", "assign", "after", "until_field", "business_hours", "flow", "terminate", "status",
)  # fmt: skip
TIMER_ORDER = (
    "id",
    "after",
    "until_field",
    "offset",
    "business_hours",
    "when",
    "interrupting",
    "action",
    "to",
    "edge",
    "message",
)
EDGE_ORDER = ("id", "source", "target", "name", "condition", "default")
GATEWAYS = {"exclusiveGateway": "exclusive_gateway", "parallelGateway": "parallel_gateway"}
GATEWAYS["inclusiveGateway"] = "inclusive_gateway"
PLAIN_TASKS = {"task", "manualTask"}
# Types only a Trellis export can say: the BPMN element alone does not carry their configuration.
MARKED = {"serviceTask": "service_task", "scriptTask": "script_task", "sendTask": "notify", "callActivity": "subflow"}
ARTIFACTS = {"textAnnotation", "association", "group"}
HANDLED_PROPERTIES = {"id", "type", "name", "description", "auto_position", "default"}
FORM_EXTENSIONS = {q(ZEEBE, "formDefinition"), q(ZEEBE, "properties")}
FORM_EXTENSIONS |= {q(ns, "formData") for ns in CAMUNDA_LIKE} | {q(ns, "properties") for ns in CAMUNDA_LIKE}
HANDLED_EXTENSIONS = {q(ZEEBE, "assignmentDefinition"), q(ZEEBE, "userTask"), q(TRELLIS, "property")}
STARTER_FIELD = {"type": "submitter"}
NOT_SUPPORTED = says("bpmn.unsupported")
COMPLETION_GUESSED = {
    "countersign": "bpmn.unsupported.completion_countersign",
    "sequential": "bpmn.unsupported.completion_sequential",
}


def bpmn_to_flow(
    data: bytes,
    *,
    flow_id: str | None = None,
    form: str | None = None,
    locale: str | None = None,
    max_bytes: int = MAX_BPMN_BYTES,
    roles: Mapping[str, str] | None = None,
) -> BpmnImport:
    """Read a ``.bpmn`` file into a flow definition for ``form``.

    ``flow_id`` and ``form`` override what the file says (a Trellis export records both);
    ``locale`` ("zh-CN" or "en") is the language of the modeler's labels, guessed when omitted;
    ``roles`` maps the names a lane may give a role (``engine.flows.lanes.role_names``) to its id.
    Raises ``DefinitionError`` when the file is not a readable, consistent BPMN document.
    """
    root = parse_document(data, max_bytes=max_bytes)
    index_ids(root)
    process, unsupported = choose_process(root)
    reader = _ProcessReader(root, process, locale, roles or {})
    reader.unsupported.extend(unsupported)
    return reader.read(flow_id, form)


class _ProcessReader:
    def __init__(self, root: Element, process: Element, locale: str | None, roles: Mapping[str, str]):
        self.root = root
        self.process = process
        self.locale = locale
        self.unsupported: list[UnsupportedElement] = []
        self.notes: list[ImportNote] = []
        self.bounds = diagram_bounds(root)
        self.children = {child.get("id", ""): child for child in process if child.get("id")}
        self.nodes: dict[str, dict[str, Any]] = {}  # BPMN id → node
        self.edge_ids: dict[str, str] = {}  # BPMN id of a sequence flow → edge id
        self.sources: dict[str, str] = {}  # BPMN id of an accepted boundary timer → its task's BPMN id
        self.skipped_flows: dict[str, Text] = {}  # flows a boundary event made unsupported → reason
        self.lanes = read_lanes(process, roles)

    # -- findings ------------------------------------------------------------------------------
    def report(self, element: Element, reason: Text = NOT_SUPPORTED) -> None:
        self.unsupported.append(UnsupportedElement.of(element.get("id", "?"), prefixed(element.tag), reason))

    def note(self, element: Element, message: Text) -> None:
        self.notes.append(ImportNote.of(element.get("id", "?"), prefixed(element.tag), message))

    # -- the whole process ---------------------------------------------------------------------
    def read(self, flow_id: str | None, form: str | None) -> BpmnImport:
        self._check_references()
        props = read_properties(self.process)
        elements, flows, boundaries = self._classify()
        claimed = claimed_ids([(el, read_properties(el)) for el in elements])
        taken = set(claimed.values())
        for element in elements:
            node = self._node(element, read_properties(element))
            if node is not None:
                ident = claimed.get(element.get("id", "")) or trellis_id(element.get("id", ""), taken)
                self.nodes[element.get("id", "")] = {"id": ident, **node}
        edge_claims = claimed_ids([(flow, read_properties(flow)) for flow in flows])
        edge_taken = set(edge_claims.values())
        for flow in flows:
            ident = flow.get("id", "")
            self.edge_ids[ident] = edge_claims.get(ident) or trellis_id(ident, edge_taken, fallback="edge")
        for boundary in boundaries:
            self._boundary(boundary, flows)
        edges = [edge for flow in flows if (edge := self._edge(flow)) is not None]

        result: dict[str, Any] = {}
        result["id"] = (
            flow_id
            or valid_trellis_id(props.get("id"))
            or trellis_id(self.process.get("id", "flow"), set(), fallback="flow")
        )
        label = self.process.get("name") or participant_name(self.root, self.process)
        result["name"] = self._text(label, props, "name") or {"en": self.process.get("id", "flow")}
        description = self._text(self._documentation(self.process), props, "description")
        if description is not None:
            result["description"] = description
        chosen_form = form or valid_trellis_id(props.get("form"))
        if not chosen_form:
            chosen_form = result["id"]
            self.note(self.process, says("bpmn.note.no_form", form=chosen_form))
        result["form"] = chosen_form
        for key, value in props.items():
            if key not in ("id", "form", "name", "description"):
                result[key] = value
        lanes = self.lanes.flow_lanes(self.nodes, self._text)
        if lanes:
            result["lanes"] = lanes
        self.unsupported.extend(self.lanes.unsupported)
        self.notes.extend(self.lanes.notes)
        result["nodes"] = [ordered(node, NODE_ORDER) for node in self.nodes.values()]
        result["edges"] = edges
        return BpmnImport(ordered(result, FLOW_ORDER), self.unsupported, self.notes)

    def _check_references(self) -> None:
        problems: list[Problem] = []
        flow_ids = set()
        for n, child in enumerate(self.process):
            local = local_name(child)
            if local in ("documentation", "extensionElements", "laneSet") or not local:
                continue
            if not child.get("id"):
                where = f"{self.process.get('id', 'process')}/{prefixed(child.tag)}[{n + 1}]"
                problems.append(problem(where, "bpmn.missing_id", tag=prefixed(child.tag)))
            if local == "sequenceFlow":
                flow_ids.add(child.get("id"))
        for child in self.process:
            local, ident = local_name(child), child.get("id", "?")
            refs = {"sequenceFlow": ("sourceRef", "targetRef"), "boundaryEvent": ("attachedToRef",)}.get(local, ())
            for attribute in refs:
                target = child.get(attribute)
                if not target:
                    problems.append(problem(ident, "bpmn.missing_ref", tag=prefixed(child.tag), attribute=attribute))
                elif target not in self.children or local_name(self.children[target]) == "sequenceFlow":
                    detail = says("bpmn.dangling_ref.target", attribute=attribute, target=target)
                    problems.append(problem(ident, "bpmn.dangling_ref", detail=detail))
            default = child.get("default")
            if default and (default not in flow_ids or self.children[default].get("sourceRef") != child.get("id")):
                detail = says("bpmn.dangling_ref.default", default=default)
                problems.append(problem(ident, "bpmn.dangling_ref", detail=detail))
        if problems:
            count = len(problems)
            summary = "bpmn.refused.broken_element" if count == 1 else "bpmn.refused.broken_elements"
            raise refuse(says(summary, count=count), problems)

    def _classify(self) -> tuple[list[Element], list[Element], list[Element]]:
        elements: list[Element] = []
        flows: list[Element] = []
        boundaries: list[Element] = []
        for child in self.process:
            local = local_name(child)
            if local in ("documentation", "extensionElements"):
                continue
            if local == "sequenceFlow":
                flows.append(child)
            elif local == "boundaryEvent":
                boundaries.append(child)
            elif local == "laneSet":
                continue  # read by engine.flows.bpmn.lanes
            elif local in ARTIFACTS:
                self.note(child, says("bpmn.note.artifact"))
            elif local:
                elements.append(child)
            else:
                self.report(child)
        return elements, flows, boundaries

    # -- nodes ---------------------------------------------------------------------------------
    def _node(self, element: Element, props: dict[str, Any]) -> dict[str, Any] | None:
        local = local_name(element)
        node: dict[str, Any] | None
        if local == "startEvent":
            node = {"type": "start"}
            self._plain_event(element, "bpmn.unsupported.plain_start")
        elif local == "endEvent":
            node = {"type": "end"}
            if element.find(bpmn("terminateEventDefinition")) is not None:
                node["terminate"] = True
            self._plain_event(element, "bpmn.unsupported.plain_end", allowed=("terminateEventDefinition",))
        elif local == "userTask" or local in PLAIN_TASKS:
            node = self._task(element, props)
        elif local in GATEWAYS:
            node = {"type": GATEWAYS[local]}
        elif local == "intermediateCatchEvent" and element.find(bpmn("timerEventDefinition")) is not None:
            node = self._timer_node(element)
        elif local in MARKED and props.get("type") == MARKED[local]:
            node = {"type": MARKED[local]}
            if local == "callActivity" and element.get("calledElement"):
                node["flow"] = element.get("calledElement")
        else:
            node = None
            self.report(element, self._why_unsupported(element))
        if node is None:
            return None
        self._extensions(element)
        return self._common(element, props, node)

    def _why_unsupported(self, element: Element) -> Text:
        details = [f"{prefixed(k)} {v}" for k, v in element.attrib.items() if split(k)[0] in CAMUNDA_LIKE]
        definitions = [prefixed(child.tag) for child in element if child.tag.endswith("EventDefinition")]
        extra = ", ".join([*definitions, *details[:2]])
        return says("bpmn.unsupported.details", details=extra) if extra else NOT_SUPPORTED

    def _plain_event(self, element: Element, reason: str, allowed: Sequence[str] = ()) -> None:
        for child in element:
            local = local_name(child)
            if local.endswith("EventDefinition") and local not in allowed:
                self.report(element, says(reason, definition=prefixed(child.tag)))

    def _common(self, element: Element, props: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
        name = self._text(element.get("name"), props, "name")
        if name is not None:
            node["name"] = name
        description = self._text(self._documentation(element), props, "description")
        if description is not None:
            node["description"] = description
        place = self.bounds.get(element.get("id", ""))
        if place is not None and props.get("auto_position") != list(place):
            node["position"] = {"x": place[0], "y": place[1]}
        for key, value in props.items():
            if key not in HANDLED_PROPERTIES:
                node[key] = value
        in_lane = element.get("id", "") in self.lanes.members  # its lane says who, or is to say it
        if node["type"] in ("user_task", "approval") and "assignee" not in node and not in_lane:
            node["assignee"] = dict(STARTER_FIELD)
            self.note(element, says("bpmn.note.no_assignee"))
        return node

    def _text(self, label: str | None, props: Mapping[str, Any], key: str) -> Any:
        """The Trellis text of a label: the exported one while the modeler left it unchanged."""
        if key in props and labels_text(props[key], label):
            return props[key]
        return derive_text(label, self.locale)

    @staticmethod
    def _documentation(element: Element) -> str | None:
        docs = element.findall(bpmn("documentation"))
        return "\n".join(text_of(doc) for doc in docs) if docs else None

    def _extensions(self, element: Element) -> None:
        extensions = element.find(bpmn("extensionElements"))
        for item in extensions if extensions is not None else ():
            if item.tag in HANDLED_EXTENSIONS:
                continue
            if item.tag in FORM_EXTENSIONS:
                self.note(element, says("bpmn.note.form_ignored", extension=prefixed(item.tag)))
            else:
                self.unsupported.append(UnsupportedElement(element.get("id", "?"), prefixed(item.tag)))

    def _task(self, element: Element, props: dict[str, Any]) -> dict[str, Any]:
        node: dict[str, Any] = {"type": "user_task"}
        if local_name(element) in PLAIN_TASKS:
            self.note(element, says("bpmn.note.plain_task"))
        if element.find(bpmn("standardLoopCharacteristics")) is not None:
            self.report(element, says("bpmn.unsupported.loop"))
        loop = element.find(bpmn("multiInstanceLoopCharacteristics"))
        collection = element_variable = None
        if loop is not None:
            sequential = loop.get("isSequential") == "true"
            condition = loop.find(bpmn("completionCondition"))
            found = completion(text_of(condition) if condition is not None else None, sequential=sequential)
            if found is None:
                base = "sequential" if sequential else "countersign"
                self.report(element, says(COMPLETION_GUESSED[base], condition=text_of(condition)))
                found = Completion(base)
            node["type"] = "approval"
            node["mode"] = found.mode
            if found.pass_ratio is not None:
                node["pass_ratio"] = found.pass_ratio
            collection, element_variable = (
                camunda_attribute(loop, "collection"),
                camunda_attribute(loop, "elementVariable"),
            )
            zeebe_loop = loop.find(f"{bpmn('extensionElements')}/{q(ZEEBE, 'loopCharacteristics')}")
            if zeebe_loop is not None:
                collection = collection or zeebe_loop.get("inputCollection")
                element_variable = element_variable or zeebe_loop.get("inputElement")
        if "assignee" not in props:
            sources = assignment_sources(element, collection, element_variable)
            found_assignee = assignment(sources)
            if found_assignee.assignee is not None:
                node["assignee"] = found_assignee.assignee
            if found_assignee.note:
                self.note(element, found_assignee.note)
            if found_assignee.refused:
                self.report(element, found_assignee.refused)
        return node

    def _timer_node(self, element: Element) -> dict[str, Any] | None:
        wait = self._timer_definition(element)
        if wait is None:
            return None
        return {"type": "timer", **wait}

    def _timer_definition(self, element: Element) -> dict[str, str] | None:
        """``after`` / ``until_field`` of a timer event, or None (reported) for cycles and expressions."""
        definition = element.find(bpmn("timerEventDefinition"))
        if definition is None:
            return None
        duration = definition.find(bpmn("timeDuration"))
        date = definition.find(bpmn("timeDate"))
        if duration is not None and DURATION.match(text_of(duration)):
            return {"after": text_of(duration)}
        if date is not None:
            match = re.match(r"^\s*(?:[$#]\{\s*([A-Za-z_]\w*)\s*\}|=\s*([A-Za-z_]\w*))\s*$", text_of(date))
            if match:
                return {"until_field": trellis_id(match.group(1) or match.group(2), set(), fallback="field")}
        cycle = definition.find(bpmn("timeCycle"))
        reason = "bpmn.unsupported.time_cycle" if cycle is not None else "bpmn.unsupported.timer"
        shown = text_of(next((e for e in (duration, date, cycle) if e is not None), None))
        self.report(element, says(reason, value=shown))
        return None

    # -- boundary timers -------------------------------------------------------------------------
    def _boundary(self, boundary: Element, flows: Sequence[Element]) -> None:
        ident = boundary.get("id", "")
        outgoing = [flow for flow in flows if flow.get("sourceRef") == ident]
        task = self.nodes.get(boundary.get("attachedToRef", ""))
        reason = ""
        if task is None or task["type"] not in ("user_task", "approval"):
            reason = "bpmn.unsupported.boundary_on_task"
        elif boundary.find(bpmn("timerEventDefinition")) is None:
            reason = "bpmn.unsupported.boundary_timer"
        wait = None if reason else self._timer_definition(boundary)
        if reason or wait is None or task is None:
            if reason:
                self.report(boundary, says(reason, why=self._why_unsupported(boundary)))
            for flow in outgoing:
                self.skipped_flows[flow.get("id", "")] = says("bpmn.unsupported.after_skipped", source=ident)
            return
        props = read_properties(boundary)
        interrupting = boundary.get("cancelActivity", "true") != "false"
        route = outgoing if len(outgoing) == 1 else []
        taken = {timer["id"] for timer in task.get("timers", [])}
        claimed = valid_trellis_id(props.get("id"))
        timer_id = claimed if claimed and claimed not in taken else trellis_id(ident, taken, fallback="timer")
        timer = derive_timer(
            timer_id,
            interrupting=interrupting,
            after=wait.get("after"),
            until_field=wait.get("until_field"),
            outgoing=[self.edge_ids[flow.get("id", "")] for flow in outgoing],
            label=boundary.get("name"),
            locale=self.locale,
        )
        if "message" in props and not labels_text(props["message"], boundary.get("name")):
            del props["message"]  # relabelled in the modeler: the label wins
        timer.update({k: v for k, v in props.items() if k != "id"})
        if timer.get("action") != "route":  # a Trellis action that takes no path: the drawn flow is not its edge
            for key in ("edge", "interrupting"):
                if key not in props:
                    timer.pop(key, None)
        if "action" not in timer:
            if outgoing:
                self.report(boundary, says("bpmn.unsupported.timer_paths", count=len(outgoing)))
            else:
                self.report(boundary, says("bpmn.unsupported.timer_outgoing"))
            for flow in outgoing:
                self.skipped_flows[flow.get("id", "")] = says("bpmn.unsupported.after_skipped", source=ident)
            return
        for flow in outgoing:
            if flow in route and timer["action"] == "route":
                self.sources[ident] = boundary.get("attachedToRef", "")
            else:
                self.skipped_flows[flow.get("id", "")] = says("bpmn.unsupported.reminder_path", action=timer["action"])
        task.setdefault("timers", []).append(ordered(timer, TIMER_ORDER))

    # -- edges -----------------------------------------------------------------------------------
    def _edge(self, flow: Element) -> dict[str, Any] | None:
        ident = flow.get("id", "")
        if ident in self.skipped_flows:
            self.report(flow, self.skipped_flows[ident])
            return None
        source_ref = self.sources.get(flow.get("sourceRef", ""), flow.get("sourceRef", ""))
        source, target = self.nodes.get(source_ref), self.nodes.get(flow.get("targetRef", ""))
        if source is None or target is None:
            missing = flow.get("sourceRef") if source is None else flow.get("targetRef")
            self.report(flow, says("bpmn.unsupported.connects_skipped", element=missing))
            return None
        props = read_properties(flow)
        edge: dict[str, Any] = {"id": self.edge_ids[ident], "source": source["id"], "target": target["id"]}
        name = self._text(flow.get("name"), props, "name")
        if name is not None:
            edge["name"] = name
        expression = flow.find(bpmn("conditionExpression"))
        if expression is not None and text_of(expression):
            language = (expression.get("language") or "").lower()
            translated = to_python(text_of(expression))
            if language and language not in ("python", "trellis", "juel", "feel"):
                self.report(flow, says("bpmn.unsupported.script_condition", language=language))
                edge["condition"] = text_of(expression)
            elif translated.python is None:
                condition = text_of(expression)
                self.report(flow, says("bpmn.unsupported.condition", condition=condition, reason=translated.reason))
                edge["condition"] = text_of(expression)
            else:
                edge["condition"] = translated.python
        source_element = self.children.get(flow.get("sourceRef", ""))
        if source_element is not None and source_element.get("default") == ident:
            edge["default"] = True
        for key, value in props.items():
            if key not in ("id", "name"):
                edge[key] = value
        return ordered(edge, EDGE_ORDER)
