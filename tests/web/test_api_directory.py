"""The directory administration API: people, groups, bulk import and the audit log, for administrators only."""

import io

import pytest
from openpyxl import Workbook

from engine.services.directory import DirectoryService

ROUTES = [
    ("get", "/api/v1/users"),
    ("post", "/api/v1/users"),
    ("get", "/api/v1/users/someone"),
    ("patch", "/api/v1/users/someone"),
    ("post", "/api/v1/users/import"),
    ("get", "/api/v1/groups"),
    ("post", "/api/v1/groups"),
    ("post", "/api/v1/groups/g1/members"),
    ("get", "/api/v1/audit"),
]


@pytest.fixture
def admin(client, installed_property_app):
    """The administrator's client, with the property app installed (its roles are what people get)."""
    return client


def _upload(client, data: bytes, name: str, lang: str = "zh-CN"):
    return client.post(
        f"/api/v1/users/import?lang={lang}",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def test_strangers_get_401_and_non_administrators_403_on_every_route(app, admin, anonymous_client):
    directory = DirectoryService(app.extensions["trellis"].database)
    directory.create_user("agent01", "agent-pass-1", roles=[("property_repair", "agent")])
    token, _ = directory.create_token("agent01", "t", ["app:property_repair:read", "app:property_repair:write"])
    agent = {"Authorization": f"Bearer {token}"}

    strangers = {(m, p): getattr(anonymous_client, m)(p, json={}).status_code for m, p in ROUTES}
    agents = {(m, p): getattr(anonymous_client, m)(p, json={}, headers=agent).status_code for m, p in ROUTES}

    assert set(strangers.values()) == {401}
    assert set(agents.values()) == {403}


def test_an_administrator_creates_finds_edits_and_deactivates_a_user(admin):
    created = admin.post(
        "/api/v1/users",
        json={"login": "Wang", "name": "王师傅", "mobile": "13812345678", "roles": ["property_repair:technician"]},
    )
    user_id = created.json["id"]

    edited = admin.patch(
        f"/api/v1/users/{user_id}",
        json={"on_duty": True, "email": "wang@example.cn", "roles": {"add": ["property_repair:group_leader"]}},
    )
    deactivated = admin.patch(f"/api/v1/users/{user_id}", json={"active": False})

    assert created.status_code == 201 and len(created.json["password"]) >= 12  # generated, shown once
    assert created.json["login"] == "wang" and created.headers["Location"] == f"/api/v1/users/{user_id}"
    assert edited.json["roles"] == ["property_repair:group_leader", "property_repair:technician"]
    assert edited.json["on_duty"] is True and edited.json["email"] == "wang@example.cn"
    assert deactivated.json["active"] is False
    assert admin.get("/api/v1/users/wang").json["id"] == user_id
    assert [u["login"] for u in admin.get("/api/v1/users?q=王").json["items"]] == ["wang"]


def test_users_are_listed_in_pages(client):
    admin = client
    for n in range(3):
        admin.post("/api/v1/users", json={"login": f"user{n}", "password": "a-password"})

    first = admin.get("/api/v1/users?limit=2").json
    second = admin.get(f"/api/v1/users?limit=2&cursor={first['next_cursor']}").json

    assert [u["login"] for u in first["items"] + second["items"]] == ["admin", "user0", "user1", "user2"]
    assert second["next_cursor"] is None
    assert admin.get("/api/v1/users?limit=0").status_code == 422


def test_a_mistyped_role_is_refused_with_a_suggestion_and_revoking_works(admin):
    admin.post("/api/v1/users", json={"login": "li", "password": "a-password", "roles": ["property_repair:agent"]})

    typo = admin.patch("/api/v1/users/li", json={"roles": {"add": ["property_repair:technican"]}})
    revoked = admin.patch("/api/v1/users/li", json={"roles": {"remove": ["property_repair:agent"]}})

    assert typo.status_code == 404
    assert typo.json["detail"] == "app 'property_repair' has no role 'technican' (did you mean 'technician'?)"
    assert revoked.json["roles"] == []


GARBAGE = [
    ("post", "/api/v1/users", b"not json"),
    ("post", "/api/v1/users", b"[1, 2]"),
    ("post", "/api/v1/users", b'{"login": 5, "roles": "x", "communities": ["a"]}'),
    ("patch", "/api/v1/users/admin", b'{"active": "yes"}'),
    ("patch", "/api/v1/users/admin", b'{"roles": {"add": "x"}}'),
    ("post", "/api/v1/groups", b'{"name": ["x"]}'),
    ("post", "/api/v1/groups/any/members", b"{}"),
]


def test_garbage_bodies_get_422_with_errors(client):
    responses = [getattr(client, m)(p, data=body, content_type="application/json") for m, p, body in GARBAGE]

    assert [r.status_code for r in responses] == [422] * len(GARBAGE)
    assert all(r.json["errors"] for r in responses)


def test_groups_are_created_as_a_tree_and_get_members(client):
    admin = client
    admin.post("/api/v1/users", json={"login": "zhang", "password": "a-password"})
    top = admin.post("/api/v1/groups", json={"name": "工程部", "leader": "zhang"})
    team = admin.post("/api/v1/groups", json={"name": "水电维修组", "parent": "工程部"})

    added = admin.post(f"/api/v1/groups/{team.json['id']}/members", json={"users": ["zhang", "admin"]})
    unknown = admin.post(f"/api/v1/groups/{team.json['id']}/members", json={"users": ["nobody"]})
    groups = admin.get("/api/v1/groups").json["items"]

    assert top.status_code == 201 and top.json["leader"]["login"] == "zhang"
    assert [m["login"] for m in added.json["members"]] == ["admin", "zhang"]
    assert unknown.status_code == 404
    assert [(g["name"], g["depth"], g["parent"]) for g in groups] == [
        ("工程部", 0, None),
        ("水电维修组", 1, top.json["id"]),
    ]


def test_importing_a_csv_with_chinese_headers(admin):
    admin.post("/api/v1/groups", json={"name": "水电维修组"})
    csv = (
        "登录名,姓名,手机,角色,班组\n"
        "zhangsan,张三,13800000001,property_repair:agent;property_repair:technician,水电维修组\n"
    )

    response = _upload(admin, ("\ufeff" + csv).encode(), "users.csv")

    assert response.status_code == 200
    assert response.json["created"] == 1 and response.json["passwords"][0]["login"] == "zhangsan"
    user = admin.get("/api/v1/users/zhangsan").json
    assert user["roles"] == ["property_repair:agent", "property_repair:technician"] and user["groups"] == ["水电维修组"]


def test_importing_an_xlsx_with_chinese_headers(client):
    admin = client
    book = Workbook()
    book.active.append(["登录名", "姓名", "手机", "密码"])
    book.active.append(["lisi", "李四", 13800000002, "password-2"])
    buffer = io.BytesIO()
    book.save(buffer)

    response = _upload(admin, buffer.getvalue(), "users.xlsx")

    assert response.status_code == 200 and response.json == {**response.json, "created": 1, "passwords": []}


def test_an_import_with_one_bad_row_or_a_garbage_file_creates_nobody(client):
    admin = client
    csv = "登录名,手机\nzhao,13800000003\nqian,12ab\n"

    zh = _upload(admin, csv.encode(), "users.csv")
    en = _upload(admin, csv.encode(), "users.csv", lang="en")

    assert zh.status_code == 422 and zh.json["errors"] == {"3": ["第 3 行:手机号格式不正确"]}
    assert en.json["errors"] == {"3": ["row 3: the mobile number is not valid"]}
    assert admin.get("/api/v1/users?q=zhao").json["items"] == []
    binary = _upload(admin, b"\x7fELF\x02\x01\x01\x00\x00", "users.csv", lang="en")
    missing = admin.post("/api/v1/users/import", data={"other": "x"}, content_type="multipart/form-data")
    not_multipart = admin.post("/api/v1/users/import", json={"file": "x"})
    assert binary.status_code == 422
    assert binary.json["errors"] == {"file": ["the file cannot be read: send a UTF-8 CSV or an XLSX file"]}
    assert missing.status_code == 422 and not_multipart.status_code == 422


def test_the_audit_log_is_queried_with_filters(client):
    admin = client
    admin.post("/api/v1/users", json={"login": "sun", "password": "a-password"})
    admin.patch("/api/v1/users/sun", json={"on_duty": True})

    creations = admin.get("/api/v1/audit?action=user.create&subject_type=user").json["items"]
    user_events = admin.get("/api/v1/audit?action=user.*&limit=1").json
    since = admin.get("/api/v1/audit?since=2000-01-01T00:00:00Z&until=2000-01-02T00:00:00%2B08:00").json

    assert [e["details"]["login"] for e in creations] == ["sun", "admin"]
    assert user_events["items"][0]["action"] == "user.on_duty" and user_events["next_cursor"]
    assert since["items"] == []
    assert admin.get("/api/v1/audit?since=yesterday").status_code == 422
    assert admin.get("/api/v1/audit?cursor=abc").status_code == 422
