// The form designer: palette (every registered field type, from the server), canvas (drag with
// SortableJS, or the move buttons from the keyboard), the selected field's properties and a live
// preview rendered by the engine's own form renderer at phone or desktop width.
import { useEffect, useRef, useState } from "preact/hooks";
import Sortable from "sortablejs";
import { get, post, call, locale } from "./api.js";
import { t, pick } from "./texts.js";
import * as model from "./model.js";
import { useDraft } from "./draft.js";
import { PropertyPanel } from "./properties.jsx";
import { FormPanel } from "./form_panel.jsx";
import { SaveState, Conflict, Problems } from "./common.jsx";

let palette = null;
export async function fieldTypes() {
  if (!palette) palette = get("/field-types").then((answer) => Object.fromEntries(answer.items.map((type) => [type.key, type])));
  return palette;
}

function useSortable(ref, options, deps) {
  useEffect(() => {
    if (!ref.current) return undefined;
    const sortable = Sortable.create(ref.current, options);
    return () => sortable.destroy();
  }, deps);
}

/** Put a node SortableJS moved back where it was: Preact draws the list from the document. */
function undoDomMove(evt) {
  const { from, item, oldIndex } = evt;
  item.remove();
  from.insertBefore(item, from.children[oldIndex] || null);
}

function Palette({ types, onAdd }) {
  const list = useRef(null);
  useSortable(list, { group: { name: "fields", pull: "clone", put: false }, sort: false, animation: 120 }, [types]);
  return (
    <aside class="palette" aria-label={t("palette")}>
      <h3>{t("palette")}</h3>
      <ul ref={list}>
        {Object.values(types).map((type) => (
          <li key={type.key} data-type={type.key}>
            <button type="button" class="palette-item" data-type={type.key} title={t("palette_add")} onClick={() => onAdd(type.key)}>{type.name}</button>
          </li>
        ))}
      </ul>
    </aside>
  );
}

function Canvas({ form, types, selected, select, draft, formId }) {
  const list = useRef(null);
  const add = useRef(null);
  add.current = (type, index) => addField(draft, formId, types, type, index);
  useSortable(list, {
    group: { name: "fields", pull: false, put: true },
    animation: 120,
    handle: ".drag",
    onAdd: (evt) => {
      // the palette's own node goes home (Sortable left a listener-less copy there); the document gets the field
      const type = evt.item.dataset.type;
      if (evt.clone?.parentNode) evt.clone.parentNode.replaceChild(evt.item, evt.clone);
      else evt.item.remove();
      add.current(type, evt.newIndex);
    },
    onEnd: (evt) => {
      if (evt.oldIndex === evt.newIndex) return;
      undoDomMove(evt);
      draft.apply((doc) => model.moveField(doc, formId, evt.oldIndex, evt.newIndex));
    },
  }, [formId, !!form]);
  const fields = form.fields;
  return (
    <section class="canvas" aria-label={t("canvas")}>
      {!fields.length && <p class="muted drop-hint">{t("canvas_empty")}</p>}
      <ol ref={list} class="field-list">
        {fields.map((field, index) => {
          const type = types[field.type];
          const layout = type && !type.stores_value;
          return (
            <li key={field.id} data-field={field.id} class={`field-row${layout ? " section" : ""}${selected.field === field.id && !selected.parent ? " selected" : ""}`}>
              <span class="drag" aria-hidden="true">⠿</span>
              <button type="button" class="field-label" onClick={() => select({ field: field.id, parent: null })}>
                {pick(field.label, locale()) || field.id}
                {field.required && <span class="required">*</span>}
              </button>
              <span class="muted">{type?.name || field.type} · {field.id}</span>
              <span class="row-actions">
                <button type="button" class="up" aria-label={t("move_up")} disabled={index === 0}
                  onClick={() => draft.apply((doc) => model.moveField(doc, formId, index, index - 1))}>↑</button>
                <button type="button" class="down" aria-label={t("move_down")} disabled={index === fields.length - 1}
                  onClick={() => draft.apply((doc) => model.moveField(doc, formId, index, index + 1))}>↓</button>
                <button type="button" class="remove" aria-label={t("remove")}
                  onClick={() => draft.apply((doc) => model.removeField(doc, formId, field.id))}>✕</button>
              </span>
            </li>
          );
        })}
      </ol>
    </section>
  );
}

function newField(doc, formId, types, type, parent) {
  const id = model.freeId(doc, formId, type, parent);
  return { id, type, label: { ...(types[type]?.names || { "zh-CN": type, en: type }) } };
}

function addField(draft, formId, types, type, index = null, parent = null) {
  let made = null;
  draft.apply((doc) => {
    made = newField(doc, formId, types, type, parent);
    const added = model.addField(doc, formId, made, index, parent);
    // a form's first text field names its records (in pickers, lists, titles) until the builder picks another
    const untitled = !parent && type === "text" && !added.forms.find((f) => f.id === formId).title_field;
    return untitled ? model.setFormProp(added, formId, "title_field", made.id) : added;
  });
  return made;
}

function Preview({ app, formId, doc }) {
  const [device, setDevice] = useState("desktop");
  const [html, setHtml] = useState("");
  const [error, setError] = useState(null);
  useEffect(() => {
    const timer = setTimeout(async () => {
      try {
        setHtml(await call("POST", `/apps/${encodeURIComponent(app)}/preview-form`, { document: doc, form: formId, locale: locale(), device }, { raw: true }));
        setError(null);
      } catch (e) {
        setError(e.body?.errors ? e.body.errors.map((p) => p.message).join(" ") : e.message);
      }
    }, 600);
    return () => clearTimeout(timer);
  }, [doc, device, formId]);
  return (
    <section class="preview" aria-label={t("preview")}>
      <div class="preview-bar">
        <h3>{t("preview")}</h3>
        {["phone", "desktop"].map((d) => (
          <button type="button" class={device === d ? "on" : ""} aria-pressed={device === d} onClick={() => setDevice(d)}>{t(`device.${d}`)}</button>
        ))}
      </div>
      {error && <p class="problems">{error}</p>}
      <iframe title={t("preview")} class={`preview-frame ${device}`} srcdoc={html} sandbox="allow-same-origin allow-scripts" />
    </section>
  );
}

export function FormDesigner({ app, formId, navigate }) {
  const draft = useDraft(app);
  const [types, setTypes] = useState(null);
  const params = new URLSearchParams(location.search);
  const [selected, setSelected] = useState({ field: params.get("field"), parent: params.get("parent") });
  useEffect(() => { fieldTypes().then(setTypes); }, []);

  const keys = useRef(null);
  keys.current = draft;
  useEffect(() => {
    const onKey = (e) => {
      if (!(e.ctrlKey || e.metaKey) || e.key.toLowerCase() !== "z" || e.target.closest?.(".cm-editor")) return;
      e.preventDefault();
      if (e.shiftKey) keys.current.redo();
      else keys.current.undo();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, []);

  useEffect(() => {
    window.trellisBuilder = { ...(window.trellisBuilder || {}), model, designer: { draft: () => keys.current, apply: (op, ...args) => keys.current.apply((doc) => model[op](doc, ...args)), document: () => keys.current.doc, flush: () => keys.current.flush() } };
  }, []);

  if (draft.meta.status === "error" && !draft.doc) return <p class="problems">{draft.meta.error?.message}</p>;
  if (!draft.doc || !types) return <p class="muted">{t("loading")}</p>;
  const doc = draft.doc;
  const form = model.formOf(doc, formId);
  if (!form) return <p class="problems">{t("no_form", { form: formId })} <a href={`/builder/apps/${app}`}>{t("back")}</a></p>;
  const field = selected.field ? model.fieldOf(doc, formId, selected.field, selected.parent) : null;
  const setProp = (key, value) => draft.apply((d) => model.setFieldProp(d, formId, field.id, key, value, selected.parent));
  const context = (kind) => ({ app, form: formId, kind, document: () => keys.current.doc });
  const columns = field && !selected.parent ? {
    onAdd: (type) => { const made = addField(draft, formId, types, type, null, field.id); setSelected({ field: made.id, parent: field.id }); },
    onSelect: (id) => setSelected({ field: id, parent: field.id }),
    onMove: (from, to) => draft.apply((d) => model.moveField(d, formId, from, to, field.id)),
    onRemove: (id) => draft.apply((d) => model.removeField(d, formId, id, field.id)),
  } : null;
  const openPointer = (pointer) => {
    const found = model.pointerTarget(doc, pointer);
    if (found?.form === formId && found.field) setSelected({ field: found.field, parent: found.parent });
  };
  return (
    <div class="designer" data-form={formId}>
      <div class="toolbar">
        <a href={`/builder/apps/${encodeURIComponent(app)}`} onClick={navigate}>← {t("back")}</a>
        <h2>{pick(form.name, locale())} <code>{formId}</code></h2>
        <button type="button" id="form-settings" onClick={() => setSelected({ field: null, parent: null })}>{t("form.settings")}</button>
        <button type="button" id="undo" disabled={!draft.canUndo} onClick={draft.undo} title="Ctrl+Z">{t("undo")}</button>
        <button type="button" id="redo" disabled={!draft.canRedo} onClick={draft.redo} title="Ctrl+Shift+Z">{t("redo")}</button>
        <SaveState meta={draft.meta} />
      </div>
      <Conflict conflict={draft.meta.conflict} reload={draft.reload} overwrite={draft.overwrite} />
      <Problems problems={draft.meta.problems} open={openPointer} />
      <div class="designer-grid">
        <Palette types={types} onAdd={(type) => {
          const made = addField(draft, formId, types, type);
          setSelected({ field: made.id, parent: null });
        }} />
        <Canvas form={form} types={types} selected={selected} select={setSelected} draft={draft} formId={formId} />
        <aside class="properties" aria-label={t("properties")}>
          {selected.parent && <button type="button" class="link" onClick={() => setSelected({ field: selected.parent, parent: null })}>← {t("back_to_table")}</button>}
          {field ? <PropertyPanel key={`${selected.parent}/${field.id}`} doc={doc} form={form} field={field} type={types[field.type]} types={types}
            set={setProp} locale={locale()} context={context} columns={columns} />
            : <FormPanel form={form} types={types} locale={locale()} set={(key, value) => draft.apply((d) => model.setFormProp(d, formId, key, value))} />}
        </aside>
      </div>
      <Preview app={app} formId={formId} doc={doc} />
    </div>
  );
}
