"""Publishing creates each form's own table and evolves it additively, never losing data."""

import copy

import pytest
from sqlalchemy import inspect, text

from engine.errors import DefinitionError
from engine.services.apps import AppService
from tests.docs.test_app_format_doc import example_package


def _columns(database, table: str) -> dict[str, str]:
    with database.engine.connect() as connection:
        return {c["name"]: str(c["type"]) for c in inspect(connection).get_columns(table)}


INSERT_DEVICE = (
    "INSERT INTO inspection__device (uuid, app_version, created_at, updated_at, created_by, updated_by, lock_version, "
    "code, name) VALUES (:uuid, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 'u', 'u', 1, :code, :name)"
)


def _tables(database) -> set[str]:
    with database.engine.connect() as connection:
        return set(inspect(connection).get_table_names())


def test_each_form_gets_its_own_table_with_typed_columns(database, property_package):
    AppService(database).import_package(property_package, actor="test")

    assert {
        "property_repair__community",
        "property_repair__building",
        "property_repair__room",
        "property_repair__spare_part",
        "property_repair__kb_article",
        "property_repair__repair_order",
        "property_repair__repair_order__parts_used",
    } <= _tables(database)
    columns = _columns(database, "property_repair__repair_order")
    assert {
        "id",
        "uuid",
        "app_version",
        "created_at",
        "updated_at",
        "created_by",
        "updated_by",
        "lock_version",
        "deleted_at",
        "phone",
        "room",
        "total_cost",
        "media",
    } <= set(columns)
    assert "staff_section" not in columns and "parts_used" not in columns and "reported_at" not in columns
    assert columns["total_cost"].upper().startswith("NUMERIC(18, 2)")


def test_a_multiple_relation_gets_a_link_table(database):
    package = example_package()
    package["forms"][0]["fields"].append({"id": "spares", "type": "relation", "target": "device", "multiple": True})
    AppService(database).import_package(package, actor="test")

    assert "inspection__device__spares" in _tables(database)


def test_the_bundled_app_upgrades_an_install_that_still_had_a_list_of_teams(database, property_package):
    """The app dropped its repair_group list (the teams are the directory's groups): publishing it over
    an install that had it leaves the old table and column in place instead of refusing."""
    first = copy.deepcopy(property_package)
    order = next(f for f in first["forms"] if f["id"] == "repair_order")
    order["fields"].append({"id": "dispatch_group", "type": "relation", "target": "repair_group"})
    first["forms"].append({"id": "repair_group", "name": "维修班组", "fields": [{"id": "name", "type": "text"}]})
    store = AppService(database)
    store.import_package(first, actor="test")

    assert store.import_package(property_package, actor="test").outcome == "updated"
    assert "dispatch_group" in _columns(database, "property_repair__repair_order")


def test_relations_are_real_foreign_keys(database, property_package):
    AppService(database).import_package(property_package, actor="test")

    with database.engine.connect() as connection:
        keys = inspect(connection).get_foreign_keys("property_repair__room")

    assert [(k["constrained_columns"], k["referred_table"]) for k in keys] == [
        (["building"], "property_repair__building")
    ]


def test_a_new_field_adds_a_column_and_keeps_the_rows(database):
    store = AppService(database)
    package = example_package()
    store.import_package(package, actor="test")
    with database.engine.begin() as connection:
        connection.execute(text(INSERT_DEVICE), {"uuid": "a1", "code": "D-1", "name": "水泵"})
    changed = copy.deepcopy(package)
    changed["forms"][0]["fields"].append({"id": "floor", "type": "number", "precision": 0})
    changed["forms"].append({"id": "spare", "name": "备件", "fields": [{"id": "code", "type": "text"}]})

    store.import_package(changed, actor="test")

    assert "floor" in _columns(database, "inspection__device")
    assert "inspection__spare" in _tables(database)
    with database.engine.connect() as connection:
        assert connection.execute(text("SELECT code, name, floor FROM inspection__device")).all() == [
            ("D-1", "水泵", None)
        ]


def test_a_removed_field_keeps_its_column_and_data(database):
    store = AppService(database)
    package = example_package()
    store.import_package(package, actor="test")
    changed = copy.deepcopy(package)
    changed["forms"][0]["fields"] = [f for f in changed["forms"][0]["fields"] if f["id"] != "location"]

    store.import_package(changed, actor="test")

    assert "location" in _columns(database, "inspection__device")


def test_changing_a_field_type_is_refused_and_changes_nothing(database):
    store = AppService(database)
    package = example_package()
    store.import_package(package, actor="test")
    changed = copy.deepcopy(package)
    changed["forms"][0]["fields"][1] = {"id": "name", "type": "number"}

    with pytest.raises(DefinitionError) as caught:
        store.import_package(changed, actor="test")

    assert caught.value.problems[0].message == (
        "field 'name' of form 'device' would change from text of up to 200 characters to a number with 6 decimal "
        "places; existing records cannot be converted safely — add a new field instead and keep the old one"
    )
    assert [v.number for v in store.versions("inspection")] == [1]


def test_a_longer_text_limit_widens_the_column(database):
    store = AppService(database)
    package = example_package()
    store.import_package(package, actor="test")
    changed = copy.deepcopy(package)
    changed["forms"][0]["fields"][0]["max_length"] = 80

    store.import_package(changed, actor="test")

    if database.dialect == "postgresql":
        assert _columns(database, "inspection__device")["code"] == "VARCHAR(80)"
    assert [v.number for v in store.versions("inspection")] == [1, 2]


def test_a_new_unique_index_over_duplicates_is_refused_cleanly(database):
    store = AppService(database)
    package = example_package()
    store.import_package(package, actor="test")
    with database.engine.begin() as connection:
        for n in (1, 2):
            connection.execute(text(INSERT_DEVICE), {"uuid": f"u{n}", "code": f"D-{n}", "name": "同名"})
    changed = copy.deepcopy(package)
    changed["forms"][0]["indexes"] = [{"fields": ["name"], "unique": True}]

    with pytest.raises(DefinitionError) as caught:
        store.import_package(changed, actor="test")

    assert caught.value.code == "publish_refused"
    assert [v.number for v in store.versions("inspection")] == [1]


def test_a_field_removed_and_added_back_with_another_type_is_refused_at_its_pointer(database):
    store = AppService(database)
    package = _with_note(example_package())
    store.import_package(package, actor="test")
    removed = copy.deepcopy(package)
    removed["forms"][0]["fields"].pop()
    store.import_package(removed, actor="test")
    retyped = copy.deepcopy(removed)
    retyped["forms"][0]["fields"].append({"id": "note", "type": "number"})

    with pytest.raises(DefinitionError) as caught:
        store.import_package(retyped, actor="test")

    (found,) = caught.value.problems
    assert (found.pointer, found.code) == (
        f"/forms/0/fields/{len(retyped['forms'][0]['fields']) - 1}",
        "form.returning_field_retyped",
    )
    assert found.message == (
        "field 'note' of form 'device' was removed after version 1, where it held text of up to 200 characters; "
        "its column still keeps those records' values, so it cannot come back as a number with 6 decimal places "
        "— give the field a new id (it gets a column of its own)"
    )
    assert [v.number for v in store.versions("inspection")] == [1, 2]


def test_a_field_added_back_with_its_old_type_finds_its_old_values(database):
    store = AppService(database)
    package = _with_note(example_package())
    store.import_package(package, actor="test")
    with database.engine.begin() as connection:
        connection.execute(text(INSERT_DEVICE), {"uuid": "a1", "code": "D-1", "name": "水泵"})
        connection.execute(text("UPDATE inspection__device SET note = '旧备注'"))
    removed = copy.deepcopy(package)
    removed["forms"][0]["fields"].pop()
    store.import_package(removed, actor="test")

    assert store.import_package(package, actor="test").version == 3

    with database.engine.connect() as connection:
        assert connection.execute(text("SELECT note FROM inspection__device")).scalar() == "旧备注"


def _with_note(package):
    package["forms"][0]["fields"].append({"id": "note", "type": "text", "label": "备注"})
    return package
