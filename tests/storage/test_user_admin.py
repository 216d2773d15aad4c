"""Administering the directory: listing, editing, the group tree, bulk import and the audit query."""

import io
from datetime import UTC, datetime, timedelta

import pytest
from openpyxl import Workbook

from engine.errors import ConflictError, NotFoundError, SubmissionError
from engine.services.apps import AppService
from engine.services.directory import DirectoryService
from engine.services.user_import import MAX_ROWS, UserImport, read_table
from engine.storage import Database
from engine.storage.audit import AuditLog

HELPDESK = {
    "format": "trellis.app/1",
    "id": "helpdesk",
    "version": "1.0.0",
    "name": {"en": "Helpdesk"},
    "roles": [{"id": "agent", "name": {"en": "Agent"}}, {"id": "technician", "name": {"en": "Technician"}}],
}
PASSWORD = "correct horse"


@pytest.fixture
def directory(database):
    AppService(database).import_package(HELPDESK, actor="test")
    return DirectoryService(database)


def _xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _import_error(directory, data: bytes, locale: str = "zh-CN") -> SubmissionError:
    with pytest.raises(SubmissionError) as caught:
        UserImport(directory).run(data, locale=locale)
    return caught.value


# listing and editing


def test_users_are_listed_by_login_in_pages_and_found_by_any_part(directory):
    for n in range(5):
        directory.create_user(f"user{n}", PASSWORD, name=f"员工{n}", mobile=f"1380000000{n}")

    first = directory.list_users(limit=2)
    second = directory.list_users(limit=2, cursor=first["next_cursor"])
    third = directory.list_users(limit=2, cursor=second["next_cursor"])
    by_mobile = directory.list_users("13800000003")

    assert [u["login"] for u in first["items"] + second["items"] + third["items"]] == [f"user{n}" for n in range(5)]
    assert third["next_cursor"] is None
    assert [u["login"] for u in by_mobile["items"]] == ["user3"]
    assert directory.list_users("员工4")["items"][0]["name"] == "员工4"
    assert directory.list_users("100%_")["items"] == []
    with pytest.raises(SubmissionError) as caught:
        directory.list_users(cursor="%%%")
    assert caught.value.field_errors == {"cursor": ["not a valid cursor"]}


def test_a_user_is_shown_with_roles_groups_and_communities_but_no_password(directory):
    directory.create_group("工程部")
    directory.create_user(
        "wang", PASSWORD, roles=[("helpdesk", "agent")], groups=["工程部"], communities=[3, 1], email="w@x.cn"
    )

    user = directory.get_user("wang")

    assert user["roles"] == ["helpdesk:agent"] and user["groups"] == ["工程部"] and user["communities"] == [1, 3]
    assert user["email"] == "w@x.cn" and user["active"] is True and user["is_admin"] is False
    assert "password_hash" not in user and directory.get_user(user["id"])["login"] == "wang"


def test_an_edit_changes_profile_roles_duty_and_password_together(directory):
    directory.create_user("wang", PASSWORD, roles=[("helpdesk", "agent")])

    user = directory.update_user(
        "wang",
        {
            "name": "王师傅",
            "mobile": "138 1234 5678",
            "locale": "en",
            "on_duty": True,
            "roles": {"add": ["helpdesk:technician"], "remove": ["helpdesk:agent"]},
            "password": "a new password",
        },
        actor="user:boss",
    )

    assert (user["name"], user["mobile"], user["locale"], user["on_duty"]) == ("王师傅", "13812345678", "en", True)
    assert user["roles"] == ["helpdesk:technician"]
    assert directory.authenticate("13812345678", "a new password").id == user["id"]
    actions = [e["action"] for e in AuditLog(directory.database).query(actor="user:boss")["items"]]
    assert sorted(actions) == [
        "user.on_duty",
        "user.password_set",
        "user.role_grant",
        "user.role_revoke",
        "user.update",
    ]


def test_an_edit_with_a_mistyped_role_changes_nothing_and_suggests_the_role(directory):
    directory.create_user("wang", PASSWORD)

    with pytest.raises(NotFoundError) as caught:
        directory.update_user("wang", {"name": "王", "roles": {"add": ["helpdesk:technican"]}})

    assert caught.value.message == "app 'helpdesk' has no role 'technican' (did you mean 'technician'?)"
    assert directory.get_user("wang")["name"] == "wang"


def test_a_malformed_edit_is_refused_by_field(directory):
    directory.create_user("wang", PASSWORD)
    cases = [
        ({"nickname": "x"}, "nickname"),
        ({"active": "no"}, "active"),
        ({"mobile": "12ab"}, "mobile"),
        ({"password": "short"}, "password"),
        ({"roles": ["helpdesk:agent"]}, "roles"),
        ({"locale": "fr"}, "locale"),
    ]
    refused = []
    for changes, _ in cases:
        with pytest.raises(SubmissionError) as caught:
            directory.update_user("wang", changes)
        refused.append(list(caught.value.field_errors))
    assert refused == [[field] for _, field in cases]


def test_a_mobile_of_another_user_is_refused(directory):
    directory.create_user("wang", PASSWORD, mobile="13800000001")
    directory.create_user("li", PASSWORD)
    with pytest.raises(ConflictError) as caught:
        directory.update_user("li", {"mobile": "138-0000-0001"})
    assert caught.value.message == "the mobile number 13800000001 already belongs to another user"


def test_deactivating_and_reactivating_a_user(directory):
    directory.create_user("wang", PASSWORD)

    off = directory.update_user("wang", {"active": False})
    on = directory.update_user("wang", {"active": True})

    assert off["active"] is False and on["active"] is True
    actions = [e["action"] for e in AuditLog(directory.database).query(subject_id=on["id"])["items"]]
    assert actions[:2] == ["user.reactivate", "user.deactivate"]


# groups


def test_groups_come_as_a_tree_with_leaders_and_members(directory):
    directory.create_user("zhang", PASSWORD, name="张工")
    directory.create_group("客服部")
    directory.create_group("工程部", leader="zhang")
    directory.create_group("水电维修组", parent="工程部")
    directory.create_group("门窗组", parent="工程部")
    directory.add_member("水电维修组", "zhang")

    groups = directory.list_groups()

    assert [(g["name"], g["depth"]) for g in groups] == [("客服部", 0), ("工程部", 0), ("水电维修组", 1), ("门窗组", 1)]
    assert groups[1]["leader"]["login"] == "zhang" and groups[2]["parent"] == groups[1]["id"]
    assert [m["login"] for m in groups[2]["members"]] == ["zhang"]


# bulk import

CSV_ZH = (
    "登录名,姓名,手机,邮箱,角色,班组,密码\n"
    "zhangsan,张三,13800000001,z@x.cn,helpdesk:agent;helpdesk:technician,水电维修组,password-one\n"
    "lisi,李四,13800000002,,helpdesk:agent,,\n"
)


def test_a_csv_with_chinese_headers_and_a_bom_creates_everyone(directory):
    directory.create_group("水电维修组")

    result = UserImport(directory).run(("\ufeff" + CSV_ZH).encode(), actor="user:boss")

    assert result["created"] == 2
    assert [p["login"] for p in result["passwords"]] == ["lisi"]
    zhang = directory.get_user("zhangsan")
    assert zhang["roles"] == ["helpdesk:agent", "helpdesk:technician"] and zhang["groups"] == ["水电维修组"]
    assert directory.authenticate("lisi", result["passwords"][0]["password"]).name == "李四"
    assert AuditLog(directory.database).query(action="users.import")["items"][0]["details"]["rows"] == 2


def test_an_xlsx_with_numbers_for_mobiles_creates_everyone(directory):
    data = _xlsx([["login", "name", "mobile", "roles"], ["wangwu", "王五", 13800000003, "helpdesk:agent"]])

    result = UserImport(directory).run(data)

    assert result["created"] == 1 and directory.get_user("wangwu")["mobile"] == "13800000003"


def test_one_bad_row_creates_nobody_and_names_the_row(directory):
    data = (CSV_ZH.replace(",,\n", ",,\n", 1) + "wangwu,王五,12ab,,,,\n").encode()

    error = _import_error(directory, data.replace("水电维修组".encode(), b""))

    assert error.field_errors == {"4": ["第 4 行:手机号格式不正确"]}
    assert directory.list_users()["items"] == []


def test_row_problems_are_in_english_when_asked_and_catch_repeats_and_unknowns(directory):
    directory.create_user("taken", PASSWORD)
    data = (
        b"login,mobile,roles,groups,password\n"
        b"taken,,,,password-one\n"
        b"dup,13800000001,helpdesk:agnet,,password-one\n"
        b"dup,13800000001,,Nowhere,short\n"
    )

    error = _import_error(directory, data, locale="en")

    assert error.field_errors == {
        "2": ["row 2: the login 'taken' is taken"],
        "3": ["row 3: there is no role 'helpdesk:agnet' (did you mean 'agent'?)"],
        "4": [
            "row 4: the password needs at least 8 characters",
            "row 4: the login 'dup' repeats row 3",
            "row 4: the mobile number 13800000001 repeats row 3",
            "row 4: there is no group 'Nowhere'",
        ],
    }


@pytest.mark.parametrize(
    ("data", "key", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "file", "the file cannot be read: send a UTF-8 CSV or an XLSX file"),
        ("login\n".encode("utf-16"), "file", "the file cannot be read: send a UTF-8 CSV or an XLSX file"),
        (b"PK\x03\x04not really a zip", "file", "the XLSX file cannot be read: not a valid .xlsx (zip) file"),
        (b"", "file", "the file is empty"),
        (b"login\n", "file", "the file holds no users below its header"),
        (b"x" * (2 * 1024 * 1024 + 1), "file", "the file is larger than 2 MB; split it into several files"),
        (b"name\nwang\n", "header", "the header has no 'login' (or 登录名) column"),
        (
            b"login,salary\nwang,1\n",
            "header",
            "the header 'salary' is not known; use 登录名/login, 姓名/name, 手机/mobile, 邮箱/email, 角色/roles,"
            " 班组/groups, 密码/password",
        ),
        (
            b"login\n" + b"u\n" * (MAX_ROWS + 1),
            "file",
            f"the file has more than {MAX_ROWS} rows; split it into several files",
        ),
    ],
)
def test_hostile_or_unreadable_files_are_refused_clearly(data, key, message):
    # refused before the database is asked anything, so no back-end is needed
    with pytest.raises(SubmissionError) as caught:
        UserImport(DirectoryService(Database("sqlite://"))).run(data, locale="en")
    error = caught.value
    assert list(error.field_errors) == [key]
    assert error.field_errors[key] == [message]


def test_formulas_are_refused_in_xlsx_and_csv(directory):
    xlsx = _xlsx([["login", "name"], ["wang", '=HYPERLINK("http://evil")']])
    csv = b"login,name\nli,@SUM(1)\n"

    xlsx_error = _import_error(directory, xlsx, locale="en")
    csv_error = _import_error(directory, csv, locale="en")

    assert xlsx_error.field_errors == {
        "2": ["row 2: the 'name' cell is a formula; paste it as values and import again"]
    }
    assert list(csv_error.field_errors) == ["2"]


# the audit query


def test_the_audit_query_filters_and_pages_newest_first(directory):
    directory.create_user("wang", PASSWORD, actor="user:boss")
    directory.create_user("li", PASSWORD, actor="user:boss")
    directory.create_group("工程部", actor="user:other")
    log = AuditLog(directory.database)

    first = log.query(actor="user:boss", limit=1)
    second = log.query(actor="user:boss", limit=1, cursor=first["next_cursor"])
    now = datetime.now(UTC)

    assert [e["details"]["login"] for e in first["items"] + second["items"]] == ["li", "wang"]
    assert second["next_cursor"] is None
    assert [e["action"] for e in log.query(action="group.*")["items"]] == ["group.create"]
    assert [e["actor"] for e in log.query(subject_type="group")["items"]] == ["user:other"]
    assert len(log.query(action="user.create", since=now - timedelta(minutes=5))["items"]) == 2
    assert log.query(action="user.create", until=now - timedelta(minutes=5))["items"] == []
    with pytest.raises(SubmissionError):
        log.query(cursor="abc")


def test_the_header_decides_the_csv_delimiter():
    header, rows = read_table("登录名;角色\nwang;helpdesk:agent,helpdesk:technician\n".encode())
    assert header == ["登录名", "角色"]
    assert rows == [(2, ["wang", "helpdesk:agent,helpdesk:technician"])]
