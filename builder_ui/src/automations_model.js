// The automation designer's model: pure operations on a package document's `automations` (the JSON
// of apps/*.json, docs/app-format.md "Automations and connectors"). Each returns a new document and
// leaves the old untouched (undo/redo keeps documents); an empty value is left out, not written.
import { freeName } from "./designers_model.js";

const clone = (value) => (value === undefined ? undefined : JSON.parse(JSON.stringify(value)));
const blank = (value) => value === undefined || value === null || value === "" ||
  (Array.isArray(value) && value.length === 0) ||
  (typeof value === "object" && !Array.isArray(value) && Object.keys(value).length === 0);

function setKey(object, key, value) {
  if (blank(value)) delete object[key];
  else object[key] = clone(value);
}

function automationAt(doc, index) {
  const found = (doc.automations || [])[index];
  if (!found) throw new Error(`no automation ${index}`);
  return found;
}

/** A new automation (enabled, on the first form's new records, one empty notification to fill in). */
export function addAutomation(doc, { id, name, trigger, actions }) {
  const next = clone(doc);
  next.automations = next.automations || [];
  const free = freeName(next.automations.map((a) => a.id), id || "automation");
  const made = { id: free, trigger: clone(trigger), actions: clone(actions || []) };
  if (!blank(name)) made.name = clone(name);
  next.automations.push(made);
  return next;
}

export function removeAutomation(doc, index) {
  const next = clone(doc);
  next.automations.splice(index, 1);
  if (!next.automations.length) delete next.automations;
  return next;
}

/** `name`, `enabled` (true is the default, so only false is written) or `condition`. */
export function setAutomationKey(doc, index, key, value) {
  const next = clone(doc);
  const automation = automationAt(next, index);
  if (key !== "enabled") setKey(automation, key, value);
  else if (value === false) automation.enabled = false;
  else delete automation.enabled;
  return next;
}

/** A trigger of another type keeps the keys both types share (its form, mostly). */
export function setTriggerType(doc, index, type, keys) {
  const next = clone(doc);
  const automation = automationAt(next, index);
  const kept = Object.fromEntries(Object.entries(automation.trigger || {}).filter(([k]) => keys.includes(k)));
  automation.trigger = { type, ...kept };
  return next;
}

export function setTriggerKey(doc, index, key, value) {
  const next = clone(doc);
  setKey(automationAt(next, index).trigger, key, value);
  return next;
}

export function addAction(doc, index, type) {
  const next = clone(doc);
  automationAt(next, index).actions.push({ type });
  return next;
}

export function removeAction(doc, index, at) {
  const next = clone(doc);
  automationAt(next, index).actions.splice(at, 1);
  return next;
}

export function moveAction(doc, index, from, to) {
  const next = clone(doc);
  const actions = automationAt(next, index).actions;
  if (from < 0 || from >= actions.length || to < 0 || to >= actions.length) return next;
  const [moved] = actions.splice(from, 1);
  actions.splice(to, 0, moved);
  return next;
}

export function setActionKey(doc, index, at, key, value) {
  const next = clone(doc);
  const action = automationAt(next, index).actions[at];
  if (!action) throw new Error(`no action ${at}`);
  setKey(action, key, value);
  return next;
}

/** The form whose records an automation's trigger acts on (a flow's form for a flow event), or null. */
export function recordForm(doc, trigger) {
  const formId = trigger?.form || (trigger?.flow && (doc.flows || []).find((f) => f.id === trigger.flow)?.form);
  return (doc.forms || []).find((f) => f.id === formId) || null;
}

/** The form whose fields the keys of an action's `key` object (field -> expression) name; null: free keys. */
export function pairsForm(doc, trigger, action, key) {
  const form = recordForm(doc, trigger);
  if (key === "mapping") return null;
  if (action.form) return (doc.forms || []).find((f) => f.id === action.form) || null;
  if (action.field) {
    const relation = (form?.fields || []).find((f) => f.id === action.field);
    return (doc.forms || []).find((f) => f.id === relation?.target) || null;
  }
  return form;
}
