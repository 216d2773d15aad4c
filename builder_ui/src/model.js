// The designer's model: pure operations on a package document (the JSON of apps/*.json). Each
// takes a document and returns a new one, leaving the old untouched, so undo/redo keeps documents
// and the autosave sends exactly what the builder sees. No field type is named here: what a type
// takes comes from the server's palette (/api/v1/builder/field-types).

const clone = (value) => (value === undefined ? undefined : JSON.parse(JSON.stringify(value)));

export function formOf(doc, formId) {
  return (doc.forms || []).find((form) => form.id === formId) || null;
}

/** The list a field lives in: the form's fields, or the columns of the sub-table `parent`. */
function listOf(form, parent) {
  if (!parent) return form.fields;
  const holder = form.fields.find((field) => field.id === parent);
  if (!holder) throw new Error(`no field ${parent}`);
  holder.fields = holder.fields || [];
  return holder.fields;
}

function edit(doc, formId, change) {
  const next = clone(doc);
  const form = formOf(next, formId);
  if (!form) throw new Error(`no form ${formId}`);
  change(form, next);
  return next;
}

/** Whether a value is "not set" (the key is removed): nothing, "", [] or an object of nothing.
 * false is a value (a checkbox's default); the panel sends undefined for an unticked flag. */
function unset(value) {
  if (value === undefined || value === null || value === "") return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === "object") return Object.values(value).every((v) => v === undefined || v === null || v === "");
  return false;
}

export function addForm(doc, { id, name }) {
  const next = clone(doc);
  next.forms = next.forms || [];
  if (next.forms.some((form) => form.id === id)) throw new Error(`form ${id} exists`);
  next.forms.push({ id, name: clone(name), fields: [] });
  return next;
}

export function setFormProp(doc, formId, key, value) {
  return edit(doc, formId, (form) => {
    if (unset(value)) delete form[key];
    else form[key] = clone(value);
  });
}

/** A field id not used in `fields` yet, from `base` (field, field_2, field_3 ...). */
export function freeId(doc, formId, base, parent = null) {
  const form = formOf(doc, formId);
  const taken = new Set(form ? form.fields.flatMap((f) => [f.id, ...(f.fields || []).map((c) => c.id)]) : []);
  if (!taken.has(base)) return base;
  for (let n = 2; ; n += 1) if (!taken.has(`${base}_${n}`)) return `${base}_${n}`;
}

/** Add `field` ({id, type, label, ...}) at `index` (the end when omitted) of the form or sub-table. */
export function addField(doc, formId, field, index = null, parent = null) {
  return edit(doc, formId, (form) => {
    const list = listOf(form, parent);
    if (list.some((f) => f.id === field.id)) throw new Error(`field ${field.id} exists`);
    const at = index === null || index === undefined ? list.length : Math.max(0, Math.min(index, list.length));
    list.splice(at, 0, clone(field));
  });
}

export function removeField(doc, formId, fieldId, parent = null) {
  return edit(doc, formId, (form) => {
    const list = listOf(form, parent);
    const at = list.findIndex((f) => f.id === fieldId);
    if (at >= 0) list.splice(at, 1);
  });
}

export function moveField(doc, formId, from, to, parent = null) {
  return edit(doc, formId, (form) => {
    const list = listOf(form, parent);
    if (from < 0 || from >= list.length) return;
    const [moved] = list.splice(from, 1);
    list.splice(Math.max(0, Math.min(to, list.length)), 0, moved);
  });
}

/** Set one key of a field (label, required, options, filter_by ...); an unset value removes it. */
export function setFieldProp(doc, formId, fieldId, key, value, parent = null) {
  return edit(doc, formId, (form) => {
    const field = listOf(form, parent).find((f) => f.id === fieldId);
    if (!field) throw new Error(`no field ${fieldId}`);
    if (unset(value)) delete field[key];
    else field[key] = clone(value);
  });
}

export function fieldOf(doc, formId, fieldId, parent = null) {
  const form = formOf(doc, formId);
  if (!form) return null;
  const list = parent ? (form.fields.find((f) => f.id === parent) || {}).fields || [] : form.fields;
  return list.find((f) => f.id === fieldId) || null;
}

/** Where a problem's JSON pointer (/forms/2/fields/3/...) lands: {form, field, parent} ids, or null. */
export function pointerTarget(doc, pointer) {
  const parts = String(pointer || "").split("/").slice(1);
  if (parts[0] !== "forms") return null;
  const form = (doc.forms || [])[Number(parts[1])];
  if (!form) return null;
  const found = { form: form.id, field: null, parent: null };
  if (parts[2] === "fields") {
    const field = form.fields?.[Number(parts[3])];
    if (field) found.field = field.id;
    if (field && parts[4] === "fields" && field.fields?.[Number(parts[5])]) {
      found.parent = field.id;
      found.field = field.fields[Number(parts[5])].id;
    }
  }
  return found;
}

export const operations = { addForm, setFormProp, addField, removeField, moveField, setFieldProp };
