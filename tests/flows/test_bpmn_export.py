"""Exporting flows to BPMN 2.0 XML: a file modelers open, and export → import gives the flow back."""

import copy
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from engine.flows.bpmn import bpmn_to_flow, flow_to_bpmn

BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
BPMNDI = "{http://www.omg.org/spec/BPMN/20100524/DI}"
DC = "{http://www.omg.org/spec/DD/20100524/DC}"
DI = "{http://www.omg.org/spec/DD/20100524/DI}"
XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
NCNAME = re.compile(r"^[A-Za-z_][\w.\-]*$")
TASK = {"assignee": {"type": "role", "role": "agent"}}


def _flow(*middle: dict, edges: list[dict] | None = None) -> dict:
    """start → each middle node in turn → end, unless ``edges`` says otherwise."""
    nodes = [{"id": "start", "type": "start"}, *middle, {"id": "end", "type": "end"}]
    if edges is None:
        edges = [
            {"id": f"e{k}", "source": a["id"], "target": b["id"]}
            for k, (a, b) in enumerate(zip(nodes, nodes[1:], strict=False))
        ]
    return {"id": "sample", "name": {"en": "Sample"}, "form": "order", "nodes": nodes, "edges": edges}


NODE_FLOWS = {
    "user_task": _flow(
        {
            "id": "check",
            "type": "user_task",
            "name": "plain string name",
            "description": {"en": "Look at it", "zh-CN": "看一看"},
            "assignee": {"type": "field", "field": "owner", "leader": True},
            "field_permissions": {"note": "required", "secret": "hidden"},
            "due": "PT4H",
            "actions": ["claim", "complete", "transfer"],
            "outcomes": [{"id": "ok", "label": {"en": "OK"}}],
        }
    ),
    "approval_countersign_ratio": _flow(
        {
            "id": "sign",
            "type": "approval",
            "mode": "countersign",
            "pass_ratio": 0.75,
            "assignee": {"type": "roles", "roles": ["a", "b"]},
        }
    ),
    "approval_or_sign": _flow({"id": "sign", "type": "approval", "mode": "or_sign", **TASK}),
    "approval_sequential": _flow({"id": "sign", "type": "approval", "mode": "sequential", **TASK}),
    "approval_sequential_ratio": _flow(
        {"id": "sign", "type": "approval", "mode": "sequential", "pass_ratio": 1, **TASK}
    ),
    "approval_or_sign_ratio": _flow({"id": "sign", "type": "approval", "mode": "or_sign", "pass_ratio": 0.5, **TASK}),
    "exclusive_gateway": _flow(
        {"id": "gate", "type": "exclusive_gateway", "name": {"zh-CN": "金额?"}},
        {"id": "big", "type": "user_task", **TASK},
        edges=[
            {"id": "e0", "source": "start", "target": "gate"},
            {"id": "e1", "source": "gate", "target": "big", "name": {"en": "big"}, "condition": "amount > 1000"},
            {"id": "e2", "source": "gate", "target": "end", "default": True},
            {"id": "e3", "source": "big", "target": "end"},
        ],
    ),
    "parallel_gateway": _flow(
        {"id": "split", "type": "parallel_gateway"},
        {"id": "a", "type": "user_task", **TASK},
        {"id": "b", "type": "user_task", **TASK},
        {"id": "join", "type": "parallel_gateway"},
        edges=[
            {"id": "e0", "source": "start", "target": "split"},
            {"id": "e1", "source": "split", "target": "a"},
            {"id": "e2", "source": "split", "target": "b"},
            {"id": "e3", "source": "a", "target": "join"},
            {"id": "e4", "source": "b", "target": "join"},
            {"id": "e5", "source": "join", "target": "end"},
        ],
    ),
    "inclusive_gateway": _flow(
        {"id": "split", "type": "inclusive_gateway"},
        {"id": "a", "type": "user_task", **TASK},
        {"id": "join", "type": "inclusive_gateway"},
        edges=[
            {"id": "e0", "source": "start", "target": "split"},
            {"id": "e1", "source": "split", "target": "a", "condition": "x and not y"},
            {"id": "e2", "source": "split", "target": "join", "default": True},
            {"id": "e3", "source": "a", "target": "join"},
            {"id": "e4", "source": "join", "target": "end"},
        ],
    ),
    "service_task": _flow(
        {"id": "set_it", "type": "service_task", "set": {"closed_at": "now()"}},
        {"id": "call", "type": "service_task", "connector": "erp", "operation": "post", "mapping": {"amount": "total"}},
    ),
    "script_task": _flow({"id": "calc", "type": "script_task", "assign": {"total": "price * qty"}}),
    "notify": _flow(
        {
            "id": "tell",
            "type": "notify",
            "to": {"type": "submitter"},
            "message": {"en": "Done"},
            "channels": ["sms", "inbox"],
        }
    ),
    "timer_after": _flow({"id": "wait", "type": "timer", "after": "P1DT2H", "business_hours": True}),
    "timer_until_field": _flow({"id": "wait", "type": "timer", "until_field": "visit_on"}),
    "subflow": _flow({"id": "sub", "type": "subflow", "flow": "inspection", "mapping": {"room": "room_no"}}),
    "end_terminate": _flow(
        {"id": "gate", "type": "exclusive_gateway"},
        {"id": "stop", "type": "end", "terminate": True, "status": "cancelled"},
        edges=[
            {"id": "e0", "source": "start", "target": "gate"},
            {"id": "e1", "source": "gate", "target": "stop", "condition": "cancelled"},
            {"id": "e2", "source": "gate", "target": "end"},
        ],
    ),
    "end_terminate_false": _flow({"id": "t", "type": "user_task", **TASK}),
    "boundary_timers": _flow(
        {
            "id": "accept",
            "type": "user_task",
            **TASK,
            "timers": [
                {"id": "remind", "after": "PT15M", "action": "notify", "message": "还没受理"},
                {
                    "id": "escalate",
                    "after": "PT30M",
                    "business_hours": True,
                    "when": "urgent",
                    "action": "escalate",
                    "to": {"type": "role", "role": "boss"},
                },
                {"id": "auto", "until_field": "due_at", "offset": "-PT1H", "action": "complete"},
                {
                    "id": "away",
                    "after": "PT2H",
                    "interrupting": True,
                    "action": "route",
                    "edge": "e_away",
                    "message": {"en": "Too slow", "zh-CN": "太慢"},
                },
                {"id": "kept", "after": "PT3H", "interrupting": False, "action": "notify"},
            ],
        },
        {"id": "boss_task", "type": "user_task", **TASK},
        edges=[
            {"id": "e0", "source": "start", "target": "accept"},
            {"id": "e1", "source": "accept", "target": "end"},
            {"id": "e_away", "source": "accept", "target": "boss_task"},
            {"id": "e2", "source": "boss_task", "target": "end"},
        ],
    ),
    "boundary_path": _flow(
        {
            "id": "handle",
            "type": "user_task",
            **TASK,
            "timers": [
                {"id": "late", "after": "PT2H", "interrupting": False, "action": "route", "edge": "e_late"},
                {"id": "later", "after": "PT8H", "interrupting": False, "action": "route", "edge": "e_later"},
            ],
        },
        {"id": "look_in", "type": "user_task", **TASK},
        {"id": "tell", "type": "notify", "to": {"type": "role", "role": "boss"}, "message": "Overdue"},
        {"id": "path_end", "type": "end"},
        edges=[
            {"id": "e0", "source": "start", "target": "handle"},
            {"id": "e1", "source": "handle", "target": "end"},
            {"id": "e_late", "source": "handle", "target": "look_in"},
            {"id": "e_later", "source": "handle", "target": "tell"},
            {"id": "e2", "source": "look_in", "target": "path_end"},
            {"id": "e3", "source": "tell", "target": "path_end"},
        ],
    ),
    "positions_and_flow_keys": {
        **_flow(
            {"id": "t", "type": "user_task", "position": {"x": 300.5, "y": 80}, **TASK},
        ),
        "description": "A flow with drawn positions",
        "start_on": "manual",
        "stages": [{"id": "doing", "label": "Doing", "nodes": ["t"]}],
    },
    "ids_that_collide": _flow(
        {"id": "e0", "type": "user_task", **TASK},
        {"id": "e0_di", "type": "user_task", **TASK},
        edges=[
            {"id": "e0", "source": "start", "target": "e0"},
            {"id": "e0_2", "source": "e0", "target": "e0_di"},
            {"id": "start", "source": "e0_di", "target": "end", "default": False},
        ],
    ),
    "default_from_a_start": _flow(edges=[{"id": "e0", "source": "start", "target": "end", "default": True}]),
    "odd_condition": _flow(
        {"id": "gate", "type": "exclusive_gateway"},
        edges=[
            {"id": "e0", "source": "start", "target": "gate"},
            {"id": "e1", "source": "gate", "target": "end", "condition": "a && b"},
        ],
    ),
}
NODE_FLOWS["end_terminate_false"]["nodes"][-1]["terminate"] = False
NODE_FLOWS["positions_and_flow_keys"]["nodes"][0]["position"] = {"x": 100, "y": 82.25}  # the start


@pytest.mark.parametrize("name", sorted(NODE_FLOWS))
def test_export_then_import_gives_the_same_flow(name):
    flow = NODE_FLOWS[name]
    before = copy.deepcopy(flow)

    result = bpmn_to_flow(flow_to_bpmn(flow))

    assert result.flow == flow
    assert result.unsupported == []
    assert result.notes == []
    assert flow == before  # the writer does not touch its input


def test_every_node_type_is_covered():
    kinds = {node["type"] for flow in NODE_FLOWS.values() for node in flow["nodes"]}
    assert kinds == {
        "start", "end", "user_task", "approval", "exclusive_gateway", "parallel_gateway", "inclusive_gateway",
        "service_task", "script_task", "notify", "timer", "subflow",
    }  # fmt: skip


def test_the_repair_flow_round_trips(property_package):
    for flow in property_package["flows"]:
        assert bpmn_to_flow(flow_to_bpmn(flow)).flow == flow


def test_the_export_is_a_bpmn_file_modelers_open(property_package):
    xml = flow_to_bpmn(property_package["flows"][0])
    root = ET.fromstring(xml)

    assert xml.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<bpmn:definitions xmlns:bpmn=')
    ids = [element.get("id") for element in root.iter() if element.get("id")]
    assert len(ids) == len(set(ids))
    assert all(NCNAME.match(ident) for ident in ids)
    process = root.find(f"{BPMN}process")
    assert process.get("isExecutable") == "true"
    shapes = {s.get("bpmnElement"): s for s in root.iter(f"{BPMNDI}BPMNShape")}
    edges = {e.get("bpmnElement"): e for e in root.iter(f"{BPMNDI}BPMNEdge")}
    drawn = [child for child in process if child.tag not in (f"{BPMN}extensionElements", f"{BPMN}sequenceFlow")]
    assert {child.get("id") for child in drawn} == set(shapes)
    assert all(shape.find(f"{DC}Bounds") is not None for shape in shapes.values())
    flows = process.findall(f"{BPMN}sequenceFlow")
    assert {flow.get("id") for flow in flows} == set(edges)
    assert all(len(edge.findall(f"{DI}waypoint")) >= 2 for edge in edges.values())
    conditions = list(root.iter(f"{BPMN}conditionExpression"))
    assert conditions and all(c.get(XSI_TYPE) == "bpmn:tFormalExpression" for c in conditions)
    countersign = process.find(f"{BPMN}userTask[@id='countersign']")
    assert countersign.find(f"{BPMN}multiInstanceLoopCharacteristics") is not None
    finance = process.find(f"{BPMN}userTask[@id='finance_confirm']")
    completion = finance.find(f"{BPMN}multiInstanceLoopCharacteristics/{BPMN}completionCondition")
    assert completion.text == "${nrOfCompletedInstances >= 1}"
    boundaries = process.findall(f"{BPMN}boundaryEvent")
    assert [(b.get("id"), b.get("attachedToRef"), b.get("cancelActivity")) for b in boundaries] == [
        ("accept_overdue", "accept", "false"),
        ("accept_sla", "repair", "false"),
        ("accept_sla_urgent", "repair", "false"),
        ("resolve_sla", "repair", "false"),
        ("auto_confirm", "rate", None),
    ]
    gate = process.find(f"{BPMN}exclusiveGateway[@id='valid_gate']")
    assert gate.get("default") == "e_valid"
    assert shapes["valid_gate"].get("isMarkerVisible") == "true"


def test_an_interrupting_route_timer_leaves_from_its_boundary_event():
    root = ET.fromstring(flow_to_bpmn(NODE_FLOWS["boundary_timers"]))

    away = root.find(f".//{BPMN}sequenceFlow[@id='e_away']")
    assert away.get("sourceRef") == "away"
    boundary = root.find(f".//{BPMN}boundaryEvent[@id='away']")
    assert boundary.get("cancelActivity") is None  # interrupting is the BPMN default
    assert boundary.get("name") == "Too slow"


def test_a_non_interrupting_route_timer_is_a_boundary_event_that_starts_its_flow():
    root = ET.fromstring(flow_to_bpmn(NODE_FLOWS["boundary_path"]))

    late = root.find(f".//{BPMN}boundaryEvent[@id='late']")
    assert (late.get("cancelActivity"), late.get("attachedToRef")) == ("false", "handle")
    assert late.find(f"{BPMN}outgoing").text == "e_late"
    assert late.find(f"{BPMN}extensionElements") is None  # plain BPMN says all of it
    assert root.find(f".//{BPMN}sequenceFlow[@id='e_late']").get("sourceRef") == "late"
    assert root.find(f".//{BPMN}sequenceFlow[@id='e1']").get("sourceRef") == "handle"


def test_a_modeler_s_escalation_drawing_round_trips():
    imported = bpmn_to_flow((Path(__file__).resolve().parent / "bpmn_files" / "escalation.bpmn").read_bytes())

    again = bpmn_to_flow(flow_to_bpmn(imported.flow))

    assert again.flow == imported.flow
    assert again.unsupported == imported.unsupported == []


def test_layout_places_nodes_left_to_right_without_positions(property_package):
    root = ET.fromstring(flow_to_bpmn(property_package["flows"][0]))
    xs = {}
    for shape in root.iter(f"{BPMNDI}BPMNShape"):
        bounds = shape.find(f"{DC}Bounds")
        xs[shape.get("bpmnElement")] = float(bounds.get("x")) + float(bounds.get("width")) / 2

    assert xs["start"] < xs["accept"] < xs["valid_gate"] < xs["dispatch_gate"] < xs["repair"] < xs["closed"]
    boxes = {
        (s.get("bpmnElement"), s.find(f"{DC}Bounds").get("x"), s.find(f"{DC}Bounds").get("y"))
        for s in root.iter(f"{BPMNDI}BPMNShape")
        if s.get("bpmnElement") in xs and not s.get("bpmnElement").startswith(("accept_", "resolve_", "auto_"))
    }
    assert len({(x, y) for _, x, y in boxes}) == len(boxes)  # no two nodes on the same spot


def test_drawn_positions_are_kept():
    root = ET.fromstring(flow_to_bpmn(NODE_FLOWS["positions_and_flow_keys"]))

    bounds = root.find(f".//{BPMNDI}BPMNShape[@bpmnElement='t']/{DC}Bounds")
    assert (bounds.get("x"), bounds.get("y"), bounds.get("width"), bounds.get("height")) == ("300.5", "80", "100", "80")


def test_a_name_changed_in_the_modeler_wins_over_the_exported_one(property_package):
    xml = flow_to_bpmn(property_package["flows"][0]).replace('name="客服受理"'.encode(), 'name="客服初审"'.encode())

    flow = bpmn_to_flow(xml).flow

    assert flow["nodes"][1]["name"] == {"zh-CN": "客服初审"}
    assert flow["nodes"][2]["name"] == {"zh-CN": "是否受理", "en": "Accepted?"}


def test_a_node_moved_in_the_modeler_gets_a_position(property_package):
    xml = flow_to_bpmn(property_package["flows"][0])
    root = ET.fromstring(xml)
    bounds = root.find(f".//{BPMNDI}BPMNShape[@bpmnElement='accept']/{DC}Bounds")
    moved = xml.replace(
        f'<dc:Bounds x="{bounds.get("x")}" y="{bounds.get("y")}" width="100"'.encode(),
        b'<dc:Bounds x="333" y="44" width="100"',
        1,
    )

    flow = bpmn_to_flow(moved).flow

    assert flow["nodes"][1]["position"] == {"x": 333, "y": 44}
    assert "position" not in flow["nodes"][0]


def test_an_export_saved_again_by_bpmn_io_keeps_every_trellis_detail():
    # bpmn_files/repair_saved_by_bpmn_moddle.bpmn is an export of the repair flow opened and saved
    # by bpmn-moddle (the model layer of bpmn.io and Camunda Modeler): attribute order changes,
    # unknown extension elements must survive.
    data = (Path(__file__).resolve().parent / "bpmn_files" / "repair_saved_by_bpmn_moddle.bpmn").read_bytes()

    result = bpmn_to_flow(data)

    assert (result.unsupported, result.notes) == ([], [])
    accept = result.flow["nodes"][1]
    assert accept["assignee"] == {"type": "role", "role": "agent"}
    assert accept["timers"][0]["to"] == {"type": "role", "role": "agent_supervisor"}
    assert "position" not in accept
    assert bpmn_to_flow(flow_to_bpmn(result.flow)).flow == result.flow
