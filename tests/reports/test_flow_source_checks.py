"""A report over a flow's process facts is checked up front, like one over a form: every fact column
and record path it names is looked up in the kind of rows it counts (instances or tasks), and each
name the rows do not have is a problem at its own JSON pointer - what validates, runs."""

from __future__ import annotations

import copy
import json
from pathlib import Path

from engine.packages import package_problems

PACKAGE = json.loads((Path(__file__).parents[2] / "apps" / "property_repair.json").read_text("utf-8"))


def _problems(report: dict) -> list[tuple[str, str]]:
    package = copy.deepcopy(PACKAGE)
    package["reports"].append({"id": "facts", "name": "facts", "measures": [{"id": "n", "agg": "count"}], **report})
    at = f"/reports/{len(package['reports']) - 1}"
    return [(p.pointer.removeprefix(at), p.code) for p in package_problems(package) if p.pointer.startswith(at)]


def test_a_task_column_is_unknown_to_instance_rows_at_each_place_it_is_named():
    report = {
        "source": {"flow": "repair"},
        "rows": [{"field": "assignee"}],
        "columns": [{"field": "started_at", "bucket": "month"}],
        "filters": [{"field": "node", "op": "eq", "value": "repair"}],
        "measures": [{"id": "n", "agg": "avg", "field": "overdue"}],
    }
    assert _problems(report) == [
        ("/rows/0/field", "report.unknown_fact"),
        ("/filters/0/field", "report.unknown_fact"),
        ("/measures/0/field", "report.unknown_fact"),
    ]


def test_task_rows_know_the_task_columns_and_not_the_instance_milestones():
    tasks = {"source": {"flow": "repair", "facts": "tasks"}}
    assert (
        _problems({**tasks, "rows": [{"field": "assignee"}], "columns": [{"field": "created_at", "bucket": "month"}]})
        == []
    )
    assert _problems({**tasks, "columns": [{"field": "started_at", "bucket": "month"}]}) == [
        ("/columns/0/field", "report.unknown_fact")
    ]


def test_a_record_path_of_the_fact_rows_is_followed_and_a_wrong_one_refused_at_its_pointer():
    flow = {"source": {"flow": "repair"}}
    assert _problems({**flow, "rows": [{"field": "record.room.building"}]}) == []
    assert _problems({**flow, "rows": [{"field": "record.room.colour"}]}) == [("/rows/0/field", "report.unknown_path")]
    assert _problems({"source": {"flow": "repiar"}}) == [("/source/flow", "ref.unknown")]
