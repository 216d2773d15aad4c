"""Trellis-only details in ``bpmn:extensionElements``: one ``trellis:property`` per key, its value JSON.

bpmn.io and Camunda Modeler keep unknown extension elements untouched, so what BPMN cannot say
(assignee shapes, field permissions, outcomes, connector calls ...) survives a round through them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from xml.etree.ElementTree import Element, SubElement

from engine.flows.bpmn.namespaces import TRELLIS, bpmn, dumps, prefixed, q, text_of
from engine.flows.bpmn.security import refuse
from engine.flows.bpmn.text import says
from engine.packages.messages import problem

PROPERTY = q(TRELLIS, "property")


def read_properties(element: Element) -> dict[str, Any]:
    """The Trellis properties of ``element`` (empty for elements a modeler drew)."""
    found: dict[str, Any] = {}
    extensions = element.find(bpmn("extensionElements"))
    if extensions is None:
        return found
    for item in extensions.findall(PROPERTY):
        key = item.get("name", "")
        try:
            found[key] = json.loads(text_of(item))
        except ValueError:
            where = element.get("id", prefixed(element.tag))
            raise refuse(says("bpmn.refused.bad_property"), [problem(where, "bpmn.bad_property", key=key)]) from None
    return found


def write_properties(element: Element, properties: Mapping[str, Any]) -> None:
    """Add ``properties`` to ``element``'s extensionElements, placed where the BPMN schema wants it."""
    if not properties:
        return
    extensions = Element(bpmn("extensionElements"))
    for key, value in properties.items():
        SubElement(extensions, PROPERTY, {"name": key}).text = dumps(value)
    index = 1 if len(element) and element[0].tag == bpmn("documentation") else 0
    element.insert(index, extensions)
