"""The permission matrix of the property app (role × operation × field), over HTTP, on both back-ends.

Two tickets are built once per back-end: A (owner1's, community A, chargeable, worker tech1,
group leader `leader`) and B (owner2's, community B, not chargeable, worker tech2). Every hidden
field of each holds a value found nowhere else (SECRETS), so "never leaves the server" is a plain
substring check on the raw body: JSON, CSV text and every XLSX cell. Tickets the write cases
create go to community C, outside every row rule but the unrestricted ones, so the read cases
only ever compare against A and B.

The tables below are the matrix; the tests after them only carry the cases out.
"""

from __future__ import annotations

import base64
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from PIL import Image

from engine.config import Settings
from engine.people import passwords
from engine.principal import SYSTEM
from engine.services.directory import DirectoryService
from tests.conftest import BACKENDS, PG_URL, PROPERTY_APP, REDIS_URL, PostgresSchema

APP = "property_repair"
BASE = f"/api/v1/apps/{APP}/forms"
ORDERS = f"{BASE}/repair_order"
PASSWORD = "matrix-password-1"
BOTH = frozenset({"A", "B"})

# -- who is who ----------------------------------------------------------------------------------
# actor -> (roles in the app, communities covered); "admin" is an installation administrator
ACTORS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "owner1": (("owner",), ()),
    "owner2": (("owner",), ()),
    "agent": (("agent",), ()),
    "supervisor": (("agent_supervisor",), ()),
    "tech1": (("technician",), ()),
    "tech2": (("technician",), ()),
    "leader": (("group_leader",), ()),
    "eng_head": (("engineering_head",), ()),
    "finance": (("finance",), ()),
    "finance_head": (("finance_head",), ()),
    "pm": (("project_manager",), ("A",)),
    "app_admin": (("admin",), ()),
    "admin": ((), ()),
    "mixed": (("finance", "project_manager"), ("B",)),  # finance rows + PM rows: modes differ per row
}
EVERYONE = ("anonymous", *ACTORS)

# -- read: which tickets each actor can see (anonymous: 401) ---------------------------------------
VISIBLE: dict[str, frozenset[str]] = {
    "owner1": frozenset({"A"}),  # created_by == user.id
    "owner2": frozenset({"B"}),
    "agent": BOTH,
    "supervisor": BOTH,
    "tech1": frozenset({"A"}),  # worker == user.id
    "tech2": frozenset({"B"}),
    "leader": frozenset({"A"}),  # group_leader == user.id
    "eng_head": BOTH,
    "finance": frozenset({"A"}),  # chargeable
    "finance_head": BOTH,
    "pm": frozenset({"A"}),  # community in user.communities
    "app_admin": BOTH,
    "admin": BOTH,
    "mixed": BOTH,  # A as finance, B as project manager of community B
}

# -- field level: what each actor must never receive, per ticket -----------------------------------
OWNER_HIDDEN = frozenset(
    {
        "accepted_by",
        "team",
        "settled_cost",
        "group_leader",
        "reopen_count",
        "check_in_location",
        "parts_used",
        "total_cost",
        "chargeable",
    }
)
FINANCE_HIDDEN = frozenset({"phone", "check_in_location"})
HIDDEN: dict[tuple[str, str], frozenset[str]] = {
    ("owner1", "A"): OWNER_HIDDEN,
    ("owner2", "B"): OWNER_HIDDEN,
    ("finance", "A"): FINANCE_HIDDEN,
    ("finance_head", "A"): frozenset({"check_in_location"}),
    ("finance_head", "B"): frozenset({"check_in_location"}),
    ("mixed", "A"): FINANCE_HIDDEN,  # only the finance grant covers A (community A is not theirs)
}
# values that exist only in that field of that ticket
SECRETS: dict[tuple[str, str], str] = {
    ("A", "phone"): "13800000001",
    ("B", "phone"): "13800000002",
    ("A", "check_in_location"): "SECRET-LOC-A",
    ("B", "check_in_location"): "SECRET-LOC-B",
    ("A", "accepted_by"): "hidden-agent-7",
    ("B", "accepted_by"): "hidden-agent-8",
    ("A", "total_cost"): "2333.31",  # 3 × 777.77
    ("B", "total_cost"): "1555.54",  # 2 × 777.77
}
LABELS = {"phone": "联系电话", "check_in_location": "签到位置", "total_cost": "费用合计", "chargeable": "是否收费"}

# -- export: status and the tickets in the file ------------------------------------------------------
EXPORTS: dict[str, tuple[int, frozenset[str]]] = {
    "anonymous": (401, frozenset()),
    "owner1": (403, frozenset()),
    "agent": (403, frozenset()),
    "tech1": (403, frozenset()),
    "leader": (403, frozenset()),
    "supervisor": (200, BOTH),
    "eng_head": (200, BOTH),
    "finance": (200, frozenset({"A"})),
    "finance_head": (200, BOTH),
    "pm": (200, frozenset({"A"})),
    "app_admin": (200, BOTH),
    "admin": (200, BOTH),
    "mixed": (200, BOTH),
}


# -- search, filter and sort: reading a field through a query is reading it -------------------------
@dataclass(frozen=True)
class Query:
    actor: str
    path: str  # after BASE; {A}/{B}/{community_B} are filled in
    status: int
    tickets: frozenset[str] | None = None  # of A and B, which come back (200 only)


QUERIES = [
    Query("owner1", "/repair_order/records?total_cost__gt=2000", 400),
    Query("owner1", "/repair_order/records?sort=-total_cost&limit=1", 400),  # the cursor would carry the cost
    Query("owner1", "/repair_order/records?chargeable=true", 400),
    Query("owner1", "/repair_order/records?reopen_count=7", 400),
    Query("owner1", "/repair_order/records?accepted_by=hidden-agent-7", 400),
    Query("owner1", "/repair_order/records?check_in_location__isnull=false", 400),
    Query("owner1", "/repair_order/records?repair_type=水电", 200, frozenset({"A"})),
    Query("owner1", "/repair_order/records?phone=13800000002", 200, frozenset()),
    Query("owner2", "/repair_order/records?id={A}", 200, frozenset()),
    Query("finance", "/repair_order/records?phone__contains=1380", 400),
    Query("finance", "/repair_order/records?sort=phone", 400),
    Query("finance", "/repair_order/export.csv?phone__contains=1380", 400),
    Query("finance", "/repair_order/export.xlsx?sort=-phone", 400),
    Query("finance", "/repair_order/records?total_cost__gt=0", 200, frozenset({"A"})),
    Query("finance_head", "/repair_order/records?sort=-total_cost", 200, BOTH),
    Query("finance_head", "/repair_order/records?check_in_location__isnull=false", 400),
    Query("finance_head", "/repair_order/records?chargeable=true", 200, frozenset({"A"})),
    Query("finance_head", "/repair_order/records?chargeable__lt=true", 400),  # was a 500
    Query("mixed", "/repair_order/records?phone=13800000001", 400),  # hidden on A, so not a filter
    Query("tech1", "/repair_order/records?worker=tech2", 200, frozenset()),
    Query("pm", "/repair_order/records?community={community_B}", 200, frozenset()),
    Query("leader", "/repair_order/records?id__in={A},{B}", 200, frozenset({"A"})),
    Query("anonymous", "/repair_order/records?repair_type=水电", 401),
    Query("owner1", "/room/records?owner_name__contains=SECRET", 400),  # the owner's room grant hides it
    Query("owner1", "/room/records?sort=area_m2", 400),
    Query("owner1", "/room/records", 200),
    Query("owner1", "/spare_part/records", 403),
    Query("tech1", "/spare_part/records?sort=-unit_price", 200),
]


# -- writes: create, update (also of read-only and hidden fields), delete ----------------------------
@dataclass(frozen=True)
class Write:
    actor: str  # "@read": that actor's read-only token
    action: str  # create | update | delete
    ticket: str | None  # A, B, or None (create; a fresh ticket for delete)
    body: dict[str, Any]
    status: int
    refused_field: str | None = None


RESULT = {"result": "更换了阀门"}
WRITES = [
    Write("anonymous", "update", "A", RESULT, 401),
    Write("anonymous", "delete", "A", {}, 401),
    Write("owner1", "create", None, {}, 201),
    Write("owner1", "create", None, {"chargeable": True}, 422, "chargeable"),  # hidden from owners
    Write("owner1", "create", None, {"total_cost": "1.00"}, 422, "total_cost"),
    Write("owner1", "create", None, {"parts_used": []}, 422, "parts_used"),
    Write("owner1", "update", "A", {"description": "改一下"}, 403),  # owners may not update, even their own
    Write("owner2", "update", "A", {"description": "改一下"}, 403),
    Write("owner1", "delete", "A", {}, 403),
    Write("agent", "create", None, {}, 201),
    Write("agent", "update", "A", RESULT, 200),
    Write("agent", "update", "A", {"total_cost": "1.00"}, 422, "total_cost"),  # read-only for agents
    Write("agent", "delete", "A", {}, 403),
    Write("agent@read", "update", "A", RESULT, 403),  # a read-only token
    Write("agent@read", "create", None, {}, 403),
    Write("supervisor", "create", None, {}, 201),
    Write("supervisor", "update", "B", RESULT, 200),
    Write("supervisor", "delete", "B", {}, 403),
    Write("tech1", "create", None, {}, 403),
    Write("tech1", "update", "A", RESULT, 200),
    Write("tech1", "update", "A", {"chargeable": False}, 422, "chargeable"),
    Write("tech1", "update", "A", {"phone": "13900000000"}, 422, "phone"),
    Write("tech1", "update", "A", {"worker": "tech2"}, 422, "worker"),
    Write("tech2", "update", "A", RESULT, 404),  # not assigned: does not exist for them
    Write("tech1", "delete", "A", {}, 403),
    Write("leader", "update", "A", RESULT, 200),
    Write("leader", "update", "A", {"rating": 5}, 422, "rating"),
    Write("leader", "update", "B", RESULT, 404),
    Write("leader", "create", None, {}, 403),
    Write("eng_head", "update", "A", RESULT, 403),
    Write("eng_head", "create", None, {}, 403),
    Write("finance", "update", "A", RESULT, 403),
    Write("finance_head", "update", "A", RESULT, 403),
    Write("finance_head", "create", None, {}, 403),
    Write("pm", "update", "A", RESULT, 403),
    Write("pm", "delete", "A", {}, 403),
    Write("mixed", "update", "B", RESULT, 403),
    Write("app_admin", "create", None, {}, 201),
    Write("app_admin", "update", "B", RESULT, 200),
    Write("app_admin", "update", "B", {"group_leader": "leader"}, 422, "group_leader"),  # read-only field
    Write("app_admin", "delete", None, {}, 200),
    Write("admin", "create", None, {}, 201),
    Write("admin", "delete", None, {}, 200),
]


# -- pickers: relation titles only, and only of records the caller may read --------------------------
@dataclass(frozen=True)
class Picker:
    actor: str
    path: str
    status: int


STAFF_OPTIONS = f"/apps/{APP}/forms/repair_order/options"
PUBLIC_OPTIONS = f"/f/{APP}/repair_order/options"
PICKERS = [
    Picker("owner1", f"{STAFF_OPTIONS}/room?q=", 200),
    Picker("owner1", f"{STAFF_OPTIONS}/owner_name", 404),  # not a relation
    Picker("owner1", f"{STAFF_OPTIONS}/team", 404),  # the dispatched team is a name, not a relation
    Picker("anonymous", f"{PUBLIC_OPTIONS}/room?q=", 200),
    Picker("anonymous", f"{PUBLIC_OPTIONS}/community", 200),
    Picker("anonymous", f"{PUBLIC_OPTIONS}/team", 404),  # not on the public link
    Picker("anonymous", f"{PUBLIC_OPTIONS}/worker", 404),
    Picker("tech1", f"{STAFF_OPTIONS}/community", 200),
    Picker("finance", f"{STAFF_OPTIONS}/room?q=10", 200),
    Picker("owner2", f"/apps/{APP}/forms/room/options/building", 200),
]


# -- the world, built once per back-end ----------------------------------------------------------
@dataclass
class World:
    app: Any
    client: Any
    tokens: dict[str, str]
    ids: dict[str, int]  # A, B, community_A, community_B, community_C, room_C
    photo: str
    rooms: dict[str, int]

    def headers(self, actor: str) -> dict[str, str]:
        return {} if actor == "anonymous" else {"Authorization": f"Bearer {self.tokens[actor]}"}

    def get(self, actor: str, path: str) -> Any:
        return self.client.get(path, headers=self.headers(actor))

    def version(self, ticket: str) -> int:
        return int(self.get("admin", f"{ORDERS}/records/{self.ids[ticket]}").json["version"])

    def fill(self, path: str) -> str:
        return path.format(**{k: v for k, v in self.ids.items()})


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 200)).save(buffer, "JPEG")
    return buffer.getvalue()


def _ticket(room: int, community: int, phone: str, **extra: Any) -> dict[str, Any]:
    return {
        "owner_name": "王女士",
        "phone": phone,
        "community": community,
        "room": room,
        "repair_type": "水电",
        "description": "厨房漏水",
        **extra,
    }


@pytest.fixture(scope="module", params=BACKENDS)
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    from engine.web import create_app

    folder = tmp_path_factory.mktemp(f"matrix-{request.param}")
    schema = PostgresSchema(PG_URL or "") if request.param == "postgresql" else None
    url = schema.url if schema else f"sqlite:///{folder / 'trellis.db'}"
    env = {"TRELLIS_DATABASE_URL": url, "TRELLIS_INSTANCE_DIR": str(folder / "instance")}
    if REDIS_URL:
        env["TRELLIS_REDIS_URL"] = REDIS_URL
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(passwords, "SCRYPT_N", 2**10)  # what tests elsewhere use; the cost is not tested here
        app = create_app(Settings.from_env(env), {"TESTING": True})
        try:
            yield _build(app)
        finally:
            app.extensions["trellis"].database.dispose()
            if schema:
                schema.drop()


def _build(app: Any) -> World:
    services = app.extensions["trellis"]
    directory = DirectoryService(services.database)
    directory.create_user("root", PASSWORD, admin=True, user_id="admin")
    tokens = {"admin": directory.create_token("root", "matrix", ["admin"])[0]}
    client = app.test_client()
    admin = {"Authorization": f"Bearer {tokens['admin']}"}

    def post(form: str, body: dict[str, Any], headers: dict[str, str] = admin) -> int:
        response = client.post(f"{BASE}/{form}/records", json=body, headers=headers)
        assert response.status_code == 201, response.json
        return int(response.json["id"])

    installed = client.post(
        "/api/v1/apps", data=PROPERTY_APP.read_bytes(), content_type="application/json", headers=admin
    )
    assert installed.status_code in (200, 201), installed.json
    ids: dict[str, int] = {}
    rooms: dict[str, int] = {}
    for place in "ABC":
        ids[f"community_{place}"] = post("community", {"name": f"小区{place}", "city": "上海"})
        building = post("building", {"community": ids[f"community_{place}"], "name": f"{place}1栋"})
        rooms[place] = post(
            "room",
            {"building": building, "room_no": f"10{place}", "owner_name": f"SECRET-OWNER-{place}", "area_m2": 88},
        )
    part = post("spare_part", {"code": "P-1", "name": "水龙头", "unit": "个", "unit_price": "777.77", "stock": 10})

    for actor, (roles, communities) in ACTORS.items():
        if actor == "admin":
            continue
        directory.create_user(
            actor,
            PASSWORD,
            user_id=actor.replace("_", "-"),
            roles=[(APP, role) for role in roles],
            communities=[ids[f"community_{c}"] for c in communities],
        )
        tokens[actor] = directory.create_token(actor, "matrix", [f"app:{APP}:read", f"app:{APP}:write"])[0]
    tokens["agent@read"] = directory.create_token("agent", "matrix-read", [f"app:{APP}:read"])[0]
    for ticket in ("A", "B"):  # the agents the tickets name are real people: a user field takes active users only
        hidden_agent = SECRETS[(ticket, "accepted_by")]
        directory.create_user(hidden_agent, PASSWORD, user_id=hidden_agent, roles=[(APP, "agent")])

    owner1 = {"Authorization": f"Bearer {tokens['owner1']}"}
    uploaded = client.post(
        f"{ORDERS}/fields/media/attachments",
        data={"file": (io.BytesIO(_jpeg()), "leak.jpg")},
        content_type="multipart/form-data",
        headers=owner1,
    )
    assert uploaded.status_code == 201, uploaded.json
    photo = uploaded.json["id"]
    a_body = _ticket(rooms["A"], ids["community_A"], SECRETS[("A", "phone")], media=[photo])
    ids["A"] = post("repair_order", a_body, owner1)
    owner2 = {"Authorization": f"Bearer {tokens['owner2']}"}
    ids["B"] = post("repair_order", _ticket(rooms["B"], ids["community_B"], SECRETS[("B", "phone")]), owner2)

    records = services.records
    staff = {
        "A": {"worker": "tech1", "group_leader": "leader", "chargeable": True, "qty": 3, "reopen": 7},
        "B": {"worker": "tech2", "group_leader": None, "chargeable": False, "qty": 2, "reopen": 3},
    }
    for ticket, values in staff.items():
        current = records.get(SYSTEM, APP, "repair_order", ids[ticket])
        records.update(
            SYSTEM,
            APP,
            "repair_order",
            ids[ticket],
            {
                "accepted_by": SECRETS[(ticket, "accepted_by")],
                "team": "水电维修组",
                "worker": values["worker"],
                "group_leader": values["group_leader"],
                "check_in_location": {"lat": 31.2, "lng": 121.4, "address": SECRETS[(ticket, "check_in_location")]},
                "parts_used": [{"part": part, "qty": values["qty"]}],
                "chargeable": values["chargeable"],
                "reopen_count": values["reopen"],
            },
            expected_version=current["version"],
            trusted=frozenset({"group_leader", "reopen_count"}),
        )
        saved = records.get(SYSTEM, APP, "repair_order", ids[ticket])["data"]
        assert SECRETS[(ticket, "total_cost")] in json.dumps(saved["total_cost"])
    return World(app, client, tokens, ids, photo, rooms)


# -- checks shared by every path -----------------------------------------------------------------
def hidden_for(actor: str, ticket: str) -> frozenset[str]:
    return HIDDEN.get((actor, ticket), frozenset())


def assert_no_leak(actor: str, tickets: frozenset[str], body: str) -> None:
    """Every secret of a field hidden from ``actor`` on a ticket is absent; every other one present."""
    for ticket in tickets:
        for (owner, field), secret in SECRETS.items():
            if owner != ticket:
                continue
            if field in hidden_for(actor, ticket):
                assert secret not in body, f"{actor} received hidden {field} of ticket {ticket}"
            else:
                assert secret in body, f"{actor} should see {field} of ticket {ticket} (the check would prove nothing)"


def assert_record_clean(world: World, actor: str, record: dict[str, Any]) -> None:
    ticket = {world.ids["A"]: "A", world.ids["B"]: "B"}.get(record["id"])
    if ticket is not None:
        leaked = hidden_for(actor, ticket) & set(record["data"])
        assert not leaked, f"{actor} received {sorted(leaked)} of ticket {ticket}"


def known(world: World, ids: Any) -> frozenset[str]:
    names = {world.ids["A"]: "A", world.ids["B"]: "B"}
    return frozenset(names[i] for i in ids if i in names)


# -- read one, list, history, download ---------------------------------------------------------------
@pytest.mark.parametrize("ticket", ["A", "B"])
@pytest.mark.parametrize("actor", EVERYONE)
def test_read_one(world: World, actor: str, ticket: str) -> None:
    response = world.get(actor, f"{ORDERS}/records/{world.ids[ticket]}")
    if actor == "anonymous":
        assert response.status_code == 401
        return
    if ticket not in VISIBLE[actor]:
        assert response.status_code == 404  # another owner's ticket id reveals nothing
        assert not any(secret in response.get_data(as_text=True) for secret in SECRETS.values())
        return
    assert response.status_code == 200
    assert_record_clean(world, actor, response.json)
    assert_no_leak(actor, frozenset({ticket}), response.get_data(as_text=True))


@pytest.mark.parametrize("actor", EVERYONE)
def test_list(world: World, actor: str) -> None:
    response = world.get(actor, f"{ORDERS}/records?limit=200")
    if actor == "anonymous":
        assert response.status_code == 401
        return
    assert response.status_code == 200
    items = response.json["items"]
    assert known(world, [item["id"] for item in items]) == VISIBLE[actor]
    for item in items:
        assert_record_clean(world, actor, item)
    assert_no_leak(actor, VISIBLE[actor], response.get_data(as_text=True))


@pytest.mark.parametrize("ticket", ["A", "B"])
@pytest.mark.parametrize("actor", EVERYONE)
def test_history(world: World, actor: str, ticket: str) -> None:
    response = world.get(actor, f"{ORDERS}/records/{world.ids[ticket]}/history")
    if actor == "anonymous":
        assert response.status_code == 401
        return
    if ticket not in VISIBLE[actor]:
        assert response.status_code == 404
        return
    assert response.status_code == 200
    for entry in response.json["items"]:
        leaked = hidden_for(actor, ticket) & set(entry["changes"])
        assert not leaked, f"{actor} received {sorted(leaked)} in the history of ticket {ticket}"
    assert_no_leak(actor, frozenset({ticket}), response.get_data(as_text=True))


@pytest.mark.parametrize("thumbnail", [False, True])
@pytest.mark.parametrize("actor", EVERYONE)
def test_attachment_download_follows_the_record(world: World, actor: str, thumbnail: bool) -> None:
    path = f"/api/v1/attachments/{world.photo}" + ("/thumbnail" if thumbnail else "")
    response = world.get(actor, path)
    expected = 200 if actor != "anonymous" and "A" in VISIBLE[actor] else 404
    assert response.status_code == expected
    response.close()


# -- export ----------------------------------------------------------------------------------------
def _csv(response: Any) -> tuple[list[str], set[int], str]:
    text = response.get_data(as_text=True).lstrip("\ufeff")
    lines = text.splitlines()
    ids = {int(m.group(1)) for m in re.finditer(r"^(\d+),", text, re.M)}
    return lines[0].split(","), ids, text


def _xlsx(response: Any) -> tuple[list[str], set[int], str]:
    book = openpyxl.load_workbook(io.BytesIO(response.get_data()), read_only=True)
    cells: list[str] = []
    header: list[str] = []
    ids: set[int] = set()
    for index, sheet in enumerate(book.worksheets):
        for n, row in enumerate(sheet.iter_rows(values_only=True)):
            cells.extend(str(value) for value in row if value is not None)
            if index == 0 and n == 0:
                header = [str(value) for value in row]
            elif index == 0 and isinstance(row[0], int):
                ids.add(row[0])
    book.close()
    return header, ids, "\n".join(cells)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("actor", list(EXPORTS))
def test_export(world: World, actor: str, fmt: str) -> None:
    status, tickets = EXPORTS[actor]
    response = world.get(actor, f"{ORDERS}/export.{fmt}?lang=zh-CN")
    assert response.status_code == status
    if status != 200:
        return
    header, ids, text = (_csv if fmt == "csv" else _xlsx)(response)
    assert known(world, ids) == tickets
    hidden_everywhere = frozenset.intersection(*(hidden_for(actor, t) for t in tickets))
    for field, label in LABELS.items():
        assert (label in header) == (field not in hidden_everywhere), f"column {label} for {actor}"
    assert_no_leak(actor, tickets, text)


# -- queries ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("case", QUERIES, ids=lambda c: f"{c.actor}:{c.path}")
def test_query(world: World, case: Query) -> None:
    response = world.get(case.actor, BASE + world.fill(case.path))
    assert response.status_code == case.status, response.get_data(as_text=True)[:300]
    body = response.get_data(as_text=True)
    assert "SECRET-OWNER" not in body or case.actor not in ("owner1", "owner2")
    if case.status != 200:
        assert not any(secret in body for secret in SECRETS.values())
        return
    if case.tickets is not None:
        assert known(world, [item["id"] for item in response.json["items"]]) == case.tickets
        for item in response.json["items"]:
            assert_record_clean(world, case.actor, item)
    cursor = response.json.get("next_cursor")
    if cursor:
        decoded = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        assert not any(secret in decoded for secret in SECRETS.values())


# -- writes ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("case", WRITES, ids=lambda c: f"{c.actor}:{c.action}:{c.ticket}:{','.join(c.body)}")
def test_write(world: World, case: Write) -> None:
    headers = world.headers(case.actor)
    if case.action == "create":
        body = {**_ticket(world.rooms["C"], world.ids["community_C"], "13700000000"), **case.body}
        response = world.client.post(f"{ORDERS}/records", json=body, headers=headers)
    else:
        if case.ticket is None:  # a ticket of its own to delete, so the shared ones stay
            fresh = _ticket(world.rooms["C"], world.ids["community_C"], "13700000000")
            created = world.client.post(f"{ORDERS}/records", json=fresh, headers=world.headers("admin"))
            record_id = created.json["id"]
            version = created.json["version"]
        else:
            record_id, version = world.ids[case.ticket], world.version(case.ticket)
        headers = {**headers, "If-Match": f'"{version}"'}
        path = f"{ORDERS}/records/{record_id}"
        if case.action == "update":
            response = world.client.patch(path, json=case.body, headers=headers)
        else:
            response = world.client.delete(path, headers=headers)
    assert response.status_code == case.status, response.get_data(as_text=True)[:400]
    if case.refused_field is not None:
        assert list(response.json["errors"]) == [case.refused_field]
    if case.status in (200, 201):
        hidden = OWNER_HIDDEN if case.actor.startswith("owner") else frozenset()
        assert not hidden & set(response.json["data"])
    if case.ticket is not None and case.status not in (200, 201):
        assert world.version(case.ticket) == version  # refused means unchanged


# -- pickers ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("case", PICKERS, ids=lambda c: f"{c.actor}:{c.path}")
def test_picker(world: World, case: Picker) -> None:
    response = world.get(case.actor, case.path)
    assert response.status_code == case.status
    if case.status == 200:
        items = response.json["items"]
        assert items and all(set(item) == {"id", "title"} for item in items)
        assert "SECRET-OWNER" not in response.get_data(as_text=True)


# -- the same through a signed-in browser session -----------------------------------------------------
def _signed_in(world: World, actor: str) -> Any:
    browser = world.app.test_client()
    page = browser.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert csrf is not None
    response = browser.post("/login", data={"login": actor, "password": PASSWORD, "csrf_token": csrf.group(1)})
    assert response.status_code == 302
    return browser


@pytest.mark.parametrize("actor", ["owner1", "tech2", "finance", "pm"])
def test_a_session_sees_exactly_what_a_token_sees(world: World, actor: str) -> None:
    browser = _signed_in(world, actor)
    listed = browser.get(f"{ORDERS}/records")
    assert known(world, [item["id"] for item in listed.json["items"]]) == VISIBLE[actor]
    assert_no_leak(actor, VISIBLE[actor], listed.get_data(as_text=True))
    other = "B" if "A" in VISIBLE[actor] else "A"
    assert browser.get(f"{ORDERS}/records/{world.ids[other]}").status_code == 404
    download = browser.get(f"/api/v1/attachments/{world.photo}")
    assert download.status_code == (200 if "A" in VISIBLE[actor] else 404)
    download.close()
    export = browser.get(f"{ORDERS}/export.csv")
    assert export.status_code == EXPORTS.get(actor, (403, frozenset()))[0]
    if export.status_code == 200:
        assert_no_leak(actor, EXPORTS[actor][1], export.get_data(as_text=True))
    # a session must also send the CSRF token to change anything, whatever its rights
    refused = browser.patch(f"{ORDERS}/records/{world.ids['A']}", json=RESULT, headers={"If-Match": '"1"'})
    assert (refused.status_code, refused.json["code"]) == (403, "csrf_failed")


def test_matrix_covers_every_role_of_the_app(world: World) -> None:
    package = json.loads(Path(PROPERTY_APP).read_text(encoding="utf-8"))
    roles = {role["id"] for role in package["roles"]}
    covered = {role for roles_held, _ in ACTORS.values() for role in roles_held}
    assert covered == roles


# -- reports and drill-down: the same rows and fields as the list ------------------------------------
PER_TICKET = {
    "name": "m",
    "source": {"form": "repair_order"},
    "rows": [{"field": "id"}],
    "measures": [{"id": "n", "agg": "count"}],
}


@pytest.mark.parametrize("actor", EVERYONE)
def test_report_counts_what_the_list_shows_and_drills_to_it(world: World, actor: str) -> None:
    response = world.client.post(f"/api/v1/apps/{APP}/reports/preview", json=PER_TICKET, headers=world.headers(actor))
    if actor == "anonymous":
        assert response.status_code == 401
        return
    assert response.status_code == 200, response.json
    rows = response.json["rows"]
    assert known(world, [row["id"] for row in rows]) == VISIBLE[actor]
    assert response.json["totals"]["n"] == len(rows)
    for row in rows:
        if row["id"] in (world.ids["A"], world.ids["B"]):
            drilled = world.get(actor, row["drill"])
            assert [item["id"] for item in drilled.json["items"]] == [row["id"]]


@pytest.mark.parametrize("actor", [a for a in ACTORS if any(k[0] == a for k in HIDDEN)])
@pytest.mark.parametrize("field", ["phone", "chargeable"])
def test_report_by_a_hidden_field_is_refused(world: World, actor: str, field: str) -> None:
    definition = {**PER_TICKET, "rows": [{"field": field}]}
    response = world.client.post(f"/api/v1/apps/{APP}/reports/preview", json=definition, headers=world.headers(actor))
    hidden = any(field in names for (who, _), names in HIDDEN.items() if who == actor)
    assert response.status_code == (400 if hidden else 200), response.json
    if hidden:
        assert not any(secret in response.get_data(as_text=True) for secret in SECRETS.values())


# -- reports over the flow's process facts: the record's row rules and field modes apply ---------------
PER_INSTANCE = {
    "name": "per instance",
    "source": {"flow": "repair", "facts": "instances"},
    "rows": [{"id": "record", "field": "record_id"}],
    "measures": [{"id": "n", "agg": "count"}],
}


@pytest.mark.parametrize("actor", EVERYONE)
def test_flow_report_counts_the_readable_tickets_and_drills_to_no_more(world: World, actor: str) -> None:
    response = world.client.post(f"/api/v1/apps/{APP}/reports/preview", json=PER_INSTANCE, headers=world.headers(actor))
    if actor == "anonymous":
        assert response.status_code == 401
        return
    assert response.status_code == 200, response.json
    rows = response.json["rows"]
    assert known(world, [row["record"] for row in rows]) == VISIBLE[actor]
    everyone = world.client.post(
        f"/api/v1/apps/{APP}/reports/preview", json=PER_INSTANCE, headers=world.headers("admin")
    )
    if VISIBLE[actor] != BOTH:  # a row rule: smaller numbers than the administrator's
        assert response.json["totals"]["n"] < everyone.json["totals"]["n"]
    for row in rows:
        drilled = world.get(actor, row["drill"])
        assert drilled.status_code == 200, row["drill"]
        assert [item["id"] for item in drilled.json["items"]] == [row["record"]]
        for item in drilled.json["items"]:
            assert_record_clean(world, actor, item)


@pytest.mark.parametrize("actor", [a for a in ACTORS if any(k[0] == a for k in HIDDEN)])
@pytest.mark.parametrize("use", ["rows", "filters", "measures", "viewer"])
def test_flow_report_by_a_hidden_record_field_is_refused(world: World, actor: str, use: str) -> None:
    field = "record.phone" if actor in ("finance", "mixed") else "record.chargeable"
    definition: dict[str, Any] = dict(PER_INSTANCE)
    args: dict[str, str] = {}
    if use == "rows":
        definition["rows"] = [{"field": field}]
    elif use == "filters":
        definition["filters"] = [{"field": field, "op": "not_null"}]
    elif use == "measures":
        definition["measures"] = [{"id": "n", "agg": "count_distinct", "field": field}]
    else:
        args = {f"{field}__isnull": "false"}
    response = world.client.post(
        f"/api/v1/apps/{APP}/reports/preview", json=definition, headers=world.headers(actor), query_string=args
    )
    if actor == "finance_head":  # hides the check-in place only: phone and chargeable are theirs to read
        assert response.status_code == 200, response.json
        return
    assert response.status_code == 400, response.json
    assert field in response.json["detail"]
    assert not any(secret in response.get_data(as_text=True) for secret in SECRETS.values())
