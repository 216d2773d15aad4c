"""XML namespaces of BPMN files and the conversions between ``{uri}local`` and ``prefix:local``."""

from __future__ import annotations

import json
from typing import Any
from xml.etree.ElementTree import Element
from xml.sax.saxutils import escape, quoteattr

MODEL = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
DC = "http://www.omg.org/spec/DD/20100524/DC"
DI = "http://www.omg.org/spec/DD/20100524/DI"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
CAMUNDA = "http://camunda.org/schema/1.0/bpmn"
ZEEBE = "http://camunda.org/schema/zeebe/1.0"
MODELER = "http://camunda.org/schema/modeler/1.0"
TRELLIS = "https://schemas.trellis.dev/bpmn"
# Camunda 7's attributes (assignee, candidateGroups, collection ...) come from Activiti; its
# descendants Flowable and Activiti still write them under their own namespace.
CAMUNDA_LIKE = (CAMUNDA, "http://activiti.org/bpmn", "http://flowable.org/bpmn")

PREFIXES = {
    MODEL: "bpmn",
    BPMNDI: "bpmndi",
    DC: "dc",
    DI: "di",
    XSI: "xsi",
    CAMUNDA: "camunda",
    ZEEBE: "zeebe",
    MODELER: "modeler",
    TRELLIS: "trellis",
}


def q(namespace: str, local: str) -> str:
    """The ElementTree name (``{uri}local``) of an element or attribute."""
    return f"{{{namespace}}}{local}"


def bpmn(local: str) -> str:
    return q(MODEL, local)


def split(name: str) -> tuple[str, str]:
    if name.startswith("{"):
        namespace, _, local = name[1:].partition("}")
        return namespace, local
    return "", name


def prefixed(name: str) -> str:
    """``{http://www.omg.org/spec/BPMN/20100524/MODEL}userTask`` → ``bpmn:userTask`` (for messages)."""
    namespace, local = split(name)
    if not namespace:
        return local
    prefix = PREFIXES.get(namespace)
    return f"{prefix}:{local}" if prefix else name


def is_bpmn(element: Element, local: str) -> bool:
    return element.tag == bpmn(local)


def text_of(element: Element | None) -> str:
    return "".join(element.itertext()).strip() if element is not None else ""


def serialize(root: Element, used: dict[str, str]) -> bytes:
    """Write ``root`` with the modelers' conventional prefixes; ``used`` maps prefix → namespace.

    ElementTree's own writer would need the process-wide ``register_namespace``; this small
    writer keeps the prefixes local and the output stable.
    """
    prefix_of = {uri: prefix for prefix, uri in used.items()}

    def name(clark: str) -> str:
        namespace, local = split(clark)
        return f"{prefix_of[namespace]}:{local}" if namespace else local

    lines = ['<?xml version="1.0" encoding="UTF-8"?>']

    def write(element: Element, depth: int, extra: dict[str, str]) -> None:
        pad = "  " * depth
        attrs = {**extra, **{name(k): v for k, v in element.attrib.items()}}
        head = name(element.tag) + "".join(f" {k}={quoteattr(v)}" for k, v in attrs.items())
        text = element.text or ""
        if len(element):
            lines.append(f"{pad}<{head}>")
            for child in element:
                write(child, depth + 1, {})
            lines.append(f"{pad}</{name(element.tag)}>")
        elif text:
            lines.append(f"{pad}<{head}>{escape(text)}</{name(element.tag)}>")
        else:
            lines.append(f"{pad}<{head} />")

    write(root, 0, {f"xmlns:{prefix}": uri for prefix, uri in used.items()})
    return ("\n".join(lines) + "\n").encode("utf-8")


def dumps(value: Any) -> str:
    """JSON for a Trellis property kept in ``extensionElements``: compact, readable Chinese."""
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
