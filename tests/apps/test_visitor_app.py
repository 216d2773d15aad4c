"""访客登记 (visitor registration), an app written from the docs alone, run end to end over HTTP.

``tests/apps/visitor_registration.json`` was written from docs/app-format.md, docs/expressions.md
and docs/flows.md (issue 11, "Done when"). One estate is set up per back-end for the whole module
(two communities, a guard for each, a supervisor, an owner); each test files visits of its own.
Each test's docstring names the issue-11 items it exercises.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from PIL import Image

from engine.cli import main
from engine.config import Settings
from engine.packages import package_problems
from engine.worker import Worker
from tests.conftest import BACKENDS, PG_URL, REDIS_URL, PostgresSchema, admin_token

PACKAGE_FILE = Path(__file__).with_name("visitor_registration.json")
APP = "visitor"
VISITS = f"/api/v1/apps/{APP}/forms/visit/records"
PUBLIC = f"/f/{APP}/visit"
STARTED = datetime(2026, 5, 4, 1, 0, tzinfo=UTC)  # 09:00 in the estate's time zone
PEOPLE = {  # login -> (role, communities covered)
    "guard_a": ("guard", ["sunny"]),
    "guard_b": ("guard", ["green"]),
    "chief": ("guard_supervisor", []),
    "owner_a": ("owner", []),
}


@dataclass
class Clock:
    """The flow engine's clock, moved by hand: timers fall due when a test says so."""

    now: datetime = STARTED

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Estate:
    app: Any
    clock: Clock
    tokens: dict[str, str] = field(default_factory=dict)
    ids: dict[str, int] = field(default_factory=dict)

    def call(self, who: str | None, method: str, path: str, body: Any = None, **headers: str):
        client = self.app.test_client()
        if who:
            headers["Authorization"] = f"Bearer {self.tokens[who]}"
        headers.setdefault("Accept-Language", "en")
        return client.open(path, method=method, json=body, headers=headers)

    def visit(self, who: str = "admin", **values: Any) -> dict[str, Any]:
        response = self.call(who, "POST", VISITS, self.answers(**values))
        assert response.status_code == 201, response.json
        return response.json

    def answers(self, **values: Any) -> dict[str, Any]:
        return {
            "visitor_name": "李雷",
            "mobile": "13900000000",
            "purpose": "探亲访友",
            "community": self.ids["sunny"],
            "building": self.ids["sunny_1"],
            "room": self.ids["sunny_101"],
            **values,
        }

    def record(self, record_id: int) -> dict[str, Any]:
        return self.call("admin", "GET", f"{VISITS}/{record_id}").json["data"]

    def instance(self, record_id: int) -> dict[str, Any]:
        found = self.call("admin", "GET", f"{VISITS}/{record_id}/flows")
        assert found.status_code == 200, found.json
        return found.json["items"][-1]

    def open_task(self, record_id: int, node: str) -> dict[str, Any]:
        (task,) = [t for t in self.instance(record_id)["tasks"] if t["status"] == "open" and t["node"] == node]
        return task

    def act(self, who: str, task: dict[str, Any], action: str, body: Any = None):
        return self.call(who, "POST", f"/api/v1/tasks/{task['id']}/{action}", body or {})


def _database_url(backend: str, folder: Path) -> tuple[str, PostgresSchema | None]:
    if backend == "sqlite":
        return f"sqlite:///{folder / 'visitor.db'}", None
    schema = PostgresSchema(PG_URL or "")
    return schema.url, schema


@pytest.fixture(scope="module", params=BACKENDS)
def estate(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Estate]:
    """The app imported over HTTP, two communities with a building and a room each, and the people."""
    from engine.people import passwords
    from engine.web import create_app

    folder = tmp_path_factory.mktemp("visitor")
    url, schema = _database_url(request.param, folder)
    env = {"TRELLIS_DATABASE_URL": url, "TRELLIS_INSTANCE_DIR": str(folder / "instance")}
    if REDIS_URL:
        env["TRELLIS_REDIS_URL"] = REDIS_URL
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(passwords, "SCRYPT_N", 2**10)
        application = create_app(Settings.from_env(env), {"TESTING": True})
        services = application.extensions["trellis"]
        clock = Clock()
        services.flows.clock = clock
        found = Estate(application, clock, {"admin": admin_token(services.database)})
        _set_up(found, services)
        try:
            yield found
        finally:
            services.database.dispose()
            if schema is not None:
                schema.drop()


def _set_up(estate: Estate, services: Any) -> None:
    imported = estate.call("admin", "POST", "/api/v1/apps", json.loads(PACKAGE_FILE.read_text(encoding="utf-8")))
    assert imported.status_code in (200, 201), imported.json
    base = f"/api/v1/apps/{APP}/forms"
    for key, name in (("sunny", "阳光花园"), ("green", "翠苑")):
        estate.ids[key] = estate.call("admin", "POST", f"{base}/community/records", {"name": name}).json["id"]
        building = {"community": estate.ids[key], "name": "1栋"}
        estate.ids[f"{key}_1"] = estate.call("admin", "POST", f"{base}/building/records", building).json["id"]
    for login, (role, covers) in PEOPLE.items():
        user = {
            "login": login,
            "id": login,
            "password": "a-long-password",
            "roles": [f"{APP}:{role}"],
            "communities": [estate.ids[c] for c in covers],
        }
        created = estate.call("admin", "POST", "/api/v1/users", user)
        assert created.status_code == 201, created.json
        scopes = [f"app:{APP}:read", f"app:{APP}:write"]
        estate.tokens[login], _ = services.directory.create_token(login, "tests", scopes)
    for key, owner in (("sunny", "owner_a"), ("green", None)):  # a room's owner is a user holding the owner role
        room = {"building": estate.ids[f"{key}_1"], "room_no": "101", "owner": owner}
        estate.ids[f"{key}_101"] = estate.call("admin", "POST", f"{base}/room/records", room).json["id"]
    group = estate.call("admin", "POST", "/api/v1/groups", {"name": "门岗", "leader": "chief"})
    assert group.status_code == 201, group.json
    members = {"users": ["guard_a", "guard_b"]}
    assert estate.call("admin", "POST", f"/api/v1/groups/{group.json['id']}/members", members).status_code == 200


def _worker_round(estate: Estate) -> None:
    """The background worker's rounds until it finds nothing more to do: fire due timers and schedules,
    deliver the outbox (an automation's run, then the notices it queued)."""
    services = estate.app.extensions["trellis"]
    worker = Worker(services.database, flows=services.flows, automations=services.automations)
    for _ in range(5):
        if not any(worker.run_once().values()):
            return
    raise AssertionError("the worker kept finding work")


def _inbox(estate: Estate, who: str) -> list[dict[str, Any]]:
    return estate.call(who, "GET", "/api/v1/notifications").json["items"]


def _runs(estate: Estate, automation: str) -> list[dict[str, Any]]:
    found = estate.call("admin", "GET", f"/api/v1/apps/{APP}/automations/runs?automation={automation}")
    assert found.status_code == 200, found.json
    return found.json["items"]


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (24, 16), (200, 30, 30)).save(buffer, "JPEG")
    return buffer.getvalue()


def _today() -> str:
    return datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()


# -- the package --------------------------------------------------------------------------------------------
def test_the_package_validates_clean(capsys):
    """`trellis validate` says ok; the same checks the import runs find nothing."""
    assert main(["validate", str(PACKAGE_FILE)]) == 0
    assert capsys.readouterr().out.strip() == "ok"
    assert package_problems(json.loads(PACKAGE_FILE.read_text(encoding="utf-8"))) == []


def test_the_import_published_one_version(estate):
    versions = estate.call("admin", "GET", f"/api/v1/apps/{APP}/versions")
    assert versions.status_code == 200
    assert [v["version"] for v in versions.json["items"]] == [1]


# -- the public QR sign-in ----------------------------------------------------------------------------------
def test_a_visitor_scans_the_gate_s_qr_code_and_registers_without_an_account(estate):
    """The `public` block (enabled, fields, prefill: the gate's QR fills in the community); cascading
    pickers on the public form (item 5); an ID photo per companion row uploaded anonymously and claimed
    with its upload token (item 11); `default_expr: today()` (item 3); the parking fee formula answered
    at its precision (item 13); the guard written by the dispatch of the approval (item 4)."""
    sunny = estate.ids["sunny"]
    qr = estate.call(None, "GET", f"{PUBLIC}/qr.svg?community={sunny}")
    page = estate.call(None, "GET", f"{PUBLIC}?community={sunny}")
    buildings = estate.call(None, "GET", f"{PUBLIC}/options/building?by.community={sunny}")
    rooms = estate.call(None, "GET", f"{PUBLIC}/options/room?by.building={estate.ids['sunny_1']}")
    assert qr.status_code == 200 and qr.mimetype == "image/svg+xml"
    assert page.status_code == 200 and f'"prefill": {{"community": {sunny}}}' in page.get_data(as_text=True)
    assert [b["id"] for b in buildings.json["items"]] == [estate.ids["sunny_1"]]
    assert [r["id"] for r in rooms.json["items"]] == [estate.ids["sunny_101"]]

    browser = estate.app.test_client()
    upload = browser.post(
        f"/api/v1/apps/{APP}/forms/visit/fields/companions.id_photo/attachments",
        data={"file": (io.BytesIO(_jpeg()), "id.jpg")},
        content_type="multipart/form-data",
    )
    assert upload.status_code == 201, upload.json
    photo = upload.json
    body = estate.answers(
        mobile="13900000001",
        plate_no="浙A12345",
        parking_hours=3,
        companions=[{"name": "韩梅梅", "id_photo": [photo["id"]]}, {"name": "小明"}],
    )
    submitted = browser.post(PUBLIC, json=body, headers={"X-Upload-Tokens": photo["upload_token"]})

    assert submitted.status_code == 201, submitted.json
    tracking = estate.call(None, "GET", submitted.json["tracking_url"])
    assert tracking.status_code == 200 and "Awaiting approval" in tracking.get_data(as_text=True)  # its stage
    record = estate.record(submitted.json["id"])
    assert record["visit_date"] == _today()
    assert record["parking_fee"] == "5.00"  # the declared two places
    assert record["registered_by"] is None  # a public submission is nobody's
    assert record["host"] == "owner_a"  # default_expr: room.owner, a relation path (item 1)
    assert [row["id_photo"] for row in record["companions"]] == [[photo["id"]], None]
    assert record["guard"] == "guard_a"  # the guard of this community, chosen by the approval's dispatch
    assert estate.open_task(submitted.json["id"], "approve")["assignee"] == "guard_a"
    download = estate.call("guard_a", "GET", f"/api/v1/attachments/{photo['id']}")
    assert download.status_code == 200
    download.close()


def test_the_public_form_takes_only_the_fields_it_shows(estate):
    refused = estate.call(None, "POST", PUBLIC, estate.answers(mobile="13900000002", guard="guard_b"))
    assert refused.status_code == 422
    assert list(refused.json["errors"]) == ["guard"]


# -- the flow -----------------------------------------------------------------------------------------------
def test_the_guard_approves_with_an_opinion_and_checks_the_visitor_in(estate):
    """An approval node whose signer writes a required opinion with the decision, kept on their task and
    written to the record (item 8), then `check_in` on a task: the server stamps the time (its clock, not
    the phone's) and the place with its address text (item 10). The approval triggers an automation that
    tells the room's owner (item 6: a flow event trigger, notify the person in a field, the run log), and
    the check-in stamps the room's last visit (a field_changed trigger, update_related)."""
    visit = estate.visit(mobile="13900000010")
    approve = estate.open_task(visit["id"], "approve")

    bare = estate.act("guard_a", approve, "approve")
    assert (bare.status_code, list(bare.json["errors"])) == (422, ["guard_opinion"])  # the opinion is required
    opinion = {"guard_opinion": "已电话联系业主，同意进入"}
    approved = estate.act("guard_a", approve, "approve", {"data": opinion, "comment": "同意"})
    assert approved.status_code == 200, approved.json
    check_in = estate.open_task(visit["id"], "check_in")
    assert check_in["assignee"] == "guard_a"
    place = {"lat": 30.2741, "lng": 120.1551, "address": "杭州市西湖区阳光花园东门"}
    stamped = estate.act("guard_a", check_in, "check_in", {"time": "2001-01-01T00:00:00Z", "location": place})
    assert stamped.status_code == 200, stamped.json
    done = estate.act("guard_a", check_in, "complete")

    assert done.status_code == 200, done.json
    assert done.json["instance"]["status"] == "completed"
    assert done.json["instance"]["end_status"] == "closed"
    record = estate.record(visit["id"])
    assert datetime.fromisoformat(record["checked_in_at"]) == estate.clock.now
    assert record["check_in_place"] == place
    assert record["guard_opinion"] == opinion["guard_opinion"]
    _worker_round(estate)  # automations run from the outbox once the approval and the check-in committed
    told = [n["message"]["en"] for n in _inbox(estate, "owner_a") if n["record_id"] == visit["id"]]
    assert told == ["Your visitor has been approved at the gate"]
    assert [r["outcome"] for r in _runs(estate, "tell_host") if r["record"]["id"] == visit["id"]] == ["done"]
    room = estate.call("admin", "GET", f"/api/v1/apps/{APP}/forms/room/records/{estate.ids['sunny_101']}").json
    assert datetime.fromisoformat(room["data"]["last_visit"]) == estate.clock.now  # update_related
    decided = [t for t in estate.instance(visit["id"])["tasks"] if t["node"] == "approve"]
    assert [(t["outcome"], t["data"], t["completed_by"]) for t in decided] == [("approved", opinion, "guard_a")]


def test_a_rejected_visit_ends_rejected_and_asks_for_no_check_in(estate):
    visit = estate.visit(mobile="13900000011")

    refusal = {"data": {"guard_opinion": "业主不在家,无法确认"}}
    rejected = estate.act("guard_a", estate.open_task(visit["id"], "approve"), "reject", refusal)

    assert rejected.status_code == 200, rejected.json
    instance = estate.instance(visit["id"])
    assert (instance["status"], instance["end_status"]) == ("completed", "rejected")
    assert [t["node"] for t in instance["tasks"]] == ["approve"]
    assert estate.record(visit["id"])["guard_opinion"] == "业主不在家,无法确认"
    _worker_round(estate)
    assert [r["outcome"] for r in _runs(estate, "tell_host") if r["record"]["id"] == visit["id"]] == ["skipped"]


def test_an_approval_left_waiting_tells_the_supervisor_and_stays_open(estate):
    """The non-interrupting boundary timer (item 12): 30 minutes on, a path of its own notifies the
    supervisor; the guard's approval is still open and still decides the visit."""
    visit = estate.visit(mobile="13900000012")
    estate.clock.now += timedelta(minutes=31)

    _worker_round(estate)

    approve = estate.open_task(visit["id"], "approve")
    told = [n["message"]["en"] for n in _inbox(estate, "chief") if n["record_id"] == visit["id"]]
    assert told == ["A visit has waited 30 minutes for a guard's approval"]
    instance = estate.call("admin", "GET", f"/api/v1/flow-instances/{approve['instance_id']}").json
    assert instance["nodes"] == ["approve"]  # the supervisor's path ended; the approval still waits
    assert estate.act("guard_a", approve, "approve", {"data": {"guard_opinion": "同意"}}).status_code == 200
    assert estate.open_task(visit["id"], "check_in")["assignee"] == "guard_a"


def test_a_gate_left_to_a_group_member_who_is_no_guard_fails_the_review_with_the_reason(estate):
    """Constrained people fields meet dispatch (item 4): the only member of the gate group covering this
    community was never given the guard role, so the `guard` field would refuse them. The visitor's
    registration is still taken, and the review fails at the approval with the field's reason (never a
    422 on a field the visitor never sent, never a task the record cannot name)."""
    base = f"/api/v1/apps/{APP}/forms"
    lonely = estate.call("admin", "POST", f"{base}/community/records", {"name": "静园"}).json["id"]
    building = estate.call("admin", "POST", f"{base}/building/records", {"community": lonely, "name": "1栋"}).json
    room = estate.call("admin", "POST", f"{base}/room/records", {"building": building["id"], "room_no": "1"}).json
    temp = {"login": "temp_c", "id": "temp_c", "password": "a-long-password", "communities": [lonely]}
    assert estate.call("admin", "POST", "/api/v1/users", temp).status_code == 201
    assert estate.call("admin", "POST", "/api/v1/groups/门岗/members", {"user": "temp_c"}).status_code == 200

    visit = estate.call(
        None, "POST", PUBLIC, estate.answers(community=lonely, building=building["id"], room=room["id"])
    )

    assert visit.status_code == 201, visit.json
    instance = estate.instance(visit.json["id"])
    assert instance["status"] == "failed" and instance["tasks"] == []
    assert instance["error"] == (
        "the step 'approve' chose someone the record's field refuses "
        "(Guard on duty: user 'temp_c' does not hold the role 'guard'), so the task has nobody to go to"
    )
    assert estate.record(visit.json["id"])["guard"] is None


def test_the_evening_round_reminds_the_supervisor_once_a_day(estate):
    """A schedule automation (item 6): the five-part cron falls due at 22:00 in the app's time zone, once
    per due moment however often the workers look."""
    services = estate.app.extensions["trellis"]
    # 10:00 UTC (18:00 in Shanghai) the day after tomorrow: the last 22:00 before it is tomorrow's, after
    # the app was published, and no 22:00 falls in the five minutes after it, whenever the test runs
    tomorrow = (datetime.now(UTC) + timedelta(days=2)).replace(hour=10, minute=0, second=0, microsecond=0)
    evening = tomorrow.astimezone(ZoneInfo("Asia/Shanghai")) - timedelta(days=1)

    assert services.automations.fire_schedules(tomorrow) == 1
    assert services.automations.fire_schedules(tomorrow + timedelta(minutes=5)) == 0
    _worker_round(estate)

    reminders = [n["message"]["en"] for n in _inbox(estate, "chief") if n["record_id"] is None]
    assert "Check today's approved visitors who have not arrived" in reminders
    due = evening.replace(hour=22, minute=0, second=0, microsecond=0)
    runs = [r for r in _runs(estate, "evening_round") if datetime.fromisoformat(r["inputs"]["event"]["due"]) == due]
    assert [r["outcome"] for r in runs] == ["done"]


# -- who sees what ------------------------------------------------------------------------------------------
def test_a_guard_of_another_community_sees_nothing_of_it(estate):
    """Row rules: a guard reads and acts on the visits of the communities they cover only."""
    visit = estate.visit(mobile="13900000020")
    approve = estate.open_task(visit["id"], "approve")

    listed = estate.call("guard_b", "GET", VISITS).json["items"]
    assert visit["id"] not in [r["id"] for r in listed]
    assert estate.call("guard_b", "GET", f"{VISITS}/{visit['id']}").status_code == 404
    for box in ("mine", "groups"):
        inbox = estate.call("guard_b", "GET", f"/api/v1/tasks?box={box}").json["items"]
        assert approve["id"] not in [t["id"] for t in inbox]
    assert estate.act("guard_b", approve, "approve").status_code == 404
    assert estate.call("guard_a", "GET", f"{VISITS}/{visit['id']}").status_code == 200


def test_a_guard_picks_and_registers_only_in_their_own_communities(estate):
    """Row rules with relation paths (item 2): a guard's communities (`id in user.communities`), rooms
    (`building.community in ...`) and visits (`room.building.community in ...`); rules bind create, so a
    guard cannot register a visit at another community's gate (403 naming the form). A walk-in registered
    with the room alone gets its building and community from it (derived relations, items 1 and 5)."""
    base = f"/api/v1/apps/{APP}/forms"
    communities = estate.call("guard_b", "GET", f"{base}/community/records").json["items"]
    rooms = estate.call("guard_b", "GET", f"/apps/{APP}/forms/visit/options/room").json["items"]
    walk_in = {"visitor_name": "王五", "mobile": "13900000021", "purpose": "快递外卖", "room": estate.ids["green_101"]}
    own = estate.call("guard_b", "POST", VISITS, walk_in)
    elsewhere = estate.call("guard_b", "POST", VISITS, estate.answers(mobile="13900000022"))

    assert [c["id"] for c in communities] == [estate.ids["green"]]
    assert [r["id"] for r in rooms] == [estate.ids["green_101"]]
    assert own.status_code == 201, own.json
    registered = estate.record(own.json["id"])
    assert registered["registered_by"] == "guard_b"
    assert (registered["building"], registered["community"]) == (estate.ids["green_1"], estate.ids["green"])
    assert elsewhere.status_code == 403, elsewhere.json
    assert "records of 'Visit'" in elsewhere.json["detail"] and "Room visited" in elsewhere.json["detail"]


def test_an_owner_registers_a_guest_and_sees_only_their_own_visits(estate):
    """`registered_by` is read-only and filled by `default_expr: user.id` (item 3); the owner's row rule
    shows them what they registered and nothing else; an anonymous reader is asked to sign in."""
    own = estate.visit("owner_a", mobile="13900000030")
    someone_else = estate.visit(mobile="13900000031")
    typed = estate.call("owner_a", "POST", VISITS, estate.answers(mobile="13900000032", registered_by="chief"))

    assert estate.record(own["id"])["registered_by"] == "owner_a"
    assert [r["id"] for r in estate.call("owner_a", "GET", VISITS).json["items"]] == [own["id"]]
    assert estate.call("owner_a", "GET", f"{VISITS}/{someone_else['id']}").status_code == 404
    assert typed.status_code == 422 and list(typed.json["errors"]) == ["registered_by"]
    assert estate.call(None, "GET", VISITS).status_code == 401


# -- refusals -----------------------------------------------------------------------------------------------
def test_the_same_visitor_twice_for_the_same_room_and_day_is_a_422_naming_the_fields(estate):
    """`unique_together` over mobile, date and room (item 9)."""
    estate.visit(mobile="13900000040", visit_date="2026-06-01")

    again = estate.call("admin", "POST", VISITS, estate.answers(mobile="13900000040", visit_date="2026-06-01"))
    next_day = estate.call("admin", "POST", VISITS, estate.answers(mobile="13900000040", visit_date="2026-06-02"))

    assert again.status_code == 422
    assert sorted(again.json["errors"]) == ["mobile", "room", "visit_date"]
    assert "Mobile, Visit date, Room visited" in again.json["errors"]["mobile"][0]
    assert next_day.status_code == 201


def test_a_room_outside_the_chosen_building_is_a_422_naming_the_building(estate):
    """Cascading pickers and derived relations (item 5): the building follows from the room, so a building
    chosen that is not the room's is refused by name (never silently replaced), in the request's language."""
    body = estate.answers(mobile="13900000050", room=estate.ids["green_101"])
    english = estate.call("admin", "POST", VISITS, body)
    chinese = estate.call("admin", "POST", VISITS, body, **{"Accept-Language": "zh-CN"})

    assert english.status_code == 422
    said = (
        "Building: the chosen Room visited belongs to another Building; choose the matching one or leave Building empty"
    )
    assert english.json["errors"] == {"building": [said]}
    assert chinese.json["errors"] == {"building": ["楼栋:所选被访房间不属于该楼栋;请选择相符的楼栋或留空"]}


def test_a_room_with_a_visit_limit_refuses_the_visit_past_it(estate):
    """Aggregates across records (item 7): the rule counts the visits pointing at the chosen room, this one
    included, against the room's limit read through the relation; the room's formula counts them too."""
    rooms = f"/api/v1/apps/{APP}/forms/room/records"
    flat = {"building": estate.ids["sunny_1"], "room_no": "902", "visit_limit": 2}
    room = estate.call("admin", "POST", rooms, flat).json["id"]
    for mobile in ("13900000070", "13900000071"):
        estate.visit(mobile=mobile, room=room)

    third = estate.call("admin", "POST", VISITS, estate.answers(mobile="13900000072", room=room))

    assert third.status_code == 422
    assert third.json["errors"] == {"room": ["This room takes no more visits; please contact the owner"]}
    assert estate.call("admin", "GET", f"{rooms}/{room}").json["data"]["visits"] == "2"


def test_the_guard_field_takes_only_holders_of_the_guard_role(estate):
    """Constrained people fields (item 4): an owner is not a guard; an unknown id is not anyone."""
    owner = estate.call("admin", "POST", VISITS, estate.answers(mobile="13900000060", guard="owner_a"))
    nobody = estate.call("admin", "POST", VISITS, estate.answers(mobile="13900000061", guard="ghost"))

    assert (owner.status_code, list(owner.json["errors"])) == (422, ["guard"])
    assert (nobody.status_code, list(nobody.json["errors"])) == (422, ["guard"])
