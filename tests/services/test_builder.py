"""The builder's drafts, publishing, history and bundled upgrades, on SQLite and PostgreSQL."""

import copy

import pytest
from sqlalchemy import select

from engine.errors import ConflictError, DefinitionError, NotFoundError, PermissionDeniedError
from engine.principal import Principal
from engine.services.builder import person_named
from engine.storage.tables import AuditEventRow

ADMIN = Principal(id="admin", is_admin=True)
APP = "property_repair"


@pytest.fixture
def bundled(services, property_package):
    services.apps.import_package(property_package, actor="cli:ops", origin="bundled")
    return property_package


#: builders' names, not their logins, are what the builder shows
NAMES = {"li": "李明", "wang": "王芳", "zhao": "赵强"}


def _builder(services, login, app_id=APP):
    directory = services.directory
    user = directory.create_user(login, "builder-password-1", name=NAMES[login])
    directory.grant_role(user, app_id, "builder")
    return directory.principal_for(user)


def _actions(services, app_id=APP):
    with services.database.engine.connect() as connection:
        rows = connection.execute(select(AuditEventRow.action).where(AuditEventRow.subject_id == app_id))
        return [action for (action,) in rows]


def _with_field(document, field_id="floor_note"):
    changed = copy.deepcopy(document)
    form = next(f for f in changed["forms"] if f["id"] == "room")
    form["fields"].append({"id": field_id, "type": "text", "label": {"zh-CN": "楼层备注", "en": "Floor note"}})
    return changed


def test_opening_the_bundled_app_and_publishing_without_a_change_says_unchanged(services, bundled):
    draft = services.builder.draft(ADMIN, APP, "zh-CN")

    preview = services.builder_publish.preview(ADMIN, APP, draft["revision"], "zh-CN")
    result = services.builder_publish.publish(ADMIN, APP, draft["revision"], "zh-CN")

    assert (draft["revision"], draft["based_on_version"], draft["problems"]) == (1, 1, [])
    assert (preview["unchanged"], preview["changes"], preview["tables"], preview["problems"]) == (True, [], [], [])
    assert (result.outcome, result.version) == ("unchanged", 1)


def test_a_second_builder_saving_a_stale_revision_is_told_who_and_what(services, bundled):
    first, second = _builder(services, "li"), _builder(services, "wang")
    opened = services.builder.draft(first, APP, "zh-CN")
    services.builder.draft(second, APP, "zh-CN")
    saved = services.builder.save_draft(first, APP, _with_field(opened["document"]), 1, "zh-CN")

    with pytest.raises(ConflictError) as caught:
        services.builder.save_draft(second, APP, opened["document"], 1, "zh-CN")

    assert saved == {"revision": 2, "problems": [], "warnings": []}
    details = caught.value.details
    assert (details["current_revision"], details["changed_by"]) == (2, "李明")
    assert caught.value.localized("zh-CN") == (
        "您打开“property_repair”的草稿后，李明 又保存了它（现在是第 2 次修订）：请先查看对方的修改再保存。"
    )
    assert str(caught.value).startswith("李明 saved the draft of “property_repair”")
    assert [(c["kind"], c["label"], c["detail"]) for c in details["changes"]] == [
        ("added", "房屋 › 楼层备注", "新增字段")
    ]
    again = services.builder.draft(second, APP, "en")
    assert (again["document"], again["updated_by"], again["who"]) == (
        _with_field(opened["document"]),
        f"user:{first.id}",
        "李明",
    )
    (item,) = services.builder.workspace(second, "en")["items"]
    assert (item["draft"]["revision"], item["draft"]["updated_by"]) == (2, "李明")


def test_previewing_or_publishing_a_stale_revision_names_who_saved_since(services, bundled):
    first, second = _builder(services, "li"), _builder(services, "wang")
    opened = services.builder.draft(first, APP, "en")
    services.builder.save_draft(second, APP, _with_field(opened["document"]), 1, "en")

    with pytest.raises(ConflictError) as previewing:
        services.builder_publish.preview(first, APP, 1, "en")
    with pytest.raises(ConflictError) as publishing:
        services.builder_publish.publish(first, APP, 1, "en")

    for caught in (previewing, publishing):
        assert (caught.value.details["current_revision"], caught.value.details["changed_by"]) == (2, "王芳")
        assert caught.value.localized("en").startswith("王芳 saved the draft of “property_repair”")


def test_who_the_directory_does_not_know_is_shown_as_stored(services, bundled):
    services.builder.draft(ADMIN, APP, "en")  # the administrator of these tests is nobody in the directory

    assert services.builder.draft(ADMIN, APP, "en")["who"] == "user:admin"
    assert person_named(services.directory, "cli:ops") == "cli:ops"
    assert person_named(services.directory, "li") == "li"
    _builder(services, "li")
    assert person_named(services.directory, "li") == "李明"


def test_publishing_a_change_previews_it_then_makes_a_builder_version(services, bundled):
    draft = services.builder.draft(ADMIN, APP, "en")
    services.builder.save_draft(ADMIN, APP, _with_field(draft["document"]), 1, "en")

    preview = services.builder_publish.preview(ADMIN, APP, 2, "en")
    result = services.builder_publish.publish(ADMIN, APP, 2, "en")
    again = services.builder_publish.publish(ADMIN, APP, 2, "en")

    assert preview["unchanged"] is False
    assert [(c["kind"], c["label"]) for c in preview["changes"]] == [("added", "Room › Floor note")]
    assert [(t["action"], t["name"], t["detail"]) for t in preview["tables"]] == [
        ("add_column", "floor_note", "new column floor_note in property_repair__room")
    ]
    assert (result.outcome, result.version, again.outcome) == ("updated", 2, "unchanged")
    versions = services.builder_publish.versions(ADMIN, APP)
    assert [(v["version"], v["origin"], v["current"]) for v in versions] == [
        (1, "bundled", False),
        (2, "builder", True),
    ]
    assert services.builder.draft(ADMIN, APP, "en")["based_on_version"] == 2
    assert {"builder.draft_save", "builder.publish"} <= set(_actions(services))


def test_an_invalid_draft_is_refused_with_pointers_and_publishes_nothing(services, bundled):
    draft = services.builder.draft(ADMIN, APP, "en")
    broken = copy.deepcopy(draft["document"])
    broken["forms"][0]["fields"][0]["type"] = "no_such_type"
    saved = services.builder.save_draft(ADMIN, APP, broken, 1, "zh-CN")

    with pytest.raises(DefinitionError) as caught:
        services.builder_publish.publish(ADMIN, APP, 2, "en")

    assert saved["problems"][0]["pointer"] == "/forms/0/fields/0/type"
    assert caught.value.problems[0].pointer == "/forms/0/fields/0/type"
    assert [v["version"] for v in services.builder_publish.versions(ADMIN, APP)] == [1]


def test_a_rollback_publishes_an_earlier_document_as_a_new_version(services, bundled):
    services.builder.draft(ADMIN, APP, "en")
    services.builder.save_draft(ADMIN, APP, _with_field(bundled), 1, "en")
    services.builder_publish.publish(ADMIN, APP, 2, "en")

    result = services.builder_publish.rollback(ADMIN, APP, 1)

    assert (result.outcome, result.version) == ("updated", 3)
    assert services.apps.export(APP) == services.apps.export(APP, 1)
    assert services.builder_publish.versions(ADMIN, APP)[-1]["origin"] == "rollback"
    diff = services.builder_publish.diff(ADMIN, APP, 2, 3, "en")["changes"]
    assert [(c["kind"], c["label"]) for c in diff] == [("removed", "Room › Floor note")]
    assert "builder.rollback" in _actions(services)


def test_a_newer_bundled_package_is_merged_into_the_companys_version(services, bundled):
    services.builder.draft(ADMIN, APP, "en")
    services.builder.save_draft(ADMIN, APP, _with_field(bundled), 1, "en")
    services.builder_publish.publish(ADMIN, APP, 2, "en")
    newer = copy.deepcopy(bundled)
    newer["version"] = "0.2.0"
    newer["roles"].append({"id": "auditor", "name": {"zh-CN": "审计", "en": "Auditor"}})

    result = services.apps.import_package(newer, actor="cli:ops", origin="bundled")
    again = services.apps.import_package(newer, actor="cli:ops", origin="bundled")

    assert (result.outcome, result.version, again.outcome) == ("merged", 4, "unchanged")
    current = services.apps.export(APP)
    assert current["version"] == "0.2.0" and current["roles"][-1]["id"] == "auditor"
    assert "floor_note" in [f["id"] for f in next(f for f in current["forms"] if f["id"] == "room")["fields"]]
    origins = [(v["version"], v["origin"]) for v in services.builder_publish.versions(ADMIN, APP)]
    assert origins == [(1, "bundled"), (2, "builder"), (3, "bundled"), (4, "builder")]
    (item,) = services.builder.workspace(ADMIN, "en")["items"]
    assert item["upgrade"] is None
    assert "app.upgrade_merged" in _actions(services)


def test_a_conflicting_bundled_package_keeps_the_companys_version_and_says_why(services, bundled):
    services.builder.draft(ADMIN, APP, "en")
    ours = copy.deepcopy(bundled)
    ours["roles"][1]["name"]["en"] = "Front desk"
    services.builder.save_draft(ADMIN, APP, ours, 1, "en")
    services.builder_publish.publish(ADMIN, APP, 2, "en")
    newer = copy.deepcopy(bundled)
    newer["roles"][1]["name"]["en"] = "Service desk"

    result = services.apps.import_package(newer, actor="cli:ops", origin="bundled")

    assert (result.outcome, result.version) == ("kept", 2)
    assert [(c["path"], c["label"]) for c in result.conflicts] == [("/roles/1/name/en", "Front desk")]
    assert services.apps.export(APP)["roles"][1]["name"]["en"] == "Front desk"
    (item,) = services.builder.workspace(ADMIN, "zh-CN")["items"]
    assert item["upgrade"] == {
        "version": 3,
        "conflicts": [
            {
                "area": "role",
                "path": "/roles/1/name/en",
                "label": "客服",
                "detail": "贵公司的版本和新的内置版本都修改了这里",
            }
        ],
    }
    assert "app.upgrade_kept" in _actions(services)


def test_a_builder_creates_an_app_and_becomes_its_builder(services, bundled):
    someone = _builder(services, "zhao")

    draft = services.builder.create_app(someone, "visits", {"zh-CN": "来访", "en": "Visits"}, "en")
    again = services.directory.principal_for(someone.id)

    assert draft["document"] == {
        "format": "trellis.app/1",
        "id": "visits",
        "version": "0.1.0",
        "name": {"zh-CN": "来访", "en": "Visits"},
        "roles": [],
        "forms": [],
    }
    assert "builder" in again.roles_in("visits")
    assert [i["id"] for i in services.builder.workspace(again, "en")["items"]] == ["property_repair", "visits"]
    result = services.builder_publish.publish(again, "visits", 1, "en")
    assert (result.outcome, result.version) == ("created", 1)
    assert "builder.app_create" in _actions(services, "visits")


def test_people_without_the_builder_role_are_refused(services, bundled):
    user = services.directory.create_user("owner1", "owner-password-1", name="业主")
    services.directory.grant_role(user, APP, "owner")
    owner = services.directory.principal_for(user)

    with pytest.raises(PermissionDeniedError):
        services.builder.draft(owner, APP, "en")
    with pytest.raises(PermissionDeniedError):
        services.builder.create_app(owner, "mine", {"zh-CN": "我的", "en": "Mine"}, "en")
    assert services.builder.workspace(owner, "en") == {"items": [], "may_create": False}
    with pytest.raises(NotFoundError):
        services.builder.draft(ADMIN, "no_such_app", "en")


def test_a_draft_opened_before_a_newer_version_keeps_that_version_when_published(services, bundled):
    draft = services.builder.draft(ADMIN, APP, "en")
    newer = copy.deepcopy(bundled)
    newer["roles"].append({"id": "auditor", "name": {"zh-CN": "审计", "en": "Auditor"}})
    services.apps.import_package(newer, actor="user:other")
    services.builder.save_draft(ADMIN, APP, _with_field(draft["document"]), 1, "en")

    result = services.builder_publish.publish(ADMIN, APP, 2, "en")

    published = services.apps.export(APP)
    assert (result.outcome, result.version) == ("updated", 3)
    assert published["roles"][-1]["id"] == "auditor"
    assert published == _with_field(newer)
    after = services.builder.draft(ADMIN, APP, "en")
    assert (after["revision"], after["based_on_version"], after["document"]) == (3, 3, published)


def test_a_draft_conflicting_with_a_newer_version_is_refused_at_its_pointer(services, bundled):
    draft = services.builder.draft(ADMIN, APP, "en")
    newer = copy.deepcopy(bundled)
    newer["roles"][1]["name"]["en"] = "Service desk"
    services.apps.import_package(newer, actor="user:other")
    ours = copy.deepcopy(draft["document"])
    ours["roles"][1]["name"]["en"] = "Front desk"
    services.builder.save_draft(ADMIN, APP, ours, 1, "en")

    preview = services.builder_publish.preview(ADMIN, APP, 2, "zh-CN")
    with pytest.raises(DefinitionError) as caught:
        services.builder_publish.publish(ADMIN, APP, 2, "en")

    assert preview["problems"] == [
        {
            "pointer": "/roles/1/name/en",
            "message": "“客服”在本草稿打开之后发布的第 2 版中也被修改了：请先在草稿中处理，再发布",
        }
    ]
    assert [(p.pointer, p.code) for p in caught.value.problems] == [("/roles/1/name/en", "builder.publish_conflict")]
    assert services.apps.export(APP)["roles"][1]["name"]["en"] == "Service desk"
