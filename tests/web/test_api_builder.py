"""The builder's API: drafts with revisions, publishing, history; end users refused everywhere."""

import copy
import io
import json

import pytest
from sqlalchemy import select

from engine.storage.tables import AuditEventRow
from tests.conftest import PROPERTY_APP

PROBLEM = "application/problem+json"
BASE = "/api/v1/builder/apps"
APP = "property_repair"
ZH = {"Accept-Language": "zh-CN"}


@pytest.fixture
def installed(client):
    assert (
        client.post("/api/v1/apps", data=PROPERTY_APP.read_bytes(), content_type="application/json").status_code == 201
    )
    return client


def _token_client(app, login, roles, name=None):
    """A client acting as a non-administrator with ``roles`` (``app:role``) through an API token."""
    directory = app.extensions["trellis"].directory
    directory.create_user(login, "some-password-1", name=name or login, roles=[tuple(r.split(":")) for r in roles])
    token, _ = directory.create_token(login, "tests", [f"app:{APP}:write"])
    test_client = app.test_client()
    test_client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    test_client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"
    return test_client


def _with_field(document):
    changed = copy.deepcopy(document)
    room = next(f for f in changed["forms"] if f["id"] == "room")
    room["fields"].append({"id": "floor_note", "type": "text", "label": {"zh-CN": "楼层备注", "en": "Floor note"}})
    return changed


def test_open_the_bundled_app_and_publish_without_a_change_says_unchanged(installed):
    draft = installed.get(f"{BASE}/{APP}/draft").json

    preview = installed.post(f"{BASE}/{APP}/publish/preview", json={"revision": draft["revision"]})
    published = installed.post(f"{BASE}/{APP}/publish", json={"revision": draft["revision"]})

    assert (draft["revision"], draft["based_on_version"], draft["problems"]) == (1, 1, [])
    assert preview.json == {"unchanged": True, "changes": [], "tables": [], "flows": [], "problems": [], "warnings": []}
    assert published.json == {"app_id": APP, "version": 1, "outcome": "unchanged"}


def test_a_concurrent_save_is_a_409_with_who_and_what_changed(installed, app):
    other = _token_client(app, "builder2", [f"{APP}:builder"], name="周敏")
    document = installed.get(f"{BASE}/{APP}/draft").json["document"]
    first = other.put(f"{BASE}/{APP}/draft", json={"document": _with_field(document), "revision": 1})

    second = installed.put(f"{BASE}/{APP}/draft", json={"document": document, "revision": 1})

    assert first.status_code == 200 and first.json == {"revision": 2, "problems": [], "warnings": []}
    assert (second.status_code, second.content_type) == (409, PROBLEM)
    body = second.json
    assert (body["code"], body["current_revision"]) == ("draft_changed", 2)
    assert body["changed_by"] == app.extensions["trellis"].directory.get_user("builder2")["name"] == "周敏"
    assert "周敏" in body["detail"]
    assert [(c["kind"], c["area"], c["label"], c["detail"]) for c in body["changes"]] == [
        ("added", "field", "Room › Floor note", "new field")
    ]
    assert installed.get(f"{BASE}/{APP}/draft").json["who"] == "周敏"
    (item,) = installed.get(BASE).json["items"]
    assert item["draft"]["updated_by"] == "周敏"


def test_publish_rollback_versions_diff_and_export(installed):
    document = installed.get(f"{BASE}/{APP}/draft").json["document"]
    installed.put(f"{BASE}/{APP}/draft", json={"document": _with_field(document), "revision": 1})

    preview = installed.post(f"{BASE}/{APP}/publish/preview", json={"revision": 2}).json
    published = installed.post(f"{BASE}/{APP}/publish", json={"revision": 2}).json
    rolled = installed.post(f"{BASE}/{APP}/rollback", json={"version": 1}).json

    assert preview["unchanged"] is False and [t["action"] for t in preview["tables"]] == ["add_column"]
    assert published == {"app_id": APP, "version": 2, "outcome": "updated"}
    assert rolled == {"app_id": APP, "version": 3, "outcome": "updated"}
    versions = installed.get(f"{BASE}/{APP}/versions").json["items"]
    assert [(v["version"], v["origin"], v["current"], v["created_by"]) for v in versions] == [
        (1, "api", False, "管理员"),  # by name, not "user:<id>"
        (2, "builder", False, "管理员"),
        (3, "rollback", True, "管理员"),
    ]
    diff = installed.get(f"{BASE}/{APP}/diff?from=1&to=2").json["changes"]
    assert [(c["kind"], c["path"]) for c in diff] == [("added", "/forms/2/fields/5")]
    to_draft = installed.get(f"{BASE}/{APP}/diff?from=3").json["changes"]
    assert [c["label"] for c in to_draft] == ["Room › Floor note"]
    exported = installed.get(f"{BASE}/{APP}/export?version=2")
    assert json.loads(exported.data) == _with_field(document)
    assert exported.headers["Content-Disposition"] == f'attachment; filename="{APP}.json"'


def test_an_invalid_draft_is_refused_with_pointers(installed):
    document = installed.get(f"{BASE}/{APP}/draft").json["document"]
    document["forms"][0]["fields"][0]["type"] = "no_such_type"
    saved = installed.put(f"{BASE}/{APP}/draft", json={"document": document, "revision": 1}).json

    refused = installed.post(f"{BASE}/{APP}/publish", json={"revision": 2})

    assert saved["problems"][0]["pointer"] == "/forms/0/fields/0/type"
    assert refused.status_code == 422 and refused.json["errors"][0]["pointer"] == "/forms/0/fields/0/type"


def test_create_import_and_discard(installed, property_package):
    created = installed.post(BASE, json={"id": "visits", "name": {"zh-CN": "来访", "en": "Visits"}})
    imported = installed.post(
        f"{BASE}/import",
        data={"file": (io.BytesIO(json.dumps({**property_package, "id": "copy_app"}).encode()), "x.json")},
        content_type="multipart/form-data",
    )
    taken = installed.post(BASE, json={"id": "visits", "name": {"zh-CN": "来访", "en": "Visits"}})

    assert created.status_code == 201 and created.json["document"]["id"] == "visits"
    assert imported.status_code == 200 and (imported.json["app_id"], imported.json["revision"]) == ("copy_app", 1)
    assert taken.status_code == 409
    listed = installed.get(BASE).json
    assert listed["may_create"] is True
    assert [(i["id"], i["current_version"], i["can_publish"]) for i in listed["items"]] == [
        ("copy_app", None, True),
        (APP, 1, False),
        ("visits", None, True),
    ]
    assert installed.delete(f"{BASE}/visits/draft").status_code == 204
    assert installed.get(f"{BASE}/visits/draft").status_code == 404


def test_the_builder_role_is_granted_for_any_app_and_opens_only_that_app(installed, app):
    builder = _token_client(app, "builder1", [f"{APP}:builder"])

    listed = builder.get(BASE).json

    assert [i["id"] for i in listed["items"]] == [APP] and listed["may_create"] is True
    assert builder.get(f"{BASE}/{APP}/draft").status_code == 200


ROUTES = [
    ("get", BASE, None),
    ("post", BASE, {"id": "mine", "name": {"zh-CN": "我的", "en": "Mine"}}),
    ("post", f"{BASE}/import", json.loads(PROPERTY_APP.read_text(encoding="utf-8"))),
    ("get", f"{BASE}/{APP}/draft", None),
    ("put", f"{BASE}/{APP}/draft", {"document": {}, "revision": 1}),
    ("delete", f"{BASE}/{APP}/draft", None),
    ("post", f"{BASE}/{APP}/publish/preview", {"revision": 1}),
    ("post", f"{BASE}/{APP}/publish", {"revision": 1}),
    ("get", f"{BASE}/{APP}/versions", None),
    ("get", f"{BASE}/{APP}/diff?from=1", None),
    ("post", f"{BASE}/{APP}/rollback", {"version": 1}),
    ("get", f"{BASE}/{APP}/export", None),
]


def test_an_end_user_gets_403_on_every_builder_route(installed, app):
    owner = _token_client(app, "owner1", [f"{APP}:owner"])

    answers = [(path, getattr(owner, method)(path, json=body).status_code) for method, path, body in ROUTES]

    assert [a for a in answers if a[1] != 403] == [(BASE, 200)]  # the workspace lists nothing for them
    assert owner.get(BASE).json == {"items": [], "may_create": False}
    refused = owner.get(f"{BASE}/{APP}/draft").json
    assert refused["detail"] == "您不能搭建应用“property_repair”：请向管理员申请该应用的搭建者角色。"


def test_strangers_are_asked_to_sign_in(anonymous_client):
    assert anonymous_client.get(BASE).status_code == 401
    assert anonymous_client.get(f"{BASE}/{APP}/draft").status_code == 401


def test_what_builders_do_is_audited(installed, app):
    installed.get(f"{BASE}/{APP}/draft")
    installed.put(f"{BASE}/{APP}/draft", json={"document": json.loads(PROPERTY_APP.read_text("utf-8")), "revision": 1})
    installed.post(f"{BASE}/{APP}/publish", json={"revision": 2})
    installed.get(f"{BASE}/{APP}/export")

    with app.extensions["trellis"].database.engine.connect() as connection:
        actions = [a for (a,) in connection.execute(select(AuditEventRow.action).order_by(AuditEventRow.id))]

    assert [a for a in actions if a.startswith("builder.")] == [
        "builder.draft_save",
        "builder.publish",
        "builder.export",
    ]


def test_a_revision_past_the_column_is_stale_not_an_error(installed):
    installed.get(f"{BASE}/{APP}/draft")

    answer = installed.put(f"{BASE}/{APP}/draft", json={"document": {}, "revision": 2**31 - 1})

    assert (answer.status_code, answer.json["current_revision"]) == (409, 1)


def test_a_dispatch_table_without_a_catch_all_row_is_a_warning_not_a_problem(installed):
    document = installed.get(f"{BASE}/{APP}/draft").json["document"]
    flow = next(k for k, f in enumerate(document["flows"]) if f["id"] == "repair")
    node = next(k for k, n in enumerate(document["flows"][flow]["nodes"]) if n["id"] == "repair")
    document["flows"][flow]["nodes"][node]["assignee"]["table"].pop()  # the last row caught the rest
    saved = installed.put(f"{BASE}/{APP}/draft", json={"document": document, "revision": 1}, headers=ZH).json
    reopened = installed.get(f"{BASE}/{APP}/draft", headers=ZH).json
    preview = installed.post(f"{BASE}/{APP}/publish/preview", json={"revision": 2}, headers=ZH).json

    assert saved["problems"] == [] and installed.post(f"{BASE}/{APP}/publish", json={"revision": 2}).status_code == 200
    [warning] = saved["warnings"]
    assert warning["pointer"] == f"/flows/{flow}/nodes/{node}/assignee/table" and "兜底" in warning["message"]
    assert reopened["warnings"] == saved["warnings"] == preview["warnings"]  # said again before publishing


def test_a_draft_problem_names_roles_and_forms_as_the_builder_named_them(installed):
    document = installed.get(f"{BASE}/{APP}/draft").json["document"]
    parts = {"id": "parts", "form": "spare_part", "name": {"zh-CN": "备件", "en": "Parts"}, "roles": ["agent", "owner"]}
    document["views"].append(parts)

    said = {}
    pointer = f"/views/{len(document['views']) - 1}/roles/1"
    for lang in ("zh-CN", "en"):
        saved = installed.put(f"{BASE}/{APP}/draft?lang={lang}", json={"document": document, "revision": 1})
        said[lang] = [p for p in saved.json["problems"] if p["pointer"] == pointer]
        installed.delete(f"{BASE}/{APP}/draft")

    assert [p["message"] for p in said["zh-CN"]] == [
        "角色“业主”不能查看表单“备件”,因此打不开此视图;请授予查看权限或移除该角色"
    ]
    assert "role 'Owner' cannot read form 'Spare part'" in said["en"][0]["message"]
