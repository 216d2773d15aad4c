"""A Trellis flow definition → BPMN 2.0 XML with a diagram, as bpmn.io and Camunda Modeler save it.

Each element says in plain BPMN what BPMN can say (names, conditions, approvals as multi-instance
user tasks, timers as boundary events, layout); what only Trellis knows goes into
``trellis:property`` extension elements. The writer checks every key against what the reader
would derive from the plain BPMN and adds a property exactly where the two would differ, which
is what makes ``bpmn_to_flow(flow_to_bpmn(flow)).flow == flow`` hold.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from xml.etree.ElementTree import Element, SubElement

from engine import __version__
from engine.flows.bpmn.conditions import completion, completion_condition, to_python
from engine.flows.bpmn.document import derive_text, derive_timer, number
from engine.flows.bpmn.extensions import write_properties
from engine.flows.bpmn.lanes import lane_bounds, write_lanes
from engine.flows.bpmn.layout import Bounds, boundary_bounds, layout, waypoints
from engine.flows.bpmn.namespaces import BPMNDI, DC, DI, MODEL, TRELLIS, XSI, bpmn, q, serialize
from engine.flows.bpmn.naming import XmlIds, display_text, trellis_id
from engine.flows.bpmn.security import refuse
from engine.flows.bpmn.text import says
from engine.flows.lanes import lane_by_node, lanes_of
from engine.packages.messages import problem

TAGS = {
    "start": "startEvent",
    "end": "endEvent",
    "user_task": "userTask",
    "approval": "userTask",
    "exclusive_gateway": "exclusiveGateway",
    "parallel_gateway": "parallelGateway",
    "inclusive_gateway": "inclusiveGateway",
    "service_task": "serviceTask",
    "script_task": "scriptTask",
    "notify": "sendTask",
    "timer": "intermediateCatchEvent",
    "subflow": "callActivity",
}
MARKED = {"service_task", "script_task", "notify", "subflow"}
# elements whose BPMN ``default`` attribute names their default outgoing flow
DEFAULT_HOLDERS = {"exclusive_gateway", "inclusive_gateway", "user_task", "approval", *MARKED}
TASKS = {"user_task", "approval"}
FORMAL = {q(XSI, "type"): "bpmn:tFormalExpression"}
NAMESPACES = {"bpmn": MODEL, "bpmndi": BPMNDI, "dc": DC, "di": DI, "xsi": XSI, "trellis": TRELLIS}


def flow_to_bpmn(flow: Mapping[str, Any], *, locale: str | None = None) -> bytes:
    """BPMN 2.0 XML (UTF-8) for a flow definition that passed the flow schema; labels in ``locale``
    where a text has it (the designer's canvas), else in a text's first language."""
    return _Writer(flow, locale).write()


def _num(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _schema_order(element: Element) -> None:
    """Children in the order of the BPMN schema: documentation, incoming, outgoing, then the rest."""
    rank = {bpmn("documentation"): 0, bpmn("incoming"): 1, bpmn("outgoing"): 2}
    children = sorted(element, key=lambda child: rank.get(child.tag, 3))
    for child in list(element):
        element.remove(child)
    element.extend(children)


def _differs(derived: Mapping[str, Any], key: str, value: Any) -> bool:
    return key not in derived or derived[key] != value


class _Writer:
    def __init__(self, flow: Mapping[str, Any], locale: str | None = None):
        self.flow = flow
        self.locale = locale
        self.ids = XmlIds()
        self.nodes: list[Mapping[str, Any]] = [n for n in flow.get("nodes", []) if isinstance(n, Mapping)]
        self.edges: list[Mapping[str, Any]] = [e for e in flow.get("edges", []) if isinstance(e, Mapping)]
        self.node_xml: dict[str, str] = {}  # Trellis node id → XML id (first node of an id wins)
        self.node_elements: dict[str, Element] = {}
        self.elements: list[Element] = []  # one per node, in order
        self.edge_xml: list[str] = []
        self.boundary_of_edge: dict[int, str] = {}  # edge index → XML id of the boundary timer it leaves from
        self.boundaries: list[tuple[str, str, int]] = []  # (XML id, task XML id, index on the task)
        self.lanes = lanes_of(flow)
        self.pool: tuple[str, str, list[str]] | None = None  # collaboration, participant and lane XML ids

    def write(self) -> bytes:
        flow_id = str(self.flow.get("id", "flow"))
        definitions = Element(bpmn("definitions"))
        definitions.set("id", self.ids.allocate(f"Definitions_{flow_id}"))
        definitions.set("targetNamespace", "http://bpmn.io/schema/bpmn")
        definitions.set("exporter", "Trellis")
        definitions.set("exporterVersion", __version__)
        collaboration = SubElement(definitions, bpmn("collaboration")) if self.lanes else None
        process = SubElement(definitions, bpmn("process"), {"id": self.ids.allocate(f"Process_{flow_id}")})
        process.set("isExecutable", "true")
        diagram_id, plane_id = self.ids.allocate("BPMNDiagram_1"), self.ids.allocate("BPMNPlane_1")
        xml_ids = [self.ids.allocate(str(node["id"])) for node in self.nodes]
        for node, xml_id in zip(self.nodes, xml_ids, strict=True):
            self.node_xml.setdefault(node["id"], xml_id)
        self.edge_xml = [self.ids.allocate(str(edge["id"])) for edge in self.edges]
        self._process_header(process, flow_id)
        if collaboration is not None:
            self._pool(collaboration, process, flow_id)
        lane_of = lane_by_node(self.flow)
        bands = {node_id: self.lanes.index(lane) for node_id, lane in lane_of.items()} if self.lanes else None
        places = layout(self.nodes, self.edges, bands)
        for node, xml_id in zip(self.nodes, xml_ids, strict=True):
            self._node(process, node, xml_id, places)
        self._edges(process)
        self._diagram(definitions, process.get("id", ""), diagram_id, plane_id, places)
        return serialize(definitions, NAMESPACES)

    # -- process ---------------------------------------------------------------------------------
    def _process_header(self, process: Element, flow_id: str) -> None:
        props: dict[str, Any] = {"id": flow_id, "form": self.flow.get("form")}
        self._texts(process, self.flow, props)
        for key, value in self.flow.items():
            if key not in ("id", "form", "name", "description", "lanes", "nodes", "edges"):
                props[key] = value
        write_properties(process, props)

    def _texts(self, element: Element, item: Mapping[str, Any], props: dict[str, Any]) -> None:
        """``name`` as the attribute and ``description`` as documentation; properties where lossy."""
        if "name" in item:
            label = display_text(item["name"], self.locale)
            if label:
                element.set("name", label)
            if derive_text(label) != item["name"]:
                props["name"] = item["name"]
        if "description" in item:
            text = display_text(item["description"], self.locale)
            if text:
                SubElement(element, bpmn("documentation")).text = text
            if derive_text(text) != item["description"]:
                props["description"] = item["description"]

    def _pool(self, collaboration: Element, process: Element, flow_id: str) -> None:
        """The flow as one pool of the collaboration, its lanes in the process's lane set."""
        ident = self.ids.allocate(f"Collaboration_{flow_id}")
        collaboration.set("id", ident)
        pool_id = self.ids.allocate(f"Participant_{flow_id}")
        participant = SubElement(collaboration, bpmn("participant"), {"id": pool_id})
        label = display_text(self.flow.get("name"), self.locale)
        if label:
            participant.set("name", label)
        participant.set("processRef", process.get("id", ""))
        lanes = write_lanes(process, self.lanes, self.node_xml, self.ids, self._texts)
        self.pool = (ident, participant.get("id", ""), lanes)

    # -- nodes -----------------------------------------------------------------------------------
    def _node(self, process: Element, node: Mapping[str, Any], xml_id: str, places: Mapping[str, Bounds]) -> None:
        kind = str(node.get("type"))
        element = SubElement(process, bpmn(TAGS.get(kind, "task")), {"id": xml_id})
        self.node_elements.setdefault(node["id"], element)
        self.elements.append(element)
        props: dict[str, Any] = {}
        if trellis_id(xml_id, set()) != node["id"]:
            props["id"] = node["id"]
        if kind in MARKED or kind not in TAGS:
            props["type"] = kind
        self._texts(element, node, props)
        for k, edge in enumerate(self.edges):
            if edge.get("target") == node["id"]:
                SubElement(element, bpmn("incoming")).text = self.edge_xml[k]
        outgoing = [k for k, edge in enumerate(self.edges) if edge.get("source") == node["id"]]
        standard = {"id", "type", "name", "description", "position"}
        if kind == "end":
            standard.add("terminate")
            if node.get("terminate") is True:
                SubElement(element, bpmn("terminateEventDefinition"), {"id": self.ids.allocate(f"{xml_id}_terminate")})
            if "terminate" in node and node["terminate"] is not True:
                props["terminate"] = node["terminate"]
        elif kind == "timer":
            standard |= {"after", "until_field"}
            self._timer_definition(element, xml_id, node, props)
        elif kind == "approval":
            standard |= {"mode", "pass_ratio"}
            self._loop(element, node, props)
        elif kind == "subflow" and isinstance(node.get("flow"), str):
            standard.add("flow")
            element.set("calledElement", node["flow"])
        if kind in TASKS and isinstance(node.get("timers"), list):
            standard.add("timers")
            for index, timer in enumerate(node["timers"]):
                self._boundary(process, node, xml_id, index, timer)
        # outgoing flows after the boundary timers claimed theirs (they leave from the timer)
        for k in outgoing:
            if k not in self.boundary_of_edge:
                SubElement(element, bpmn("outgoing")).text = self.edge_xml[k]
        _schema_order(element)
        place = places[node["id"]]
        if "position" in node:
            derived = {"x": number(_num(place.x)), "y": number(_num(place.y))}
            if derived != node["position"]:
                props["position"] = node["position"]
        else:
            props["auto_position"] = [number(_num(place.x)), number(_num(place.y))]
        for key, value in node.items():
            if key not in standard:
                props[key] = value
        write_properties(element, props)

    def _timer_definition(self, element: Element, xml_id: str, item: Mapping[str, Any], props: dict[str, Any]) -> None:
        definition = SubElement(element, bpmn("timerEventDefinition"), {"id": self.ids.allocate(f"{xml_id}_timer")})
        if isinstance(item.get("after"), str):
            SubElement(definition, bpmn("timeDuration"), FORMAL).text = item["after"]
        elif isinstance(item.get("until_field"), str):
            SubElement(definition, bpmn("timeDate"), FORMAL).text = f"${{{item['until_field']}}}"
            if trellis_id(item["until_field"], set(), fallback="field") != item["until_field"]:
                props["until_field"] = item["until_field"]
        if "after" in item and "until_field" in item:  # schema allows one; keep whatever else is there
            props["until_field"] = item["until_field"]

    def _loop(self, element: Element, node: Mapping[str, Any], props: dict[str, Any]) -> None:
        mode, ratio = node.get("mode"), node.get("pass_ratio")
        sequential = mode == "sequential"
        loop = SubElement(element, bpmn("multiInstanceLoopCharacteristics"))
        if sequential:
            loop.set("isSequential", "true")
        condition = completion_condition(str(mode), ratio if isinstance(ratio, int | float) else None)
        if condition:
            SubElement(loop, bpmn("completionCondition"), FORMAL).text = condition
        derived = completion(condition, sequential=sequential)
        if derived is None or derived.mode != mode:
            props["mode"] = mode
        if "pass_ratio" in node and (derived is None or derived.pass_ratio != ratio):
            props["pass_ratio"] = ratio

    def _boundary(self, process: Element, node: Mapping[str, Any], task_id: str, index: int, timer: Any) -> None:
        if not isinstance(timer, Mapping):
            return
        xml_id = self.ids.allocate(str(timer.get("id", "timer")))
        element = SubElement(process, bpmn("boundaryEvent"), {"id": xml_id})
        label = display_text(timer.get("message"), self.locale)
        if label:
            element.set("name", label)
        interrupting = bool(timer.get("interrupting", timer.get("action") in ("route", "complete")))
        if not interrupting:
            element.set("cancelActivity", "false")
        element.set("attachedToRef", task_id)
        route: list[str] = []
        edge_index = next((k for k, e in enumerate(self.edges) if e.get("id") == timer.get("edge")), None)
        if (
            timer.get("action") == "route"
            and edge_index is not None
            and self.edges[edge_index].get("source") == node["id"]
            and edge_index not in self.boundary_of_edge
        ):
            self.boundary_of_edge[edge_index] = xml_id
            route.append(str(self.edges[edge_index]["id"]))
            SubElement(element, bpmn("outgoing")).text = self.edge_xml[edge_index]
        props: dict[str, Any] = {}
        self._timer_definition(element, xml_id, timer, props)
        derived = derive_timer(
            trellis_id(xml_id, set(), fallback="timer"),
            interrupting=interrupting,
            after=timer.get("after") if isinstance(timer.get("after"), str) else None,
            until_field=None if isinstance(timer.get("after"), str) else timer.get("until_field"),
            outgoing=route,
            label=label,
        )
        props.update({key: value for key, value in timer.items() if _differs(derived, key, value)})
        write_properties(element, props)
        self.boundaries.append((xml_id, task_id, index))

    # -- edges -----------------------------------------------------------------------------------
    def _edges(self, process: Element) -> None:
        problems = []
        for k, edge in enumerate(self.edges):
            xml_id = self.edge_xml[k]
            source, target = self.node_xml.get(edge.get("source", "")), self.node_xml.get(edge.get("target", ""))
            if source is None or target is None:
                missing = edge.get("source") if source is None else edge.get("target")
                problems.append(problem(f"/edges/{k}", "bpmn.export_unknown_node", edge=edge.get("id"), node=missing))
                continue
            element = SubElement(process, bpmn("sequenceFlow"), {"id": xml_id})
            props: dict[str, Any] = {}
            if trellis_id(xml_id, set(), fallback="edge") != edge["id"]:
                props["id"] = edge["id"]
            if "name" in edge:
                label = display_text(edge["name"], self.locale)
                if label:
                    element.set("name", label)
                if derive_text(label) != edge["name"]:
                    props["name"] = edge["name"]
            element.set("sourceRef", self.boundary_of_edge.get(k, source))
            element.set("targetRef", target)
            if isinstance(edge.get("condition"), str):
                SubElement(element, bpmn("conditionExpression"), FORMAL).text = edge["condition"]
                if to_python(edge["condition"]).python != edge["condition"]:
                    props["condition"] = edge["condition"]
            if "default" in edge and not self._default(edge, k):
                props["default"] = edge["default"]
            for key, value in edge.items():
                if key not in ("id", "source", "target", "name", "condition", "default"):
                    props[key] = value
            write_properties(element, props)
        if problems:
            raise refuse(says("bpmn.refused.export"), problems)

    def _default(self, edge: Mapping[str, Any], k: int) -> bool:
        """Mark ``edge`` as its source's BPMN default flow; False when BPMN cannot say it."""
        if edge["default"] is not True or k in self.boundary_of_edge:
            return False
        source = next((n for n in self.nodes if n["id"] == edge["source"]), None)
        element = self.node_elements.get(edge["source"])
        if source is None or element is None or source.get("type") not in DEFAULT_HOLDERS or element.get("default"):
            return False
        element.set("default", self.edge_xml[k])
        return True

    # -- diagram ---------------------------------------------------------------------------------
    def _diagram(
        self, definitions: Element, process_id: str, diagram_id: str, plane_id: str, places: Mapping[str, Bounds]
    ) -> None:
        diagram = SubElement(definitions, q(BPMNDI, "BPMNDiagram"), {"id": diagram_id})
        drawn = self.pool[0] if self.pool else process_id
        plane = SubElement(diagram, q(BPMNDI, "BPMNPlane"), {"id": plane_id, "bpmnElement": drawn})
        if self.pool is not None:
            pool, lanes = lane_bounds(places, self.lanes)
            for xml_id, bounds in [(self.pool[1], pool), *zip(self.pool[2], lanes, strict=True)]:
                attrs = {"id": self.ids.allocate(f"{xml_id}_di"), "bpmnElement": xml_id, "isHorizontal": "true"}
                self._shape(plane, attrs, bounds)
        shapes: dict[str, Bounds] = {}
        for node, element in zip(self.nodes, self.elements, strict=True):
            xml_id = element.get("id", "")
            shapes[xml_id] = places[node["id"]]
            attrs = {"id": self.ids.allocate(f"{xml_id}_di"), "bpmnElement": xml_id}
            if node.get("type") == "exclusive_gateway":
                attrs["isMarkerVisible"] = "true"
            self._shape(plane, attrs, places[node["id"]])
        for xml_id, task_id, index in self.boundaries:
            shapes[xml_id] = boundary_bounds(shapes[task_id], index)
            self._shape(plane, {"id": self.ids.allocate(f"{xml_id}_di"), "bpmnElement": xml_id}, shapes[xml_id])
        for flow in definitions.iter(bpmn("sequenceFlow")):
            source, target = shapes[flow.get("sourceRef", "")], shapes[flow.get("targetRef", "")]
            xml_id = flow.get("id", "")
            from_boundary = flow.get("sourceRef") in {b[0] for b in self.boundaries}
            edge = SubElement(
                plane, q(BPMNDI, "BPMNEdge"), {"id": self.ids.allocate(f"{xml_id}_di"), "bpmnElement": xml_id}
            )
            for x, y in waypoints(source, target, from_boundary=from_boundary):
                SubElement(edge, q(DI, "waypoint"), {"x": _num(x), "y": _num(y)})

    @staticmethod
    def _shape(plane: Element, attrs: dict[str, str], bounds: Bounds) -> None:
        shape = SubElement(plane, q(BPMNDI, "BPMNShape"), attrs)
        SubElement(
            shape,
            q(DC, "Bounds"),
            {"x": _num(bounds.x), "y": _num(bounds.y), "width": _num(bounds.width), "height": _num(bounds.height)},
        )
