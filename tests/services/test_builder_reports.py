"""The report designer's flow fact sources: every column it offers is one a report may name (the
validator takes it), named in the reader's language after the flow's own steps."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from engine.packages import package_problems
from engine.services.builder_reports import fact_sources

PACKAGE = json.loads((Path(__file__).parents[2] / "apps" / "property_repair.json").read_text("utf-8"))


@pytest.mark.parametrize("facts", ["instances", "tasks"])
def test_every_offered_fact_column_validates_as_a_report_row(facts):
    package = copy.deepcopy(PACKAGE)
    [repair] = [s for s in fact_sources(package, "zh-CN") if s["flow"] == "repair"]
    offered = repair["facts"][facts]
    for k, column in enumerate(offered):
        package["reports"].append(
            {
                "id": f"by_{k}",
                "name": column["name"],
                "source": {"flow": "repair", "facts": facts},
                "rows": [{"field": column["path"], **({"bucket": "month"} if column["type"] == "datetime" else {})}],
                "measures": [{"id": "n", "agg": "count"}],
            }
        )
    assert package_problems(package) == []
    assert len(offered) == len({c["name"] for c in offered})  # no two columns read the same


def test_columns_are_named_after_the_flows_steps_in_both_languages():
    zh = {c["path"]: c["name"] for c in fact_sources(PACKAGE, "zh-CN")[0]["facts"]["instances"]}
    en = {c["path"]: c["name"] for c in fact_sources(PACKAGE, "en")[0]["facts"]["instances"]}
    assert (zh["started_at"], zh["completed_at"], zh["reopen_count"]) == ("开始时间", "维修处理完成时间", "返工次数")
    assert zh["response_seconds"] == "开始至维修处理认领耗时（秒）"
    assert en["completed_at"] == "Time of Repair completed"
    assert all(not any("a" <= ch.lower() <= "z" for ch in name) for name in zh.values())


def test_an_unfinished_flow_is_left_out_not_an_error():
    broken = {"id": "half", "form": "repair_order", "nodes": "not yet", "facts": {"milestones": {"x": {}}}}
    found = fact_sources({"flows": [broken, *PACKAGE["flows"]]}, "en")
    assert [s["flow"] for s in found] == [f["id"] for f in PACKAGE["flows"]]
