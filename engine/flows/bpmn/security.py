"""Reading untrusted BPMN bytes: size cap, no DTDs or entities, the right root; else DefinitionError.

Every refusal is a ``DefinitionError`` whose Problem names the element (its id) or the file
(pointer ``""``), so the CLI, the API and the builder all show the same line and never a traceback.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeTree  # type: ignore[import-untyped]
from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden

from engine.errors import DefinitionError, Problem
from engine.flows.bpmn.namespaces import bpmn, prefixed
from engine.flows.bpmn.text import Text, says
from engine.packages.messages import problem

MAX_BPMN_BYTES = 5 * 1024 * 1024  # a 500-node diagram from Camunda Modeler is about 400 KB


class BpmnFileError(DefinitionError):
    code = "bpmn_invalid"


def refuse(summary: Text, problems: Iterable[Problem]) -> BpmnFileError:
    """The error for ``problems``: its ``message`` is the English summary, ``localized`` the reader's."""
    error = BpmnFileError(str(summary), list(problems))
    error.message_code, error.params = summary.code, dict(summary.params)
    return error


def file_problem(code: str, **params: Any) -> BpmnFileError:
    """A refusal of the whole file (pointer ``""``) whose summary is the problem's own sentence."""
    return refuse(Text(code, params), [problem("", code, **params)])


def parse_document(data: bytes, *, max_bytes: int = MAX_BPMN_BYTES) -> Element:
    """The ``bpmn:definitions`` element of ``data``, or a BpmnFileError saying why not."""
    if not isinstance(data, bytes | bytearray):
        raise file_problem("bpmn.not_bytes")
    if len(data) > max_bytes:
        size_mb, limit_mb = round(len(data) / 1048576, 1), round(max_bytes / 1048576, 1)
        raise file_problem("bpmn.too_large", size_mb=size_mb, limit_mb=limit_mb)
    try:
        root: Element = SafeTree.fromstring(bytes(data), forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DTDForbidden:
        raise file_problem("bpmn.dtd") from None
    except EntitiesForbidden:
        raise file_problem("bpmn.entities") from None
    except ExternalReferenceForbidden:
        raise file_problem("bpmn.external") from None
    except ParseError as exc:
        line, column = exc.position
        reason = str(exc).split(":")[0]
        detail = says("bpmn.not_xml.at", line=line, column=column, reason=reason)
        raise file_problem("bpmn.not_xml", detail=detail) from None
    except (ValueError, RecursionError) as exc:  # other defusedxml refusals, absurd nesting
        raise file_problem("bpmn.not_xml", detail=says("bpmn.not_xml.unsafe", error=type(exc).__name__)) from None
    if root.tag != bpmn("definitions"):
        raise file_problem("bpmn.wrong_root", root=prefixed(root.tag))
    return root


def index_ids(root: Element) -> dict[str, Element]:
    """Every element with an ``id``; duplicated ids refuse the file (references would be ambiguous)."""
    seen: dict[str, Element] = {}
    problems: list[Problem] = []
    for element in root.iter():
        ident = element.get("id")
        if ident is None:
            continue
        if ident in seen:
            first, second = prefixed(seen[ident].tag), prefixed(element.tag)
            problems.append(problem(ident, "bpmn.duplicate_id", ident=ident, first=first, second=second))
        else:
            seen[ident] = element
    if problems:
        raise refuse(says("bpmn.refused.duplicate_ids", count=len(problems)), problems)
    return seen
