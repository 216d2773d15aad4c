"""Importing, exporting and versioning app packages, on every back-end."""

import copy

import pytest
from sqlalchemy import func, select

from engine.errors import NotFoundError
from engine.packages import PackageInvalidError, dumps
from engine.services.apps import AppService
from engine.storage.tables import AppRow, AppVersionRow, AuditEventRow
from tests.conftest import PROPERTY_APP


def _counts(database) -> dict[str, int]:
    with database.transaction() as session:
        return {
            row.__tablename__: session.scalar(select(func.count()).select_from(row))
            for row in (AppRow, AppVersionRow, AuditEventRow)
        }


def test_first_import_creates_version_one(database, property_package):
    store = AppService(database)

    result = store.import_package(property_package, actor="test")

    assert result.as_dict() == {"app_id": "property_repair", "version": 1, "outcome": "created"}
    assert [v.number for v in store.versions("property_repair")] == [1]


def test_export_of_an_import_is_the_same_document(database, property_package):
    store = AppService(database)
    store.import_package(property_package, actor="test")

    assert store.export("property_repair") == property_package
    assert store.export_text("property_repair") == PROPERTY_APP.read_text(encoding="utf-8")


def test_reimporting_an_unchanged_package_changes_nothing(database, property_package):
    store = AppService(database)
    store.import_package(property_package, actor="test")
    before = _counts(database)

    moved = dict(reversed(list(property_package.items())))  # same content, keys in another order
    result = store.import_package(moved, actor="test")

    assert result.outcome == "unchanged"
    assert result.version == 1
    assert _counts(database) == before


def test_a_changed_package_publishes_a_new_version_and_keeps_the_old(database, property_package):
    store = AppService(database)
    store.import_package(property_package, actor="alice")
    changed = copy.deepcopy(property_package)
    changed["version"] = "0.2.0"
    changed["forms"][0]["fields"].append({"id": "district", "type": "text", "label": "区"})

    result = store.import_package(changed, actor="bob")

    assert result.as_dict() == {"app_id": "property_repair", "version": 2, "outcome": "updated"}
    assert [(v.number, v.package_version, v.created_by) for v in store.versions("property_repair")] == [
        (1, "0.1.0", "alice"),
        (2, "0.2.0", "bob"),
    ]
    assert store.export("property_repair", 1) == property_package
    assert store.export("property_repair") == changed


def test_every_import_is_audited(database, property_package):
    store = AppService(database)
    store.import_package(property_package, actor="alice")
    store.export_text("property_repair", actor="bob")

    with database.transaction() as session:
        events = [
            (e.actor, e.action, e.subject_id) for e in session.scalars(select(AuditEventRow).order_by(AuditEventRow.id))
        ]

    assert events == [("alice", "app.import", "property_repair"), ("bob", "app.export", "property_repair")]


def test_an_invalid_package_leaves_the_database_untouched(database, property_package):
    store = AppService(database)
    broken = copy.deepcopy(property_package)
    broken["flows"][0]["edges"][0]["target"] = "acept"

    with pytest.raises(PackageInvalidError) as caught:
        store.import_package(broken, actor="test")

    assert caught.value.problems[0].line() == "/flows/0/edges/0/target: unknown node 'acept' (did you mean 'accept'?)"
    assert _counts(database) == {"trellis_apps": 0, "trellis_app_versions": 0, "trellis_audit_events": 0}


def test_a_failure_half_way_leaves_no_rows(database, property_package, monkeypatch):
    store = AppService(database)

    def audit_fails(*args, **kwargs):
        raise OSError("disk full while writing the audit event")

    monkeypatch.setattr(store, "audit", audit_fails)  # fault injection after the app and version rows
    with pytest.raises(OSError):
        store.import_package(property_package, actor="test")

    assert _counts(database) == {"trellis_apps": 0, "trellis_app_versions": 0, "trellis_audit_events": 0}


def test_a_failed_update_keeps_the_previous_version_current(database, property_package, monkeypatch):
    store = AppService(database)
    store.import_package(property_package, actor="test")
    changed = copy.deepcopy(property_package)
    changed["version"] = "0.2.0"
    monkeypatch.setattr(store, "audit", lambda *a, **k: (_ for _ in ()).throw(OSError("lost connection")))

    with pytest.raises(OSError):
        store.import_package(changed, actor="test")

    assert [v.number for v in store.versions("property_repair")] == [1]
    assert store.export_text("property_repair") == dumps(property_package)


def test_unknown_app_and_version_are_not_found(database, property_package):
    store = AppService(database)
    store.import_package(property_package, actor="test")

    with pytest.raises(NotFoundError) as no_app:
        store.versions("propery_repair")
    with pytest.raises(NotFoundError) as no_version:
        store.export("property_repair", 7)

    assert no_app.value.message == "there is no app 'propery_repair'; `trellis import` installs one"
    assert no_version.value.message == "app 'property_repair' has no version 7"


def test_list_apps(database, property_package):
    store = AppService(database)
    store.import_package(property_package, actor="test")

    listed = store.list_apps()

    assert [(a["id"], a["current_version"], a["name"]["zh-CN"]) for a in listed] == [
        ("property_repair", 1, "物业报修与客服")
    ]


def test_concurrent_imports_of_one_change_publish_one_version(database, property_package):
    from concurrent.futures import ThreadPoolExecutor

    from engine.errors import ConflictError

    store = AppService(database)
    store.import_package(property_package, actor="test")
    changed = copy.deepcopy(property_package)
    changed["version"] = "0.3.0"

    def attempt(_):
        try:
            return store.import_package(changed, actor="test").outcome
        except ConflictError:
            return "conflict"

    with ThreadPoolExecutor(max_workers=4) as pool:
        outcomes = sorted(pool.map(attempt, range(4)))

    assert outcomes.count("updated") == 1
    assert set(outcomes) <= {"updated", "unchanged", "conflict"}
    assert [v.number for v in store.versions("property_repair")] == [1, 2]


def test_an_old_format_package_is_stored_upgraded_and_exported_as_stored(database, monkeypatch):
    from engine.packages import format_upgrade
    from tests.packages.test_format_upgrade import GOLDEN, golden_chain, read

    monkeypatch.setattr(format_upgrade, "FORMATS", golden_chain())
    store = AppService(database)

    result = store.import_package(read("trellis.app-0.json"), actor="test")
    again = store.import_package(read("trellis.app-0.upgraded.json"), actor="test")

    assert (result.outcome, again.outcome) == ("created", "unchanged")
    assert store.export_text("leave") == (GOLDEN / "trellis.app-0.upgraded.json").read_text(encoding="utf-8")
    with database.transaction() as session:
        details = session.scalars(select(AuditEventRow.details)).one()
    assert details["format_upgrades"] == ["trellis.app/1"]


def test_a_refused_publication_reads_in_either_language():
    from engine.forms.spec import FormSpec
    from engine.packages.messages import localize
    from engine.storage.form_tables import PublishRefusedError, evolution_problems, refuse

    before = {"id": "device", "name": "D", "fields": [{"id": "name", "type": "text", "label": "N"}]}
    after = {**before, "fields": [{"id": "name", "type": "number", "label": "N"}]}
    found = evolution_problems(
        {"device": FormSpec.from_definition("a", before)}, [(0, FormSpec.from_definition("a", after))]
    )

    with pytest.raises(PublishRefusedError) as caught:
        refuse(found)

    assert caught.value.localized("zh-CN") == (
        "新版本无法发布:表单“device”的字段“name”将从最多 200 个字符的文本改为保留 6 位小数的数字;"
        "已有记录无法安全转换——请改为新增一个字段并保留旧字段"
    )
    assert str(caught.value).startswith("the new version cannot be published: field 'name' of form 'device'")
    assert localize(found[0], "zh-CN").message.startswith("表单“device”的字段“name”")
