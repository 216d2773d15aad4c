// The views, navigation and permissions designers' model: pure operations on a package document's
// `views`, `navigation`, forms' `public`, `roles` and `permissions` (the JSON of apps/*.json). Each
// returns a new document and leaves the old untouched (undo/redo keeps documents). Packages hold no
// defaults: an empty list, "" or false is left out rather than written.

const clone = (value) => (value === undefined ? undefined : JSON.parse(JSON.stringify(value)));
const blank = (value) => value === undefined || value === null || value === "" || value === false ||
  (Array.isArray(value) && value.length === 0) ||
  (typeof value === "object" && !Array.isArray(value) && Object.keys(value).length === 0);

function setKey(object, key, value) {
  if (blank(value)) delete object[key];
  else object[key] = clone(value);
}

function moved(list, from, to) {
  if (from < 0 || from >= list.length) return;
  const [item] = list.splice(from, 1);
  list.splice(Math.max(0, Math.min(to, list.length)), 0, item);
}

/** An id not in `taken` made from `base` (base, base_2, base_3 ...). */
export function freeName(taken, base) {
  const used = new Set(taken);
  if (!used.has(base)) return base;
  for (let n = 2; ; n += 1) if (!used.has(`${base}_${n}`)) return `${base}_${n}`;
}

// ---- views ----------------------------------------------------------------------------------

export function viewsOf(doc, formId) {
  return (doc.views || []).map((view, index) => ({ view, index })).filter((x) => !formId || x.view.form === formId);
}

export function addView(doc, view) {
  const next = clone(doc);
  next.views = next.views || [];
  if (next.views.some((v) => v.id === view.id)) throw new Error(`view ${view.id} exists`);
  next.views.push(clone(view));
  return next;
}

export function removeView(doc, viewId) {
  const next = clone(doc);
  next.views = (next.views || []).filter((v) => v.id !== viewId);
  if (!next.views.length) delete next.views;
  return next;
}

export function setViewProp(doc, viewId, key, value) {
  const next = clone(doc);
  const view = (next.views || []).find((v) => v.id === viewId);
  if (!view) throw new Error(`no view ${viewId}`);
  setKey(view, key, value);
  return next;
}

export function moveColumn(doc, viewId, from, to) {
  const next = clone(doc);
  const view = next.views.find((v) => v.id === viewId);
  moved(view.columns, from, to);
  return next;
}

// ---- a form's public page -------------------------------------------------------------------

export function setPublic(doc, formId, key, value) {
  const next = clone(doc);
  const form = (next.forms || []).find((f) => f.id === formId);
  if (!form) throw new Error(`no form ${formId}`);
  const settings = form.public || {};
  setKey(settings, key, value);
  setKey(form, "public", settings);
  return next;
}

/** One key of the `tracking` settings of a flow (the tracking page people reach from the public link). */
export function setTracking(doc, flowId, key, value) {
  const next = clone(doc);
  const flow = (next.flows || []).find((f) => f.id === flowId);
  if (!flow) throw new Error(`no flow ${flowId}`);
  const tracking = flow.tracking || {};
  setKey(tracking, key, value);
  setKey(flow, "tracking", tracking);
  return next;
}

// ---- navigation -----------------------------------------------------------------------------

export const TARGETS = ["view", "list", "new", "tasks", "knowledge_base", "dashboard"];
export const TASK_BOXES = ["mine", "group", "overdue"];

export const targetOf = (entry) => TARGETS.find((key) => key in entry) || null;

/** The list an entry lives in: the top level, or the items of group `group`. */
function entries(nav, group) {
  if (!group) return nav;
  const holder = nav.find((e) => e.id === group);
  if (!holder) throw new Error(`no group ${group}`);
  return holder.items;
}

function navEdit(doc, change) {
  const next = clone(doc);
  next.navigation = next.navigation || [];
  change(next.navigation, next);
  if (!next.navigation.length) delete next.navigation;
  return next;
}

export function navIds(doc) {
  return (doc.navigation || []).flatMap((e) => [e.id, ...(e.items || []).map((i) => i.id)]);
}

export function addNavEntry(doc, entry, group = null) {
  return navEdit(doc, (nav) => entries(nav, group).push(clone(entry)));
}

export function removeNavEntry(doc, id, group = null) {
  return navEdit(doc, (nav) => {
    const list = entries(nav, group);
    const at = list.findIndex((e) => e.id === id);
    if (at >= 0) list.splice(at, 1);
    if (group && !list.length) nav.splice(nav.findIndex((e) => e.id === group), 1);
  });
}

export function moveNavEntry(doc, from, to, group = null) {
  return navEdit(doc, (nav) => moved(entries(nav, group), from, to));
}

/** Set a key of an entry; `target` ({kind, value}) replaces whichever target key it had. */
export function setNavProp(doc, id, key, value, group = null) {
  return navEdit(doc, (nav) => {
    const entry = entries(nav, group).find((e) => e.id === id);
    if (!entry) throw new Error(`no entry ${id}`);
    if (key === "target") {
      for (const k of TARGETS) delete entry[k];
      entry[value.kind] = value.value;
    } else setKey(entry, key, value);
  });
}

/** Move an entry (not a group) into group `to` (null: the top level), at the end. */
export function regroupNavEntry(doc, id, from, to, index = null) {
  return navEdit(doc, (nav) => {
    const source = entries(nav, from);
    const at = source.findIndex((e) => e.id === id);
    if (at < 0 || from === to || (to && source[at].items)) return;  // one level of groups: a group stays on top
    const [entry] = source.splice(at, 1);
    const target = entries(nav, to);
    target.splice(index == null ? target.length : Math.min(index, target.length), 0, entry);
    if (from && !source.length) nav.splice(nav.findIndex((e) => e.id === from), 1);
  });
}

/** Turn a top-level entry into a group holding it (a group needs at least one item). */
export function groupNavEntry(doc, id, groupId, label) {
  return navEdit(doc, (nav) => {
    const at = nav.findIndex((e) => e.id === id);
    if (at < 0 || nav[at].items) return;
    nav.splice(at, 1, { id: groupId, group: clone(label), items: [nav[at]] });
  });
}

// ---- roles and permissions ------------------------------------------------------------------

export const ACTIONS = ["create", "read", "update", "delete", "export"];
export const FIELD_MODES = ["hidden", "read_only", "editable"];

export function addRole(doc, role) {
  const next = clone(doc);
  next.roles = next.roles || [];
  if (next.roles.some((r) => r.id === role.id)) throw new Error(`role ${role.id} exists`);
  next.roles.push(clone(role));
  return next;
}

/** The grant the designer edits for a role on a form: the first one naming both, or null. */
export function grantOf(doc, role, form) {
  return (doc.permissions || []).find((g) => g.role === role && g.form === form) || null;
}

function grantEdit(doc, role, form, change) {
  const next = clone(doc);
  next.permissions = next.permissions || [];
  let grant = next.permissions.find((g) => g.role === role && g.form === form);
  if (!grant) {
    grant = { role, form, actions: [] };
    next.permissions.push(grant);
  }
  change(grant);
  if (!grant.actions.length && !grant.rows && !grant.fields) next.permissions.splice(next.permissions.indexOf(grant), 1);
  if (!next.permissions.length) delete next.permissions;
  return next;
}

/** Grant or take back one action; the actions keep the package's order (create, read, update ...). */
export function setAction(doc, role, form, action, allowed) {
  return grantEdit(doc, role, form, (grant) => {
    const wanted = new Set(grant.actions);
    if (allowed) wanted.add(action);
    else wanted.delete(action);
    grant.actions = ACTIONS.filter((a) => wanted.has(a));
  });
}

/** A field's mode for the role ("hidden" | "read_only" | "editable"), or null for "as the actions say". */
export function setFieldMode(doc, role, form, field, mode) {
  return grantEdit(doc, role, form, (grant) => {
    const modes = grant.fields || {};
    setKey(modes, field, mode);
    setKey(grant, "fields", modes);
  });
}

export function setRowRule(doc, role, form, expression) {
  return grantEdit(doc, role, form, (grant) => setKey(grant, "rows", (expression || "").trim() ? expression : ""));
}

// ---- row rules from pick lists --------------------------------------------------------------

export const OPERATORS = ["==", "!=", "in", "not in", "<", "<=", ">", ">="];
export const USER_VALUES = ["user.id", "user.name", "user.groups", "user.communities"];

/** A literal typed into a condition's value box as the expression language writes it. */
function literal(text) {
  const value = String(text ?? "").trim();
  if (USER_VALUES.includes(value) || /^-?\d+(\.\d+)?$/.test(value) || value === "True" || value === "False") return value;
  return JSON.stringify(value);
}

/** `[{path, op, value}]` joined with `and`/`or` → a row rule expression. */
export function ruleExpression(conditions, join = "and") {
  return conditions.filter((c) => c.path && c.op).map((c) => `${c.path} ${c.op} ${literal(c.value)}`).join(` ${join} `);
}

const CONDITION = /^([a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*)*)\s+(==|!=|not in|in|<=|>=|<|>)\s+(user\.[a-z_]+|-?\d+(?:\.\d+)?|True|False|"(?:[^"\\]|\\.)*")$/;

/** The conditions of an expression the pick lists can show, or null when only the raw editor can. */
export function parseRule(expression) {
  const text = (expression || "").trim();
  if (!text) return { join: "and", conditions: [] };
  const join = / or /.test(text) && !/ and /.test(text) ? "or" : "and";
  const conditions = [];
  for (const part of text.split(` ${join} `)) {
    const found = CONDITION.exec(part.trim());
    if (!found) return null;
    const value = found[3].startsWith('"') ? JSON.parse(found[3]) : found[3];
    conditions.push({ path: found[1], op: found[2], value });
  }
  return { join, conditions };
}

// Which fields hold a value (not a section heading): known once the server's palette has come
// (/api/v1/builder/field-types says `stores_value` per type); until then every field is offered.
let holdsValue = () => true;
export function knowTypes(types) {
  holdsValue = (field) => types[field.type]?.stores_value !== false;
}

/** The paths a rule or a list column may name from `formId`: its fields, then up to two relation hops. */
export function fieldPaths(doc, formId, depth = 2) {
  const forms = Object.fromEntries((doc.forms || []).map((f) => [f.id, f]));
  const found = [];
  const walk = (form, prefix, labels, left) => {
    for (const field of form.fields || []) {
      if (field.fields || !holdsValue(field)) continue; // a sub-table holds many values, a heading none
      const path = prefix ? `${prefix}.${field.id}` : field.id;
      const label = [...labels, field.label || field.id];
      found.push({ path, label, field });
      if (field.target && forms[field.target] && left > 0) walk(forms[field.target], path, label, left - 1);
    }
  };
  if (forms[formId]) walk(forms[formId], "", [], depth);
  return found;
}

export const operations = {
  addView, removeView, setViewProp, moveColumn, setPublic, setTracking,
  addNavEntry, removeNavEntry, moveNavEntry, setNavProp, regroupNavEntry, groupNavEntry,
  addRole, setAction, setFieldMode, setRowRule,
};
