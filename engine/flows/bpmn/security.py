"""Reading untrusted BPMN bytes: size cap, no DTDs or entities, the right root; else DefinitionError.

Every refusal is a ``DefinitionError`` whose Problem names the element (its id) or the file
(pointer ``""``), so the CLI, the API and the builder all show the same line and never a traceback.
"""

from __future__ import annotations

from collections.abc import Iterable
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeTree  # type: ignore[import-untyped]
from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden

from engine.errors import DefinitionError, Problem
from engine.flows.bpmn.namespaces import bpmn, prefixed

MAX_BPMN_BYTES = 5 * 1024 * 1024  # a 500-node diagram from Camunda Modeler is about 400 KB


class BpmnFileError(DefinitionError):
    code = "bpmn_invalid"


def refuse(message: str, problems: Iterable[Problem]) -> BpmnFileError:
    return BpmnFileError(message, list(problems))


def file_problem(code: str, message: str) -> BpmnFileError:
    return refuse(message, [Problem("", code, message)])


def parse_document(data: bytes, *, max_bytes: int = MAX_BPMN_BYTES) -> Element:
    """The ``bpmn:definitions`` element of ``data``, or a BpmnFileError saying why not."""
    if not isinstance(data, bytes | bytearray):
        raise file_problem("bpmn.not_bytes", "a BPMN file is read as bytes")
    if len(data) > max_bytes:
        size_mb, limit_mb = round(len(data) / 1048576, 1), round(max_bytes / 1048576, 1)
        raise file_problem("bpmn.too_large", f"the file is {size_mb} MB; BPMN files are limited to {limit_mb} MB")
    try:
        root: Element = SafeTree.fromstring(bytes(data), forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DTDForbidden:
        raise file_problem(
            "bpmn.dtd", "the file declares a DTD (<!DOCTYPE ...>); BPMN files from a modeler never do - remove it"
        ) from None
    except EntitiesForbidden:
        raise file_problem("bpmn.entities", "the file declares XML entities; they are refused") from None
    except ExternalReferenceForbidden:
        raise file_problem("bpmn.external", "the file refers to external resources; they are refused") from None
    except ParseError as exc:
        line, column = exc.position
        reason = str(exc).split(":")[0]
        raise file_problem("bpmn.not_xml", f"not well-formed XML at line {line}, column {column}: {reason}") from None
    except (ValueError, RecursionError) as exc:  # other defusedxml refusals, absurd nesting
        raise file_problem("bpmn.not_xml", f"the XML cannot be read safely: {type(exc).__name__}") from None
    if root.tag != bpmn("definitions"):
        raise file_problem(
            "bpmn.wrong_root",
            f"the root element is <{prefixed(root.tag)}>, not <bpmn:definitions>; is this a BPMN 2.0 file?",
        )
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
            problems.append(
                Problem(
                    ident,
                    "bpmn.duplicate_id",
                    f"the id '{ident}' is used by {prefixed(seen[ident].tag)} and {prefixed(element.tag)}; "
                    "ids must be unique",
                )
            )
        else:
            seen[ident] = element
    if problems:
        raise refuse(f"the BPMN file has {len(problems)} duplicated ids", problems)
    return seen
