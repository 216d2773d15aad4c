// The flow designer's BPMN canvas (bpmn-js Modeler), loaded as its own chunk only when a flow is
// opened. Its palette holds only what the engine runs; new elements get lower-case ids
// ("activity_0abc") so they are Trellis ids as they are; texts come from the catalog.
import Modeler from "bpmn-js/lib/Modeler";
import { t } from "./texts.js";
import "./flow_canvas.css";

/** Palette entries: [key, BPMN type, icon class, catalog kind, the Trellis type it is marked with]. */
const ENTRIES = [
  ["start", "bpmn:StartEvent", "bpmn-icon-start-event-none", "start"],
  ["user-task", "bpmn:UserTask", "bpmn-icon-user-task", "user_task"],
  ["approval", "bpmn:UserTask", "bpmn-icon-user-task trellis-approval", "approval"],
  ["exclusive", "bpmn:ExclusiveGateway", "bpmn-icon-gateway-xor", "exclusive_gateway"],
  ["parallel", "bpmn:ParallelGateway", "bpmn-icon-gateway-parallel", "parallel_gateway"],
  ["inclusive", "bpmn:InclusiveGateway", "bpmn-icon-gateway-or", "inclusive_gateway"],
  ["service-task", "bpmn:ServiceTask", "bpmn-icon-service-task", "service_task", "service_task"],
  ["script-task", "bpmn:ScriptTask", "bpmn-icon-script-task", "script_task", "script_task"],
  ["notify", "bpmn:SendTask", "bpmn-icon-send-task", "notify", "notify"],
  ["subflow", "bpmn:CallActivity", "bpmn-icon-call-activity", "subflow", "subflow"],
  ["timer", "bpmn:IntermediateCatchEvent", "bpmn-icon-intermediate-event-catch-timer", "timer"],
  ["end", "bpmn:EndEvent", "bpmn-icon-end-event-none", "end"],
  ["pool", "bpmn:Participant", "bpmn-icon-participant", "pool"],  // a pool of two lanes (who does what)
];
const GROUPS = { "bpmn:Participant": "collaboration" };

function TrellisPalette(palette, create, elementFactory, bpmnFactory, moddle, handTool, lassoTool, globalConnect, eventBus, modeling) {
  const pools = new WeakSet();  // pools dropped from the palette, given two lanes once created
  eventBus.on("commandStack.shape.create.postExecuted", 500, ({ context }) => {
    if (!pools.has(context.shape)) return;
    pools.delete(context.shape);
    modeling.addLane(context.shape, "bottom");  // one lane around what is drawn already, a free one below
    // the lanes' node lists say so
    const inside = context.shape.children;
    modeling.updateLaneRefs(inside.filter((c) => c.businessObject?.$instanceOf("bpmn:FlowNode")), inside.filter((c) => c.type === "bpmn:Lane"));
  });
  this.getPaletteEntries = () => {
    const entries = {
      "hand-tool": { group: "tools", className: "bpmn-icon-hand-tool", title: t("designers.flow.tool.hand"), action: { click: (e) => handTool.activateHand(e) } },
      "lasso-tool": { group: "tools", className: "bpmn-icon-lasso-tool", title: t("designers.flow.tool.lasso"), action: { click: (e) => lassoTool.activateSelection(e) } },
      "global-connect-tool": { group: "tools", className: "bpmn-icon-connection-multi", title: t("designers.flow.tool.connect"), action: { click: (e) => globalConnect.start(e) } },
      "tool-separator": { group: "tools", separator: true },
    };
    for (const [key, type, className, kind, marked] of ENTRIES) {
      const start = (event) => {
        const shape = shapeOf({ elementFactory, bpmnFactory, moddle }, key, type, marked);
        if (key === "pool") pools.add(shape);
        create.start(event, shape);
      };
      const group = GROUPS[type] || (type.includes("Gateway") ? "gateway" : type.includes("Event") ? "event" : "activity");
      entries[`create.${key}`] = { group, className, title: t(`designers.flow.kind.${kind}`), action: { dragstart: start, click: start } };
    }
    return entries;
  };
  palette.registerProvider(this);
}
TrellisPalette.$inject = ["palette", "create", "elementFactory", "bpmnFactory", "moddle", "handTool", "lassoTool", "globalConnect", "eventBus", "modeling"];

const TRELLIS = "https://schemas.trellis.dev/bpmn";

/** The shape a palette entry creates: an approval is a multi-instance user task, a timer waits an hour,
 * a pool is an expanded participant (around what is drawn already), an automatic step carries the
 * Trellis property the importer reads its node type from (a service task, send task or call activity
 * without it is not one the engine runs). */
function shapeOf({ elementFactory, bpmnFactory, moddle }, key, type, marked) {
  if (key === "pool") return elementFactory.createParticipantShape({ isExpanded: true });
  if (marked) {
    const mark = moddle.createAny("trellis:property", TRELLIS, { name: "type", $body: JSON.stringify(marked) });
    const extensionElements = bpmnFactory.create("bpmn:ExtensionElements", { values: [mark] });
    const businessObject = bpmnFactory.create(type, { extensionElements });
    extensionElements.$parent = businessObject;
    mark.$parent = extensionElements;
    return elementFactory.createShape({ type, businessObject });
  }
  if (key === "approval") {
    const businessObject = bpmnFactory.create(type, { loopCharacteristics: bpmnFactory.create("bpmn:MultiInstanceLoopCharacteristics") });
    return elementFactory.createShape({ type, businessObject });
  }
  if (key === "timer") {
    const definition = bpmnFactory.create("bpmn:TimerEventDefinition", { timeDuration: bpmnFactory.create("bpmn:FormalExpression", { body: "PT1H" }) });
    const businessObject = bpmnFactory.create(type, { eventDefinitions: [definition] });
    definition.$parent = businessObject;
    return elementFactory.createShape({ type, businessObject });
  }
  return elementFactory.createShape({ type });
}

/** bpmn-js's own sentences (context pad, tools) from the catalog where it has them. */
function catalogTranslate(template, replacements = {}) {
  const found = t(`designers.flow.bpmn.${template}`, {}, template);
  return found.replace(/{([^}]+)}/g, (_, key) => replacements[key] ?? `{${key}}`);
}

const trellisModule = {
  __init__: ["trellisPalette"],
  trellisPalette: ["type", TrellisPalette],
  paletteProvider: ["value", { getPaletteEntries: () => ({}) }],  // bpmn-js's full palette is off
  translate: ["value", catalogTranslate],
};

/**
 * A modeler in `container`. `onChange()` after every edit on the canvas, `onSelect(id|null)` as the
 * selection changes. `show(xml)` draws a flow and keeps the view and the selection.
 */
export function createCanvas(container, { onChange, onSelect }) {
  const modeler = new Modeler({ container, additionalModules: [trellisModule] });
  const moddle = modeler.get("moddle");
  const next = moddle.ids.nextPrefixed.bind(moddle.ids);
  moddle.ids.nextPrefixed = (prefix, element) => next(prefix.toLowerCase(), element);
  let importing = false;
  modeler.on("commandStack.changed", () => { if (!importing) onChange(); });
  const one = (ids) => (ids.length === 1 ? ids[0] : null);
  // while a redraw replaces the diagram the selection is cleared and put back: the panel is not told, so
  // what is half-typed in it (a people search) survives the redraw
  modeler.on("selection.changed", ({ newSelection }) => { if (!importing) onSelect(one(newSelection.map((e) => e.id))); });
  const canvas = modeler.get("canvas");
  let first = true;
  return {
    modeler,
    async show(xml) {
      const view = first ? null : canvas.viewbox();
      const selected = modeler.get("selection").get().map((e) => e.id);
      importing = true;
      let again = [];  // the ids selected before that are still there
      try {
        await modeler.importXML(xml);
        if (view) canvas.viewbox(view);
        else canvas.zoom("fit-viewport", "auto");
        first = false;
        const registry = modeler.get("elementRegistry");
        const elements = selected.map((id) => registry.get(id)).filter(Boolean);
        if (elements.length) modeler.get("selection").select(elements);
        again = elements.map((e) => e.id);
      } finally {
        importing = false;
      }
      if (one(again) !== one(selected)) onSelect(one(again));  // the selected element is gone
    },
    async xml() {
      return (await modeler.saveXML({ format: true })).xml;
    },
    ids() {
      return modeler.get("elementRegistry").getAll().map((e) => e.id);
    },
    /** The shape the palette entry `key` would create (for tests that draw as a person's drags would). */
    shape(key) {
      const entry = ENTRIES.find(([k]) => k === key);
      const services = { elementFactory: modeler.get("elementFactory"), bpmnFactory: modeler.get("bpmnFactory"), moddle };
      return entry && shapeOf(services, key, entry[1], entry[4]);
    },
    select(id) {
      const element = modeler.get("elementRegistry").get(id);
      if (!element) return false;
      modeler.get("selection").select(element);
      canvas.scrollToElement(element);
      return true;
    },
    /** Mark elements with why: `type` "refusal" (the engine cannot run it) or "problem" (the draft's
     * validation); each finding is {element, message}. Marks of that type are replaced. */
    mark(findings, type) {
      const overlays = modeler.get("overlays");
      overlays.remove({ type });
      const registry = modeler.get("elementRegistry");
      for (const element of registry.getAll()) canvas.removeMarker(element, type);
      for (const finding of findings) {
        const element = registry.get(finding.element);
        if (!element || element.type === "label") continue;
        canvas.addMarker(element, type);
        const note = document.createElement("div");
        note.className = `flow-mark flow-${type}`;
        note.textContent = finding.message;
        overlays.add(element, type, { position: { bottom: type === "refusal" ? -6 : -26, left: 0 }, html: note });
      }
    },
    destroy() {
      modeler.destroy();
    },
  };
}
