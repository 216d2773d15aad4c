"""BPMN 2.0 XML interchange for flow definitions: import from bpmn.io / Camunda Modeler, export back.

``bpmn_to_flow`` reads the supported subset (see docs/bpmn.md) and reports every element it could
not carry over; ``flow_to_bpmn`` writes a file those modelers open, with Trellis-only details kept
in ``bpmn:extensionElements`` so that export → import gives the same definition back.
"""

from engine.flows.bpmn.document import BpmnImport, ImportNote, UnsupportedElement
from engine.flows.bpmn.reader import bpmn_to_flow
from engine.flows.bpmn.security import MAX_BPMN_BYTES
from engine.flows.bpmn.writer import flow_to_bpmn

__all__ = ["MAX_BPMN_BYTES", "BpmnImport", "ImportNote", "UnsupportedElement", "bpmn_to_flow", "flow_to_bpmn"]
