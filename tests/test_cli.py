"""The ``trellis`` command: exit codes, one line per problem, no tracebacks."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from engine.cli import main
from engine.storage.migrate import head_revision
from tests.conftest import PROPERTY_APP


@pytest.fixture
def env(monkeypatch, database_url, tmp_path):
    monkeypatch.setenv("TRELLIS_DATABASE_URL", database_url)
    monkeypatch.setenv("TRELLIS_INSTANCE_DIR", str(tmp_path / "instance"))
    monkeypatch.delenv("TRELLIS_MAX_PACKAGE_MB", raising=False)
    return tmp_path


def test_validate_ok(capsys):
    assert main(["validate", str(PROPERTY_APP)]) == 0
    assert capsys.readouterr().out == "ok\n"


def test_validate_lists_every_problem_with_its_pointer(tmp_path, capsys):
    package = json.loads(PROPERTY_APP.read_text(encoding="utf-8"))
    package["flows"][0]["edges"][1]["target"] = "valid_gat"
    package["forms"][6]["fields"][1]["requird"] = True
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(package, ensure_ascii=False), encoding="utf-8")

    assert main(["validate", str(path)]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "/forms/6/fields/1/requird: 'requird' is not allowed here (did you mean 'required'?)",
    ]


def test_validate_meaning_after_structure(tmp_path, capsys):
    package = json.loads(PROPERTY_APP.read_text(encoding="utf-8"))
    package["flows"][0]["edges"][1]["target"] = "valid_gat"
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(package, ensure_ascii=False), encoding="utf-8")

    assert main(["--lang", "en", "validate", str(path)]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "/flows/0/edges/1/target: unknown node 'valid_gat' (did you mean 'valid_gate'?)",
        "/flows/0/nodes: no end node can be reached from the start; the flow could never finish",
        "/flows/0/nodes/1: node 'accept' has no outgoing edge; every node but an end needs one",
        "/flows/0/nodes/2: node 'valid_gate' cannot be reached from the start; connect it or remove it",
    ]


def test_validate_in_chinese(tmp_path, capsys):
    path = tmp_path / "bad.json"
    path.write_bytes(b"{oops")
    assert main(["--lang", "zh-CN", "validate", str(path)]) == 1
    assert (
        capsys.readouterr().err
        == "/: 第 1 行第 2 列不是合法的 JSON:Expecting property name enclosed in double quotes\n"
    )


@pytest.mark.parametrize(
    ("content", "line"),
    [
        (b"\x00\x01\x02", "/: not valid JSON at line 1, column 1: Expecting value"),
        (b"[" * 10_000, "/: the JSON is nested more than 64 levels deep; Trellis documents never need that"),
        (b'{"format": 1}', None),
    ],
)
def test_validate_never_shows_a_traceback(tmp_path, capsys, content, line):
    path = tmp_path / "hostile.json"
    path.write_bytes(content)
    assert main(["validate", str(path)]) == 1
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    if line:
        assert captured.err.splitlines() == [line]
    else:
        assert "/format: must be 'trellis.app/1'" in captured.out.splitlines()


def test_validate_a_50_mb_file(tmp_path, capsys):
    path = tmp_path / "huge.json"
    with path.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    assert main(["validate", str(path)]) == 1
    assert capsys.readouterr().err == "/: the document is 50.0 MB; the limit is 20.0 MB\n"


def test_import_export_versions_round_trip(env, capsys):
    assert main(["import", str(PROPERTY_APP)]) == 0
    assert capsys.readouterr().out == f"{PROPERTY_APP}: property_repair created (version 1)\n"
    assert main(["import", str(PROPERTY_APP.parent)]) == 0
    assert capsys.readouterr().out == f"{PROPERTY_APP}: property_repair unchanged (version 1)\n"

    out = env / "exported.json"
    assert main(["export", "property_repair", "-o", str(out)]) == 0
    assert out.read_bytes() == PROPERTY_APP.read_bytes()

    capsys.readouterr()
    assert main(["versions", "property_repair"]) == 0
    fields = capsys.readouterr().out.strip().split("\t")
    assert (fields[0], fields[1]) == ("1", "0.1.0")


def test_import_of_a_broken_package_changes_nothing(env, capsys):
    broken = env / "broken.json"
    broken.write_text('{"format": "trellis.app/1", "id": "x", "version": "1.0.0", "name": "X", "roles": 3}')

    assert main(["import", str(broken)]) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"{broken}: refused, nothing was changed",
        "/roles: must be a list, not a whole number",
    ]
    assert main(["versions", "x"]) == 1
    assert capsys.readouterr().err == "trellis: there is no app 'x'; `trellis import` installs one\n"


def test_export_to_stdout(env, capsys):
    main(["import", str(PROPERTY_APP)])
    capsys.readouterr()
    assert main(["export", "property_repair"]) == 0
    assert capsys.readouterr().out == PROPERTY_APP.read_text(encoding="utf-8")


def test_db_upgrade_is_repeatable(empty_database_url, monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("TRELLIS_DATABASE_URL", empty_database_url)
    monkeypatch.setenv("TRELLIS_INSTANCE_DIR", str(tmp_path / "instance"))
    assert main(["db", "upgrade"]) == 0
    assert f"upgraded from empty to {head_revision()}" in capsys.readouterr().out
    assert main(["db", "upgrade"]) == 0
    assert f"is up to date (revision {head_revision()})" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        (
            "TRELLIS_DATABASE_URL",
            "mysql://x",
            "TRELLIS_DATABASE_URL must start with sqlite:/// or postgresql://, got 'mysql://x'",
        ),
        (
            "TRELLIS_REDIS_URL",
            "localhost:6379",
            "TRELLIS_REDIS_URL must look like redis://host:6379/0, got 'localhost:6379'",
        ),
        ("TRELLIS_PORT", "70000", "TRELLIS_PORT must be a port number from 1 to 65535, got '70000'"),
        ("TRELLIS_MAX_PACKAGE_MB", "lots", "TRELLIS_MAX_PACKAGE_MB must be a positive whole number, got 'lots'"),
    ],
)
def test_a_bad_setting_is_one_line_naming_the_variable(monkeypatch, capsys, variable, value, message):
    monkeypatch.setenv(variable, value)
    assert main(["validate", str(PROPERTY_APP)]) == 2
    assert capsys.readouterr().err == f"trellis: configuration error: {message}\n"


def test_worker_once(env, capsys):
    assert main(["worker", "--once"]) == 0


def test_no_command_prints_help(capsys):
    assert main([]) == 2
    assert "usage: trellis" in capsys.readouterr().out


def test_console_script_is_installed():
    script = Path(sys.executable).with_name("trellis")
    result = subprocess.run([str(script), "validate", str(PROPERTY_APP)], capture_output=True, text=True, timeout=60)
    assert (result.returncode, result.stdout) == (0, "ok\n")


def test_the_command_line_speaks_the_language_it_is_asked_for(env, capsys):
    broken = env / "broken.json"
    broken.write_text('{"format": "trellis.app/1", "id": "x", "version": "1.0.0", "name": "X", "roles": 3}')

    assert main(["--lang", "zh-CN", "import", str(broken)]) == 1
    refused = capsys.readouterr().err.splitlines()
    assert main(["--lang", "zh-CN", "versions", "x"]) == 1
    missing = capsys.readouterr().err

    assert refused[0] == f"{broken}:已拒绝,没有做任何改动"
    assert missing == "trellis:没有应用“x”;可用 `trellis import` 安装\n"


@pytest.mark.parametrize(
    "argv",
    [
        ["--lang", "en", "validate", "{path}"],
        ["validate", "{path}", "--lang", "en"],
        ["validate", "--lang", "en", "{path}"],
        ["--lang", "zh-CN", "validate", "{path}", "--lang", "en"],
    ],
)
def test_lang_may_come_before_or_after_the_command(tmp_path, capsys, monkeypatch, argv):
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    path = tmp_path / "bad.json"
    path.write_bytes(b"{oops")
    assert main([arg.format(path=path) for arg in argv]) == 1
    assert capsys.readouterr().err == (
        "/: not valid JSON at line 1, column 2: Expecting property name enclosed in double quotes\n"
    )


def test_lang_after_a_nested_command(env, capsys, monkeypatch):
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    assert main(["versions", "x", "--lang", "zh-CN"]) == 1
    assert capsys.readouterr().err == "trellis:没有应用“x”;可用 `trellis import` 安装\n"
    assert main(["bpmn", "export", "x", "flow", "--lang", "zh-CN"]) == 1
    assert "没有应用“x”" in capsys.readouterr().err


def _publish_from_the_builder(change):
    from engine.config import Settings
    from engine.principal import Principal
    from engine.services import build_services

    built = build_services(Settings.from_env())
    try:
        admin = Principal(id="admin", is_admin=True)
        draft = built.builder.draft(admin, "property_repair", "en")
        document = json.loads(json.dumps(draft["document"]))
        change(document)
        built.builder.save_draft(admin, "property_repair", document, draft["revision"], "en")
        return built.builder_publish.publish(admin, "property_repair", draft["revision"] + 1, "en").version
    finally:
        built.close()


def _bundled(env, change):
    document = json.loads(PROPERTY_APP.read_text(encoding="utf-8"))
    change(document)
    path = env / "apps" / "property_repair.json"
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def test_import_merges_a_newer_bundled_package_into_the_companys_version(env, capsys):
    assert main(["import", str(PROPERTY_APP)]) == 0
    assert _publish_from_the_builder(lambda d: d["roles"][1]["name"].update(en="Front desk")) == 2
    newer = _bundled(env, lambda d: d.update(version="0.2.0"))
    capsys.readouterr()

    assert main(["import", str(newer.parent)]) == 0

    assert capsys.readouterr().out == (
        f"{newer}: property_repair: the newer bundled package was merged with your own changes (version 4)\n"
    )
    assert main(["export", "property_repair"]) == 0
    exported = json.loads(capsys.readouterr().out)
    assert (exported["version"], exported["roles"][1]["name"]["en"]) == ("0.2.0", "Front desk")


def test_import_keeps_the_companys_version_and_lists_the_conflicts(env, capsys):
    assert main(["import", str(PROPERTY_APP)]) == 0
    _publish_from_the_builder(lambda d: d["roles"][1]["name"].update(en="Front desk"))
    newer = _bundled(env, lambda d: d["roles"][1]["name"].update(en="Service desk"))
    capsys.readouterr()

    assert main(["import", str(newer)]) == 0

    assert capsys.readouterr().out.splitlines() == [
        f"{newer}: property_repair: your own version 2 stays current — the newer bundled package conflicts with "
        "your changes (conflicts: 1); open the builder to settle them",
        "  /roles/1/name/en Front desk: changed both in your version and in the new bundled version",
    ]
