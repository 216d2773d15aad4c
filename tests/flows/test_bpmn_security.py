"""Hostile or broken BPMN never gets in: each is refused with one DefinitionError naming the problem."""

import pytest

from engine.errors import DefinitionError
from engine.flows.bpmn import bpmn_to_flow

HEAD = (
    '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
    'id="Definitions_1" targetNamespace="http://bpmn.io/schema/bpmn">'
)


def _process(body: str) -> bytes:
    process = f'<bpmn:process id="Process_1" isExecutable="true">{body}</bpmn:process>'
    return f'<?xml version="1.0" encoding="UTF-8"?>{HEAD}{process}</bpmn:definitions>'.encode()


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">&lol3;</bpmn:definitions>"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE d [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">
<bpmn:process id="P">&secret;</bpmn:process></bpmn:definitions>"""
DTD_ONLY = b"""<?xml version="1.0"?>
<!DOCTYPE definitions SYSTEM "http://example.com/bpmn.dtd">
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" />"""

CASES = {
    "billion_laughs": (BILLION_LAUGHS, "", "bpmn.dtd"),
    "external_entity": (EXTERNAL_ENTITY, "", "bpmn.dtd"),
    "dtd": (DTD_ONLY, "", "bpmn.dtd"),
    "not_xml": (b'{"id": "repair", "nodes": []}', "", "bpmn.not_xml"),
    "truncated": (
        b"<bpmn:definitions xmlns:bpmn='http://www.omg.org/spec/BPMN/20100524/MODEL'><bpmn:process>",
        "",
        "bpmn.not_xml",
    ),
    "empty": (b"", "", "bpmn.not_xml"),
    "binary": (bytes(range(256)), "", "bpmn.not_xml"),
    "unbound_prefix": (b"<bpmn:definitions />", "", "bpmn.not_xml"),
    "wrong_root": (b'<svg xmlns="http://www.w3.org/2000/svg" />', "", "bpmn.wrong_root"),
    "bpmn_without_namespace": (b"<definitions><process /></definitions>", "", "bpmn.wrong_root"),
    "no_process": (f"{HEAD}</bpmn:definitions>".encode(), "", "bpmn.no_process"),
    "missing_id": (
        _process('<bpmn:startEvent id="S" /><bpmn:userTask name="x" />'),
        "Process_1/bpmn:userTask[2]",
        "bpmn.missing_id",
    ),
    "duplicate_id": (_process('<bpmn:startEvent id="S" /><bpmn:endEvent id="S" />'), "S", "bpmn.duplicate_id"),
    "dangling_target": (
        _process('<bpmn:startEvent id="S" /><bpmn:sequenceFlow id="F" sourceRef="S" targetRef="Nowhere" />'),
        "F",
        "bpmn.dangling_ref",
    ),
    "missing_source": (
        _process('<bpmn:endEvent id="E" /><bpmn:sequenceFlow id="F" targetRef="E" />'),
        "F",
        "bpmn.missing_ref",
    ),
    "flow_to_a_flow": (
        _process('<bpmn:startEvent id="S" /><bpmn:sequenceFlow id="F" sourceRef="S" targetRef="F" />'),
        "F",
        "bpmn.dangling_ref",
    ),
    "dangling_attachment": (
        _process('<bpmn:boundaryEvent id="B" attachedToRef="Ghost"><bpmn:timerEventDefinition /></bpmn:boundaryEvent>'),
        "B",
        "bpmn.dangling_ref",
    ),
    "dangling_default": (_process('<bpmn:exclusiveGateway id="G" default="Flow_x" />'), "G", "bpmn.dangling_ref"),
    "damaged_property": (
        _process(
            '<bpmn:startEvent id="S"><bpmn:extensionElements>'
            '<trellis:property xmlns:trellis="https://schemas.trellis.dev/bpmn" name="assignee">{oops'
            "</trellis:property></bpmn:extensionElements></bpmn:startEvent>"
        ),
        "S",
        "bpmn.bad_property",
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_input_is_refused_with_a_problem(name):
    data, pointer, code = CASES[name]

    with pytest.raises(DefinitionError) as caught:
        bpmn_to_flow(data, form="order")

    problem = caught.value.problems[0]
    assert (problem.pointer, problem.code) == (pointer, code)
    assert problem.message


def test_the_messages_say_what_to_do():
    messages = {}
    for name in ("billion_laughs", "wrong_root", "dangling_target", "duplicate_id", "truncated"):
        with pytest.raises(DefinitionError) as caught:
            bpmn_to_flow(CASES[name][0])
        messages[name] = caught.value.problems[0].line()

    assert messages == {
        "billion_laughs": "/: the file declares a DTD (<!DOCTYPE ...>); BPMN files from a modeler never do - remove it",
        "wrong_root": "/: the root element is <{http://www.w3.org/2000/svg}svg>, not <bpmn:definitions>; "
        "is this a BPMN 2.0 file?",
        "dangling_target": "F: targetRef 'Nowhere' names no element of the process; reconnect it in the modeler",
        "duplicate_id": "S: the id 'S' is used by bpmn:startEvent and bpmn:endEvent; ids must be unique",
        "truncated": "/: not well-formed XML at line 1, column 89: no element found",
    }


def test_a_file_over_the_size_cap_is_refused_before_parsing():
    data = _process("<!-- " + "x" * 2048 + " -->")

    with pytest.raises(DefinitionError) as caught:
        bpmn_to_flow(data, max_bytes=1024)

    assert caught.value.problems[0].code == "bpmn.too_large"


def test_the_default_cap_refuses_a_huge_file():
    data = _process("<!--" + "x" * (6 * 1024 * 1024) + "-->")

    with pytest.raises(DefinitionError) as caught:
        bpmn_to_flow(data)

    assert caught.value.problems[0].message == "the file is 6.0 MB; BPMN files are limited to 5.0 MB"


def test_deep_nesting_is_read_without_crashing():
    data = _process("<bpmn:documentation>" + "<a>" * 50_000 + "</a>" * 50_000 + "</bpmn:documentation>")

    result = bpmn_to_flow(data, form="order")

    assert result.flow["nodes"] == []


def test_all_broken_references_are_listed_at_once():
    data = _process(
        '<bpmn:startEvent id="S" /><bpmn:sequenceFlow id="F1" sourceRef="S" targetRef="X" />'
        '<bpmn:sequenceFlow id="F2" sourceRef="Y" targetRef="S" />'
    )

    with pytest.raises(DefinitionError) as caught:
        bpmn_to_flow(data)

    assert caught.value.message == "the BPMN file has 2 broken elements"
    assert [p.pointer for p in caught.value.problems] == ["F1", "F2"]
