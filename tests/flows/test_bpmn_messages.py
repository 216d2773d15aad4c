"""What the BPMN import says, in the reader's language: Chinese lines carry no English but the file's
own ids, tags and expressions; the English lines stay exactly as they were."""

import re
from pathlib import Path

import pytest

from engine.errors import DefinitionError
from engine.flows.bpmn import bpmn_to_flow
from engine.flows.bpmn.text import Text
from engine.packages.messages import localize

FILES = Path(__file__).resolve().parent / "bpmn_files"
CJK = re.compile(r"[\u4e00-\u9fff]")
#: words a Chinese line may carry besides the file's own data
LATIN = {"BPMN", "Trellis", "id", "XML", "ISO", "PT", "JSON"}

BROKEN = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="D">'
    b'<bpmn:process id="Process_1" isExecutable="true">'
    b'<bpmn:startEvent id="S" /><bpmn:userTask name="untitled" />'
    b'<bpmn:sequenceFlow id="F1" sourceRef="S" targetRef="Nowhere" />'
    b'<bpmn:sequenceFlow id="F2" targetRef="S" />'
    b'<bpmn:exclusiveGateway id="G" default="Flow_x" />'
    b"</bpmn:process></bpmn:definitions>"
)


def _data(params) -> list[str]:
    """Every value a sentence was built from, nested sentences included."""
    values = []
    for value in params.values():
        values.extend(_data(value.params) if isinstance(value, Text) else [str(value)])
    return values


def _english_words(text: str, params) -> list[str]:
    for value in sorted(_data(params), key=len, reverse=True):
        text = text.replace(value, " ")
    return [word for word in re.findall(r"[A-Za-z][A-Za-z_\-]*", text) if word not in LATIN]


def _broken_problems():
    with pytest.raises(DefinitionError) as caught:
        bpmn_to_flow(BROKEN, form="order")
    return caught.value


def test_unsupported_elements_and_notes_read_in_chinese():
    result = bpmn_to_flow((FILES / "unsupported.bpmn").read_bytes(), form="order")

    findings = [*result.unsupported, *result.notes]
    lines = [item.line("zh-CN") for item in findings]
    assert len(lines) == 18
    assert "Activity_0y3gd6k (bpmn:subProcess): 不支持" in lines
    assert "Lane_0b9x1rk (bpmn:lane): 没有名为“Clerk”的角色:该泳道的任务交给分组“Clerk”" in lines
    assert (
        'Flow_1v9hp2m (bpmn:sequenceFlow): 无法转换条件“${execution.getVariable("covered") == false}”'
        "(“execution”在 Trellis 中没有对应写法);请改写为 Trellis 表达式" in lines
    )
    for item, line in zip(findings, lines, strict=True):
        reason = line.removeprefix(f"{item.element_id} ({item.element_type}): ")
        assert CJK.search(reason), line
        assert _english_words(reason, item.params) == [], line


def test_the_english_lines_are_the_log_lines():
    result = bpmn_to_flow((FILES / "unsupported.bpmn").read_bytes(), form="order")

    for item in result.unsupported:
        assert item.line("en") == item.line() == f"{item.element_id} ({item.element_type}): {item.reason}"
    for note in result.notes:
        assert note.line("en") == note.line() == f"{note.element_id} ({note.element_type}): {note.message}"
    assert result.unsupported[0].line() == "Flow_1e0ox3d (bpmn:messageFlow): not supported"


def test_broken_references_read_in_chinese():
    error = _broken_problems()

    assert error.localized("zh-CN") == "BPMN 文件中有 4 个元素的连接有误"
    lines = [localize(problem, "zh-CN").line() for problem in error.problems]
    assert lines == [
        "Process_1/bpmn:userTask[2]: 这个 bpmn:userTask 没有 id,请为它设置一个",
        "F1: targetRef 指向的“Nowhere”不是流程中的元素,请在建模工具中重新连接",
        "F2: bpmn:sequenceFlow 缺少 sourceRef,请连接两端",
        "G: 默认流“Flow_x”不是该元素的出口顺序流",
    ]
    for problem, line in zip(error.problems, lines, strict=True):
        assert _english_words(line.removeprefix(f"{problem.pointer}: "), problem.params) == [], line


def test_broken_references_stay_english_for_logs_and_english_readers():
    error = _broken_problems()

    assert error.message == error.localized("en") == "the BPMN file has 4 broken elements"
    assert [localize(problem, "en").line() for problem in error.problems] == [
        "Process_1/bpmn:userTask[2]: this bpmn:userTask has no id; give it one",
        "F1: targetRef 'Nowhere' names no element of the process; reconnect it in the modeler",
        "F2: the bpmn:sequenceFlow has no sourceRef; connect both ends",
        "G: the default flow 'Flow_x' is not an outgoing sequence flow of this element",
    ]
    assert [problem.line() for problem in error.problems] == [
        localize(problem, "en").line() for problem in error.problems
    ]


@pytest.mark.parametrize(
    ("data", "chinese"),
    [
        (b"<a", "第 1 行第 0 列的 XML 格式不正确:unclosed token"),
        (
            b'<!DOCTYPE x [<!ENTITY a "b">]><x/>',
            "文件声明了 DTD(“<!DOCTYPE ...>”);建模工具导出的 BPMN 文件从不这样做,请删除它",
        ),
        (b"<root/>", "根元素是“<root>”,而不是“<bpmn:definitions>”;这是 BPMN 2.0 文件吗?"),
    ],
)
def test_a_refused_file_says_why_in_chinese(data, chinese):
    with pytest.raises(DefinitionError) as caught:
        bpmn_to_flow(data)

    assert caught.value.localized("zh-CN") == localize(caught.value.problems[0], "zh-CN").message == chinese
    assert caught.value.message == caught.value.problems[0].message == caught.value.localized("en")


def test_every_code_the_import_export_and_connectors_name_is_in_the_catalog():
    """``translate`` never raises on an unknown code (it shows the code), so a typo would reach a reader."""
    from engine.i18n import CATALOG

    engine = Path(__file__).resolve().parents[2] / "engine"
    sources = [*(engine / "flows" / "bpmn").glob("*.py"), *(engine / "connectors").glob("*.py"), engine / "cli.py"]
    named = {
        code
        for path in sources
        for code in re.findall(r"""["']((?:bpmn|connector)\.[a-z_.]+)["']""", path.read_text(encoding="utf-8"))
    }
    assert len(named) > 60
    assert sorted(code for code in named if code not in CATALOG) == []
