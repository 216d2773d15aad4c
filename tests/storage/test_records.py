"""Records of the property app through the record service, on SQLite and PostgreSQL."""

from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest

from engine.errors import ConflictError, NotFoundError, SubmissionError
from engine.principal import LOCAL_ADMIN, Principal
from engine.services.apps import AppService
from engine.storage.record_queries import ListQuery, QueryError
from engine.storage.records import RecordStore

ADMIN = LOCAL_ADMIN
APP = "property_repair"


@pytest.fixture
def records(database, property_package) -> RecordStore:
    AppService(database).import_package(property_package, actor="test")
    return RecordStore(database)


@pytest.fixture
def room(records) -> int:
    community, _ = records.create(ADMIN, APP, "community", {"name": "阳光花园", "city": "杭州"})
    building, _ = records.create(ADMIN, APP, "building", {"community": community["id"], "name": "3栋"})
    room, _ = records.create(ADMIN, APP, "room", {"building": building["id"], "room_no": "1201", "area_m2": "89.5"})
    return room["id"]


def _order(room: int, **extra) -> dict:
    return {
        "owner_name": "王女士",
        "phone": "138 1234 5678",
        "room": room,
        "repair_type": "水电",
        "description": "厨房水管漏水",
        **extra,
    }


def test_create_fills_defaults_serial_and_stamps(records, room):
    record, created = records.create(ADMIN, APP, "repair_order", _order(room))

    assert created is True
    data = record["data"]
    assert data["phone"] == "13812345678"
    assert data["urgency"] == "一般"
    assert data["order_no"].startswith("BX-") and data["order_no"].endswith("-0001")
    assert data["reported_at"] == record["created_at"]
    assert data["parts_used"] == [] and data["total_cost"] == "0.00"
    assert (record["version"], record["created_by"], record["app_version"]) == (1, "admin", 1)


def test_serial_numbers_count_up(records, room):
    numbers = [records.create(ADMIN, APP, "repair_order", _order(room))[0]["data"]["order_no"] for _ in range(3)]
    assert [n[-4:] for n in numbers] == ["0001", "0002", "0003"]


def test_subtable_rows_formulas_and_relation_defaults(records, room):
    valve, _ = records.create(ADMIN, APP, "spare_part", {"code": "V-1", "name": "角阀", "unit_price": "35.50"})
    tape, _ = records.create(ADMIN, APP, "spare_part", {"code": "T-1", "name": "生料带", "unit_price": 2})
    record, _ = records.create(ADMIN, APP, "repair_order", _order(room))

    updated = records.update(
        ADMIN,
        APP,
        "repair_order",
        record["id"],
        {"parts_used": [{"part": valve["id"], "qty": 2}, {"part": tape["id"], "qty": 3}]},
        expected_version=1,
    )

    rows = updated["data"]["parts_used"]
    assert [(r["unit_price"], r["amount"]) for r in rows] == [("35.50", "71.00"), ("2.00", "6.00")]
    assert updated["data"]["total_cost"] == "77.00"
    assert updated["version"] == 2


def test_field_errors_in_chinese_and_english(records, room):
    bad = _order(room, phone="12345", repair_type="漏水", expected_visit_at="2020-01-01T09:00")
    del bad["owner_name"]

    with pytest.raises(SubmissionError) as zh:
        records.create(ADMIN, APP, "repair_order", bad, locale="zh-CN")
    with pytest.raises(SubmissionError) as en:
        records.create(ADMIN, APP, "repair_order", bad, locale="en")

    assert zh.value.field_errors == {
        "phone": ["联系电话格式不正确"],
        "repair_type": ["报修类型:“漏水”不是可选项"],
        "expected_visit_at": ["期望上门时间不能早于当前时间"],
        "owner_name": ["请填写业主姓名"],
    }
    assert en.value.field_errors["phone"] == ["Phone is not a valid mobile number (11 digits, such as 13812345678)"]
    assert en.value.field_errors["owner_name"] == ["Owner name is required"]


def test_unknown_and_system_fields_are_refused(records, room):
    with pytest.raises(SubmissionError) as caught:
        records.create(ADMIN, APP, "repair_order", _order(room, colour="red", total_cost=5, order_no="X"), locale="en")
    assert caught.value.field_errors == {
        "colour": ["colour is not a field of this form"],
        "total_cost": ["Total cost is filled in by the system and cannot be set"],
        "order_no": ["Order number is filled in by the system and cannot be set"],
    }


def test_missing_related_record_is_a_field_error(records, room):
    with pytest.raises(SubmissionError) as caught:
        records.create(ADMIN, APP, "repair_order", _order(999_999), locale="en")
    assert caught.value.field_errors == {"room": ["Room: record 999999 does not exist"]}


def test_unique_field_is_enforced_with_a_message(records):
    records.create(ADMIN, APP, "spare_part", {"code": "V-1", "name": "角阀", "unit_price": 1})
    with pytest.raises(SubmissionError) as caught:
        records.create(ADMIN, APP, "spare_part", {"code": "V-1", "name": "另一个", "unit_price": 1}, locale="en")
    assert caught.value.field_errors == {"code": ["Code 'V-1' is already used by another record"]}


def test_unique_holds_under_concurrent_writers(records):
    def attempt(n: int) -> str:
        try:
            records.create(ADMIN, APP, "spare_part", {"code": "RACE", "name": f"#{n}", "unit_price": 1})
            return "created"
        except SubmissionError:
            return "refused"
        except ConflictError:
            return "conflict"

    with ThreadPoolExecutor(max_workers=4) as pool:
        outcomes = list(pool.map(attempt, range(8)))

    assert outcomes.count("created") == 1
    listed = records.list_records(ADMIN, APP, "spare_part", ListQuery(filters=(("code", "eq", "RACE"),)))
    assert len(listed["items"]) == 1


def test_idempotent_create_returns_the_first_record(records, room):
    first, created = records.create(ADMIN, APP, "repair_order", _order(room), idempotency_key="phone-42-retry")
    again, created_again = records.create(ADMIN, APP, "repair_order", _order(room), idempotency_key="phone-42-retry")

    assert (created, created_again) == (True, False)
    assert again["id"] == first["id"]
    assert len(records.list_records(ADMIN, APP, "repair_order", ListQuery())["items"]) == 1


def test_idempotent_create_under_concurrency(records, room):
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(
            pool.map(
                lambda _: records.create(ADMIN, APP, "repair_order", _order(room), idempotency_key="same-key"), range(6)
            )
        )
    assert len({r[0]["id"] for r in results}) == 1
    assert sum(1 for _, created in results if created) == 1


def test_stale_update_is_a_conflict_naming_the_current_version(records, room):
    record, _ = records.create(ADMIN, APP, "repair_order", _order(room))
    records.update(ADMIN, APP, "repair_order", record["id"], {"urgency": "紧急"}, expected_version=1)

    with pytest.raises(ConflictError) as caught:
        records.update(ADMIN, APP, "repair_order", record["id"], {"urgency": "非常紧急"}, expected_version=1)

    assert caught.value.details == {"current_version": 2}
    assert caught.value.message == (
        f"record {record['id']} was changed by someone else (now at version 2, you had 1); "
        "reload it and apply your change again"
    )


def test_history_keeps_who_when_and_old_to_new(records, room):
    record, _ = records.create(ADMIN, APP, "repair_order", _order(room))
    editor = Principal(id="agent7", is_admin=True)
    records.update(
        editor, APP, "repair_order", record["id"], {"urgency": "紧急", "description": "水管爆了"}, expected_version=1
    )
    records.update(editor, APP, "repair_order", record["id"], {"urgency": "紧急"}, expected_version=2)

    history = records.history(ADMIN, APP, "repair_order", record["id"])

    assert [(h["version"], h["actor"], h["action"]) for h in history] == [
        (1, "admin", "create"),
        (2, "agent7", "update"),
    ]
    assert history[1]["changes"] == {"urgency": ["一般", "紧急"], "description": ["厨房水管漏水", "水管爆了"]}


def test_soft_delete_and_restore(records, room):
    record, _ = records.create(ADMIN, APP, "repair_order", _order(room))

    deleted = records.delete(ADMIN, APP, "repair_order", record["id"], expected_version=1)
    assert deleted["deleted_at"] is not None
    with pytest.raises(NotFoundError):
        records.get(ADMIN, APP, "repair_order", record["id"])
    assert records.list_records(ADMIN, APP, "repair_order", ListQuery())["items"] == []
    assert [r["id"] for r in records.list_records(ADMIN, APP, "repair_order", ListQuery(deleted=True))["items"]] == [
        record["id"]
    ]

    restored = records.restore(ADMIN, APP, "repair_order", record["id"])
    assert (restored["deleted_at"], restored["version"]) == (None, 3)
    assert [h["action"] for h in records.history(ADMIN, APP, "repair_order", record["id"])] == [
        "create",
        "delete",
        "restore",
    ]


def test_list_filters_sorts_and_pages_with_a_cursor(records, room):
    for n in range(7):
        records.create(
            ADMIN, APP, "spare_part", {"code": f"P-{n}", "name": f"件{n}", "unit_price": str(10 - n), "stock": n % 3}
        )
    query = ListQuery(sort="unit_price", limit=3, filters=(("stock", "ge", "1"),))
    pages, cursor = [], None
    while True:
        page = records.list_records(ADMIN, APP, "spare_part", ListQuery(query.filters, query.sort, query.limit, cursor))
        pages.append([r["data"]["code"] for r in page["items"]])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert pages == [["P-5", "P-4", "P-2"], ["P-1"]]


def test_list_refuses_bad_queries(records):
    with pytest.raises(QueryError):
        records.list_records(ADMIN, APP, "spare_part", ListQuery(sort="-nonexistent"))
    with pytest.raises(QueryError):
        records.list_records(ADMIN, APP, "spare_part", ListQuery(filters=(("stock", "gt", "many"),)))
    with pytest.raises(QueryError):
        records.list_records(ADMIN, APP, "spare_part", ListQuery(cursor="garbage!!"))


def test_unknown_form_suggests_the_near_miss(records):
    with pytest.raises(NotFoundError) as caught:
        records.list_records(ADMIN, APP, "repair_ordr", ListQuery())
    assert caught.value.message == "app 'property_repair' has no form 'repair_ordr' (did you mean 'repair_order'?)"


def test_money_stays_exact(records):
    part, _ = records.create(ADMIN, APP, "spare_part", {"code": "X", "name": "x", "unit_price": 0.1})
    assert part["data"]["unit_price"] == "0.10"
    assert Decimal(part["data"]["unit_price"]) * 3 == Decimal("0.30")


def test_cursor_on_a_value_that_would_no_longer_validate_still_works(records, room, database):
    from sqlalchemy import text

    for n in range(3):
        records.create(ADMIN, APP, "repair_order", _order(room, expected_visit_at=f"2030-01-0{n + 1}T09:00"))
    with database.engine.begin() as connection:  # time passes: the visit times are now in the past
        connection.execute(text("UPDATE property_repair__repair_order SET expected_visit_at = created_at"))

    first = records.list_records(ADMIN, APP, "repair_order", ListQuery(sort="expected_visit_at", limit=2))
    second = records.list_records(
        ADMIN, APP, "repair_order", ListQuery(sort="expected_visit_at", limit=2, cursor=first["next_cursor"])
    )
    past = records.list_records(
        ADMIN, APP, "repair_order", ListQuery(filters=(("expected_visit_at", "lt", "2029-01-01"),))
    )

    assert len(first["items"]) + len(second["items"]) == 3
    assert len(past["items"]) == 3


def test_contains_is_only_for_text(records):
    with pytest.raises(QueryError) as caught:
        records.list_records(ADMIN, APP, "spare_part", ListQuery(filters=(("unit_price", "contains", "35"),)))
    assert caught.value.message == "'unit_price' holds no text; use eq, lt, gt or in to filter it"
