"""The renovation permit app (装修申请), written from the format documents alone, end to end over HTTP.

An owner applies for a permit; engineering and security countersign (会签); finance collects the
deposit; inspectors file inspections while the works go on; engineering checks in on site for the
final acceptance; finance refunds the deposit. Each test names the issue-11 items it exercises.
"""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image

from engine.expressions.dates import COMPANY_ZONE
from engine.packages import package_problems
from engine.principal import LOCAL_ADMIN
from engine.storage.automations import TOPIC as AUTOMATION_TOPIC
from engine.storage.outbox import Outbox
from engine.worker import Worker

PACKAGE_PATH = Path(__file__).with_name("renovation_permit.json")
APP = "renovation_permit"
RECORDS = f"/api/v1/apps/{APP}/forms/{{form}}/records"
T0 = datetime(2026, 4, 1, 1, 30, tzinfo=UTC)  # 09:30 in Beijing
OPINIONS = {"eng_a": "水电改造符合规范", "sec_a": "施工时间限 8-18 点", "eng_b": "同意"}
STAFF = {  # login: (role, covers community A?)
    "eng_a": ("engineering", True),
    "sec_a": ("security", True),
    "fin_a": ("finance", True),
    "insp_a": ("inspector", True),
    "mgr_a": ("manager", True),
    "eng_b": ("engineering", False),
    "mgr_b": ("manager", False),
}


def package() -> dict:
    return json.loads(PACKAGE_PATH.read_text(encoding="utf-8"))


class Estate:
    """The imported app, two communities, and a token per person; calls the API as one of them."""

    def __init__(self, app, admin_token: str):
        self.app = app
        self.services = app.extensions["trellis"]
        self.tokens = {"admin": admin_token}
        records = self.services.records
        self.community_a, _ = records.create(LOCAL_ADMIN, APP, "community", {"name": "阳光花园"})
        self.community_b, _ = records.create(LOCAL_ADMIN, APP, "community", {"name": "锦绣江南"})
        self.building_a, _ = records.create(
            LOCAL_ADMIN, APP, "building", {"community": self.community_a["id"], "name": "1栋"}
        )
        self.building_b, _ = records.create(
            LOCAL_ADMIN, APP, "building", {"community": self.community_b["id"], "name": "8栋"}
        )
        self.room_a, _ = records.create(
            LOCAL_ADMIN, APP, "room", {"building": self.building_a["id"], "room_no": "1201"}
        )
        self.room_b, _ = records.create(LOCAL_ADMIN, APP, "room", {"building": self.building_b["id"], "room_no": "302"})
        directory = self.services.directory
        people = {"owner1": ("owner", False), "owner2": ("owner", False), **STAFF}
        for login, (role, covers_a) in people.items():
            community = self.community_a if covers_a else self.community_b
            covers = [community["id"]] if role != "owner" else []
            directory.create_user(login, "a-long-password", roles=[(APP, role)], user_id=login, communities=covers)
            self.tokens[login], _ = directory.create_token(login, "tests", [f"app:{APP}:read", f"app:{APP}:write"])

    def call(self, who: str, method: str, path: str, body: object = None, **kwargs):
        headers = {"Authorization": f"Bearer {self.tokens[who]}", "Accept-Language": "en"}
        if "data" in kwargs:
            return self.app.test_client().open(path, method=method, headers=headers, **kwargs)
        return self.app.test_client().open(path, method=method, json=body, headers=headers)

    def records(self, form: str) -> str:
        return RECORDS.format(form=form)

    def photo(self, who: str, address: str, form: str = "renovation") -> str:
        buffer = io.BytesIO()
        Image.new("RGB", (40, 30), (200, 90, 10)).save(buffer, "JPEG")
        response = self.call(
            who,
            "POST",
            f"/api/v1/apps/{APP}/forms/{form}/fields/{address}/attachments",
            data={"file": (io.BytesIO(buffer.getvalue()), "id.jpg")},
            content_type="multipart/form-data",
        )
        assert response.status_code == 201, response.json
        return response.json["id"]

    def apply(self, who: str = "owner1", **changes) -> dict:
        response = self.call(who, "POST", self.records("renovation"), _application(self, who, **changes))
        assert response.status_code == 201, response.json
        return response.json

    def record(self, form: str, record_id: int, who: str = "admin") -> dict:
        response = self.call(who, "GET", f"{self.records(form)}/{record_id}")
        assert response.status_code == 200, response.json
        return response.json["data"]

    def flow(self, record_id: int) -> dict:
        found = self.call("admin", "GET", f"{self.records('renovation')}/{record_id}/flows")
        assert found.status_code == 200, found.json
        return found.json["items"][-1]

    def open_tasks(self, record_id: int, node: str | None = None) -> list[dict]:
        tasks = self.flow(record_id)["tasks"]
        return [t for t in tasks if t["status"] == "open" and node in (None, t["node"])]

    def act(self, who: str, task: dict, action: str, body: dict | None = None) -> dict:
        response = self.call(who, "POST", f"/api/v1/tasks/{task['id']}/{action}", body or {})
        assert response.status_code == 200, response.json
        return response.json

    def deliver(self) -> dict[str, int]:
        """One round of the worker: due timers fire, due schedules are queued and the outbox
        (notifications, automation runs) is delivered."""
        services = self.services
        automations = services.automations  # the worker reads the automations' clock, as one process does
        outbox = Outbox(
            services.database,
            catalog=services.catalog,
            clock=lambda: automations.clock(),
            handlers={AUTOMATION_TOPIC: automations.topic()},
        )
        return Worker(services.database, flows=services.flows, automations=automations, outbox=outbox).run_once()

    def in_progress(self, who: str = "owner1", **changes) -> int:
        """An application countersigned and paid for: its works are going on (施工中)."""
        record = self.apply(who, **changes)["id"]
        self.countersign(record, {"eng_a": "approve", "sec_a": "approve"})
        (deposit,) = self.open_tasks(record, "pay_deposit")
        self.act("fin_a", deposit, "complete", {"data": {"deposit_receipt": "SJ-0003"}})
        return record

    def countersign(self, record_id: int, decisions: dict[str, str]) -> None:
        """Each of ``{login: 'approve' | 'reject'}`` acts on the countersign task offered to them."""
        tasks = self.open_tasks(record_id, "countersign")
        for login, decision in decisions.items():
            (mine,) = [t for t in tasks if ["user", login] in t["candidates"]]
            self.act(login, mine, decision, {"data": {"opinions": OPINIONS[login]}, "comment": decision})


def _application(estate: Estate, who: str = "owner1", **changes) -> dict:
    """An owner's application for room 1201 of 阳光花园 1栋, one worker with an ID photo."""
    photo = estate.photo(who, "workers.id_photo")
    return {
        "owner_name": "王芳",
        "mobile": "13812345678",
        "community": estate.community_a["id"],
        "building": estate.building_a["id"],
        "room": estate.room_a["id"],
        "start_date": "2026-04-10",
        "end_date": "2026-06-10",
        "area": "88.5",
        "contractor": "杭州匠心装饰有限公司",
        "workers": [{"name": "李强", "id_no": "33010619800101123X", "id_photo": [photo]}],
        **changes,
    }


@pytest.fixture
def estate(app, client) -> Estate:
    """The app imported over HTTP as a new user would, with the company's clock at T0."""
    assert client.post("/api/v1/apps", json=package()).status_code == 201
    app.extensions["trellis"].flows.clock = lambda: T0
    return Estate(app, client.environ_base["HTTP_AUTHORIZATION"].removeprefix("Bearer "))


def test_the_package_validates_clean():
    """`trellis validate` finds nothing to say about the package written from the docs."""
    assert package_problems(package()) == []


def test_a_permit_from_application_to_refund(estate):
    """The whole happy path. Items: formula precision (13), attachments inside sub-table rows (11),
    cascading pickers checked on the server (5), countersign with an opinion per signer (8),
    the "my own inspection" form with a read-only `default_expr: user.id` inspector (3),
    uniqueness over several fields (9), check-in stamped by the server (10)."""
    applied = estate.apply()
    record = applied["id"]
    data = applied["data"]
    assert data["fee"] == "309.75"  # 88.5 m² × 3.5, at the declared two places
    assert data["deposit"] == "2000.00" and data["status"] == "审批中"
    assert data["permit_no"].startswith("ZX-")
    photo = data["workers"][0]["id_photo"][0]
    with estate.call("owner1", "GET", f"/api/v1/attachments/{photo}") as download:
        assert download.status_code == 200 and download.data[:2] == b"\xff\xd8"  # the JPEG uploaded for the row

    (engineering, _) = sorted(estate.open_tasks(record, "countersign"), key=lambda t: t["candidates"])
    without = estate.call("eng_a", "POST", f"/api/v1/tasks/{engineering['id']}/approve", {"comment": "同意"})
    assert without.status_code == 422 and "opinions" in without.json["errors"]  # each signer writes their own
    estate.act("eng_a", engineering, "save", {"data": {"opinions": "初步同意"}})  # a draft decides nothing
    estate.countersign(record, {"eng_a": "approve", "sec_a": "approve"})
    signed = [t for t in estate.flow(record)["tasks"] if t["node"] == "countersign"]
    assert sorted((t["completed_by"], t["outcome"], t["data"]) for t in signed) == [
        ("eng_a", "approved", {"opinions": "水电改造符合规范"}),
        ("sec_a", "approved", {"opinions": "施工时间限 8-18 点"}),
    ]
    approved = estate.record("renovation", record)
    assert approved["status"] == "待缴押金"
    assert sorted(approved["opinions"].splitlines()) == ["eng_a: 水电改造符合规范", "sec_a: 施工时间限 8-18 点"]

    (deposit,) = estate.open_tasks(record, "pay_deposit")
    estate.act("fin_a", deposit, "claim")
    estate.act("fin_a", deposit, "complete", {"data": {"deposit_receipt": "SJ-0001"}})
    assert estate.record("renovation", record)["status"] == "施工中"

    finding_photo = estate.photo("insp_a", "findings.photo", form="inspection")
    inspection = {
        "renovation": record,
        "result": "整改",
        "findings": [{"item": "卫生间防水未做闭水试验", "photo": [finding_photo]}],
    }
    filed = estate.call("insp_a", "POST", estate.records("inspection"), inspection)
    assert filed.status_code == 201, filed.json
    assert filed.json["data"]["inspector"] == "insp_a"  # filled by the server, never typed
    assert filed.json["data"]["inspect_date"] == datetime.now(COMPANY_ZONE).date().isoformat()  # today()
    estate.deliver()  # automations: the filed inspection stamps its renovation (update_related)
    assert estate.record("renovation", record)["last_inspected"] == filed.json["data"]["inspect_date"]
    typed = estate.call("insp_a", "POST", estate.records("inspection"), {**inspection, "inspector": "eng_a"})
    assert typed.status_code == 422 and "inspector" in typed.json["errors"]
    again = estate.call("insp_a", "POST", estate.records("inspection"), inspection)
    assert again.status_code == 422, again.json
    assert set(again.json["errors"]) == {"renovation", "inspect_date"}

    (works,) = estate.open_tasks(record, "works")
    estate.act("owner1", works, "complete")
    (acceptance,) = estate.open_tasks(record, "acceptance")
    estate.act("eng_a", acceptance, "claim")
    place = {"lat": 30.2741, "lng": 120.1551, "address": "杭州市西湖区阳光花园1栋1201"}
    estate.act("eng_a", acceptance, "check_in", {"time": "2001-01-01T00:00:00Z", "location": place})
    estate.act("eng_a", acceptance, "complete", {"data": {"acceptance_result": "合格"}})
    accepted = estate.record("renovation", record)
    assert datetime.fromisoformat(accepted["accepted_at"]) == T0  # the server's clock, not the phone's
    assert accepted["acceptance_place"] == place

    (refund,) = estate.open_tasks(record, "refund")
    estate.act("fin_a", refund, "claim")
    too_much = estate.call("fin_a", "POST", f"/api/v1/tasks/{refund['id']}/complete", {"data": {"refund_amount": 2500}})
    assert too_much.status_code == 422 and "refund_amount" in too_much.json["errors"]
    done = estate.act("fin_a", refund, "complete", {"data": {"refund_amount": "2000"}})
    assert done["instance"]["status"] == "completed" and done["instance"]["end_status"] == "closed"
    assert estate.record("renovation", record)["status"] == "已完成"


def test_a_failed_acceptance_sends_the_works_back(estate):
    """The rework loop: an acceptance that finds problems reopens the works for the owner."""
    record = estate.apply()["id"]
    estate.countersign(record, {"eng_a": "approve", "sec_a": "approve"})
    (deposit,) = estate.open_tasks(record, "pay_deposit")
    estate.act("fin_a", deposit, "complete", {"data": {"deposit_receipt": "SJ-0002"}})
    estate.act("owner1", estate.open_tasks(record, "works")[0], "complete")
    estate.act("eng_a", estate.open_tasks(record, "acceptance")[0], "complete", {"data": {"acceptance_result": "整改"}})

    assert [t["node"] for t in estate.open_tasks(record)] == ["works"]
    assert estate.record("renovation", record)["status"] == "施工中"


def test_one_no_in_the_countersign_rejects_the_application(estate):
    """The reject path (countersign, item 8's approval node): security says no, engineering's task
    is withdrawn, the instance ends rejected and the owner reads why."""
    record = estate.apply()["id"]

    estate.countersign(record, {"sec_a": "reject"})

    flow = estate.flow(record)
    assert flow["status"] == "completed" and flow["end_status"] == "rejected"
    assert estate.open_tasks(record) == []
    assert estate.record("renovation", record, who="owner1")["status"] == "已驳回"
    estate.deliver()
    inbox = estate.call("owner1", "GET", "/api/v1/notifications").json
    assert [n["record_id"] for n in inbox["items"]] == [record]


def test_nobody_sees_an_application_outside_their_rows(estate):
    """Row rules (item 2): owners see their own applications, staff their communities'."""
    record = estate.apply()["id"]
    path = f"{estate.records('renovation')}/{record}"

    for stranger in ("owner2", "eng_b", "mgr_b"):
        assert estate.call(stranger, "GET", estate.records("renovation")).json["items"] == [], stranger
        assert estate.call(stranger, "GET", path).status_code == 404, stranger
        assert estate.call(stranger, "GET", "/api/v1/tasks?box=groups").json["items"] == [], stranger
    for allowed in ("owner1", "eng_a", "sec_a", "fin_a", "insp_a", "mgr_a"):
        assert estate.call(allowed, "GET", path).status_code == 200, allowed


def test_inspections_follow_the_renovation_through_a_relation_path(estate):
    """Row rules through a relation path (items 1 and 2): `renovation.community in user.communities`
    binds the inspector's create, so nobody files an inspection outside their communities, and
    limits who reads them; the owner reads the inspections of their own application."""
    own = estate.apply()["id"]
    elsewhere = estate.apply(
        who="owner2",
        community=estate.community_b["id"],
        building=estate.building_b["id"],
        room=estate.room_b["id"],
    )["id"]

    refused = estate.call("insp_a", "POST", estate.records("inspection"), {"renovation": elsewhere, "result": "正常"})
    assert refused.status_code == 403, refused.json
    filed = estate.call("insp_a", "POST", estate.records("inspection"), {"renovation": own, "result": "正常"})
    assert filed.status_code == 201, filed.json

    def seen(who: str) -> list[int]:
        return [r["id"] for r in estate.call(who, "GET", estate.records("inspection")).json["items"]]

    assert seen("mgr_a") == seen("owner1") == seen("insp_a") == [filed.json["id"]]
    assert seen("mgr_b") == seen("owner2") == []


def test_a_qr_style_application_naming_only_the_room_gets_its_building_and_community(estate):
    """Derived relations (item 5): building and community are filled from `room.building` and
    `building.community`, so the community row rules and dispatch work for it."""
    body = _application(estate)
    del body["community"], body["building"]

    created = estate.call("owner1", "POST", estate.records("renovation"), body)

    assert created.status_code == 201, created.json
    data = created.json["data"]
    assert (data["building"], data["community"]) == (estate.building_a["id"], estate.community_a["id"])
    assert estate.call("eng_a", "GET", f"{estate.records('renovation')}/{created.json['id']}").status_code == 200


def test_the_room_decides_the_building_and_the_pickers_cascade(estate):
    """Cascading pickers with derived relations (item 5): the options API offers only the rooms of
    the chosen building; a room sent with a building it is not in is refused at the building (the
    derived answer contradicts the typed one), a room sent alone takes its own building and
    community: never a mismatched address."""
    mismatched = estate.call(
        "owner1", "POST", estate.records("renovation"), _application(estate, room=estate.room_b["id"])
    )
    assert mismatched.status_code == 422 and list(mismatched.json["errors"]) == ["building"]
    body = {
        k: v for k, v in _application(estate, room=estate.room_b["id"]).items() if k not in ("building", "community")
    }
    moved = estate.call("owner1", "POST", estate.records("renovation"), body)
    assert moved.status_code == 201, moved.json
    assert (moved.json["data"]["building"], moved.json["data"]["community"]) == (
        estate.building_b["id"],
        estate.community_b["id"],
    )
    options = estate.call(
        "owner1", "GET", f"/apps/{APP}/forms/renovation/options/room?by.building={estate.building_a['id']}"
    )
    assert options.status_code == 200, options.json
    assert [o["id"] for o in options.json["items"]] == [estate.room_a["id"]]


def test_a_countersign_waiting_two_days_tells_the_manager(estate):
    """The non-interrupting boundary timer (item 12): after two days the manager is told and the
    signers' tasks stay open; the countersign still decides the application afterwards."""
    record = estate.apply()["id"]
    flows = estate.services.flows
    flows.clock = lambda: T0 + timedelta(days=1, hours=23)
    assert flows.fire_due() == 0
    flows.clock = lambda: T0 + timedelta(days=2, minutes=1)
    assert flows.fire_due() == 1
    estate.deliver()

    inbox = estate.call("mgr_a", "GET", "/api/v1/notifications").json
    assert [n["record_id"] for n in inbox["items"]] == [record]
    assert estate.call("mgr_b", "GET", "/api/v1/notifications").json["items"] == []  # another community's
    assert len(estate.open_tasks(record, "countersign")) == 2
    estate.countersign(record, {"eng_a": "approve", "sec_a": "approve"})
    assert [t["node"] for t in estate.open_tasks(record)] == ["pay_deposit"]


def test_a_building_takes_two_renovations_at_a_time(estate):
    """Aggregates across records (item 7): a rule counts the open applications of the chosen
    building (`related_sum` of a formula that is 1 while an application is open); the third is
    refused naming the building, and a rejected one frees its place."""
    first = estate.apply()["id"]
    estate.apply(owner_name="李雷")
    third = estate.call("owner1", "POST", estate.records("renovation"), _application(estate, owner_name="韩梅梅"))
    assert third.status_code == 422, third.json
    assert set(third.json["errors"]) == {"building"}
    assert "Two homes in this building" in third.json["errors"]["building"][0]

    estate.countersign(first, {"sec_a": "reject"})
    assert estate.record("renovation", first)["occupies"] == "0"
    estate.apply(owner_name="韩梅梅")


def test_every_morning_the_round_creates_one_inspection_per_renovation_in_progress(estate):
    """A schedule over a form's records (item 6): at 09:00 in the app's time zone the cron creates
    an inspection for each renovation whose works go on, once however often the worker looks;
    the inspectors of its community get it as a task, and filing it stamps `last_inspected`."""
    works = estate.in_progress()
    under_review = estate.apply(
        who="owner2", community=estate.community_b["id"], building=estate.building_b["id"], room=estate.room_b["id"]
    )["id"]
    tomorrow = datetime.now(COMPANY_ZONE) + timedelta(days=1)
    estate.services.automations.clock = lambda: tomorrow.replace(hour=9, minute=2).astimezone(UTC)

    first = estate.deliver()
    second = estate.deliver()

    listed = estate.call("admin", "GET", estate.records("inspection")).json["items"]
    assert (first["scheduled"], second["scheduled"]) == (1, 0)
    assert [(i["data"]["renovation"], i["data"]["inspector"], i["data"]["result"]) for i in listed] == [
        (works, None, None)
    ]
    assert under_review not in [i["data"]["renovation"] for i in listed]
    inspection = listed[0]["id"]
    round_path = f"{estate.records('inspection')}/{inspection}/flows"
    (task,) = [t for t in estate.call("admin", "GET", round_path).json["items"][-1]["tasks"] if t["status"] == "open"]
    assert ["user", "insp_a"] in task["candidates"]

    estate.act("insp_a", task, "claim")
    estate.act("insp_a", task, "complete", {"data": {"result": "正常"}})
    estate.deliver()

    filed = estate.record("inspection", inspection)
    assert (filed["inspector"], filed["result"]) == ("insp_a", "正常")
    assert estate.record("renovation", works)["last_inspected"] == filed["inspect_date"]
    runs = estate.call("admin", "GET", f"/api/v1/apps/{APP}/automations/runs?automation=daily_inspections")
    assert runs.status_code == 200
    assert [(r["outcome"], r["record"]) for r in runs.json["items"]] == [("done", {"form": "renovation", "id": works})]
    assert estate.call("mgr_a", "GET", f"/api/v1/apps/{APP}/automations/runs").status_code == 403
