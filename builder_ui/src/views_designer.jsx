// The views designer (/builder/apps/<app>/views): a form's list views — columns (fields and
// relation paths, reordered by drag or keys), sort, fixed filters, roles — with a live preview of
// the list, and the form's public page (link, fields, prefill, rate limit, tracking page).
import { useEffect, useState } from "preact/hooks";
import { locale } from "./api.js";
import { t, pick } from "./texts.js";
import * as m from "./designers_model.js";
import { DesignerFrame, SortableList, TextPair, RoleChoice, notReady, pathLabel, useDesignerDraft } from "./designer_frame.jsx";

const FILTER_OPS = ["", "ne", "lt", "le", "gt", "ge", "in", "notin", "contains", "isnull"];

function NewView({ doc, formId, draft, select }) {
  const [id, setId] = useState("");
  const add = (e) => {
    e.preventDefault();
    const form = doc.forms.find((f) => f.id === formId);
    const view = { id, form: formId, name: { "zh-CN": pick(form.name, "zh-CN"), en: pick(form.name, "en") } };
    const first = m.fieldPaths(doc, formId, 0)[0];
    if (first) view.columns = [first.path];
    draft.apply((d) => m.addView(d, view));
    select(id);
    setId("");
  };
  return (
    <form class="inline-add" onSubmit={add}>
      <label for="new-view-id">{t("designers.view.new_id")}</label>
      <input id="new-view-id" required pattern="[a-z][a-z0-9_]*" value={id} onInput={(e) => setId(e.target.value)} />
      <button type="submit" id="add-view">{t("designers.view.add")}</button>
    </form>
  );
}

function Columns({ doc, view, draft }) {
  const paths = m.fieldPaths(doc, view.form);
  const byPath = Object.fromEntries(paths.map((p) => [p.path, p]));
  const columns = view.columns || [];
  const [adding, setAdding] = useState("");
  const set = (next) => draft.apply((d) => m.setViewProp(d, view.id, "columns", next));
  return (
    <fieldset class="columns">
      <legend>{t("designers.view.columns")}</legend>
      <SortableList items={columns} keyOf={(c) => c} class="column-list"
        onMove={(from, to) => draft.apply((d) => m.moveColumn(d, view.id, from, to))}
        render={(column) => (
          <span class="column" data-column={column}>
            {byPath[column] ? pathLabel(byPath[column].label) : column} <code>{column}</code>
            <button type="button" class="remove" aria-label={t("remove")} onClick={() => set(columns.filter((c) => c !== column))}>✕</button>
          </span>
        )} />
      <div class="inline-add">
        <label for="add-column-path">{t("designers.view.add_column")}</label>
        <select id="add-column-path" value={adding} onChange={(e) => setAdding(e.target.value)}>
          <option value="">—</option>
          {paths.filter((p) => !columns.includes(p.path)).map((p) => <option value={p.path}>{pathLabel(p.label)} ({p.path})</option>)}
        </select>
        <button type="button" id="add-column" disabled={!adding} onClick={() => { set([...columns, adding]); setAdding(""); }}>{t("designers.add")}</button>
      </div>
    </fieldset>
  );
}

function Filters({ doc, view, draft }) {
  const paths = m.fieldPaths(doc, view.form);
  const filters = Object.entries(view.filters || {});
  const write = (entries) => draft.apply((d) => m.setViewProp(d, view.id, "filters", Object.fromEntries(entries)));
  const split = (key) => { const at = key.lastIndexOf("__"); return at > 0 ? [key.slice(0, at), key.slice(at + 2)] : [key, ""]; };
  const typed = (op, value) => (op === "in" || op === "notin" ? String(value).split(",").map((v) => v.trim()).filter(Boolean) : Array.isArray(value) ? value.join(",") : value);
  const change = (i, name, op, value) => write(filters.map((f, k) => (k === i ? [op ? `${name}__${op}` : name, typed(op, value)] : f)));
  return (
    <fieldset class="filters">
      <legend>{t("designers.view.filters")}</legend>
      {filters.map(([key, value], i) => {
        const [name, op] = split(key);
        return (
          <div class="filter-row" data-filter={key}>
            <select aria-label={t("designers.rule.field")} value={name} onChange={(e) => change(i, e.target.value, op, value)}>
              {!paths.some((p) => p.path === name) && <option value={name}>{name}</option>}
              {paths.map((p) => <option value={p.path}>{pathLabel(p.label)}</option>)}
            </select>
            <select aria-label={t("designers.rule.operator")} value={op} onChange={(e) => change(i, name, e.target.value, value)}>
              {FILTER_OPS.map((o) => <option value={o}>{t(`designers.filter_op.${o || "eq"}`)}</option>)}
            </select>
            <input aria-label={t("designers.rule.value")} value={Array.isArray(value) ? value.join(", ") : String(value)} onChange={(e) => change(i, name, op, e.target.value)} />
            <button type="button" class="remove" aria-label={t("remove")} onClick={() => write(filters.filter((_, k) => k !== i))}>✕</button>
          </div>
        );
      })}
      <button type="button" id="add-filter" disabled={!paths.length} onClick={() => write([...filters, [paths[0].path, "$me"]])}>{t("designers.view.add_filter")}</button>
      <p class="muted hint">{t("designers.view.filters_hint", { me: "$me" })}</p>
    </fieldset>
  );
}

/** The list as it looks: real rows from the records API when the app and the view are published, else the column heads. */
function ListPreview({ app, doc, view, published }) {
  const [rows, setRows] = useState(null);
  const paths = Object.fromEntries(m.fieldPaths(doc, view.form).map((p) => [p.path, p]));
  const columns = view.columns || [];
  useEffect(() => {
    setRows(null);
    if (!published) return;
    const url = `/api/v1/apps/${encodeURIComponent(app)}/forms/${encodeURIComponent(view.form)}/records?view=${encodeURIComponent(view.id)}&limit=10&lang=${locale()}`;
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((r) => (r.ok ? r.json() : null))
      .then((answer) => setRows(answer ? answer.items : null))
      .catch(() => setRows(null));
  }, [app, view.id, view.form, published]);
  const cell = (item, column) => {
    const value = item[column] ?? item.data?.[column] ?? item.values?.[column] ?? item.display?.[column];
    if (value == null) return "";
    if (typeof value === "object") return value.label ?? value.title ?? value.name ?? JSON.stringify(value);
    return String(value);
  };
  return (
    <section class="list-preview" aria-label={t("preview")}>
      <h3>{t("preview")} <span class="muted">{rows ? t("designers.view.preview_live") : t("designers.view.preview_heads")}</span></h3>
      <table class="records-preview">
        <thead><tr>{columns.map((c) => <th data-column={c}>{paths[c] ? pathLabel(paths[c].label) : c}</th>)}</tr></thead>
        <tbody>
          {(rows || []).map((item) => <tr>{columns.map((c) => <td>{cell(item, c)}</td>)}</tr>)}
          {!rows && <tr>{columns.map(() => <td class="muted">…</td>)}</tr>}
        </tbody>
      </table>
    </section>
  );
}

function ViewEditor({ app, doc, view, draft, published }) {
  const set = (key, value) => draft.apply((d) => m.setViewProp(d, view.id, key, value));
  const paths = m.fieldPaths(doc, view.form);
  const desc = (view.sort || "").startsWith("-");
  const sortName = (view.sort || "").replace(/^-/, "");
  return (
    <div class="view-editor" data-view={view.id}>
      <TextPair id="view-name" label={t("designers.name")} value={view.name} onChange={(v) => set("name", v)} />
      <Columns doc={doc} view={view} draft={draft} />
      <div class="prop">
        <label for="view-sort">{t("designers.view.sort")}</label>
        <span>
          <select id="view-sort" value={sortName} onChange={(e) => set("sort", e.target.value ? (desc ? "-" : "") + e.target.value : "")}>
            <option value="">—</option>
            {["created_at", "updated_at"].map((s) => <option value={s}>{t(`designers.system.${s}`)}</option>)}
            {paths.filter((p) => !p.path.includes(".")).map((p) => <option value={p.path}>{pathLabel(p.label)}</option>)}
          </select>
          <label class="check"><input type="checkbox" id="view-sort-desc" checked={desc} disabled={!sortName} onChange={(e) => set("sort", (e.target.checked ? "-" : "") + sortName)} />{t("designers.view.descending")}</label>
        </span>
      </div>
      <Filters doc={doc} view={view} draft={draft} />
      <RoleChoice id="view-roles" doc={doc} value={view.roles} label={t("designers.roles")} hint={t("designers.view.roles_hint")} onChange={(v) => set("roles", v)} />
      <ListPreview app={app} doc={doc} view={view} published={published} />
    </div>
  );
}

function PublicPage({ app, doc, form, draft }) {
  const settings = form.public || {};
  const set = (key, value) => draft.apply((d) => m.setPublic(d, form.id, key, value));
  const fields = m.fieldPaths(doc, form.id, 0);
  const chosen = (key) => new Set(settings[key] || []);
  const toggle = (key, id, on) => {
    const next = chosen(key);
    if (on) next.add(id);
    else next.delete(id);
    set(key, fields.map((f) => f.path).filter((p) => next.has(p)));
  };
  const flows = (doc.flows || []).filter((f) => f.form === form.id);
  return (
    <section class="public-page" aria-labelledby="public-title">
      <h3 id="public-title">{t("designers.public.title")}</h3>
      <label class="check"><input type="checkbox" id="public-enabled" checked={!!settings.enabled} onChange={(e) => set("enabled", e.target.checked)} />{t("designers.public.enabled")}</label>
      {settings.enabled && <p class="muted">{t("designers.public.link")} <a href={`/f/${app}/${form.id}`} target="_blank" rel="noopener"><code>/f/{app}/{form.id}</code></a></p>}
      <table class="public-fields">
        <thead><tr><th>{t("designers.field")}</th><th>{t("designers.public.fields")}</th><th>{t("designers.public.prefill")}</th></tr></thead>
        <tbody>
          {fields.map((f) => (
            <tr data-field={f.path}>
              <td>{pathLabel(f.label)}</td>
              <td><input type="checkbox" aria-label={`${t("designers.public.fields")} ${pathLabel(f.label)}`} checked={chosen("fields").has(f.path)} onChange={(e) => toggle("fields", f.path, e.target.checked)} /></td>
              <td><input type="checkbox" aria-label={`${t("designers.public.prefill")} ${pathLabel(f.label)}`} checked={chosen("prefill").has(f.path)} onChange={(e) => toggle("prefill", f.path, e.target.checked)} /></td>
            </tr>
          ))}
        </tbody>
      </table>
      <div class="prop">
        <label for="public-rate">{t("designers.public.rate_limit")}</label>
        <input id="public-rate" type="number" min="1" max="10000" value={settings.rate_limit_per_minute ?? ""}
          onChange={(e) => set("rate_limit_per_minute", e.target.value ? Number(e.target.value) : null)} />
      </div>
      {flows.map((flow) => (
        <div class="tracking" data-flow={flow.id}>
          <h4>{t("designers.public.tracking", { flow: pick(flow.name, locale()) || flow.id })}</h4>
          <div class="prop">
            <label for={`tracking-name-${flow.id}`}>{t("designers.public.name_field")}</label>
            <select id={`tracking-name-${flow.id}`} value={flow.tracking?.name_field || ""} onChange={(e) => draft.apply((d) => m.setTracking(d, flow.id, "name_field", e.target.value))}>
              <option value="">—</option>
              {fields.map((f) => <option value={f.path}>{pathLabel(f.label)}</option>)}
            </select>
          </div>
          <fieldset>
            <legend>{t("designers.public.outcome_fields")}</legend>
            {fields.map((f) => {
              const outcome = new Set(flow.tracking?.outcome_fields || []);
              return (
                <label class="check"><input type="checkbox" checked={outcome.has(f.path)} onChange={(e) => {
                  if (e.target.checked) outcome.add(f.path); else outcome.delete(f.path);
                  draft.apply((d) => m.setTracking(d, flow.id, "outcome_fields", fields.map((x) => x.path).filter((p) => outcome.has(p))));
                }} />{pathLabel(f.label)}</label>
              );
            })}
          </fieldset>
        </div>
      ))}
    </section>
  );
}

export function ViewsDesigner({ app, navigate }) {
  const draft = useDesignerDraft(app);
  const params = new URLSearchParams(location.search);
  const [formId, setFormId] = useState(params.get("form"));
  const [selected, setSelected] = useState(params.get("view"));
  const waiting = notReady(draft);
  if (waiting) return waiting;
  const doc = draft.doc;
  const forms = doc.forms || [];
  const form = forms.find((f) => f.id === formId) || forms[0];
  const published = draft.meta.draft?.based_on_version != null;
  if (!form) return <DesignerFrame app={app} draft={draft} title={t("designers.tab.views")} navigate={navigate} kind="views"><p class="muted">{t("designers.no_forms")}</p></DesignerFrame>;
  const views = m.viewsOf(doc, form.id).map((x) => x.view);
  const view = views.find((v) => v.id === selected) || views[0] || null;
  const select = ([area, index]) => {  // a problem at /views/<n>/… opens that view
    const found = area === "views" && (doc.views || [])[Number(index)];
    if (found) { setFormId(found.form); setSelected(found.id); }
    return Boolean(found);
  };
  return (
    <DesignerFrame app={app} draft={draft} title={t("designers.tab.views")} navigate={navigate} kind="views" select={select}>
      <div class="prop form-pick">
        <label for="views-form">{t("designers.form")}</label>
        <select id="views-form" value={form.id} onChange={(e) => { setFormId(e.target.value); setSelected(null); }}>
          {forms.map((f) => <option value={f.id}>{pick(f.name, locale()) || f.id}</option>)}
        </select>
      </div>
      <div class="views-grid">
        <aside class="view-list" aria-label={t("designers.view.list")}>
          <h3>{t("designers.view.list")}</h3>
          <ul>
            {views.map((v) => (
              <li data-view={v.id} class={view && v.id === view.id ? "selected" : ""}>
                <button type="button" class="link" onClick={() => setSelected(v.id)}>{pick(v.name, locale()) || v.id}</button>
                <button type="button" class="remove" aria-label={t("remove")} onClick={() => draft.apply((d) => m.removeView(d, v.id))}>✕</button>
              </li>
            ))}
          </ul>
          <NewView doc={doc} formId={form.id} draft={draft} select={setSelected} />
        </aside>
        {view ? <ViewEditor key={view.id} app={app} doc={doc} view={view} draft={draft} published={published} /> : <p class="muted">{t("designers.view.none")}</p>}
      </div>
      <PublicPage app={app} doc={doc} form={form} draft={draft} />
    </DesignerFrame>
  );
}
