"""Swimlanes in BPMN: a pool (``bpmn:participant`` of a ``bpmn:collaboration``) whose process has a
``bpmn:laneSet``, each ``bpmn:lane`` listing its nodes by ``bpmn:flowNodeRef``, as bpmn.io and Camunda
Modeler draw them, to and from a flow's ``lanes``.

A lane named after one of the app's roles (its id, or its name in either language) gives its tasks
that role; another name, the group of that name. The writer records each lane's exact assignee in a
``trellis:property``, which wins on import, so an exported lane comes back as it left.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from xml.etree.ElementTree import Element, SubElement

from engine.flows.bpmn.document import ImportNote, UnsupportedElement, claimed_ids, ordered
from engine.flows.bpmn.extensions import read_properties, write_properties
from engine.flows.bpmn.layout import Bounds
from engine.flows.bpmn.namespaces import bpmn, prefixed, text_of
from engine.flows.bpmn.naming import XmlIds, trellis_id
from engine.flows.bpmn.text import says
from engine.flows.lanes import lane_assignee_for

LANE_ORDER = ("id", "name", "assignee", "nodes")
PAD = 40  # between a lane's border and its nodes
EMPTY_LANE = 120  # the height of a lane with no nodes
POOL_HEADER = 30  # the pool's name band, left of its lanes (bpmn-js draws it so)


@dataclass(slots=True)
class LaneReading:
    """The lanes of one process: each lane's element, its Trellis properties and its nodes' BPMN ids."""

    lanes: list[tuple[Element, dict[str, Any], list[str]]] = field(default_factory=list)
    unsupported: list[UnsupportedElement] = field(default_factory=list)
    notes: list[ImportNote] = field(default_factory=list)
    members: set[str] = field(default_factory=set)  # BPMN ids of the nodes in some lane: it says who does them
    assignees: dict[int, dict[str, Any] | None] = field(default_factory=dict)

    def flow_lanes(self, nodes: Mapping[str, Mapping[str, Any]], text: Callable[..., Any]) -> list[dict[str, Any]]:
        """The flow's ``lanes`` for the imported ``nodes`` (BPMN id → node); elements not imported are left out."""
        claimed = claimed_ids([(lane, props) for lane, props, _ in self.lanes])
        taken = set(claimed.values())
        found = []
        for k, (element, props, refs) in enumerate(self.lanes):
            xml_id = element.get("id", "")
            lane: dict[str, Any] = {"id": claimed.get(xml_id) or trellis_id(xml_id, taken, fallback="lane")}
            name = text(element.get("name"), props, "name")
            if name is not None:
                lane["name"] = name
            if self.assignees.get(k) is not None:
                lane["assignee"] = self.assignees[k]
            lane["nodes"] = [nodes[ref]["id"] for ref in refs if ref in nodes]
            lane.update({key: value for key, value in props.items() if key not in (*LANE_ORDER, "assignee")})
            found.append(ordered(lane, LANE_ORDER))
        return found


def read_lanes(process: Element, roles: Mapping[str, str]) -> LaneReading:
    reading = LaneReading()
    for lane_set in process.findall(bpmn("laneSet")):
        for lane in lane_set.findall(bpmn("lane")):
            props = read_properties(lane)
            refs = [text_of(ref) for ref in lane.findall(bpmn("flowNodeRef")) if text_of(ref)]
            for child in lane.iter(bpmn("childLaneSet")):
                for inner in child.findall(bpmn("lane")):
                    label = lane.get("name") or lane.get("id", "?")
                    reading.unsupported.append(
                        UnsupportedElement.of(
                            inner.get("id", "?"), prefixed(inner.tag), says("bpmn.lane.nested", lane=label)
                        )
                    )
            name = (lane.get("name") or "").strip()
            if "assignee" in props:
                assignee = dict(props["assignee"]) if isinstance(props["assignee"], Mapping) else None
            else:
                assignee = lane_assignee_for(name, roles)
                if assignee is None:
                    reading.notes.append(
                        ImportNote.of(lane.get("id", "?"), prefixed(lane.tag), says("bpmn.note.lane_unnamed"))
                    )
                elif "group" in assignee:  # no role has the lane's name: the group of that name
                    note = says("bpmn.note.lane_group", name=name)
                    reading.notes.append(ImportNote.of(lane.get("id", "?"), prefixed(lane.tag), note))
            reading.assignees[len(reading.lanes)] = assignee
            reading.members.update(refs)
            reading.lanes.append((lane, props, refs))
    return reading


def participant_name(root: Element, process: Element) -> str | None:
    """The name of the pool that holds ``process``, if a collaboration draws it as one."""
    for collaboration in root.findall(bpmn("collaboration")):
        for participant in collaboration.findall(bpmn("participant")):
            if participant.get("processRef") == process.get("id") and participant.get("name"):
                return participant.get("name")
    return None


# -- export ---------------------------------------------------------------------------------------
def write_lanes(
    process: Element,
    lanes: Sequence[Mapping[str, Any]],
    node_xml: Mapping[str, str],
    ids: XmlIds,
    texts: Callable[[Element, Mapping[str, Any], dict[str, Any]], None],
) -> list[str]:
    """A ``bpmn:laneSet`` for ``lanes`` in ``process`` (``texts`` writes a lane's name as the writer
    writes every name); the lanes' XML ids, in order."""
    lane_set = SubElement(process, bpmn("laneSet"), {"id": ids.allocate(f"LaneSet_{process.get('id', '')}")})
    xml_ids = []
    for lane in lanes:
        xml_id = ids.allocate(str(lane.get("id", "lane")))
        xml_ids.append(xml_id)
        element = SubElement(lane_set, bpmn("lane"), {"id": xml_id})
        props: dict[str, Any] = {}
        if trellis_id(xml_id, set(), fallback="lane") != lane.get("id"):
            props["id"] = lane.get("id")
        texts(element, lane, props)
        props["assignee"] = lane.get("assignee")  # exact, and null says "none" where the name would name one
        props.update({key: value for key, value in lane.items() if key not in LANE_ORDER})
        for node_id in lane.get("nodes", []):
            if node_id in node_xml:
                SubElement(element, bpmn("flowNodeRef")).text = node_xml[node_id]
        write_properties(element, props)
    return xml_ids


def lane_bounds(places: Mapping[str, Bounds], lanes: Sequence[Mapping[str, Any]]) -> tuple[Bounds, list[Bounds]]:
    """The pool and each lane, stacked top to bottom around their nodes, as wide as the diagram."""
    if places:
        left = min(b.x for b in places.values()) - PAD
        right = max(b.right for b in places.values()) + PAD
    else:
        left, right = 160.0, 760.0
    spans: list[tuple[float, float] | None] = []
    for lane in lanes:
        inside = [places[n] for n in lane.get("nodes", []) if n in places]
        spans.append((min(b.y for b in inside), max(b.bottom for b in inside)) if inside else None)
    first = next((span[0] for span in spans if span is not None), 80.0 + PAD)
    y = first - PAD
    found = []
    for k, span in enumerate(spans):
        top = y
        if span is None:
            bottom = top + EMPTY_LANE
        else:
            following = spans[k + 1] if k + 1 < len(spans) else None
            between = following is not None and following[0] > span[1]
            bottom = (span[1] + following[0]) / 2 if following is not None and between else span[1] + PAD
            bottom = max(bottom, top + EMPTY_LANE)
        found.append(Bounds(left, top, right - left, bottom - top))
        y = bottom
    pool = Bounds(left - POOL_HEADER, found[0].y, right - left + POOL_HEADER, y - found[0].y)
    return pool, found
