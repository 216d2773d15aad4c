"""Re-drawing the bundled property repair flow in the flow designer gives the bundled definition.

A builder starts a new flow for the repair order on an empty canvas and draws every step from the
palette, every line and every boundary timer on the canvas (giving each the id the bundled flow
uses, as a modeler's ID field does), then sets what each element says through the same draft
operations the properties panel applies. The draft's steps and lines then equal the bundled ones:
the canvas, the server's BPMN reading of it and the panel's operations lose and invent nothing.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import api_post, saved, screenshot, sign_in
from tests.conftest import PROPERTY_APP

APP = "property_repair"
REDRAWN = "repair_redrawn"
PASSWORD = "a-long-password"
#: the palette entry that draws each node type
PALETTE = {
    "start": "start",
    "end": "end",
    "user_task": "user-task",
    "approval": "approval",
    "exclusive_gateway": "exclusive",
    "service_task": "service-task",
    "script_task": "script-task",
    "notify": "notify",
}
#: what a node's element carries itself; the rest is set in the properties panel
DRAWN = {"id", "type", "timers", "position"}

DRAW = """({ nodes, edges, palette }) => {
  const flows = window.trellisBuilder.flows, modeler = flows.modeler();
  const modeling = modeler.get("modeling"), registry = modeler.get("elementRegistry");
  const bpmn = modeler.get("bpmnFactory"), factory = modeler.get("elementFactory");
  const root = modeler.get("canvas").getRootElement();
  modeling.removeElements(registry.filter((e) => e.type !== "label" && e !== root && !e.waypoints));
  nodes.forEach((node, i) => {
    const place = { x: 160 + (i % 6) * 190, y: 140 + Math.floor(i / 6) * 190 };
    const shape = modeling.createShape(flows.shape(palette[node.type]), place, root);
    modeling.updateProperties(shape, { id: node.id });
    (node.timers || []).forEach((timer, k) => {
      const wait = bpmn.create("bpmn:FormalExpression", { body: timer.after || "PT1H" });
      const definition = bpmn.create("bpmn:TimerEventDefinition", { timeDuration: wait });
      const event = bpmn.create("bpmn:BoundaryEvent", { eventDefinitions: [definition], cancelActivity: false });
      event.attachedToRef = shape.businessObject;
      const made = factory.createShape({ type: "bpmn:BoundaryEvent", businessObject: event });
      const border = { x: shape.x + 20 + k * 30, y: shape.y + shape.height };
      modeling.updateProperties(modeling.createShape(made, border, shape, { attach: true }), { id: timer.id });
    });
  });
  for (const edge of edges) {
    const line = modeling.connect(registry.get(edge.source), registry.get(edge.target));
    modeling.updateProperties(line, { id: edge.id });
  }
}"""


ON_CANVAS = "() => window.trellisBuilder.flows.modeler().get('elementRegistry').getAll().map((e) => e.id)"


def _settled(page: Page) -> None:
    page.wait_for_function("() => window.trellisBuilder?.flows && !window.trellisBuilder.flows.busy()")
    saved(page)


def _panel_operations(flow: dict[str, Any]) -> list[list[Any]]:
    """What the properties panel applies to give each drawn element what the bundled one says."""
    operations: list[list[Any]] = []
    for node in flow["nodes"]:
        operations += [["setNodeProp", REDRAWN, node["id"], k, v] for k, v in node.items() if k not in DRAWN]
        for timer in node.get("timers", []):
            operations += [["setTimerProp", REDRAWN, timer["id"], k, v] for k, v in timer.items() if k != "id"]
    for edge in flow["edges"]:
        said = {k: v for k, v in edge.items() if k not in ("id", "source", "target")}
        operations += [["setEdgeProp", REDRAWN, edge["id"], k, v] for k, v in said.items()]
    return operations


def _by_id(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {item["id"]: {k: v for k, v in item.items() if k != "position"} for item in items}


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_property_repair_flow_redrawn_in_the_designer_is_the_bundled_one(live_server, browser):
    package = json.loads(PROPERTY_APP.read_text(encoding="utf-8"))
    api_post(live_server, "/api/v1/apps", package)
    bundled = next(flow for flow in package["flows"] if flow["id"] == "repair")
    # business staff with the app's builder role, and nothing else
    maker = {"login": "bao", "password": PASSWORD, "name": "鲍搭建", "roles": [f"{APP}:builder"]}
    api_post(live_server, "/api/v1/users", maker)
    page = browser.new_context(viewport={"width": 1500, "height": 950}, locale="zh-CN").new_page()
    sign_in(page, f"{live_server}/builder/apps/{APP}/flows", "bao", PASSWORD)
    page.select_option("#new-flow-form", "repair_order")
    page.fill("#new-flow-id", REDRAWN)
    page.fill("#new-flow-zh", "报修流程(重画)")
    page.fill("#new-flow-en", "Repair flow (redrawn)")
    page.click("#add-flow")
    page.wait_for_selector(".flow-canvas .djs-palette")
    _settled(page)

    page.evaluate(DRAW, {"nodes": bundled["nodes"], "edges": bundled["edges"], "palette": PALETTE})
    _settled(page)
    drawn = page.evaluate("() => window.trellisBuilder.flows.flow()")
    assert sorted(n["id"] for n in drawn["nodes"]) == sorted(n["id"] for n in bundled["nodes"])
    assert [n["type"] for n in drawn["nodes"]] == [n["type"] for n in bundled["nodes"]]

    page.evaluate(
        "(ops) => ops.forEach(([op, ...args]) => window.trellisBuilder.flows.apply(op, ...args))",
        _panel_operations(bundled),
    )
    _settled(page)
    redrawn = page.evaluate("() => window.trellisBuilder.flows.flow()")
    assert _by_id(redrawn["nodes"]) == _by_id(bundled["nodes"])
    assert _by_id(redrawn["edges"]) == _by_id(bundled["edges"])
    # and the canvas shows it: every step, line and timer is an element of the diagram
    on_canvas = set(page.evaluate(ON_CANVAS))
    timers = {t["id"] for n in bundled["nodes"] for t in n.get("timers", [])}
    assert {n["id"] for n in bundled["nodes"]} | {e["id"] for e in bundled["edges"]} | timers <= on_canvas
    page.evaluate("() => window.trellisBuilder.flows.modeler().get('canvas').zoom('fit-viewport')")
    screenshot(page, "builder-flow-redrawn")
    page.context.close()
