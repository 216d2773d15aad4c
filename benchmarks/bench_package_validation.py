"""How long validating and importing the bundled app package takes, next to bare jsonschema.

Run: python benchmarks/bench_package_validation.py
Prints per-call times for: bare jsonschema validation of the package (the reference), Trellis's
structural pass, the full validation (structure + meaning) and an import into a fresh SQLite
database (parse, validate, store a version, audit).
"""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from engine.packages import package_problems, parse_package
from engine.packages.schema_assembly import app_validator
from engine.packages.semantics import semantic_problems
from engine.packages.structure import structure_problems
from engine.services.apps import AppService
from engine.storage import Database
from engine.storage.migrate import upgrade

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "apps" / "property_repair.json"


def per_call_ms(action: Callable[[], object], repeat: int) -> float:
    action()  # warm caches (validators are built once per process)
    started = time.perf_counter()
    for _ in range(repeat):
        action()
    return (time.perf_counter() - started) / repeat * 1000


def main() -> None:
    raw = PACKAGE.read_bytes()
    document = json.loads(raw)
    validator = app_validator()
    print(f"package: {PACKAGE.name}, {len(raw) / 1024:.1f} KiB")
    rows = [
        ("json.loads (reference)", per_call_ms(lambda: json.loads(raw), 200)),
        ("bare jsonschema is_valid (reference)", per_call_ms(lambda: validator.is_valid(document), 50)),
        ("parse_package (limits, duplicate keys)", per_call_ms(lambda: parse_package(raw), 200)),
        ("structure_problems", per_call_ms(lambda: structure_problems(document), 50)),
        ("semantic_problems", per_call_ms(lambda: semantic_problems(document), 200)),
        ("package_problems (full validation)", per_call_ms(lambda: package_problems(document), 50)),
    ]
    with tempfile.TemporaryDirectory() as folder:
        database = Database(f"sqlite:///{folder}/bench.db")
        upgrade(database)
        store = AppService(database)
        counter = iter(range(1, 10_000))

        def import_changed() -> None:
            changed = dict(document, version=f"1.0.{next(counter)}")
            store.import_package(changed, actor="bench")

        rows.append(("import of a changed package (SQLite)", per_call_ms(import_changed, 30)))
        unchanged = per_call_ms(lambda: store.import_package(document, actor="b"), 30)
        rows.append(("re-import unchanged (SQLite)", unchanged))
        database.dispose()
    width = max(len(name) for name, _ in rows)
    for name, ms in rows:
        print(f"{name:<{width}}  {ms:8.3f} ms")


if __name__ == "__main__":
    main()
