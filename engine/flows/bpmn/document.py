"""What the BPMN reader produces and the small readings it and the writer share: the import result
(flow, unsupported elements, notes), timers and texts derived from plain BPMN, numbers, key order,
the choice of process, diagram bounds and the Trellis ids an export recorded."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Self
from xml.etree.ElementTree import Element

from engine.flows.bpmn.assignment import Sources
from engine.flows.bpmn.namespaces import BPMNDI, CAMUNDA_LIKE, DC, MODEL, ZEEBE, bpmn, q, split
from engine.flows.bpmn.naming import TRELLIS_ID, text_from_label
from engine.flows.bpmn.security import refuse
from engine.flows.bpmn.text import Text, says
from engine.i18n import LOG_LOCALE
from engine.packages.messages import problem


@dataclass(frozen=True, slots=True)
class Finding:
    """What the import says about one element of the file, as a catalog code with parameters:
    rendered in English for logs, in the reader's language by ``line(locale)``."""

    element_id: str
    element_type: str  # "bpmn:subProcess", "camunda:taskListener"
    code: str
    params: Mapping[str, Any] = field(default_factory=dict, hash=False)

    @classmethod
    def of(cls, element_id: str, element_type: str, text: Text) -> Self:
        return cls(element_id, element_type, text.code, text.params)

    def localized(self, locale: str | None) -> str:
        return Text(self.code, self.params).render(locale)

    def line(self, locale: str | None = LOG_LOCALE) -> str:
        return f"{self.element_id} ({self.element_type}): {self.localized(locale)}"


@dataclass(frozen=True, slots=True)
class UnsupportedElement(Finding):
    """An element of the file that is not in the flow (or not fully): reported, never dropped silently."""

    code: str = "bpmn.unsupported"

    @property
    def reason(self) -> str:
        return self.localized(LOG_LOCALE)


@dataclass(frozen=True, slots=True)
class ImportNote(Finding):
    """Something the import filled in or ignored that a person should check (a missing assignee ...)."""

    @property
    def message(self) -> str:
        return self.localized(LOG_LOCALE)


@dataclass(frozen=True, slots=True)
class BpmnImport:
    flow: dict[str, Any]
    unsupported: list[UnsupportedElement] = field(default_factory=list)
    notes: list[ImportNote] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        """True when every element of the file made it into the flow."""
        return not self.unsupported


def derive_timer(
    timer_id: str,
    *,
    interrupting: bool,
    after: str | None,
    until_field: str | None,
    outgoing: Sequence[str],
    label: str | None = None,
    locale: str | None = None,
) -> dict[str, Any]:
    """The Trellis timer plain BPMN describes: a timer with one outgoing flow routes along it (a
    non-interrupting one starts a path of its own while the task stays open), a non-interrupting one
    without a flow is a reminder; the event's label is the message. The writer uses this to know what
    it must add as properties."""
    timer: dict[str, Any] = {"id": timer_id}
    if after:
        timer["after"] = after
    if until_field:
        timer["until_field"] = until_field
    if len(outgoing) == 1:
        if not interrupting:
            timer["interrupting"] = False
        timer["action"] = "route"
        timer["edge"] = outgoing[0]
    elif not interrupting and not outgoing:
        timer["action"] = "notify"
    message = derive_text(label, locale)
    if message is not None:
        timer["message"] = message
    return timer


def derive_text(label: str | None, locale: str | None = None) -> dict[str, str] | None:
    return text_from_label(label or "", locale)


def number(text: str | None) -> float | int | None:
    try:
        value = float(text or "")
    except ValueError:
        return None
    if value != value or value in (float("inf"), float("-inf")):
        return None
    return int(value) if value.is_integer() else value


def ordered(item: Mapping[str, Any], order: Sequence[str]) -> dict[str, Any]:
    """The keys in the order the schema and ``apps/*.json`` use, so imported JSON diffs cleanly."""
    head = {key: item[key] for key in order if key in item}
    return {**head, **{key: value for key, value in item.items() if key not in head}}


def local_name(element: Element) -> str:
    namespace, local = split(element.tag)
    return local if namespace == MODEL else ""


def has_flow_elements(process: Element) -> bool:
    return any(local_name(child) not in ("", "documentation", "extensionElements", "laneSet") for child in process)


def choose_process(root: Element) -> tuple[Element, list[UnsupportedElement]]:
    processes = root.findall(bpmn("process"))
    if not processes:
        raise refuse(says("bpmn.refused.no_process"), [problem("", "bpmn.no_process")])
    executable = [p for p in processes if p.get("isExecutable") == "true"]
    candidates = executable or processes
    chosen = next((p for p in candidates if has_flow_elements(p)), candidates[0])
    unsupported = [
        UnsupportedElement.of(
            p.get("id", "?"), "bpmn:process", says("bpmn.unsupported.second_process", chosen=chosen.get("id"))
        )
        for p in processes
        if p is not chosen and has_flow_elements(p)
    ]
    for collaboration in root.findall(bpmn("collaboration")):
        for flow in collaboration.findall(bpmn("messageFlow")):
            unsupported.append(UnsupportedElement(flow.get("id", "?"), "bpmn:messageFlow"))
    return chosen, unsupported


def diagram_bounds(root: Element) -> dict[str, tuple[float | int, float | int]]:
    found: dict[str, tuple[float | int, float | int]] = {}
    for shape in root.iter(q(BPMNDI, "BPMNShape")):
        bounds = shape.find(q(DC, "Bounds"))
        target = shape.get("bpmnElement")
        if bounds is None or not target or target in found:
            continue
        x, y = number(bounds.get("x")), number(bounds.get("y"))
        if x is not None and y is not None:
            found[target] = (x, y)
    return found


def camunda_attribute(element: Element, local: str) -> str | None:
    for namespace in CAMUNDA_LIKE:
        value = element.get(q(namespace, local))
        if value:
            return value
    return None


def assignment_sources(element: Element, collection: str | None, element_variable: str | None) -> Sources:
    zeebe = element.find(f"{bpmn('extensionElements')}/{q(ZEEBE, 'assignmentDefinition')}")

    def pick(local: str) -> str | None:
        value = camunda_attribute(element, local)
        if not value and zeebe is not None:
            value = zeebe.get(local)
        return value

    return Sources(
        assignee=pick("assignee"),
        candidate_users=pick("candidateUsers"),
        candidate_groups=pick("candidateGroups"),
        collection=collection,
        element_variable=element_variable,
    )


def valid_trellis_id(value: Any) -> str | None:
    return value if isinstance(value, str) and TRELLIS_ID.match(value) else None


def claimed_ids(items: Sequence[tuple[Element, Mapping[str, Any]]]) -> dict[str, str]:
    """Trellis ids recorded by an export, first come first served (a modeler's copy keeps the
    original's properties; the copy then gets an id of its own)."""
    claimed: dict[str, str] = {}
    for element, props in items:
        wanted = valid_trellis_id(props.get("id"))
        if wanted and wanted not in claimed.values():
            claimed[element.get("id", "")] = wanted
    return claimed
