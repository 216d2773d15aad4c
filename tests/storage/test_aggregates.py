"""Aggregates across records on SQLite and PostgreSQL: the values formulas read, the capacity rule,
the record being saved counted once, the last seat taken once under concurrency, and one SQL
query per aggregate."""

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event as sql_event

from engine.errors import SubmissionError
from engine.principal import LOCAL_ADMIN
from engine.services.apps import AppService
from engine.services.records import RecordService
from engine.storage.catalog import AppCatalog
from engine.storage.record_queries import ListQuery
from tests.sign_up_app import FULL, package

ADMIN = LOCAL_ADMIN
APP = "signup"
AGGREGATE_SQL = re.compile(r"\b(count|sum|min|max)\(.*\bFROM signup__registration\b", re.I | re.S)


@pytest.fixture
def records(database) -> RecordService:
    AppService(database).import_package(package(), actor="test")
    return RecordService(database, AppCatalog())


def _event(records: RecordService, capacity: int, name: str = "读书会") -> int:
    created, _ = records.create(ADMIN, APP, "event", {"name": name, "capacity": capacity})
    return created["id"]


def _register(records: RecordService, event: int, seats: int = 1, name: str = "张三") -> dict:
    created, _ = records.create(ADMIN, APP, "registration", {"event": event, "seats": seats, "name": name}, locale="en")
    return created


def _counts(records: RecordService, event: int) -> dict:
    data = records.get(ADMIN, APP, "event", event)["data"]
    names = ("taken", "seats_left", "registrations", "smallest_party", "largest_party")
    return {name: data[name] for name in names}


@contextmanager
def aggregate_queries(database) -> Iterator[list[str]]:
    """The aggregate statements run over the registration table while the block runs."""
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001
        if AGGREGATE_SQL.search(statement):
            seen.append(statement)

    sql_event.listen(database.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        sql_event.remove(database.engine, "before_cursor_execute", record)


def test_an_event_reads_count_sum_min_and_max_of_its_registrations(records):
    concert, other = _event(records, 10), _event(records, 5, "另一场")
    for seats in (2, 3, 4):
        _register(records, concert, seats)
    _register(records, other, 5)

    assert _counts(records, concert) == {
        "taken": "9",
        "seats_left": "1",
        "registrations": "3",
        "smallest_party": "2",
        "largest_party": "4",
    }


def test_an_event_without_registrations_counts_zero_and_has_no_least_or_greatest(records):
    event = _event(records, 4)

    assert _counts(records, event) == {
        "taken": "0",
        "seats_left": "4",
        "registrations": "0",
        "smallest_party": None,
        "largest_party": None,
    }


def test_deleted_registrations_are_not_counted(records):
    event = _event(records, 10)
    _register(records, event, 2)
    cancelled = _register(records, event, 5)

    records.delete(ADMIN, APP, "registration", cancelled["id"])

    assert _counts(records, event)["taken"] == "2"
    assert _counts(records, event)["largest_party"] == "2"


def test_a_listed_page_of_events_shows_current_counts(records):
    first, second = _event(records, 3), _event(records, 6, "第二场")
    _register(records, first, 3)
    _register(records, second, 1)

    page = records.list_records(ADMIN, APP, "event", ListQuery())

    assert {item["id"]: item["data"]["seats_left"] for item in page["items"]} == {first: "0", second: "5"}


def test_a_registration_beyond_capacity_is_refused_with_the_rules_message(records):
    event = _event(records, 3)
    _register(records, event, 2)

    with pytest.raises(SubmissionError) as caught:
        _register(records, event, 2)

    assert caught.value.field_errors == {"event": [FULL["en"]]}
    assert _counts(records, event)["taken"] == "2"
    _register(records, event, 1)  # the last seat is still there


def test_the_refusal_speaks_the_readers_language(records):
    event = _event(records, 1)
    _register(records, event)

    with pytest.raises(SubmissionError) as caught:
        records.create(ADMIN, APP, "registration", {"event": event}, locale="zh-CN")

    assert caught.value.field_errors == {"event": [FULL["zh-CN"]]}


def test_an_update_counts_the_registration_itself_once(records):
    event = _event(records, 3)
    party = _register(records, event, 2)

    grown = records.update(ADMIN, APP, "registration", party["id"], {"seats": 3}, expected_version=1, locale="en")
    assert grown["data"]["seats"] == "3"  # 3 seats of 3: its old 2 are not added on top

    with pytest.raises(SubmissionError) as caught:
        records.update(ADMIN, APP, "registration", party["id"], {"seats": 4}, expected_version=2, locale="en")
    assert caught.value.field_errors == {"event": [FULL["en"]]}


def test_a_registration_moved_to_a_full_event_is_refused_and_one_with_room_accepted(records):
    full, roomy, first = _event(records, 1), _event(records, 5, "第二场"), _event(records, 5, "第三场")
    _register(records, full)
    party = _register(records, first, 2)

    with pytest.raises(SubmissionError):
        records.update(ADMIN, APP, "registration", party["id"], {"event": full}, expected_version=1, locale="en")
    records.update(ADMIN, APP, "registration", party["id"], {"event": roomy}, expected_version=1)

    assert _counts(records, first)["taken"] == "0"
    assert _counts(records, roomy)["taken"] == "2"


def test_eight_people_racing_for_three_seats_get_three_registrations(records):
    event = _event(records, 3)
    attempts = 8
    barrier = threading.Barrier(attempts)
    outcomes: list[str] = []

    def attempt(n: int) -> None:
        barrier.wait()
        try:
            _register(records, event, 1, f"#{n}")
            outcomes.append("registered")
        except SubmissionError as exc:
            outcomes.append(exc.field_errors["event"][0])

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == [FULL["en"]] * 5 + ["registered"] * 3
    assert _counts(records, event)["taken"] == "3"
    assert records.count(APP, "registration") == 3


def test_a_registration_runs_one_query_for_its_one_aggregate(database, records):
    event = _event(records, 5)

    with aggregate_queries(database) as seen:
        _register(records, event)

    assert len(seen) == 1
    assert "sum(" in seen[0].lower()


def test_reading_an_event_runs_one_query_per_aggregate(database, records):
    event = _event(records, 5)
    _register(records, event)

    with aggregate_queries(database) as seen:
        records.get(ADMIN, APP, "event", event)

    assert sorted(re.search(r"\b(count|sum|min|max)\(", s, re.I).group(1).lower() for s in seen) == [
        "count",
        "max",
        "min",
        "sum",
    ]


def test_a_page_of_events_runs_one_query_per_aggregate_for_the_whole_page(database, records):
    for n in range(4):
        _register(records, _event(records, 5, f"第{n}场"))

    with aggregate_queries(database) as seen:
        page = records.list_records(ADMIN, APP, "event", ListQuery())

    assert len(page["items"]) == 4
    assert len(seen) == 4


def test_saving_an_event_answers_with_its_counts_of_other_forms_records(records):
    event = _event(records, 5)  # the first event and the first registration share the id 1
    _register(records, event, 2)

    saved = records.update(ADMIN, APP, "event", event, {"capacity": 6}, expected_version=1)

    assert (saved["data"]["taken"], saved["data"]["seats_left"]) == ("2", "4")


def test_a_multi_relation_counts_every_record_that_lists_the_anchor(database):
    multi = package()
    multi["forms"][1]["fields"].append(
        {"id": "also", "type": "relation", "target": "event", "multiple": True, "label": "其他场次"}
    )
    multi["forms"][0]["fields"].append(
        {
            "id": "also_counted",
            "type": "formula",
            "label": "兼报",
            "expression": "related_count('registration', 'also')",
        }
    )
    AppService(database).import_package(multi, actor="test")
    records = RecordService(database, AppCatalog())
    first, second = _event(records, 5), _event(records, 5, "第二场")
    records.create(ADMIN, APP, "registration", {"event": first, "also": [first, second]})
    records.create(ADMIN, APP, "registration", {"event": first, "also": [second]})

    counted = {e: records.get(ADMIN, APP, "event", e)["data"]["also_counted"] for e in (first, second)}

    assert counted == {first: "1", second: "2"}  # no precision declared: no padding zeros
