"""A property company with people in every role, the property app installed, and a clock tests can move."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest

from engine.principal import LOCAL_ADMIN, Principal
from engine.services.apps import AppService
from engine.services.directory import DirectoryService
from engine.services.flows import FlowService
from engine.services.records import RecordService
from engine.storage import Database
from engine.storage.catalog import AppCatalog
from tests.database_copies import SEED_FACTS, Build, content_name, seeds

APP = "property_repair"


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # a Monday, 09:00 in Shanghai

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class Company:
    records: RecordService
    flows: FlowService
    directory: DirectoryService
    clock: Clock
    people: dict[str, Principal] = field(default_factory=dict)
    community: int = 0
    other_community: int = 0
    room: int = 0
    cheap_part: int = 0
    dear_part: int = 0

    def __getitem__(self, login: str) -> Principal:
        return self.people[login]

    def order(self, who: str = "owner1", **extra: object) -> dict:
        data = {
            "owner_name": "王女士",
            "phone": "138 1234 5678",
            "community": self.community,
            "room": self.room,
            "repair_type": "水电",
            "urgency": "一般",
            "description": "厨房水管漏水",
            **extra,
        }
        record, _ = self.records.create(self[who], APP, "repair_order", data)
        return record

    def instance_of(self, record_id: int) -> dict:
        ids = self.flows.instances_of(APP, "repair_order", record_id)
        return self.flows.instance(LOCAL_ADMIN, ids[-1])

    def open_tasks(self, record_id: int, node: str | None = None) -> list[dict]:
        return [
            t
            for t in self.instance_of(record_id)["tasks"]
            if t["status"] == "open" and (node is None or t["node"] == node)
        ]

    def act(self, who: str, task_id: str, action: str, **body: object) -> dict:
        return self.flows.act(self[who], task_id, action, body, locale="en")


PEOPLE = {
    "owner1": ["owner"],
    "owner2": ["owner"],
    "agent1": ["agent"],
    "agent2": ["agent"],
    "supervisor1": ["agent_supervisor"],
    "worker1": ["technician"],
    "worker2": ["technician"],
    "worker3": ["technician"],
    "leader1": ["group_leader"],
    "engineer1": ["engineering_head"],
    "financehead1": ["finance_head"],
    "manager1": ["project_manager"],
    "finance1": ["finance"],
    "finance2": ["finance"],
}


@seeds("company")
def company_seed(request: pytest.FixtureRequest) -> tuple[str, Build]:
    """The company is built once per worker, back-end and package (modules may override the package)."""
    package = request.getfixturevalue("property_package")
    return content_name("company", package), lambda database: build_company(database, package)


def build_company(database: Database, package: dict) -> dict[str, int]:
    """The property app, its places and parts, and people in every role; the ids of the places and parts."""
    AppService(database).import_package(package, actor="test")
    records = RecordService(database, AppCatalog())
    records.on_create.append(FlowService(database, records, clock=Clock()).record_created)
    admin = LOCAL_ADMIN
    community, _ = records.create(admin, APP, "community", {"name": "阳光花园", "city": "杭州"})
    other, _ = records.create(admin, APP, "community", {"name": "翠苑", "city": "杭州"})
    building, _ = records.create(admin, APP, "building", {"community": community["id"], "name": "3栋"})
    room, _ = records.create(admin, APP, "room", {"building": building["id"], "room_no": "1201", "area_m2": "89.5"})
    cheap, _ = records.create(
        admin, APP, "spare_part", {"code": "P1", "name": "水龙头", "unit": "个", "unit_price": "80"}
    )
    dear, _ = records.create(
        admin, APP, "spare_part", {"code": "P2", "name": "热水器", "unit": "台", "unit_price": "2600"}
    )
    directory = DirectoryService(database)
    for login, roles in PEOPLE.items():
        covers = [community["id"]] if login.startswith("worker") and login != "worker3" else []
        if login == "manager1":
            covers = [community["id"]]
        directory.create_user(
            login, "a-long-password", roles=[(APP, r) for r in roles], user_id=login, communities=covers
        )
    directory.create_group("工程部", leader="engineer1")
    directory.create_group("水电维修组", parent="工程部", leader="leader1")
    directory.create_group("公共设施组", parent="工程部", leader="leader1")
    for login in ("worker1", "worker2", "worker3"):
        directory.add_member("水电维修组", login)
        directory.set_on_duty(login, True)
    directory.add_member("公共设施组", "worker3")
    return {
        "community": community["id"],
        "other_community": other["id"],
        "room": room["id"],
        "cheap_part": cheap["id"],
        "dear_part": dear["id"],
    }


@pytest.fixture
def company(request: pytest.FixtureRequest, database: Database) -> Company:
    """The company in this test's database (a copy of the one ``build_company`` made), with services of its own."""
    records = RecordService(database, AppCatalog())
    clock = Clock()
    flows = FlowService(database, records, clock=clock)
    directory = DirectoryService(database)
    records.on_create.append(flows.record_created)
    if request.node.stash.get(SEED_FACTS, None) is None:
        raise pytest.UsageError("`company` needs its database from `database_url` (tests/database_copies.py)")
    found = Company(records, flows, directory, clock, **request.node.stash[SEED_FACTS])
    found.people = {login: directory.principal_for(login) for login in PEOPLE}
    return found
