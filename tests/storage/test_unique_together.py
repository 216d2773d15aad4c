"""unique_together on SQLite and PostgreSQL: the index on the form's table, 422 on a duplicate
create or update (also when two writers race), and publishing a rule over stored duplicates."""

import threading

import pytest
from sqlalchemy import inspect

from engine.errors import DefinitionError, SubmissionError
from engine.principal import LOCAL_ADMIN
from engine.services.apps import AppService
from engine.services.records import RecordService
from engine.storage.catalog import AppCatalog
from tests.unique_together_app import package

ADMIN = LOCAL_ADMIN
APP = "assets"
TAKEN_EN = "another record already has the same Community, Code; each combination may be used once"


@pytest.fixture
def records(database) -> RecordService:
    AppService(database).import_package(package(), actor="test")
    return RecordService(database, AppCatalog())


@pytest.fixture
def communities(records) -> tuple[int, int]:
    first, _ = records.create(ADMIN, APP, "community", {"name": "阳光花园"})
    second, _ = records.create(ADMIN, APP, "community", {"name": "翠苑"})
    return first["id"], second["id"]


def _unique_indexes(database, table: str) -> list[list[str]]:
    with database.engine.connect() as connection:
        return [ix["column_names"] for ix in inspect(connection).get_indexes(table) if ix["unique"]]


def test_the_rule_is_a_unique_index_on_the_form_table(database, records):
    assert ["community", "code"] in _unique_indexes(database, "assets__equipment")


def test_a_duplicate_create_names_both_fields(records, communities):
    sunny, green = communities
    records.create(ADMIN, APP, "equipment", {"community": sunny, "code": "E-1", "name": "水泵"})
    records.create(ADMIN, APP, "equipment", {"community": green, "code": "E-1", "name": "水泵"})  # other community

    with pytest.raises(SubmissionError) as caught:
        records.create(ADMIN, APP, "equipment", {"community": sunny, "code": "E-1", "name": "另一台"}, locale="en")

    assert caught.value.field_errors == {"community": [TAKEN_EN], "code": [TAKEN_EN]}


def test_the_refusal_speaks_chinese(records, communities):
    sunny, _ = communities
    records.create(ADMIN, APP, "equipment", {"community": sunny, "code": "E-1"})

    with pytest.raises(SubmissionError) as caught:
        records.create(ADMIN, APP, "equipment", {"community": sunny, "code": "E-1"}, locale="zh-CN")

    assert caught.value.field_errors["code"] == ["已有其他记录使用了相同的小区、编码组合;每种组合只能使用一次"]


def test_an_empty_field_never_clashes(records, communities):
    sunny, _ = communities
    for _ in range(2):
        records.create(ADMIN, APP, "equipment", {"community": sunny, "name": "无编码"})
        records.create(ADMIN, APP, "equipment", {"code": "E-9"})


def test_a_duplicate_update_is_refused_and_changes_nothing(records, communities):
    sunny, green = communities
    records.create(ADMIN, APP, "equipment", {"community": sunny, "code": "E-1"})
    other, _ = records.create(ADMIN, APP, "equipment", {"community": green, "code": "E-1"})

    with pytest.raises(SubmissionError) as caught:
        records.update(ADMIN, APP, "equipment", other["id"], {"community": sunny}, expected_version=1, locale="en")

    assert caught.value.field_errors == {"community": [TAKEN_EN], "code": [TAKEN_EN]}
    assert records.get(ADMIN, APP, "equipment", other["id"])["data"]["community"] == green
    renamed = records.update(ADMIN, APP, "equipment", other["id"], {"name": "改名"}, expected_version=1)
    assert renamed["version"] == 2  # saving a record against itself is no clash


def test_a_deleted_record_still_holds_its_combination(records, communities):
    sunny, _ = communities
    first, _ = records.create(ADMIN, APP, "equipment", {"community": sunny, "code": "E-1"})
    records.delete(ADMIN, APP, "equipment", first["id"])

    with pytest.raises(SubmissionError):
        records.create(ADMIN, APP, "equipment", {"community": sunny, "code": "E-1"})


def test_two_racing_writers_get_one_record_and_one_422(records, communities):
    sunny, _ = communities
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def attempt(n: int) -> None:
        barrier.wait()
        try:
            records.create(ADMIN, APP, "equipment", {"community": sunny, "code": "RACE", "name": f"#{n}"}, locale="en")
            outcomes.append("created")
        except SubmissionError as exc:
            outcomes.append(exc.field_errors["code"][0])

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == [TAKEN_EN, "created"]


def test_publishing_a_new_rule_adds_the_index(database, communities):
    store = AppService(database)
    records = RecordService(database, AppCatalog())
    store.import_package(package(unique_together=None), actor="test")
    records.create(ADMIN, APP, "equipment", {"community": communities[0], "code": "E-1"})
    records.create(ADMIN, APP, "equipment", {"community": communities[1], "code": "E-1"})

    store.import_package(package(), actor="test")

    assert ["community", "code"] in _unique_indexes(database, "assets__equipment")
    with pytest.raises(SubmissionError):
        records.create(ADMIN, APP, "equipment", {"community": communities[0], "code": "E-1"})


def test_publishing_a_rule_over_stored_duplicates_is_refused_cleanly(database):
    store = AppService(database)
    records = RecordService(database, AppCatalog())
    store.import_package(package(unique_together=None), actor="test")
    community, _ = records.create(ADMIN, APP, "community", {"name": "阳光花园"})
    for name in ("甲", "乙"):
        records.create(ADMIN, APP, "equipment", {"community": community["id"], "code": "E-1", "name": name})

    with pytest.raises(DefinitionError) as caught:
        store.import_package(package(), actor="test")

    assert caught.value.code == "publish_refused"
    assert caught.value.problems[0].code == "form.unique_conflict"
    assert [v.number for v in store.versions(APP)] == [1]
    assert ["community", "code"] not in _unique_indexes(database, "assets__equipment")


def test_the_index_catches_what_the_check_missed_and_still_answers_422(records, communities, monkeypatch):
    """The race made certain: the check before the insert sees nothing, the unique index refuses."""
    sunny, _ = communities
    records.create(ADMIN, APP, "equipment", {"community": sunny, "code": "E-1"})
    real = records.rows.combination_taken
    calls: list[int] = []

    def blind_once(session, form, values, exclude):
        calls.append(1)
        return False if len(calls) == 1 else real(session, form, values, exclude)

    monkeypatch.setattr(records.rows, "combination_taken", blind_once)

    with pytest.raises(SubmissionError) as caught:
        records.create(ADMIN, APP, "equipment", {"community": sunny, "code": "E-1"}, locale="en")

    assert len(calls) == 2  # once before the insert, once after the database refused it
    assert caught.value.field_errors == {"community": [TAKEN_EN], "code": [TAKEN_EN]}


def test_a_unique_index_declared_under_indexes_also_answers_422(database):
    AppService(database).import_package(
        package(unique_together=None, indexes=[{"fields": ["community", "code"], "unique": True}]), actor="test"
    )
    records = RecordService(database, AppCatalog())
    community, _ = records.create(ADMIN, APP, "community", {"name": "阳光花园"})
    records.create(ADMIN, APP, "equipment", {"community": community["id"], "code": "E-1"})

    with pytest.raises(SubmissionError) as caught:
        records.create(ADMIN, APP, "equipment", {"community": community["id"], "code": "E-1"}, locale="en")

    assert caught.value.field_errors == {"community": [TAKEN_EN], "code": [TAKEN_EN]}
