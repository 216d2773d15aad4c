"""Dependencies point one way: Flask only in web/, SQLAlchemy and redis only in storage/ (and its
migrations), RestrictedPython only in expressions/. The domain core stays free of frameworks."""

import ast
from pathlib import Path

import pytest

ENGINE = Path(__file__).resolve().parents[1] / "engine"

ALLOWED = {
    "flask": ("web",),
    "werkzeug": ("web",),
    "gunicorn": ("web",),
    "sqlalchemy": ("storage",),
    "alembic": ("storage",),
    "redis": ("storage",),
    "rq": ("storage",),
    "psycopg": ("storage",),
    "RestrictedPython": ("expressions",),
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("library", sorted(ALLOWED))
def test_library_is_imported_only_in_its_layer(library):
    offenders = [
        str(path.relative_to(ENGINE))
        for path in ENGINE.rglob("*.py")
        if library in _imports(path) and path.relative_to(ENGINE).parts[0] not in ALLOWED[library]
    ]
    assert offenders == []


def test_the_domain_core_does_not_import_storage_or_web():
    core = ("forms", "flows", "reports", "connectors", "expressions", "schemas", "packages")
    offenders = []
    for package in core:
        for path in (ENGINE / package).rglob("*.py"):
            source = path.read_text(encoding="utf-8")
            if "engine.storage" in source or "engine.web" in source:
                offenders.append(str(path.relative_to(ENGINE)))
    assert offenders == []
