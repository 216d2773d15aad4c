"""Dependencies point one way: Flask only in web/, SQLAlchemy and redis only in storage/ (and its
migrations), RestrictedPython only in expressions/. The domain core stays free of frameworks."""

import ast
import re
from functools import cache
from pathlib import Path

import pytest

ENGINE = Path(__file__).resolve().parents[1] / "engine"

ALLOWED = {
    "flask": ("web",),
    "werkzeug": ("web",),
    "flask_limiter": ("web",),
    "gunicorn": ("web",),
    "sqlalchemy": ("storage",),
    "alembic": ("storage",),
    "redis": ("storage",),
    "limits": ("storage",),
    "rq": ("storage",),
    "psycopg": ("storage",),
    "RestrictedPython": ("expressions",),
    "marshmallow": ("web",),
    "apispec": ("web",),
}


@cache  # each library's test reads the same files: parsed once per test process
def _imports(path: Path) -> frozenset[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return frozenset(names)


@pytest.mark.parametrize("library", sorted(ALLOWED))
def test_library_is_imported_only_in_its_layer(library):
    offenders = [
        str(path.relative_to(ENGINE))
        for path in ENGINE.rglob("*.py")
        if library in _imports(path) and path.relative_to(ENGINE).parts[0] not in ALLOWED[library]
    ]
    assert offenders == []


def test_the_domain_core_does_not_import_storage_or_web():
    core = ("forms", "flows", "reports", "connectors", "automations", "expressions", "schemas", "packages", "builder")
    offenders = []
    for package in core:
        for path in (ENGINE / package).rglob("*.py"):
            source = path.read_text(encoding="utf-8")
            if "engine.storage" in source or "engine.web" in source:
                offenders.append(str(path.relative_to(ENGINE)))
    assert offenders == []


def _engine_imports(path: Path) -> set[str]:
    """Every ``engine.*`` module a file imports (absolute imports; the engine uses no relative ones)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("engine."))
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("engine") and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def _layer(path: Path) -> str:
    parts = path.relative_to(ENGINE).parts
    return parts[0].removesuffix(".py") if len(parts) > 1 else parts[0].removesuffix(".py")


#: which layers each layer may not import (the arrow of STYLE.md: web → services → storage → domain)
FORBIDDEN = {
    "services": ("engine.web",),
    "storage": ("engine.services", "engine.web"),
    "forms": ("engine.services", "engine.storage", "engine.web"),
    "flows": ("engine.services", "engine.storage", "engine.web"),
    "reports": ("engine.services", "engine.storage", "engine.web"),
    "connectors": ("engine.services", "engine.storage", "engine.web"),
    "automations": ("engine.services", "engine.storage", "engine.web"),
    "packages": ("engine.services", "engine.storage", "engine.web"),
    "builder": ("engine.services", "engine.storage", "engine.web"),
    "expressions": ("engine.services", "engine.storage", "engine.web", "engine.forms", "engine.flows"),
    "i18n": ("engine.",),
    "errors": ("engine.services", "engine.storage", "engine.web", "engine.forms", "engine.flows"),
}


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_no_layer_imports_upward(layer):
    offenders = sorted(
        f"{path.relative_to(ENGINE)} imports {name}"
        for path in ENGINE.rglob("*.py")
        if _layer(path) == layer
        for name in _engine_imports(path)
        if name.startswith(FORBIDDEN[layer]) and not name.startswith(f"engine.{layer}")
    )
    assert offenders == []


def test_services_use_neither_flask_nor_sqlalchemy():
    frameworks = {"flask", "werkzeug", "sqlalchemy", "alembic", "redis", "rq", "psycopg"}
    offenders = sorted(
        f"{path.relative_to(ENGINE)} imports {name}"
        for path in (ENGINE / "services").rglob("*.py")
        for name in _imports(path) & frameworks
    )
    assert offenders == []


def test_no_module_imports_another_modules_private_names():
    offenders = []
    for path in ENGINE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("engine"):
                offenders.extend(
                    f"{path.relative_to(ENGINE)}: from {node.module} import {alias.name}"
                    for alias in node.names
                    if alias.name.startswith("_") and not alias.name.startswith("__")
                )
    assert offenders == []


SERVICES = {
    "AppCatalog",
    "AppService",
    "BuilderPublishing",
    "BuilderService",
    "AttachmentService",
    "DirectoryService",
    "ExportService",
    "FlowService",
    "NotificationService",
    "RecordService",
    "UserImport",
}


def _constructed(path: Path) -> set[str]:
    called = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            called.add(name)
    return called & SERVICES


def test_only_the_composition_root_assembles_services():
    """Services and the catalog are built in build_services, nowhere else in the engine."""
    root = ENGINE / "services" / "__init__.py"
    offenders = sorted(
        f"{path.relative_to(ENGINE)} builds {', '.join(sorted(_constructed(path)))}"
        for path in ENGINE.rglob("*.py")
        if path != root and _constructed(path)
    )
    assert offenders == []


def test_the_web_layer_never_opens_a_transaction():
    opened = re.compile(r"\.(begin|session|transaction)\(")
    offenders = sorted(
        str(path.relative_to(ENGINE))
        for path in (ENGINE / "web").rglob("*.py")
        if opened.search(path.read_text(encoding="utf-8"))
    )
    assert offenders == []


def test_no_module_is_over_600_lines():
    sizes = {
        str(path.relative_to(ENGINE)): len(path.read_text(encoding="utf-8").splitlines())
        for path in ENGINE.rglob("*.py")
    }
    assert {name: lines for name, lines in sizes.items() if lines > 600} == {}
