"""What `pip install .` ships: every template, static file, schema and migration, declared without warnings."""

import configparser
import fnmatch
import subprocess
from pathlib import Path

from setuptools import find_namespace_packages

ROOT = Path(__file__).resolve().parents[1]


def _setup_cfg() -> configparser.ConfigParser:
    config = configparser.ConfigParser(interpolation=None)
    config.read(ROOT / "setup.cfg", encoding="utf-8")
    return config


def test_every_file_the_engine_reads_is_declared_package_data():
    config = _setup_cfg()
    find = config["options.packages.find"]
    assert config["options"]["packages"] == "find_namespace:"  # folders without __init__.py are packages too
    packages = set(
        find_namespace_packages(
            str(ROOT), include=find["include"].replace(",", " ").split(), exclude=find["exclude"].split()
        )
    )
    declared = {
        package: [pattern.strip() for pattern in patterns.split(",")]
        for package, patterns in config["options.package_data"].items()
    }
    undeclared = []
    for path in (ROOT / "engine").rglob("*"):
        if not path.is_file() or path.suffix in (".py", ".pyc"):
            continue
        package = ".".join(path.parent.relative_to(ROOT).parts)
        if package not in packages or not any(fnmatch.fnmatch(path.name, p) for p in declared.get(package, [])):
            undeclared.append(str(path.relative_to(ROOT)))
    assert undeclared == []
    assert "engine.web.templates.admin" in packages and "engine.storage.migrations.versions" in packages
    assert not any("__pycache__" in package for package in packages)


def test_make_run_listens_where_trellis_host_and_port_say(monkeypatch):
    monkeypatch.setenv("TRELLIS_HOST", "0.0.0.0")
    monkeypatch.setenv("TRELLIS_PORT", "8123")
    from_env = subprocess.run(["make", "-n", "-C", str(ROOT), "run"], capture_output=True, text=True, timeout=30)
    monkeypatch.delenv("TRELLIS_HOST")
    monkeypatch.delenv("TRELLIS_PORT")
    default = subprocess.run(["make", "-n", "-C", str(ROOT), "run"], capture_output=True, text=True, timeout=30)

    assert "trellis serve --host '0.0.0.0' --port '8123'" in from_env.stdout
    assert "http://0.0.0.0:8123/" in from_env.stdout
    assert "trellis serve --host '127.0.0.1' --port '5000'" in default.stdout
