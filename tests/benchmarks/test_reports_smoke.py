"""The report benchmark's own functions, run on 2,000 tickets: it loads, answers and measures, and the
engine's numbers equal DuckDB's and pandas' (the benchmark itself is run by hand, never by the suite)."""

from __future__ import annotations

import importlib.util
from datetime import UTC, timedelta
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "reports.py"

pytest.importorskip("duckdb")


def _benchmark():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("reports_benchmark", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_report_benchmark_checks_its_answers_against_duckdb_and_pandas(database, capsys):
    bench = _benchmark()
    data = bench.frame(2000)
    latest = data["created_at"].max().to_pydatetime().replace(tzinfo=UTC)

    service = bench.prepare(database, data, clock=lambda: latest + timedelta(minutes=1))
    results = bench.measure(service, data, rounds=2)  # asserts every report's groups against DuckDB and pandas
    bench.report("smoke", results)

    assert bench._report(service, "pivot")["totals"]["tickets"] == 2000  # the writes it timed were deleted
    assert [r["case"].split(",")[0] for r in results] == [
        "pivot community x type",
        "same via room.building.community",
        "month trend (Asia/Shanghai)",
        "dashboard",
        "dashboard",
        "dashboard",
    ]
    out = capsys.readouterr().out
    assert "loaded 2,000 tickets" in out and "5 summary tables built" in out
