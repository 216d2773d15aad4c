"""docs/expressions.md, "Aggregates across records": its example package validates, imports and
behaves as the page says (the registration past capacity is refused, the event shows its seats)."""

import json
import re
from pathlib import Path

import pytest

from engine.errors import SubmissionError
from engine.packages import package_problems
from engine.principal import LOCAL_ADMIN
from engine.services.apps import AppService
from engine.services.records import RecordService
from engine.storage.catalog import AppCatalog

DOC = Path(__file__).resolve().parents[2] / "docs" / "expressions.md"


def example_package() -> dict:
    section = DOC.read_text(encoding="utf-8").split("## Aggregates across records", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```json\n(.*?)\n```", section, re.S)
    assert block is not None, "the aggregates section has no json block"
    return json.loads(block.group(1))


def test_the_documented_example_is_a_valid_package():
    assert package_problems(example_package()) == []


def test_the_documented_example_refuses_the_registration_past_capacity(database):
    AppService(database).import_package(example_package(), actor="test")
    records = RecordService(database, AppCatalog())
    event, _ = records.create(LOCAL_ADMIN, "signup", "event", {"name": "读书会", "capacity": 3})
    records.create(LOCAL_ADMIN, "signup", "registration", {"event": event["id"], "name": "张三", "seats": 2})

    with pytest.raises(SubmissionError) as caught:
        records.create(LOCAL_ADMIN, "signup", "registration", {"event": event["id"], "name": "李四", "seats": 2})

    assert caught.value.field_errors == {"event": ["该活动名额已满"]}
    shown = records.get(LOCAL_ADMIN, "signup", "event", event["id"])["data"]
    assert (shown["taken"], shown["seats_left"]) == ("2", "1")
