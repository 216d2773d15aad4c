"""The flow designer's conversions over HTTP: a draft's flow drawn as BPMN (laid out when it has no
positions) and read back the same; a canvas element the engine cannot run refused by id with the
reason in the caller's language; steps dropped from the palette read as their node types and a
reminder to a supervisor kept through the round trip; the designer's palette (timer actions,
dispatch strategies); garbage bodies a 422 and end users a 403, never a 500."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.flows.timers import TIMER_ACTIONS
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
def people(client, app):
    """A builder of the app and an end user: the test client and the headers each of them sends."""
    assert client.post("/api/v1/apps", json=package()).status_code == 201
    directory = app.extensions["trellis"].directory
    directory.create_user("maker", PASSWORD, roles=[(APP, "builder")])
    directory.create_user("agent", PASSWORD, roles=[(APP, "agent")])
    tokens = {
        who: directory.create_token(who, "tests", [f"app:{APP}:read", f"app:{APP}:write"])[0]
        for who in ("maker", "agent")
    }

    def headers(who: str, lang: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {tokens[who]}", "Accept-Language": lang}

    return app.test_client(), headers


@pytest.fixture
def web(people):
    test_client, headers = people

    def post(route: str, body, who: str = "maker", lang: str = "en"):
        return test_client.post(f"{BASE}/{route}", json=body, headers=headers(who, lang))

    return post


@pytest.fixture
def flow_types(people):
    """``GET /api/v1/builder/flow-types``, the flow designer's palette."""
    test_client, headers = people
    return lambda who="maker", lang="en": test_client.get("/api/v1/builder/flow-types", headers=headers(who, lang))


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


def test_a_reminder_that_notifies_a_supervisor_survives_the_canvas_round_trip(web):
    reminder = {
        "id": "fix_late",
        "after": "PT15M",
        "business_hours": True,
        "until_claimed": True,
        "action": "notify",
        "to": {"type": "role", "role": "agent"},
        "message": {"zh-CN": "十五分钟未处理", "en": "Not handled in 15 minutes"},
    }
    flow = {**FLOW, "nodes": [{**n, "timers": [reminder]} if n["id"] == "fix" else n for n in FLOW["nodes"]]}
    xml = web("flow-bpmn", {"flow": flow}).json["xml"]
    assert 'cancelActivity="false"' in xml  # drawn as BPMN's non-interrupting boundary timer
    back = web("bpmn-flow", {"xml": xml, "flow": "handle", "form": "ticket"})
    assert back.status_code == 200 and back.json["unsupported"] == [], back.json
    [timer] = next(n for n in back.json["flow"]["nodes"] if n["id"] == "fix")["timers"]
    assert timer == reminder


MARKED = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:trellis="https://schemas.trellis.dev/bpmn" id="D" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="P" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:{tag} id="step">
      <bpmn:extensionElements><trellis:property name="type">"{kind}"</trellis:property></bpmn:extensionElements>
    </bpmn:{tag}>
    <bpmn:{tag} id="bare" />
    <bpmn:endEvent id="end" />
    <bpmn:sequenceFlow id="e1" sourceRef="start" targetRef="step" />
    <bpmn:sequenceFlow id="e2" sourceRef="step" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>"""


@pytest.mark.parametrize(
    ("tag", "kind"), [("serviceTask", "service_task"), ("sendTask", "notify"), ("callActivity", "subflow")]
)
def test_a_step_dropped_from_the_palette_is_read_as_its_node_type_and_an_unmarked_one_refused(web, tag, kind):
    xml = MARKED.replace("{tag}", tag).replace("{kind}", kind)
    answer = web("bpmn-flow", {"xml": xml, "flow": "handle", "form": "ticket"})
    assert answer.status_code == 200, answer.json
    assert [(n["id"], n["type"]) for n in answer.json["flow"]["nodes"]] == [
        ("start", "start"),
        ("step", kind),
        ("end", "end"),
    ]
    assert [u["element"] for u in answer.json["unsupported"]] == ["bare"]


def test_the_palette_lists_the_registered_timer_actions_and_dispatch_strategies(flow_types):
    answer = flow_types(lang="zh-CN")
    assert answer.status_code == 200, answer.json
    actions = {a["key"]: a for a in answer.json["timer_actions"]}
    # a boundary timer names every registered action but the timer node's own "continue"
    assert list(actions) == [key for key, _ in TIMER_ACTIONS.items() if key != "continue"]
    assert [k for k, a in actions.items() if a["recipient"]] == ["notify", "escalate"]
    assert [k for k, a in actions.items() if a["path"]] == ["route"]
    assert actions["notify"]["name"] == "发通知，任务继续" and actions["notify"]["names"]["en"]
    assert [s["key"] for s in answer.json["strategies"]] == ["least_loaded", "round_robin"]
    assert [f["key"] for f in answer.json["fallbacks"]] == ["group_leader", "none"]
    assert all(not x["name"].isascii() for x in answer.json["strategies"] + answer.json["fallbacks"])
    rows = answer.json["dispatch_table"]["items"]  # a dispatch table's rows: when -> group
    assert set(rows["properties"]) == {"when", "group"} and rows["required"] == ["group"]


def test_end_users_get_no_flow_palette(flow_types):
    assert flow_types("agent").status_code == 403


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


def test_builders_find_people_by_name_and_name_the_logins_a_flow_stores(client, app):
    assert client.post("/api/v1/apps", json=package()).status_code == 201
    directory = app.extensions["trellis"].directory
    directory.create_user("maker", PASSWORD, roles=[(APP, "builder")])
    directory.create_user("agent", PASSWORD, name="赵客服", roles=[(APP, "agent")])
    directory.create_user("zhao", PASSWORD, name="赵主管")
    directory.create_user("qian", PASSWORD, name="钱会计")
    token = {who: directory.create_token(who, "tests", [f"app:{APP}:read"])[0] for who in ("maker", "agent")}
    people = f"{BASE}/people"

    def get(who: str, query: str):
        return app.test_client().get(f"{people}?{query}", headers={"Authorization": f"Bearer {token[who]}"})

    found = get("maker", "q=赵")
    assert found.status_code == 200, found.json
    assert sorted((p["login"], p["name"]) for p in found.json["items"]) == [("agent", "赵客服"), ("zhao", "赵主管")]
    named = get("maker", "logins=zhao,nobody,qian")
    assert named.json["items"] == [{"login": "zhao", "name": "赵主管"}, {"login": "qian", "name": "钱会计"}]
    assert get("agent", "q=赵").status_code == 403  # end users find nobody here
    assert get("maker", "q=" + "赵" * 500).status_code in (200, 422)  # a long query is cut or refused, never a 500


def test_builders_pick_groups_from_the_directory_in_the_organisation_charts_order(client, app):
    assert client.post("/api/v1/apps", json=package()).status_code == 201
    directory = app.extensions["trellis"].directory
    directory.create_user("maker", PASSWORD, roles=[(APP, "builder")])
    directory.create_user("agent", PASSWORD, roles=[(APP, "agent")])
    directory.create_user("wu", PASSWORD, name="吴师傅")
    directory.create_group("工程部")
    directory.create_group("水电组", parent="工程部")
    directory.add_member("水电组", "wu")
    directory.create_group("保安部")
    token = {who: directory.create_token(who, "tests", [f"app:{APP}:read"])[0] for who in ("maker", "agent")}

    def get(who: str, where: str = APP):
        url = f"/api/v1/builder/apps/{where}/groups"
        return app.test_client().get(url, headers={"Authorization": f"Bearer {token[who]}"})

    found = get("maker")
    assert found.status_code == 200, found.json
    items = found.json["items"]
    assert sorted(items, key=lambda g: g["name"]) == [
        {"name": "保安部", "depth": 0, "members": 0},
        {"name": "工程部", "depth": 0, "members": 0},
        {"name": "水电组", "depth": 1, "members": 1},
    ]
    names = [g["name"] for g in items]
    assert names.index("水电组") == names.index("工程部") + 1  # a sub-group right under its parent
    assert get("agent").status_code == 403  # end users list no groups here
    assert get("maker", "nope" * 40).status_code in (403, 404)  # an app they do not build, never a 500
