"""A dispatch table's gaps and overlaps are warnings with the pointer of the table or row: every row
with a condition (nothing catches the rest), a row with the same condition as an earlier one (however
it is spaced), a row after the one that catches everything; wherever a dispatch assignment is."""

from __future__ import annotations

import json
from pathlib import Path

from engine.packages.dispatch_checks import dispatch_warnings
from engine.packages.messages import localize

REPAIR = json.loads((Path(__file__).resolve().parents[2] / "apps" / "property_repair.json").read_text("utf-8"))


def _package(table: list[dict[str, str]]) -> dict:
    dispatch = {"type": "dispatch", "table": table, "strategy": "least_loaded"}
    task = {"id": "fix", "type": "user_task", "assignee": dispatch}
    reminder = {"id": "late", "after": "PT1H", "action": "notify", "to": dispatch}
    notify = {"id": "tell", "type": "notify", "to": {"type": "role", "role": "agent"}, "message": "x"}
    return {
        "flows": [{"id": "f", "nodes": [{"id": "start", "type": "start"}, {**task, "timers": [reminder]}, notify]}],
        "automations": [{"id": "a", "actions": [{"type": "notify", "to": dispatch}]}],
    }


def _found(table: list[dict[str, str]]) -> list[tuple[str, str]]:
    return [
        (w.pointer, w.code)
        for w in dispatch_warnings(_package(table))
        if w.pointer.startswith("/flows/0/nodes/1/assignee")
    ]


def test_a_table_ending_in_a_row_without_a_condition_is_fine():
    assert _found([{"when": "level == '高'", "group": "快修组"}, {"group": "综合组"}]) == []
    assert dispatch_warnings(REPAIR) == []  # the bundled repair flow's table catches the rest


def test_a_table_where_every_row_has_a_condition_has_a_gap():
    assert _found([{"when": "level == '高'", "group": "快修组"}]) == [
        ("/flows/0/nodes/1/assignee/table", "builder.warning.dispatch_gap")
    ]


def test_the_same_condition_twice_is_an_overlap_however_it_is_spaced():
    table = [{"when": "level == '高'", "group": "快修组"}, {"when": "level=='高'", "group": "综合组"}, {"group": "x"}]
    [(pointer, code)] = _found(table)
    assert (pointer, code) == ("/flows/0/nodes/1/assignee/table/1/when", "builder.warning.dispatch_same")


def test_rows_after_the_catch_all_never_apply():
    table = [{"group": "综合组"}, {"when": "level == '高'", "group": "快修组"}, {"group": "x"}]
    assert _found(table) == [
        ("/flows/0/nodes/1/assignee/table/1", "builder.warning.dispatch_unreachable"),
        ("/flows/0/nodes/1/assignee/table/2", "builder.warning.dispatch_unreachable"),
    ]


def test_every_dispatch_of_the_package_is_checked_and_said_in_the_readers_language():
    found = dispatch_warnings(_package([{"when": "level == '高'", "group": "快修组"}]))
    assert [w.pointer for w in found] == [
        "/flows/0/nodes/1/assignee/table",
        "/flows/0/nodes/1/timers/0/to/table",
        "/automations/0/actions/0/to/table",
    ]
    assert "兜底" in localize(found[0], "zh-CN").message
