"""``trellis bpmn import`` / ``trellis bpmn export``: JSON out, unsupported elements on stderr, exit codes."""

import json
from pathlib import Path

import pytest

from engine.cli import main
from engine.flows.bpmn import bpmn_to_flow
from tests.conftest import PROPERTY_APP

FILES = Path(__file__).resolve().parent / "flows" / "bpmn_files"


@pytest.fixture
def env(monkeypatch, database_url, tmp_path):
    monkeypatch.setenv("TRELLIS_DATABASE_URL", database_url)
    monkeypatch.setenv("TRELLIS_INSTANCE_DIR", str(tmp_path / "instance"))
    return tmp_path


def test_import_prints_the_flow_json(capsys):
    path = FILES / "countersign.bpmn"

    assert main(["bpmn", "import", str(path), "--form", "repair_order", "--id", "big_repair"]) == 0

    out, err = capsys.readouterr()
    expected = bpmn_to_flow(path.read_bytes(), form="repair_order", flow_id="big_repair").flow
    assert json.loads(out) == expected
    assert (expected["id"], expected["form"]) == ("big_repair", "repair_order")
    assert err == ""


def test_import_notes_go_to_stderr_and_do_not_fail(capsys):
    assert main(["bpmn", "import", str(FILES / "simple_approval.bpmn")]) == 0

    out, err = capsys.readouterr()
    assert json.loads(out)["form"] == "process_0w3rt7k"
    assert err == (
        "note: Process_0w3rt7k (bpmn:process): no form was given; the flow uses the form 'process_0w3rt7k'"
        " - pass the form's id\n"
    )


def test_import_with_unsupported_elements_lists_them_and_exits_1(capsys):
    path = FILES / "unsupported.bpmn"

    assert main(["bpmn", "import", str(path), "--form", "claim"]) == 1

    out, err = capsys.readouterr()
    assert json.loads(out)["nodes"][0]["id"] == "startevent_1"  # what could be read is still printed
    lines = err.splitlines()
    assert "unsupported: Activity_0y3gd6k (bpmn:subProcess): not supported" in lines
    assert (
        "unsupported: Activity_1h6nc0v (bpmn:serviceTask): not supported "
        "(camunda:class com.example.claims.CheckPolicyDelegate)" in lines
    )
    assert lines[-1] == f"{path}: 14 elements not imported; finish the flow by hand"


def test_import_of_a_missing_file_exits_2(tmp_path, capsys):
    assert main(["bpmn", "import", str(tmp_path / "nope.bpmn")]) == 2
    assert capsys.readouterr().err == f"trellis: cannot read {tmp_path / 'nope.bpmn'}: No such file or directory\n"


def test_import_of_hostile_xml_is_refused_without_a_traceback(tmp_path, capsys):
    path = tmp_path / "lol.bpmn"
    path.write_bytes(b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY a "aaaa">]><a>&a;</a>')

    assert main(["bpmn", "import", str(path)]) == 1

    out, err = capsys.readouterr()
    assert out == ""
    assert err == "/: the file declares a DTD (<!DOCTYPE ...>); BPMN files from a modeler never do - remove it\n"


def test_export_writes_a_file_that_imports_back_to_the_flow(env, capsys):
    assert main(["import", str(PROPERTY_APP)]) == 0
    target = env / "repair.bpmn"

    assert main(["bpmn", "export", "property_repair", "repair", "-o", str(target)]) == 0

    assert capsys.readouterr().out.endswith(f"wrote {target}\n")
    flow = json.loads(PROPERTY_APP.read_text(encoding="utf-8"))["flows"][0]
    assert bpmn_to_flow(target.read_bytes()).flow == flow


def test_export_to_stdout_and_import_from_it(env, capsys):
    main(["import", str(PROPERTY_APP)])
    capsys.readouterr()

    assert main(["bpmn", "export", "property_repair", "repair"]) == 0
    xml = capsys.readouterr().out
    path = env / "out.bpmn"
    path.write_text(xml, encoding="utf-8")

    assert main(["bpmn", "import", str(path)]) == 0
    assert json.loads(capsys.readouterr().out)["id"] == "repair"


def test_export_of_an_unknown_flow_or_app_exits_1(env, capsys):
    main(["import", str(PROPERTY_APP)])
    capsys.readouterr()

    flows = ", ".join(f["id"] for f in json.loads(PROPERTY_APP.read_text(encoding="utf-8"))["flows"])
    assert main(["bpmn", "export", "property_repair", "repiar"]) == 1
    assert capsys.readouterr().err == f"trellis: app 'property_repair' has no flow 'repiar' (its flows: {flows})\n"
    assert main(["bpmn", "export", "nope", "repair"]) == 1
    assert capsys.readouterr().err == "trellis: there is no app 'nope'; `trellis import` installs one\n"


def test_import_findings_follow_the_readers_language(capsys):
    path = FILES / "unsupported.bpmn"

    assert main(["--lang", "zh-CN", "bpmn", "import", str(path), "--form", "claim"]) == 1

    lines = capsys.readouterr().err.splitlines()
    assert "未导入:Activity_0y3gd6k (bpmn:subProcess): 不支持" in lines
    assert "提示:TextAnnotation_0q5re2n (bpmn:textAnnotation): 已忽略(注释和分组不影响流程运行)" in lines
    assert lines[-1] == f"{path}:14 个元素未导入,请手动补全流程"


def test_a_refused_file_is_explained_in_the_readers_language(tmp_path, capsys):
    path = tmp_path / "lol.bpmn"
    path.write_bytes(b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY a "aaaa">]><a>&a;</a>')

    assert main(["--lang", "zh-CN", "bpmn", "import", str(path)]) == 1

    assert (
        capsys.readouterr().err == "/: 文件声明了 DTD(“<!DOCTYPE ...>”);建模工具导出的 BPMN 文件从不这样做,请删除它\n"
    )
