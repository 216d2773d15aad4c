"""Defaults read the acting person and the clock: a "my own inspection" form fills its read-only inspector."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from engine.errors import SubmissionError
from tests.cascading_app import PACKAGE


@pytest.fixture
def estate(services):
    services.apps.import_package(PACKAGE, actor="system")
    d = services.directory
    team = d.create_group("水电组")
    li = d.create_user("li", "Secret-pass-1", name="李娜", roles=[("estate", "inspector")], groups=[team])
    wang = d.create_user("wang", "Secret-pass-1", roles=[("estate", "inspector")])
    return services, d.principal_for(li), li, wang, team


def test_the_read_only_inspector_is_the_person_submitting(estate):
    services, who, li, _, team = estate

    record, _ = services.records.create(who, "estate", "inspection", {"note": "3栋", "checks": [{"item": "消防栓"}]})

    data = record["data"]
    assert (data["inspector"], data["inspector_name"], data["team"]) == (li, "李娜", team)
    assert data["checks"][0]["by"] == li  # a sub-table row's default reads the same person


def test_today_and_now_are_read_in_the_company_time_zone(estate):
    services, who, *_ = estate
    before = datetime.now(ZoneInfo("Asia/Shanghai"))

    record, _ = services.records.create(who, "estate", "inspection", {})

    after = datetime.now(ZoneInfo("Asia/Shanghai"))
    assert record["data"]["day"] in {before.date().isoformat(), after.date().isoformat()}
    assert before.timestamp() - 1 <= datetime.fromisoformat(record["data"]["started"]).timestamp() <= after.timestamp()


def test_the_submitter_cannot_name_another_inspector(estate):
    services, who, _, wang, _ = estate

    with pytest.raises(SubmissionError) as caught:
        services.records.create(who, "estate", "inspection", {"inspector": wang}, locale="en")

    assert list(caught.value.field_errors) == ["inspector"]


def test_a_typed_default_is_the_writers_to_change(estate):
    services, who, *_ = estate
    night = services.directory.create_group("夜班组")

    record, _ = services.records.create(who, "estate", "inspection", {"team": night})

    assert record["data"]["team"] == night


def test_a_public_submission_has_no_inspector(estate):
    services, *_ = estate

    record, _ = services.records.create_public("estate", "inspection", {"note": "门禁坏了"})

    stored = services.records.get_by_uuid("estate", "inspection", record["uuid"])
    assert (stored["data"]["inspector"], stored["data"]["inspector_name"], stored["data"]["team"]) == (None, None, None)
