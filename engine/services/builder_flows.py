"""The flow designer's conversions (services layer): a draft's flow as BPMN XML for the canvas, and
the canvas's BPMN XML back as a flow definition.

The designer draws with a BPMN modeler but the draft holds the Trellis flow, so every canvas change
comes through here: the engine's own importer (``engine.flows.bpmn``) decides what runs, and what
it cannot carry over comes back per element, in the builder's language, for the canvas to mark.
Nothing is saved here; the designer puts the flow into the draft, whose save judges it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from engine.errors import DefinitionError
from engine.flows.bpmn import MAX_BPMN_BYTES, bpmn_to_flow, flow_to_bpmn
from engine.flows.bpmn.document import Finding
from engine.flows.lanes import role_names
from engine.principal import Principal
from engine.services.builder_access import require_builder


def _is_id(value: Any) -> bool:
    return isinstance(value, str) and 0 < len(value) <= 200


def _drawable(flow: Any) -> bool:
    """Enough of a flow for the writer: ids and types on nodes, ends on edges (the draft may be
    half-edited, so the full schema is the draft save's business, not this one's)."""
    if not isinstance(flow, Mapping) or not _is_id(flow.get("id")):
        return False
    nodes, edges = flow.get("nodes", []), flow.get("edges", [])
    if not isinstance(nodes, list) or not isinstance(edges, list):
        return False
    if not all(isinstance(n, Mapping) and _is_id(n.get("id")) and _is_id(n.get("type")) for n in nodes):
        return False
    return all(
        isinstance(e, Mapping) and _is_id(e.get("id")) and _is_id(e.get("source")) and _is_id(e.get("target"))
        for e in edges
    )


def flow_as_bpmn(principal: Principal, app_id: str, flow: Any, locale: str | None = None) -> str:
    """The flow as BPMN XML with a diagram: each node's ``position``, a layered layout without one;
    labels in the builder's ``locale``."""
    require_builder(principal, app_id)
    if not _drawable(flow):
        raise DefinitionError.says("builder.flows.not_drawable")
    try:
        return flow_to_bpmn(flow, locale=locale).decode("utf-8")
    except (KeyError, TypeError, ValueError, AttributeError) as error:  # a half-edited node the writer cannot say
        raise DefinitionError.says("builder.flows.not_drawable") from error


def _finding(finding: Finding, locale: str) -> dict[str, str]:
    return {"element": finding.element_id, "type": finding.element_type, "message": finding.localized(locale)}


def bpmn_as_flow(
    principal: Principal,
    app_id: str,
    xml: str,
    *,
    flow_id: str | None,
    form: str | None,
    locale: str,
    roles: Sequence[Any] = (),
) -> dict[str, Any]:
    """The canvas (or an imported ``.bpmn`` file) as a flow for ``form``: what the engine runs, and
    each element it would not, with the reason, by the element's id on the canvas. A lane named
    after one of ``roles`` (the draft's) gives its tasks that role; another name, that group."""
    require_builder(principal, app_id)
    found = bpmn_to_flow(
        xml.encode("utf-8"), flow_id=flow_id, form=form, locale=None, max_bytes=MAX_BPMN_BYTES, roles=role_names(roles)
    )
    return {
        "flow": found.flow,
        "complete": found.complete,
        "unsupported": [_finding(u, locale) for u in found.unsupported],
        "notes": [_finding(n, locale) for n in found.notes],
    }
