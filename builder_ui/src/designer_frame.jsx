// What the views, navigation and permissions designers share: the draft with undo/redo (Ctrl+Z,
// Ctrl+Shift+Z) and autosave, the toolbar, the draft's problems, a drag-sortable list with
// keyboard move buttons, two-language text inputs and role checkboxes.
import { createContext } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import Sortable from "sortablejs";
import { locale } from "./api.js";
import { t, pick } from "./texts.js";
import { useDraft } from "./draft.js";
import { fieldTypes } from "./designer.jsx";
import * as designers from "./designers_model.js";
import { SaveState, Conflict, Problems } from "./common.jsx";
import { pointerTarget } from "./model.js";
import "./designers.css";

/** The draft of `app`, with the undo keys bound and `window.trellisBuilder.designers` for tests. */
export function useDesignerDraft(app) {
  const draft = useDraft(app);
  const [, setTyped] = useState(false);
  useEffect(() => { fieldTypes().then((types) => { designers.knowTypes(types); setTyped(true); }); }, []);
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
    window.trellisBuilder = {
      ...(window.trellisBuilder || {}),
      designers: {
        model: designers,
        apply: (op, ...args) => keys.current.apply((doc) => designers[op](doc, ...args)),
        document: () => keys.current.doc,
        flush: () => keys.current.flush(),
      },
    };
    return () => document.removeEventListener("keydown", onKey);
  }, []);
  return draft;
}

/** A problem's pointer opens what it points at: the designer's own element (``select`` says whether
 * it knew it: a view, a grant, a menu entry), else a form's field in the form designer. */
function opener(app, draft, navigate, select) {
  return (pointer) => {
    const parts = pointer.split("/").slice(1);
    if (select?.(parts)) return;
    const base = `/builder/apps/${encodeURIComponent(app)}`;
    const doc = draft.doc;
    const found = pointerTarget(doc, pointer);
    const view = parts[0] === "views" && (doc.views || [])[Number(parts[1])];
    const grant = parts[0] === "permissions" && (doc.permissions || [])[Number(parts[1])];
    let href = null;
    if (found?.form) href = `${base}/forms/${found.form}` + (found.field ? `?field=${found.field}` + (found.parent ? `&parent=${found.parent}` : "") : "");
    else if (view) href = `${base}/views?form=${encodeURIComponent(view.form)}&view=${encodeURIComponent(view.id)}`;
    else if (grant) href = `${base}/permissions?role=${encodeURIComponent(grant.role)}&form=${encodeURIComponent(grant.form)}`;
    else if (parts[0] === "navigation") href = `${base}/navigation`;
    else if (parts[0] === "automations" && (doc.automations || [])[Number(parts[1])]) href = `${base}/automations?automation=${encodeURIComponent(doc.automations[Number(parts[1])].id)}`;
    if (href) draft.flush().finally(() => navigate({ preventDefault() {}, currentTarget: { getAttribute: () => href } }));
  };
}

export function DesignerFrame({ app, draft, title, navigate, kind, select, children }) {
  const doc = draft.doc;
  const appHref = `/builder/apps/${encodeURIComponent(app)}`;
  // leave only once the last edits are saved: the next screen loads the draft afresh
  const leave = (e) => {
    e.preventDefault();
    const target = e.currentTarget;
    draft.flush().finally(() => navigate({ preventDefault() {}, currentTarget: target }));
  };
  return (
    <div class={`designer ${kind}-designer`} data-app={app}>
      <div class="toolbar">
        <a href={appHref} onClick={leave}>← {pick(doc.name, locale()) || app}</a>
        <h2>{title}</h2>
        <nav class="designer-tabs">
          {["views", "navigation", "permissions", "flows", "automations", "reports", "dashboards"].map((k) => (
            <a href={`${appHref}/${k}`} onClick={leave} aria-current={k === kind ? "page" : undefined}>{t(`designers.tab.${k}`)}</a>
          ))}
        </nav>
        <button type="button" id="undo" disabled={!draft.canUndo} onClick={draft.undo} title="Ctrl+Z">{t("undo")}</button>
        <button type="button" id="redo" disabled={!draft.canRedo} onClick={draft.redo} title="Ctrl+Shift+Z">{t("redo")}</button>
        <SaveState meta={draft.meta} />
      </div>
      <Conflict conflict={draft.meta.conflict} reload={draft.reload} overwrite={draft.overwrite} />
      <Problems problems={draft.meta.problems} open={opener(app, draft, navigate, select)} />
      <Problems problems={draft.meta.warnings} open={opener(app, draft, navigate, select)} kind="warnings" />
      <Warnings.Provider value={draft.meta.warnings || []}>{children}</Warnings.Provider>
    </div>
  );
}

/** The draft's warnings (what publish takes but may not work as meant), each with its pointer: an
 * editor shows the ones about what it edits beside it. */
export const Warnings = createContext([]);

/** The loading / failed states every designer shows before its draft is there. */
export function notReady(draft) {
  if (draft.meta.status === "error" && !draft.doc) return <p class="problems">{draft.meta.error?.message}</p>;
  if (!draft.doc) return <p class="muted">{t("loading")}</p>;
  return null;
}

/**
 * A list drawn from the document and reordered by drag (SortableJS, handle `.drag`) or by the
 * move buttons; `onMove(from, to)` changes the document, Preact redraws.
 */
/** A list reordered by drag or by its ↑/↓ buttons. Lists sharing a `group` name trade rows by drag:
 * `onTransfer(key, toGroupKey, index)` is called on the list the row left (`groupKey` names each list). */
export function SortableList({ items, keyOf, onMove, onTransfer, render, class: cls, group, groupKey }) {
  const list = useRef(null);
  const move = useRef(onMove);
  move.current = onMove;
  const transfer = useRef(onTransfer);
  transfer.current = onTransfer;
  useEffect(() => {
    if (!list.current) return undefined;
    const sortable = Sortable.create(list.current, {
      animation: 120,
      handle: ".drag",
      group: group || undefined,
      onEnd: (evt) => {
        const { from, to, item, oldIndex, newIndex } = evt;
        if (from === to && oldIndex === newIndex) return;
        item.remove();  // the DOM back as it was: the draft changes and the lists redraw from it
        from.insertBefore(item, from.children[oldIndex] || null);
        if (from === to) move.current(oldIndex, newIndex);
        else transfer.current?.(item.dataset.key, to.dataset.group, newIndex);
      },
    });
    return () => sortable.destroy();
  }, [items.length]);
  return (
    <ol ref={list} class={`sortable ${cls || ""}`} data-group={groupKey ?? ""}>
      {items.map((item, index) => (
        <li key={keyOf(item)} data-key={keyOf(item)} class="sortable-row">
          <span class="drag" aria-hidden="true">⠿</span>
          <div class="sortable-body">{render(item, index)}</div>
          <span class="row-actions">
            <button type="button" class="up" aria-label={t("move_up")} disabled={index === 0} onClick={() => onMove(index, index - 1)}>↑</button>
            <button type="button" class="down" aria-label={t("move_down")} disabled={index === items.length - 1} onClick={() => onMove(index, index + 1)}>↓</button>
          </span>
        </li>
      ))}
    </ol>
  );
}

/** A package text ({"zh-CN", "en"}) as two inputs. */
export function TextPair({ id, value, onChange, label }) {
  const text = typeof value === "string" ? { "zh-CN": value, en: value } : value || {};
  const set = (lang, v) => onChange({ ...text, [lang]: v });
  return (
    <div class="prop text-pair">
      <label for={`${id}-zh`}>{label}</label>
      <input id={`${id}-zh`} lang="zh-CN" value={text["zh-CN"] || ""} placeholder="中文" onChange={(e) => set("zh-CN", e.target.value)} />
      <input id={`${id}-en`} lang="en" value={text.en || ""} placeholder="English" onChange={(e) => set("en", e.target.value)} />
    </div>
  );
}

/** Checkboxes of the app's roles; an empty choice is "every role" (the key is left out). */
export function RoleChoice({ id, doc, value, onChange, label, hint }) {
  const chosen = new Set(value || []);
  const toggle = (role, on) => {
    const next = new Set(chosen);
    if (on) next.add(role);
    else next.delete(role);
    onChange((doc.roles || []).map((r) => r.id).filter((r) => next.has(r)));
  };
  return (
    <fieldset class="role-choice" id={id}>
      <legend>{label}</legend>
      {(doc.roles || []).map((role) => (
        <label class="check">
          <input type="checkbox" name={`${id}-role`} value={role.id} checked={chosen.has(role.id)} onChange={(e) => toggle(role.id, e.target.checked)} />
          {pick(role.name, locale()) || role.id}
        </label>
      ))}
      {hint && <p class="muted hint">{hint}</p>}
    </fieldset>
  );
}

/** A path's label ("room › building › community", in the page language) from the labels fieldPaths gives. */
export const pathLabel = (labels) => labels.map((l) => pick(l, locale())).join(" › ");
