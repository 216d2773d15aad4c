"""The list and search benchmark's own functions, run on a thousand tickets: it loads, indexes and measures,
and the engine's answers equal the bare SQL's (the benchmark itself is run by hand, never by the suite)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "list_search.py"


def _benchmark():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("list_search", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_benchmark_loads_indexes_and_measures_a_thousand_tickets(database, monkeypatch, capsys):
    bench = _benchmark()
    monkeypatch.setattr(bench, "ROUNDS", 2)

    store = bench.prepare(database, 1000)
    results = bench.measure(store)  # asserts, case by case, that the engine found what the SQL found
    bench.report("smoke", results)

    assert store.count(bench.APP, bench.FORM) == 1000
    assert [r["case"].split(":")[0] for r in results] == [
        "filtered page",
        *("search 3+ chars", "search 2 chars", "search 1 char, absent", "search 2 chars, absent"),
        *("search 3+ chars, absent", "search phone fragment", "search serial"),
    ]
    assert all(r["rows"] > 0 for r in results if "absent" not in r["case"])
    assert "loaded 1,000 rows" in capsys.readouterr().out
