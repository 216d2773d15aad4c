"""The flow designer's conversions over HTTP: a draft's flow drawn as BPMN (laid out when it has no
positions) and read back the same; a canvas element the engine cannot run refused by id with the
reason in the caller's language; garbage bodies a 422 and end users a 403, never a 500."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.row_rules_app import APP, package

BASE = f"/api/v1/builder/apps/{APP}"
PASSWORD = "builder-flows-1"
FLOW = {
    "id": "handle",
    "name": {"zh-CN": "处理工单", "en": "Handle a ticket"},
    "form": "ticket",
    "nodes": [
        {"id": "start", "type": "start"},
        {
            "id": "fix",
            "type": "user_task",
            "name": {"zh-CN": "维修", "en": "Fix"},
            "assignee": {"type": "role", "role": "agent"},
        },
        {"id": "check", "type": "exclusive_gateway"},
        {"id": "done", "type": "end"},
    ],
    "edges": [
        {"id": "e1", "source": "start", "target": "fix"},
        {"id": "e2", "source": "fix", "target": "check"},
        {"id": "e3", "source": "check", "target": "done", "condition": "title != ''"},
        {"id": "e4", "source": "check", "target": "fix", "default": True},
    ],
}
SUBPROCESS = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="D" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="P" isExecutable="true">
    <bpmn:startEvent id="Start" />
    <bpmn:subProcess id="Activity_1" />
    <bpmn:endEvent id="End" />
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="End" />
  </bpmn:process>
</bpmn:definitions>"""


@pytest.fixture
def web(client, app):
    assert client.post("/api/v1/apps", json=package()).status_code == 201
    directory = app.extensions["trellis"].directory
    directory.create_user("maker", PASSWORD, roles=[(APP, "builder")])
    directory.create_user("agent", PASSWORD, roles=[(APP, "agent")])
    tokens = {
        who: directory.create_token(who, "tests", [f"app:{APP}:read", f"app:{APP}:write"])[0]
        for who in ("maker", "agent")
    }
    test_client = app.test_client()

    def post(route: str, body, who: str = "maker", lang: str = "en"):
        headers = {"Authorization": f"Bearer {tokens[who]}", "Accept-Language": lang}
        return test_client.post(f"{BASE}/{route}", json=body, headers=headers)

    return post


def test_a_flow_without_positions_is_laid_out_and_reads_back_unchanged(web):
    drawn = web("flow-bpmn", {"flow": FLOW})
    assert drawn.status_code == 200, drawn.json
    xml = drawn.json["xml"]
    assert "<bpmndi:BPMNShape" in xml and 'id="fix"' in xml and "dc:Bounds" in xml
    back = web("bpmn-flow", {"xml": xml, "flow": "handle", "form": "ticket"})
    assert back.status_code == 200, back.json
    assert back.json["complete"] is True and back.json["unsupported"] == []
    flow = back.json["flow"]
    assert [n["id"] for n in flow["nodes"]] == ["start", "fix", "check", "done"]
    assert flow == FLOW  # an untouched layout stays the writer's: no positions appear


def test_an_element_the_engine_cannot_run_is_refused_by_id_in_the_readers_language(web):
    answer = web("bpmn-flow", {"xml": SUBPROCESS, "flow": "handle", "form": "ticket"}, lang="zh-CN")
    assert answer.status_code == 200, answer.json
    assert answer.json["complete"] is False
    [refused] = answer.json["unsupported"]
    assert (refused["element"], refused["type"]) == ("Activity_1", "bpmn:subProcess")
    assert refused["message"] and not refused["message"].isascii()


@pytest.mark.parametrize(
    ("route", "body"),
    [
        ("flow-bpmn", {}),
        ("flow-bpmn", {"flow": "x"}),
        ("flow-bpmn", {"flow": {"id": "f", "nodes": "many"}}),
        ("flow-bpmn", {"flow": {"id": "f", "nodes": [{"id": 3}], "edges": []}}),
        (
            "flow-bpmn",
            {
                "flow": {
                    "id": "f",
                    "nodes": [{"id": "a", "type": "user_task", "name": 7, "assignee": 1}],
                    "edges": [{"id": "e"}],
                }
            },
        ),
        ("bpmn-flow", {"xml": "not xml"}),
        ("bpmn-flow", {"xml": "<!DOCTYPE x [<!ENTITY a 'b'>]><x>&a;</x>"}),
        ("bpmn-flow", {"xml": SUBPROCESS, "flow": "Not An Id"}),
        ("bpmn-flow", {"xml": 5}),
        ("bpmn-flow", []),
    ],
)
def test_garbage_is_a_422(web, route, body):
    answer = web(route, body)
    assert answer.status_code == 422, (answer.status_code, answer.json)


@pytest.mark.parametrize("route", ["flow-bpmn", "bpmn-flow"])
def test_end_users_are_refused(web, route):
    body = {"flow": FLOW} if route == "flow-bpmn" else {"xml": SUBPROCESS}
    assert web(route, body, who="agent").status_code == 403


def test_a_modelers_file_with_lanes_reads_with_the_drafts_roles_and_draws_back_as_a_pool(web):
    xml = (Path(__file__).resolve().parents[1] / "flows" / "bpmn_files" / "lanes.bpmn").read_text(encoding="utf-8")

    answer = web("bpmn-flow", {"xml": xml, "flow": "repair", "form": "ticket"}, lang="zh-CN")

    assert answer.status_code == 200, answer.json
    assert answer.json["complete"] is True and answer.json["notes"] == []
    flow = answer.json["flow"]
    assert [(lane["name"], lane["assignee"]) for lane in flow["lanes"]] == [
        ({"zh-CN": "客服"}, {"type": "role", "role": "agent"}),  # the draft's role 客服
        ({"en": "Owner"}, {"type": "role", "role": "owner"}),
    ]
    drawn = web("flow-bpmn", {"flow": flow})
    assert drawn.status_code == 200, drawn.json
    assert "<bpmn:participant" in drawn.json["xml"] and "<bpmn:laneSet" in drawn.json["xml"]
    assert web("bpmn-flow", {"xml": drawn.json["xml"], "flow": "repair", "form": "ticket"}).json["flow"] == flow
