"""The administration pages: who may open them, what each form does, and how each refuses bad input."""

import html
import io
import re

import pytest
from openpyxl import Workbook
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from engine.services.directory import DirectoryService
from engine.storage.audit import AuditLog
from tests.conftest import ADMIN_LOGIN, ADMIN_PASSWORD

PAGES = ["/admin/", "/admin/users", "/admin/users/new", "/admin/users/admin", "/admin/groups", "/admin/import"]
PAGES += ["/admin/audit", "/admin/operations"]
FORMS = [
    ("/admin/users/new", {"login": "zhao", "name": "赵"}),
    ("/admin/users/agent01", {"name": "改名", "locale": "zh-CN", "active": "1"}),
    ("/admin/users/agent01/password", {"password": "new-password-1"}),
    ("/admin/groups", {"name": "保洁组"}),
    ("/admin/groups/{group}/members", {"login": "agent01"}),
    ("/admin/groups/{group}/members/{member}/remove", {}),
    ("/admin/import", {"file": (b"login\nzhao\n", "users.csv")}),
]


@pytest.fixture
def directory(app, client, installed_property_app) -> DirectoryService:
    """The property app installed (its roles are what people get), the administrator and one agent."""
    store = DirectoryService(app.extensions["trellis"].database)
    store.create_user("agent01", "agent-pass-1", name="客服小李", roles=[("property_repair", "agent")])
    return store


@pytest.fixture
def admin(app, directory):
    return _sign_in(app, ADMIN_LOGIN, ADMIN_PASSWORD)


@pytest.fixture
def group(directory) -> str:
    group_id = directory.create_group("工程部")
    directory.add_member(group_id, "agent01")
    return group_id


def _sign_in(app, login: str, password: str):
    browser = app.test_client()
    response = browser.post(
        "/login", data={"login": login, "password": password, "csrf_token": _csrf(browser, "/login"), "next": "/"}
    )
    assert response.status_code == 302
    return browser


def _csrf(browser, path: str = "/admin/users") -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', browser.get(path).get_data(as_text=True))
    assert found, f"{path} carries a CSRF token"
    return found.group(1)


def _post(browser, path: str, data: dict, lang: str = "en", csrf: bool = True):
    """Post a form as a browser does (multipart, so files fit); files are given as (bytes, name)."""
    fields = MultiDict({"csrf_token": _csrf(browser)} if csrf else {})
    for key, value in data.items():
        fields.add(key, FileStorage(io.BytesIO(value[0]), value[1]) if isinstance(value, tuple) else value)
    boundary, body = encode_multipart(fields)  # in memory: the test client would spool big bodies to a file
    return browser.post(f"{path}?lang={lang}", data=body, content_type=f"multipart/form-data; boundary={boundary}")


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _field_error(response, name: str) -> str:
    found = re.search(rf'<p class="error" id="e-{name}">([^<]*)</p>', response.get_data(as_text=True))
    assert found, f"an error is shown next to '{name}'"
    return html.unescape(found.group(1))


def _form(path: str, data: dict, directory, group: str) -> tuple[str, dict]:
    member = directory.get_user("agent01")["id"]
    return path.format(group=group, member=member), data


# who may come in


@pytest.mark.parametrize("path", PAGES)
def test_strangers_are_sent_to_sign_in_and_come_back_afterwards(anonymous_client, directory, path):
    response = anonymous_client.get(path)

    assert response.status_code == 302
    assert response.headers["Location"] == f"/login?next={path}"


@pytest.mark.parametrize("path", PAGES)
def test_a_signed_in_non_administrator_gets_a_page_saying_only_administrators_may_enter(app, directory, path):
    agent = _sign_in(app, "agent01", "agent-pass-1")

    response = agent.get(f"{path}?lang=en")

    assert response.status_code == 403
    assert response.mimetype == "text/html"
    assert "Only administrators may open the administration pages" in _text(response)


@pytest.mark.parametrize(("path", "data"), FORMS)
def test_a_non_administrator_cannot_post_any_admin_form(app, directory, group, path, data):
    agent = _sign_in(app, "agent01", "agent-pass-1")
    before = AuditLog(app.extensions["trellis"].database).query(limit=1)["items"][0]["id"]
    path, data = _form(path, data, directory, group)

    response = _post(agent, path, data)

    assert response.status_code == 403
    assert AuditLog(app.extensions["trellis"].database).query(limit=1)["items"][0]["id"] == before


@pytest.mark.parametrize(("path", "data"), FORMS)
def test_every_admin_form_is_refused_without_the_csrf_token(app, admin, directory, group, path, data):
    before = AuditLog(app.extensions["trellis"].database).query(limit=1)["items"][0]["id"]
    path, data = _form(path, data, directory, group)

    response = _post(admin, path, data, csrf=False)

    assert response.status_code == 403
    assert "The page has expired or was not sent by Trellis" in _text(response)
    assert AuditLog(app.extensions["trellis"].database).query(limit=1)["items"][0]["id"] == before


def test_the_home_page_links_administrators_to_the_admin_pages_and_everyone_to_their_password(app, admin, directory):
    agent = _sign_in(app, "agent01", "agent-pass-1")

    for_admin = admin.get("/?lang=en").get_data(as_text=True)
    for_agent = agent.get("/?lang=en").get_data(as_text=True)

    assert 'id="admin-link" href="/admin/' in for_admin
    assert 'id="account-password" href="/account/password' in for_admin
    assert "admin-link" not in for_agent
    assert 'id="account-password" href="/account/password' in for_agent


# people


def test_the_people_list_shows_each_person_with_roles_and_groups_and_pages_fifty_at_a_time(admin, directory, group):
    for n in range(55):
        directory.create_user(f"user{n:02d}", "user-password", name=f"住户{n:02d}")

    first = admin.get("/admin/users?lang=zh-CN")
    next_link = re.search(r'rel="next" href="([^"]+)"', first.get_data(as_text=True))
    second = admin.get(html.unescape(next_link.group(1)))
    found = admin.get("/admin/users?q=住户07&lang=zh-CN")

    rows = re.findall(r'<tr data-login="([^"]+)"', first.get_data(as_text=True))
    assert len(rows) == 50
    assert rows[:2] == ["admin", "agent01"]
    agent_row = _text(first).split('data-login="agent01"')[1].split("</tr>")[0]
    assert "客服小李" in agent_row and "客服" in agent_row and "工程部" in agent_row
    assert re.findall(r'<tr data-login="([^"]+)"', second.get_data(as_text=True)) == [f"user{n}" for n in range(48, 55)]
    assert "第一页" in _text(second)
    assert re.findall(r'<tr data-login="([^"]+)"', found.get_data(as_text=True)) == ["user07"]


def test_a_forged_page_link_shows_the_first_page_with_a_note(admin, directory):
    response = admin.get("/admin/users?cursor=%%%not-ours&lang=en")

    assert response.status_code == 200
    assert "That page link is no longer valid; showing the first page." in _text(response)


def test_an_administrator_creates_a_person_with_roles_groups_and_communities(app, admin, directory, group):
    response = _post(
        admin,
        "/admin/users/new",
        {
            "login": "Wang",
            "name": "王师傅",
            "mobile": "138 1234 5678",
            "locale": "zh-CN",
            "roles": "property_repair:technician",
            "groups": group,
            "communities": "1, 2",
        },
    )
    password = re.search(r'<code id="generated-password">([^<]+)</code>', response.get_data(as_text=True)).group(1)

    assert response.status_code == 201
    assert "Created the user wang." in _text(response)
    created = directory.get_user("wang")
    assert (created["name"], created["mobile"], created["roles"]) == (
        "王师傅",
        "13812345678",
        ["property_repair:technician"],
    )
    assert (created["groups"], created["communities"]) == (["工程部"], [1, 2])
    assert _sign_in(app, "wang", password)


REFUSED_NEW_USERS = [
    ({"login": ""}, "login", "Enter a login"),
    ({"login": "x" * 101}, "login", "Use up to 100 letters, digits and . _ @ + -"),
    ({"login": "王 五"}, "login", "Use up to 100 letters, digits and . _ @ + -"),
    ({"login": "13800000000"}, "login", "it must not look like a phone number"),
    ({"login": "agent01"}, "login", "The login 'agent01' is taken; choose another"),
    ({"password": "short"}, "password", "A password needs at least 8 characters"),
    ({"password": "p" * 2000}, "password", "A password may have at most 1024 characters"),
    ({"name": "名" * 201}, "name", "A name may have at most 200 characters"),
    ({"mobile": "call me"}, "mobile", "A mobile number has 5 to 19 digits and may start with +"),
    ({"email": "not-an-address"}, "email", "This is not an email address (like wang@example.com)"),
    ({"locale": "fr"}, "locale", "Choose 中文 or English"),
    ({"roles": "property_repair:emperor"}, "roles", "There is no role 'property_repair:emperor'"),
    ({"roles": "no_such_app:owner"}, "roles", "There is no role 'no_such_app:owner'"),
    ({"groups": "g-that-is-not"}, "groups", "There is no group 'g-that-is-not'"),
    ({"communities": "1, two"}, "communities", "Write community ids as whole numbers above 0"),
    ({"communities": "-3"}, "communities", "Write community ids as whole numbers above 0"),
    ({"admin": "maybe"}, "admin", "This option has an invalid value"),
]


@pytest.mark.parametrize(("change", "field", "message"), REFUSED_NEW_USERS)
def test_a_refused_new_person_keeps_what_was_typed_and_says_what_to_fix(admin, directory, change, field, message):
    typed = {"login": "zhao", "name": "赵六", "mobile": "13900000001", "email": "zhao@example.com", "locale": "en"}

    response = _post(admin, "/admin/users/new", {**typed, **change})

    assert response.status_code == 422
    assert message in _field_error(response, field)
    assert "Some entries need changing" in _text(response)
    for key, value in {**typed, **change}.items():
        if key not in ("password", "roles", "groups", "admin", "locale", field):
            assert f'value="{value}"' in _text(response)
    assert directory.list_users("zhao")["items"] == []


def test_the_new_person_form_speaks_chinese(admin, directory):
    response = _post(admin, "/admin/users/new", {"login": "", "mobile": "abc"}, lang="zh-CN")

    assert _field_error(response, "login") == "请填写登录名"
    assert "有内容需要修改" in _text(response)


def test_editing_a_person_changes_profile_roles_groups_and_communities_and_audits_each(app, admin, directory, group):
    team = directory.create_group("水电维修组", parent=group)
    agent = directory.get_user("agent01")

    response = _post(
        admin,
        f"/admin/users/{agent['id']}",
        {
            "name": "李客服",
            "mobile": "13700000000",
            "email": "li@example.com",
            "locale": "en",
            "active": "1",
            "on_duty": "1",
            "roles": "property_repair:agent_supervisor",
            "groups": team,
            "communities": "5",
        },
    )
    page = admin.get(response.headers["Location"])

    assert response.status_code == 302
    assert "Saved." in _text(page)
    changed = directory.get_user("agent01")
    assert (changed["name"], changed["mobile"], changed["email"], changed["on_duty"]) == (
        "李客服",
        "13700000000",
        "li@example.com",
        True,
    )
    assert (changed["roles"], changed["groups"], changed["communities"]) == (
        ["property_repair:agent_supervisor"],
        ["水电维修组"],
        [5],
    )
    actions = {e["action"] for e in AuditLog(app.extensions["trellis"].database).query(subject_id=agent["id"])["items"]}
    assert {"user.update", "user.on_duty", "user.role_grant", "user.role_revoke", "user.communities"} <= actions
    group_actions = {e["action"] for e in AuditLog(app.extensions["trellis"].database).query(action="group.*")["items"]}
    assert {"group.member_add", "group.member_remove"} <= group_actions


def test_unticking_active_deactivates_the_person(app, admin, directory):
    _post(admin, "/admin/users/agent01", {"name": "客服小李", "locale": "zh-CN"})
    browser = app.test_client()
    attempt = {"login": "agent01", "password": "agent-pass-1", "csrf_token": _csrf(browser, "/login")}

    refused = browser.post("/login?lang=en", data=attempt)

    assert directory.get_user("agent01")["active"] is False
    assert refused.status_code == 401
    assert "this account has been deactivated" in _text(refused)


REFUSED_EDITS = [
    ({"name": "名" * 300}, "name", "A name may have at most 200 characters"),
    ({"mobile": "+" * 30}, "mobile", "A mobile number has 5 to 19 digits"),
    ({"email": "@" * 300}, "email", "This is not an email address"),
    ({"active": "maybe"}, "active", "This option has an invalid value"),
    ({"on_duty": "2"}, "on_duty", "This option has an invalid value"),
    ({"roles": "property_repair"}, "roles", "There is no role 'property_repair'"),
    ({"communities": "9999999999"}, "communities", "Write community ids as whole numbers above 0"),
    ({"groups": "🙂"}, "groups", "There is no group '🙂'"),
]


@pytest.mark.parametrize(("change", "field", "message"), REFUSED_EDITS)
def test_a_refused_edit_changes_nothing_and_keeps_what_was_typed(admin, directory, change, field, message):
    before = directory.get_user("agent01")
    typed = {"name": "新名字", "locale": "zh-CN", "active": "1", "communities": "7"}

    response = _post(admin, "/admin/users/agent01", {**typed, **change})

    assert response.status_code == 422
    assert message in _field_error(response, field)
    assert directory.get_user("agent01") == before
    if field != "name":
        assert 'value="新名字"' in _text(response)


def test_a_taken_mobile_number_is_refused_next_to_the_field(admin, directory):
    directory.create_user("zhang", "zhang-pass-1", mobile="13911112222")

    response = _post(
        admin, "/admin/users/agent01", {"name": "x", "locale": "en", "active": "1", "mobile": "13911112222"}
    )

    assert _field_error(response, "mobile") == "The mobile number 13911112222 already belongs to another user"


def test_an_unknown_person_gives_a_404_page(admin, directory):
    response = admin.get("/admin/users/nobody-at-all?lang=en")

    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "there is no user 'nobody-at-all'" in _text(response)


def test_an_administrator_resets_a_password_typed_or_generated(app, admin, directory):
    typed = _post(admin, "/admin/users/agent01/password", {"password": "fresh-password-1"})
    signed_in = _sign_in(app, "agent01", "fresh-password-1")
    generated = _post(admin, "/admin/users/agent01/password", {"password": ""})
    password = re.search(r'<code id="generated-password">([^<]+)</code>', generated.get_data(as_text=True)).group(1)

    assert typed.status_code == 200
    assert "Set a new password for agent01." in _text(typed)
    assert signed_in
    assert _sign_in(app, "agent01", password)


@pytest.mark.parametrize(
    ("password", "message"),
    [("short", "A password needs at least 8 characters"), ("x" * 5000, "A password may have at most 1024 characters")],
)
def test_a_reset_password_that_is_too_short_or_too_long_is_refused(app, admin, directory, password, message):
    response = _post(admin, "/admin/users/agent01/password", {"password": password})

    assert response.status_code == 422
    assert _field_error(response, "reset") == message
    assert _sign_in(app, "agent01", "agent-pass-1")


# groups


def test_groups_form_a_tree_with_leaders_and_members(app, admin, directory):
    _post(admin, "/admin/groups", {"name": "工程部", "leader": "admin"})
    parent = directory.list_groups()[0]["id"]
    created = _post(admin, "/admin/groups", {"name": "水电维修组", "parent": parent, "leader": "agent01"})
    team = next(g["id"] for g in directory.list_groups() if g["name"] == "水电维修组")
    added = _post(admin, f"/admin/groups/{team}/members", {"login": "agent01"})

    page = _text(admin.get("/admin/groups?lang=en"))

    assert created.status_code == added.status_code == 302
    assert added.headers["Location"] == f"/admin/groups#group-{team}"
    assert re.findall(r'data-group="([^"]+)" data-depth="(\d)"', page) == [("工程部", "0"), ("水电维修组", "1")]
    team_box = page.split('data-group="水电维修组"')[1]
    assert "Leader: 客服小李 (agent01)" in team_box
    assert 'data-member="agent01"' in team_box
    assert "Added agent01 to '水电维修组'." in page


def test_removing_a_member_is_audited(app, admin, directory, group):
    member = directory.get_user("agent01")["id"]

    response = _post(admin, f"/admin/groups/{group}/members/{member}/remove", {})

    assert response.status_code == 302
    assert directory.get_user("agent01")["groups"] == []
    event = AuditLog(app.extensions["trellis"].database).query(action="group.member_remove")["items"][0]
    assert (event["subject_id"], event["details"]) == (group, {"group": "工程部", "login": "agent01"})


REFUSED_GROUPS = [
    ({"name": ""}, "name", "Enter the group's name"),
    ({"name": "组" * 201}, "name", "A group name may have at most 200 characters"),
    ({"name": "工程部"}, "name", "There is already a group named '工程部'"),
    ({"name": "新组", "parent": "nope"}, "parent", "There is no group 'nope'"),
    ({"name": "新组", "leader": "ghost"}, "leader", "There is no user with the login 'ghost'"),
]


@pytest.mark.parametrize(("data", "field", "message"), REFUSED_GROUPS)
def test_a_refused_new_group_says_what_to_fix(admin, directory, group, data, field, message):
    response = _post(admin, "/admin/groups", data)

    assert response.status_code == 422
    assert message in _field_error(response, field)
    assert [g["name"] for g in directory.list_groups()] == ["工程部"]


@pytest.mark.parametrize(
    ("login", "message"), [("", "Enter the login of the person to add"), ("ghost", "There is no user with the login")]
)
def test_adding_an_unknown_member_is_refused_next_to_that_group(admin, directory, group, login, message):
    response = _post(admin, f"/admin/groups/{group}/members", {"login": login})

    assert response.status_code == 422
    box = _text(response).split(f'id="group-{group}"')[1]
    assert message in re.search(r'<p class="error">([^<]*)</p>', box).group(1)


def test_an_unknown_group_gives_a_404_page(admin, directory):
    response = _post(admin, "/admin/groups/not-a-group/members", {"login": "agent01"})

    assert response.status_code == 404
    assert "There is no group 'not-a-group'" in _text(response)


# bulk import


def _xlsx(rows: list[list[str]]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_importing_a_csv_creates_everyone_and_shows_the_generated_passwords_once(app, admin, directory, group):
    data = "登录名,姓名,手机,角色,班组\nzhao,赵六,13900000001,property_repair:technician,工程部\nqian,钱七,,,\n"

    response = _post(admin, "/admin/import", {"file": (data.encode(), "staff.csv")})

    assert response.status_code == 200
    assert "Imported 2 user(s) from staff.csv." in _text(response)
    passwords = re.findall(r"<td>(\w+)</td><td><code>([^<]+)</code>", response.get_data(as_text=True))
    assert [login for login, _ in passwords] == ["zhao", "qian"]
    assert _sign_in(app, "zhao", passwords[0][1])
    assert directory.get_user("zhao")["groups"] == ["工程部"]


def test_importing_an_xlsx_works_the_same(admin, directory):
    data = _xlsx([["login", "name", "password"], ["sun", "孙八", "sun-password-1"]])

    response = _post(admin, "/admin/import", {"file": (data, "staff.xlsx")})

    assert response.status_code == 200
    assert directory.get_user("sun")["name"] == "孙八"


REFUSED_FILES = [
    (b"", "users.csv", "the file is empty"),
    (b"\x00\x01\x02binary", "users.csv", "the file cannot be read: send a UTF-8 CSV or an XLSX file"),
    (b"PK\x03\x04 not really a zip", "users.xlsx", "the XLSX file cannot be read"),
    (b"who,what\nx,y\n", "users.csv", "the header 'who' is not known"),
    (b"login\n", "users.csv", "the file holds no users below its header"),
    (b"login,roles\nzhao,property_repair:emperor\nagent01,\n", "users.csv", "row 2: there is no role"),
    (b"login,roles\nzhao,property_repair:emperor\nagent01,\n", "users.csv", "row 3: the login 'agent01' is taken"),
    (b"login,name\n=HYPERLINK(1),x\n", "users.csv", "row 2: the 'login' cell is a formula"),
    ("login\n" + "x" * 3_000_000, "big.csv", "the file is larger than 2 MB"),
]


@pytest.mark.parametrize(("data", "name", "message"), REFUSED_FILES)
def test_a_bad_file_imports_nobody_and_says_what_to_fix(admin, directory, data, name, message):
    before = len(directory.list_users(limit=200)["items"])
    body = data.encode() if isinstance(data, str) else data

    response = _post(admin, "/admin/import", {"file": (body, name)})

    assert response.status_code == 422
    assert "No user was imported." in _text(response)
    assert any(message in item for item in re.findall(r"<li data-key[^>]*>([^<]*)</li>", _text(response)))
    assert len(directory.list_users(limit=200)["items"]) == before


def test_an_import_without_a_file_asks_for_one(admin, directory):
    response = _post(admin, "/admin/import", {}, lang="zh-CN")

    assert response.status_code == 422
    assert "请选择要导入的 CSV 或 XLSX 文件" in _text(response)


def test_the_import_page_offers_a_progress_bar(admin, directory):
    page = _text(admin.get("/admin/import?lang=en"))

    assert '<progress max="100" value="0">' in page
    assert 'data-uploading="Uploading… {percent}%"' in page
    assert "/static/admin.js" in page


# audit


def test_the_audit_log_filters_by_who_what_which_and_when(app, admin, directory, group):
    _post(admin, "/admin/users/agent01/password", {"password": "fresh-password-1"})

    by_admin = _text(admin.get("/admin/audit?actor=admin&action=user.*"))
    about_agent = _text(admin.get("/admin/audit?subject=user:agent01"))
    about_group = _text(admin.get("/admin/audit?subject=group:工程部"))
    future = _text(admin.get("/admin/audit?since=2999-01-01"))
    past = _text(admin.get("/admin/audit?until=2000-01-01 10:00"))

    assert re.findall(r'data-action="([^"]+)"', by_admin) == ["user.password_set"]
    assert '<td class="subject">user:agent01</td>' in by_admin
    assert "user.password_set" in re.findall(r'data-action="([^"]+)"', about_agent)
    assert "user.create" in re.findall(r'data-action="([^"]+)"', about_agent)
    assert re.findall(r'data-action="([^"]+)"', about_group) == ["group.member_add", "group.create"]
    assert 'data-action="' not in future
    assert 'data-action="' not in past


def test_the_audit_log_pages_fifty_events_at_a_time(app, admin, directory):
    for n in range(60):
        directory.set_on_duty("agent01", n % 2 == 0)

    first = admin.get("/admin/audit?action=user.on_duty")
    link = html.unescape(re.search(r'rel="next" href="([^"]+)"', first.get_data(as_text=True)).group(1))
    second = admin.get(link)

    assert len(re.findall(r"data-action=", first.get_data(as_text=True))) == 50
    assert "action=user.on_duty" in link
    assert len(re.findall(r"data-action=", second.get_data(as_text=True))) == 10


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("since=yesterday", "since", "Write a date like 2026-11-25"),
        ("until=2026-13-45", "until", "Write a date like 2026-11-25"),
        ("cursor=abc", "cursor", "That page link is no longer valid"),
    ],
)
def test_bad_audit_filters_are_explained_not_crashed_on(admin, directory, query, field, message):
    response = admin.get(f"/admin/audit?{query}&lang=en")

    assert response.status_code == 422
    assert message in _text(response)


def test_overlong_filters_and_search_terms_are_cut_not_crashed_on(admin, directory):
    long = "x" * 100_000

    responses = [
        admin.get(f"/admin/audit?actor={long}&action={long}&subject={long}"),
        admin.get(f"/admin/users?q={long}"),
    ]

    assert [r.status_code for r in responses] == [200, 200]


def test_an_administrator_grants_the_builder_role_of_an_app(app, admin, directory):
    page = admin.get("/admin/users/new").get_data(as_text=True)

    response = _post(admin, "/admin/users/new", {"login": "maker", "locale": "en", "roles": "property_repair:builder"})

    assert 'value="property_repair:builder"' in page
    assert response.status_code == 201
    assert directory.get_user("maker")["roles"] == ["property_repair:builder"]
