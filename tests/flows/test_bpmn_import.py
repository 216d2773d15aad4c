"""Importing .bpmn files drawn in bpmn.io / Camunda Modeler: the supported subset becomes a valid
flow, everything else is reported by id and type."""

from pathlib import Path

import pytest

from engine.flows.bpmn import bpmn_to_flow
from engine.packages import package_problems

FILES = Path(__file__).resolve().parent / "bpmn_files"


def _read(name: str, **options):
    return bpmn_to_flow((FILES / name).read_bytes(), **options)


def _field(ident: str, kind: str = "text") -> dict:
    field = {"id": ident, "type": kind, "label": ident}
    if kind == "select":
        field["options"] = [{"value": "low", "label": "low"}, {"value": "high", "label": "high"}]
    return field


def _package(flow: dict, fields: list[dict], roles: tuple[str, ...] = ()) -> dict:
    return {
        "format": "trellis.app/1",
        "id": "bpmn_check",
        "version": "0.1.0",
        "name": "BPMN check",
        "roles": [{"id": role, "name": role} for role in roles],
        "forms": [{"id": "order", "name": "Order", "fields": fields}],
        "flows": [flow],
    }


def test_simple_approval_maps_tasks_gateway_conditions_and_layout():
    result = _read("simple_approval.bpmn", form="order")

    assert result.unsupported == []
    assert result.notes == []
    flow = result.flow
    assert (flow["id"], flow["name"], flow["form"]) == ("process_0w3rt7k", {"en": "Leave request"}, "order")
    assert flow["nodes"][1] == {
        "id": "activity_1r9x0tq",
        "type": "user_task",
        "name": {"en": "Manager approval"},
        "description": {"en": "The team manager checks the dates against the team calendar."},
        "position": {"x": 270, "y": 77},
        "assignee": {"type": "group", "group": "managers"},
    }
    assert flow["nodes"][3]["assignee"] == {"type": "submitter"}  # camunda:assignee="${initiator}"
    assert flow["edges"][2] == {
        "id": "flow_1q0bd6u",
        "source": "gateway_0n4c1sd",
        "target": "activity_0d5fz3w",
        "name": {"en": "yes"},
        "condition": "approved and days <= 10",
    }
    assert flow["edges"][4]["default"] is True


def test_gateways_file_keeps_split_and_join_kinds_and_translates_juel():
    flow = _read("gateways.bpmn", form="order").flow

    kinds = [node["type"] for node in flow["nodes"]]
    assert kinds.count("parallel_gateway") == 2
    assert kinds.count("inclusive_gateway") == 2
    assert flow["nodes"][-1]["terminate"] is True
    conditions = {edge["id"]: edge.get("condition") for edge in flow["edges"]}
    assert conditions["flow_0a3wq5x"] == 'amount > 10000 or (priority == "high" and not budgeted)'
    assert conditions["flow_1a9vt4k"] == "bulky == True"
    assert conditions["flow_0e2nj5c"] == "amount > 500 and not budgeted"  # already Python: kept as is
    assert [edge["id"] for edge in flow["edges"] if edge.get("default")] == ["flow_0zm1n2s", "flow_0q4lr6t"]


def test_gateways_file_assignees_from_camunda_attributes():
    result = _read("gateways.bpmn", form="order")

    assignees = {node["id"]: node.get("assignee") for node in result.flow["nodes"] if "assignee" in node}
    assert assignees == {
        "activity_0c7ldkq": {"type": "users", "users": ["director"]},
        "activity_1g3y7s2": {"type": "group", "group": "purchasing"},
        "activity_0t2vx9e": {"type": "users", "users": ["anna", "bo"]},
        "activity_1b0ge5t": {"type": "group", "group": "warehouse"},
        "activity_0w5ka1y": {"type": "roles", "roles": ["accounting", "controlling"]},
    }
    assert [note.line() for note in result.notes] == [
        "Activity_0w5ka1y (bpmn:userTask): candidate groups accounting, controlling became app roles; "
        "make sure the app defines them"
    ]


def test_multi_instance_tasks_become_countersign_or_sign_ratio_and_sequential():
    result = _read("countersign.bpmn", form="order")

    approvals = [node for node in result.flow["nodes"] if node["type"] == "approval"]
    assert [(n["name"], n["mode"], n.get("pass_ratio"), n["assignee"]) for n in approvals] == [
        ({"zh-CN": "三方会签"}, "countersign", None, {"type": "field", "field": "approvers"}),
        ({"zh-CN": "财务或签"}, "or_sign", None, {"type": "group", "group": "财务部"}),
        ({"en": "Board vote"}, "countersign", 0.5, {"type": "users", "users": ["chen", "li", "wang", "zhao"]}),
        ({"zh-CN": "逐级审批"}, "sequential", None, {"type": "field", "field": "chain"}),
    ]
    assert result.unsupported == []


def test_timer_boundaries_become_task_timers_and_catch_event_a_timer_node():
    result = _read("timer_boundary.bpmn", form="order")

    flow = result.flow
    assert flow["id"] == "repair_ticket"
    accept = flow["nodes"][1]
    assert accept["assignee"] == {"type": "group", "group": "service-desk"}
    assert accept["timers"] == [
        {"id": "event_0f3ln6t", "after": "PT15M", "action": "notify", "message": {"en": "15 min reminder"}},
        {
            "id": "event_1x8ry2m",
            "after": "PT1H",
            "action": "route",
            "edge": "flow_0l9c5ws",
            "message": {"en": "1 hour"},
        },
    ]
    route = next(edge for edge in flow["edges"] if edge["id"] == "flow_0l9c5ws")
    assert (route["source"], route["target"]) == ("activity_1n7sa3x", "activity_0c4hz1p")
    wait = next(node for node in flow["nodes"] if node["type"] == "timer")
    assert wait == {
        "id": "event_08fz6kq",
        "type": "timer",
        "name": {"en": "Wait for parts"},
        "position": {"x": 632, "y": 212},
        "after": "P2D",
    }
    feel = next(edge for edge in flow["edges"] if edge["id"] == "flow_1d5pr0c")
    assert feel["condition"] == 'parts_missing == True and priority != "low"'
    assert [note.line() for note in result.notes] == [
        "Activity_1n7sa3x (bpmn:userTask): zeebe:formDefinition ignored: the flow shows the Trellis form",
        "Activity_0r5pn2b (bpmn:userTask): candidates 'technicians' ignored: the assignee '=technician' decides",
    ]


def test_unsupported_elements_are_reported_by_id_and_type_never_dropped():
    result = _read("unsupported.bpmn", form="order")

    assert [item.line() for item in result.unsupported] == [
        "Flow_1e0ox3d (bpmn:messageFlow): not supported",
        "StartEvent_1 (bpmn:startEvent): bpmn:messageEventDefinition is not supported; imported as a plain start event",
        "Activity_0p2lk4s (camunda:taskListener): not supported",
        "Activity_1h6nc0v (bpmn:serviceTask): not supported (camunda:class com.example.claims.CheckPolicyDelegate)",
        "Activity_0y3gd6k (bpmn:subProcess): not supported",
        "Event_0c8wm1j (bpmn:intermediateCatchEvent): not supported (bpmn:messageEventDefinition)",
        "DataObjectReference_0v1c6xe (bpmn:dataObjectReference): not supported",
        "DataObject_1w8kl3j (bpmn:dataObject): not supported",
        "Flow_1c3wy8b (bpmn:sequenceFlow): connects 'Activity_1h6nc0v', which was not imported",
        "Flow_0d2ek6s (bpmn:sequenceFlow): connects 'Activity_1h6nc0v', which was not imported",
        "Flow_0w1sa5k (bpmn:sequenceFlow): connects 'Activity_0y3gd6k', which was not imported",
        "Flow_0n5fx1g (bpmn:sequenceFlow): connects 'Activity_0y3gd6k', which was not imported",
        "Flow_0x7bt4q (bpmn:sequenceFlow): connects 'Event_0c8wm1j', which was not imported",
        "Flow_1v9hp2m (bpmn:sequenceFlow): the condition '${execution.getVariable(\"covered\") == false}' cannot be "
        "translated ('execution' has no Trellis equivalent); write it as a Trellis expression",
    ]
    assert not result.complete
    declined = next(edge for edge in result.flow["edges"] if edge["id"] == "flow_1v9hp2m")
    assert declined["condition"] == '${execution.getVariable("covered") == false}'  # kept for the author to fix
    assert [note.element_id for note in result.notes] == [
        "TextAnnotation_0q5re2n",
        "Association_1g2mk7v",
        "Lane_0b9x1rk",  # no role is called 'Clerk': taken as the group of that name
        "Lane_1s5ty8e",
    ]


FIELDS = {
    "simple_approval.bpmn": [_field("approved", "checkbox"), _field("days", "number")],
    "gateways.bpmn": [
        _field("amount", "number"),
        _field("priority", "select"),
        _field("budgeted", "checkbox"),
        _field("bulky", "checkbox"),
    ],
    "countersign.bpmn": [_field("approvers", "user"), _field("chain", "user")],
    "timer_boundary.bpmn": [
        _field("supervisor", "user"),
        _field("technician", "user"),
        _field("parts_missing", "checkbox"),
        _field("priority", "select"),
    ],
}
ROLES = {"gateways.bpmn": ("accounting", "controlling")}


@pytest.mark.parametrize("name", sorted(FIELDS))
def test_imported_flow_passes_the_package_validator(name):
    flow = _read(name, form="order", flow_id="imported").flow

    assert package_problems(_package(flow, FIELDS[name], ROLES.get(name, ()))) == []


def test_options_override_the_file_and_locale_labels_names():
    result = _read("simple_approval.bpmn", flow_id="leave", form="leave_request", locale="zh-CN")

    assert (result.flow["id"], result.flow["form"]) == ("leave", "leave_request")
    assert result.flow["name"] == {"zh-CN": "Leave request"}


def test_missing_form_is_filled_with_the_flow_id_and_noted():
    result = _read("simple_approval.bpmn")

    assert result.flow["form"] == "process_0w3rt7k"
    assert [note.line() for note in result.notes] == [
        "Process_0w3rt7k (bpmn:process): no form was given; the flow uses the form 'process_0w3rt7k'"
        " - pass the form's id"
    ]


def test_task_without_assignee_goes_to_the_submitter_and_asks_for_one():
    xml = _minimal('<bpmn:userTask id="Activity_1" name="Check" />', "Activity_1")

    result = bpmn_to_flow(xml, form="order")

    assert result.flow["nodes"][1]["assignee"] == {"type": "submitter"}
    assert [note.line() for note in result.notes] == [
        "Activity_1 (bpmn:userTask): no assignee in the file; the task goes to the submitter for now"
        " - choose who does it"
    ]


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ("${nrOfCompletedInstances >= 1}", ("or_sign", None)),
        ("${nrOfCompletedInstances &gt; 0}", ("or_sign", None)),
        ("=numberOfCompletedInstances >= 1", ("or_sign", None)),
        ("${nrOfCompletedInstances / nrOfInstances >= 0.6}", ("countersign", 0.6)),
        ("${nrOfCompletedInstances == nrOfInstances}", ("countersign", None)),
    ],
)
def test_completion_conditions(condition, expected):
    body = (
        '<bpmn:userTask id="Activity_1" camunda:candidateGroups="board"><bpmn:multiInstanceLoopCharacteristics>'
        f'<bpmn:completionCondition xsi:type="bpmn:tFormalExpression">{condition}</bpmn:completionCondition>'
        "</bpmn:multiInstanceLoopCharacteristics></bpmn:userTask>"
    )
    node = bpmn_to_flow(_minimal(body, "Activity_1"), form="order").flow["nodes"][1]

    assert (node["mode"], node.get("pass_ratio")) == expected


def test_a_completion_condition_not_understood_is_reported():
    body = (
        '<bpmn:userTask id="Activity_1" camunda:candidateGroups="board"><bpmn:multiInstanceLoopCharacteristics>'
        '<bpmn:completionCondition xsi:type="bpmn:tFormalExpression">${nrOfCompletedInstances >= 2}'
        "</bpmn:completionCondition></bpmn:multiInstanceLoopCharacteristics></bpmn:userTask>"
    )

    result = bpmn_to_flow(_minimal(body, "Activity_1"), form="order")

    assert [item.line() for item in result.unsupported] == [
        "Activity_1 (bpmn:userTask): the completion condition '${nrOfCompletedInstances >= 2}' is not understood; "
        "imported as countersign (everyone must approve)"
    ]
    assert result.flow["nodes"][1]["mode"] == "countersign"


def test_timer_cycles_and_non_task_boundaries_are_reported():
    body = (
        '<bpmn:userTask id="Activity_1" camunda:assignee="amy" />'
        '<bpmn:boundaryEvent id="Event_cycle" attachedToRef="Activity_1"><bpmn:timerEventDefinition>'
        '<bpmn:timeCycle xsi:type="bpmn:tFormalExpression">R3/PT10M</bpmn:timeCycle></bpmn:timerEventDefinition>'
        "</bpmn:boundaryEvent>"
        '<bpmn:boundaryEvent id="Event_error" attachedToRef="Activity_1"><bpmn:errorEventDefinition />'
        "</bpmn:boundaryEvent>"
        '<bpmn:boundaryEvent id="Event_lonely" attachedToRef="Activity_1"><bpmn:timerEventDefinition>'
        '<bpmn:timeDuration xsi:type="bpmn:tFormalExpression">PT1H</bpmn:timeDuration></bpmn:timerEventDefinition>'
        "</bpmn:boundaryEvent>"
    )

    result = bpmn_to_flow(_minimal(body, "Activity_1"), form="order")

    assert [item.line() for item in result.unsupported] == [
        "Event_cycle (bpmn:boundaryEvent): the timeCycle 'R3/PT10M' is not supported; use an ISO-8601 duration "
        "(PT15M) or a date field ${field}",
        "Event_error (bpmn:boundaryEvent): only timer boundary events are supported (not supported "
        "(bpmn:errorEventDefinition))",
        "Event_lonely (bpmn:boundaryEvent): an interrupting timer must have exactly one outgoing flow "
        "(the way the task is left)",
    ]
    assert "timers" not in result.flow["nodes"][1]


def test_a_non_interrupting_timer_with_a_flow_starts_its_own_path_while_the_task_stays_open():
    result = _read("escalation.bpmn", form="order")

    assert result.unsupported == []
    handle = result.flow["nodes"][1]
    assert handle["timers"] == [
        {
            "id": "event_late",
            "after": "PT2H",
            "interrupting": False,
            "action": "route",
            "edge": "flow_late",
            "message": {"en": "2 hours"},
        }
    ]
    late = next(edge for edge in result.flow["edges"] if edge["id"] == "flow_late")
    assert (late["source"], late["target"]) == ("activity_handle", "activity_look")
    assert package_problems(_package(result.flow, [_field("note")])) == []


def test_a_timer_with_several_flows_is_refused_naming_it_in_both_languages():
    body = (
        '<bpmn:userTask id="Activity_1" camunda:assignee="amy" />'
        '<bpmn:boundaryEvent id="Event_two" cancelActivity="false" attachedToRef="Activity_1">'
        '<bpmn:timerEventDefinition><bpmn:timeDuration xsi:type="bpmn:tFormalExpression">PT2H</bpmn:timeDuration>'
        "</bpmn:timerEventDefinition></bpmn:boundaryEvent>"
        '<bpmn:sequenceFlow id="Flow_a" sourceRef="Event_two" targetRef="End_1" />'
        '<bpmn:sequenceFlow id="Flow_b" sourceRef="Event_two" targetRef="End_1" />'
    )

    result = bpmn_to_flow(_minimal(body, "Activity_1"), form="order")

    two = result.unsupported[0]
    assert two.line() == (
        "Event_two (bpmn:boundaryEvent): a timer starts one path, and this one has 2 outgoing flows; "
        "keep one and split after it with a parallel gateway"
    )
    assert two.line("zh-CN") == (
        "Event_two (bpmn:boundaryEvent): 定时器只能开始一条路径,而它有 2 条出口顺序流;"
        "请只保留一条,再在其后用并行网关分支"
    )
    assert [item.line() for item in result.unsupported[1:]] == [
        "Flow_a (bpmn:sequenceFlow): starts at 'Event_two', which was not imported",
        "Flow_b (bpmn:sequenceFlow): starts at 'Event_two', which was not imported",
    ]
    assert "timers" not in result.flow["nodes"][1]


def test_a_flow_from_a_timer_whose_trellis_action_takes_no_path_is_reported():
    body = (
        '<bpmn:userTask id="Activity_1" camunda:assignee="amy" />'
        '<bpmn:boundaryEvent id="Event_1" cancelActivity="false" attachedToRef="Activity_1">'
        '<bpmn:extensionElements><trellis:property xmlns:trellis="https://schemas.trellis.dev/bpmn" name="action">'
        '"escalate"</trellis:property></bpmn:extensionElements>'
        '<bpmn:timerEventDefinition><bpmn:timeDuration xsi:type="bpmn:tFormalExpression">PT2H</bpmn:timeDuration>'
        "</bpmn:timerEventDefinition></bpmn:boundaryEvent>"
        '<bpmn:sequenceFlow id="Flow_x" sourceRef="Event_1" targetRef="End_1" />'
    )

    result = bpmn_to_flow(_minimal(body, "Activity_1"), form="order")

    assert [item.line() for item in result.unsupported] == [
        "Flow_x (bpmn:sequenceFlow): the timer's action 'escalate' starts no path; make it 'route' to run this "
        "flow when it fires"
    ]
    assert result.flow["nodes"][1]["timers"] == [{"id": "event_1", "after": "PT2H", "action": "escalate"}]


def test_time_date_from_a_field_is_until_field():
    body = (
        '<bpmn:userTask id="Activity_1" camunda:assignee="amy" />'
        '<bpmn:boundaryEvent id="Event_due" cancelActivity="false" attachedToRef="Activity_1">'
        '<bpmn:timerEventDefinition><bpmn:timeDate xsi:type="bpmn:tFormalExpression">${due_at}</bpmn:timeDate>'
        "</bpmn:timerEventDefinition></bpmn:boundaryEvent>"
    )

    node = bpmn_to_flow(_minimal(body, "Activity_1"), form="order").flow["nodes"][1]

    assert node["timers"] == [{"id": "event_due", "until_field": "due_at", "action": "notify"}]


def test_the_executable_process_of_a_collaboration_is_imported_and_others_reported():
    other = '<bpmn:process id="Process_other" isExecutable="false"><bpmn:startEvent id="Start_other" /></bpmn:process>'
    xml = _minimal('<bpmn:userTask id="Activity_1" camunda:assignee="amy" />', "Activity_1", before=other)

    result = bpmn_to_flow(xml, form="order")

    assert result.flow["nodes"][1]["id"] == "activity_1"
    assert [item.line() for item in result.unsupported] == [
        "Process_other (bpmn:process): a second process; Trellis imports one per file (took 'Process_1')"
    ]


def test_ids_are_made_trellis_ids_and_kept_unique():
    body = '<bpmn:userTask id="Task-A" camunda:assignee="amy" /><bpmn:userTask id="task_a" camunda:assignee="bo" />'
    xml = _minimal(body, "Task-A", extra_flow='<bpmn:sequenceFlow id="Flow_2" sourceRef="Task-A" targetRef="task_a" />')

    nodes = bpmn_to_flow(xml, form="order").flow["nodes"]

    assert [node["id"] for node in nodes] == ["start_1", "task_a", "task_a_2", "end_1"]


def _minimal(body: str, task: str, *, before: str = "", extra_flow: str = "") -> bytes:
    """A process start → ``task`` → end around ``body``, in the Camunda Modeler's dialect."""
    last = "task_a" if extra_flow else task
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
        'xmlns:camunda="http://camunda.org/schema/1.0/bpmn" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'id="Definitions_1" targetNamespace="http://bpmn.io/schema/bpmn" exporter="Camunda Modeler" '
        f'exporterVersion="5.17.0">{before}<bpmn:process id="Process_1" isExecutable="true">'
        f'<bpmn:startEvent id="Start_1" />{body}<bpmn:endEvent id="End_1" />'
        f'<bpmn:sequenceFlow id="Flow_1" sourceRef="Start_1" targetRef="{task}" />{extra_flow}'
        f'<bpmn:sequenceFlow id="Flow_3" sourceRef="{last}" targetRef="End_1" />'
        "</bpmn:process></bpmn:definitions>"
    ).encode()
