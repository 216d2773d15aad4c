"""Swimlanes: a lane named after a role or a group gives the tasks drawn in it their people; a
modeler's pool with lanes imports that way, exports back the same, and a lane that cannot say who
does its tasks is a problem with a pointer before anything runs."""

from __future__ import annotations

from pathlib import Path
from xml.etree.ElementTree import fromstring

import pytest

from engine.errors import PermissionDeniedError
from engine.flows.bpmn import bpmn_to_flow, flow_to_bpmn
from engine.flows.lanes import role_names
from engine.packages import package_problems
from tests.flows.memory import ANN, BOSS, START, Flow, end, package, task

FILES = Path(__file__).resolve().parent / "bpmn_files"
MODEL = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
DI = "{http://www.omg.org/spec/BPMN/20100524/DI}"
DC = "{http://www.omg.org/spec/DD/20100524/DC}"
ROLES = [
    {"id": "agent", "name": {"zh-CN": "客服", "en": "Agent"}},
    {"id": "owner", "name": {"zh-CN": "业主", "en": "Owner"}},
]
CLERKS_LANE = {
    "id": "clerks",
    "name": {"zh-CN": "办事员", "en": "Clerks"},
    "assignee": {"type": "role", "role": "clerk"},
}
BOSS_LANE = {"id": "bosses", "name": {"en": "Bosses"}, "assignee": {"type": "role", "role": "boss"}}


def _lanes_file(**options):
    return bpmn_to_flow((FILES / "lanes.bpmn").read_bytes(), form="ticket", **options)


def _package(flow: dict) -> dict:
    return {
        "format": "trellis.app/1",
        "id": "lanes_check",
        "version": "0.1.0",
        "name": "Lanes",
        "roles": ROLES,
        "forms": [
            {"id": "ticket", "name": "Ticket", "fields": [{"id": "amount", "type": "number", "label": "Amount"}]}
        ],
        "flows": [flow],
    }


# -- import ---------------------------------------------------------------------------------------
def test_a_modelers_pool_with_lanes_named_after_roles_imports_as_lanes_of_those_roles():
    result = _lanes_file(roles=role_names(ROLES))

    assert result.unsupported == [] and result.notes == []
    flow = result.flow
    assert flow["name"] == {"zh-CN": "报修处理"}  # the pool's name: the process has none
    assert flow["lanes"] == [
        {
            "id": "lane_1a5kq0e",
            "name": {"zh-CN": "客服"},
            "assignee": {"type": "role", "role": "agent"},
            "nodes": ["startevent_1", "activity_0m3xk8c", "gateway_1f2n7ua"],
        },
        {
            "id": "lane_0y9t4bd",
            "name": {"en": "Owner"},
            "assignee": {"type": "role", "role": "owner"},
            "nodes": ["activity_1c6pw2r", "event_0v8jh3s"],
        },
    ]
    tasks = [node for node in flow["nodes"] if node["type"] == "user_task"]
    assert [("assignee" in node) for node in tasks] == [False, False]  # their lanes say who
    assert next(e for e in flow["edges"] if e["id"] == "flow_1w7gq4e")["condition"] == "amount > 500"
    assert package_problems(_package(flow)) == []


def test_a_lane_no_role_is_called_after_goes_to_the_group_of_its_name_with_a_note():
    result = _lanes_file()

    assert [lane["assignee"] for lane in result.flow["lanes"]] == [
        {"type": "group", "group": "客服"},
        {"type": "group", "group": "Owner"},
    ]
    assert [note.line() for note in result.notes] == [
        "Lane_1a5kq0e (bpmn:lane): no role is called '客服': the lane's tasks go to the group '客服'",
        "Lane_0y9t4bd (bpmn:lane): no role is called 'Owner': the lane's tasks go to the group 'Owner'",
    ]
    assert result.complete


def test_an_unnamed_lane_names_nobody_and_its_tasks_wait_for_it_to_say_who():
    xml = (FILES / "lanes.bpmn").read_text(encoding="utf-8").replace(' name="Owner"', "")

    result = bpmn_to_flow(xml.encode("utf-8"), form="ticket", roles=role_names(ROLES))

    assert result.flow["lanes"][1] == {"id": "lane_0y9t4bd", "nodes": ["activity_1c6pw2r", "event_0v8jh3s"]}
    assert "assignee" not in result.flow["nodes"][3]  # no submitter guessed: the lane is to say who
    assert [note.line() for note in result.notes] == [
        "Lane_0y9t4bd (bpmn:lane): the lane has no name: choose the role or group that does its tasks"
    ]
    assert [(p.pointer, p.code) for p in package_problems(_package(result.flow))] == [
        ("/flows/0/nodes/3", "flow.lane.lane_needs_assignee")
    ]


def test_the_imported_lanes_export_and_import_again_unchanged():
    flow = _lanes_file(roles=role_names(ROLES)).flow

    again = bpmn_to_flow(flow_to_bpmn(flow))

    assert again.flow == flow
    assert again.unsupported == [] and again.notes == []


def test_lanes_inside_a_lane_are_refused_with_the_reason_and_their_tasks_stay_in_the_outer_lane():
    xml = (
        (FILES / "lanes.bpmn")
        .read_text(encoding="utf-8")
        .replace(
            "<bpmn:flowNodeRef>Event_0v8jh3s</bpmn:flowNodeRef>\n      </bpmn:lane>",
            '<bpmn:flowNodeRef>Event_0v8jh3s</bpmn:flowNodeRef>\n        <bpmn:childLaneSet id="LaneSet_inner">'
            '<bpmn:lane id="Lane_inner" name="Night shift"><bpmn:flowNodeRef>Activity_1c6pw2r</bpmn:flowNodeRef>'
            "</bpmn:lane></bpmn:childLaneSet>\n      </bpmn:lane>",
        )
    )

    result = bpmn_to_flow(xml.encode("utf-8"), form="ticket", roles=role_names(ROLES))

    assert [item.line() for item in result.unsupported] == [
        "Lane_inner (bpmn:lane): lanes inside a lane are not supported; the tasks stay in the outer lane 'Owner'"
    ]
    assert result.flow["lanes"][1]["nodes"] == ["activity_1c6pw2r", "event_0v8jh3s"]


# -- export ---------------------------------------------------------------------------------------
def _flow_with_lanes() -> dict:
    return {
        "id": "f",
        "name": {"en": "F"},
        "form": "ticket",
        "lanes": [
            {**CLERKS_LANE, "nodes": ["start", "a"]},
            {**BOSS_LANE, "nodes": ["b", "end"]},
        ],
        "nodes": [START, {"id": "a", "type": "user_task"}, {"id": "b", "type": "user_task"}, end()],
        "edges": [
            {"id": "e1", "source": "start", "target": "a"},
            {"id": "e2", "source": "a", "target": "b"},
            {"id": "e3", "source": "b", "target": "end"},
        ],
    }


def _bounds(root, element_id: str) -> tuple[float, float, float, float]:
    shape = next(s for s in root.iter(f"{DI}BPMNShape") if s.get("bpmnElement") == element_id)
    box = shape.find(f"{DC}Bounds")
    return tuple(float(box.get(k)) for k in ("x", "y", "width", "height"))


def test_a_flow_with_lanes_exports_one_pool_with_its_lanes_each_around_its_own_nodes():
    root = fromstring(flow_to_bpmn(_flow_with_lanes()))

    participant = root.find(f"{MODEL}collaboration/{MODEL}participant")
    process = root.find(f"{MODEL}process")
    assert participant.get("processRef") == process.get("id") and participant.get("name") == "F"
    lanes = process.findall(f"{MODEL}laneSet/{MODEL}lane")
    assert [(lane.get("id"), lane.get("name")) for lane in lanes] == [("clerks", "办事员"), ("bosses", "Bosses")]
    assert [[ref.text for ref in lane.findall(f"{MODEL}flowNodeRef")] for lane in lanes] == [
        ["start", "a"],
        ["b", "end"],
    ]
    plane = root.find(f"{DI}BPMNDiagram/{DI}BPMNPlane")
    assert plane.get("bpmnElement") == root.find(f"{MODEL}collaboration").get("id")
    horizontal = [s.get("bpmnElement") for s in plane.iter(f"{DI}BPMNShape") if s.get("isHorizontal") == "true"]
    assert horizontal == [participant.get("id"), "clerks", "bosses"]
    for lane_id, nodes in (("clerks", ["start", "a"]), ("bosses", ["b", "end"])):
        x, y, width, height = _bounds(root, lane_id)
        for node in nodes:
            nx, ny, nw, nh = _bounds(root, node)
            assert x <= nx and nx + nw <= x + width and y <= ny and ny + nh <= y + height, (lane_id, node)
    first, second = _bounds(root, "clerks"), _bounds(root, "bosses")
    assert first[1] + first[3] == second[1]  # stacked, one band under the other
    pool = _bounds(root, participant.get("id"))
    assert pool[1] == first[1] and pool[1] + pool[3] == second[1] + second[3]


def test_a_flow_without_lanes_exports_no_pool():
    flow = {k: v for k, v in _flow_with_lanes().items() if k != "lanes"}

    root = fromstring(flow_to_bpmn(flow))

    assert root.find(f"{MODEL}collaboration") is None and root.find(f"{MODEL}process/{MODEL}laneSet") is None


def test_a_lane_without_people_round_trips_without_any_even_when_its_name_is_a_roles():
    flow = _flow_with_lanes()
    flow["lanes"][0] = {"id": "clerks", "name": {"en": "clerk"}, "nodes": ["start"]}

    again = bpmn_to_flow(flow_to_bpmn(flow), roles=role_names([{"id": "clerk", "name": "clerk"}]))

    assert again.flow["lanes"][0] == {"id": "clerks", "name": {"en": "clerk"}, "nodes": ["start"]}


def test_the_designers_canvas_labels_lanes_in_its_builders_language_and_reads_them_back_the_same():
    flow = _flow_with_lanes()
    flow["lanes"][1]["name"] = {"en": "Bosses", "zh-CN": "主管"}

    xml = flow_to_bpmn(flow, locale="zh-CN")

    lanes = fromstring(xml).findall(f"{MODEL}process/{MODEL}laneSet/{MODEL}lane")
    assert [lane.get("name") for lane in lanes] == ["办事员", "主管"]
    assert bpmn_to_flow(xml).flow == flow


# -- at run time ----------------------------------------------------------------------------------
def test_a_task_in_a_role_lane_goes_to_that_roles_holders_and_a_nodes_own_assignee_wins():
    lanes = [{**CLERKS_LANE, "nodes": ["start", "a"]}, {**BOSS_LANE, "nodes": ["b", "c", "end"]}]
    nodes = [START, {"id": "a", "type": "user_task"}, {"id": "b", "type": "user_task"}, task("c", "lead"), end()]
    flow = Flow(nodes, [("start", "a"), ("a", "b"), ("b", "c"), ("c", "end")], lanes=lanes)

    assert [(c.kind, c.value) for c in flow.task("a").candidates] == [("role", "clerk")]
    flow.do(ANN, "complete", "a")
    assert [(c.kind, c.value) for c in flow.task("b").candidates] == [("role", "boss")]
    with pytest.raises(PermissionDeniedError):  # a clerk is not of the boss lane
        flow.do(ANN, "complete", "b")
    flow.do(BOSS, "complete", "b")
    assert [(c.kind, c.value) for c in flow.task("c").candidates] == [("role", "lead")]


# -- validation -----------------------------------------------------------------------------------
def _problems(flow: dict) -> list[tuple[str, str]]:
    document = package(flow)
    return [(p.pointer, p.message) for p in package_problems(document)]


def test_lanes_that_name_unknown_nodes_or_roles_or_share_a_node_are_problems_with_pointers():
    flow = _flow_with_lanes()
    flow["lanes"][0]["nodes"] = ["start", "a", "bb"]
    flow["lanes"][1]["nodes"] = ["a", "b", "end"]
    flow["lanes"][1]["assignee"] = {"type": "role", "role": "bosses"}

    assert _problems(flow) == [
        ("/flows/0/lanes/0/nodes/2", "lane 'clerks' lists node 'bb', which the flow does not have (did you mean 'b'?)"),
        ("/flows/0/lanes/1/assignee/role", "unknown role 'bosses' (did you mean 'boss'?)"),
        (
            "/flows/0/lanes/1/nodes/0",
            "node 'a' is in lane 'bosses' and already in lane 'clerks'; a node sits in one lane",
        ),
    ]


def test_a_task_without_an_assignee_needs_a_lane_that_names_its_people():
    flow = _flow_with_lanes()
    flow["lanes"][0] = {"id": "clerks", "nodes": ["start", "a"]}
    flow["lanes"][1]["nodes"] = ["end"]

    assert _problems(flow) == [
        (
            "/flows/0/nodes/1",
            "nobody would get task 'a': its lane 'clerks' says no role or group, and the task has no assignee",
        ),
        ("/flows/0/nodes/2", "nobody would get task 'b': give it an assignee, or put it in a lane that has one"),
    ]


def test_the_lane_problems_read_in_chinese():
    flow = _flow_with_lanes()
    flow["lanes"][1]["nodes"] = ["end"]

    found = package_problems(package(flow))

    from engine.packages.messages import localize

    assert [localize(p, "zh-CN").message for p in found] == [
        "任务“b”没有处理人:请为它指定处理人,或把它放进指定了处理人的泳道"
    ]
