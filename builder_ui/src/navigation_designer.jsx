// The navigation designer (/builder/apps/<app>/navigation): the app's menu — entries that open a
// list view, a form's records or entry page, a task inbox, a knowledge base or a dashboard; one
// level of groups; the roles each is for — reordered by drag or keys, with the menu as a chosen
// role would see it.
import { useState } from "preact/hooks";
import { locale } from "./api.js";
import { t, pick } from "./texts.js";
import * as m from "./designers_model.js";
import { DesignerFrame, SortableList, TextPair, RoleChoice, notReady, useDesignerDraft } from "./designer_frame.jsx";

/** What each target kind may point at in this document. */
function choices(doc, kind) {
  const name = (x) => pick(x.name, locale()) || x.id;
  if (kind === "view") return (doc.views || []).map((v) => [v.id, name(v)]);
  if (kind === "tasks") return m.TASK_BOXES.map((b) => [b, t(`designers.nav.tasks.${b}`)]);
  if (kind === "knowledge_base") return (doc.forms || []).filter((f) => f.knowledge_base).map((f) => [f.id, name(f)]);
  if (kind === "dashboard") return (doc.dashboards || []).map((d) => [d.id, name(d)]);
  return (doc.forms || []).map((f) => [f.id, name(f)]);
}

function EntryEditor({ doc, entry, group, draft }) {
  const set = (key, value) => draft.apply((d) => m.setNavProp(d, entry.id, key, value, group));
  const isGroup = !!entry.items;
  const kind = m.targetOf(entry);
  const groups = (doc.navigation || []).filter((e) => e.items);
  return (
    <div class="entry-editor" data-entry={entry.id}>
      <h3>{isGroup ? t("designers.nav.group") : t("designers.nav.entry")} <code>{entry.id}</code></h3>
      <TextPair id="entry-label" label={t("designers.nav.label")} value={isGroup ? entry.group : entry.label} onChange={(v) => set(isGroup ? "group" : "label", v)} />
      {!isGroup && (
        <div class="prop">
          <label for="entry-kind">{t("designers.nav.opens")}</label>
          <span>
            <select id="entry-kind" value={kind} onChange={(e) => set("target", { kind: e.target.value, value: choices(doc, e.target.value)[0]?.[0] || "" })}>
              {m.TARGETS.map((k) => <option value={k}>{t(`designers.nav.kind.${k}`)}</option>)}
            </select>
            <select id="entry-target" aria-label={t("designers.nav.target")} value={entry[kind]} onChange={(e) => set("target", { kind, value: e.target.value })}>
              {choices(doc, kind).map(([value, label]) => <option value={value}>{label}</option>)}
            </select>
          </span>
        </div>
      )}
      {!isGroup && (
        <div class="prop">
          <label for="entry-group">{t("designers.nav.in_group")}</label>
          <select id="entry-group" value={group || ""} onChange={(e) => draft.apply((d) => m.regroupNavEntry(d, entry.id, group, e.target.value || null))}>
            <option value="">{t("designers.nav.top_level")}</option>
            {groups.map((g) => <option value={g.id}>{pick(g.group, locale()) || g.id}</option>)}
          </select>
          {!group && <button type="button" id="make-group" onClick={() => draft.apply((d) => m.groupNavEntry(d, entry.id, m.freeName(m.navIds(d), `${entry.id}_group`), entry.label))}>{t("designers.nav.make_group")}</button>}
        </div>
      )}
      <RoleChoice id="entry-roles" doc={doc} value={entry.roles} label={t("designers.roles")} hint={t("designers.nav.roles_hint")} onChange={(v) => set("roles", v)} />
    </div>
  );
}

/** The menu as someone holding `role` would see it (entries for other roles left out). */
function MenuPreview({ doc, role }) {
  const shown = (e) => !role || !e.roles || e.roles.includes(role);
  const label = (e) => pick(e.items ? e.group : e.label, locale()) || e.id;
  return (
    <nav class="menu-preview" aria-label={t("preview")}>
      <ul>
        {(doc.navigation || []).filter(shown).map((e) => (
          <li>{label(e)}{e.items && <ul>{e.items.filter(shown).map((i) => <li>{label(i)}</li>)}</ul>}</li>
        ))}
      </ul>
    </nav>
  );
}

export function NavigationDesigner({ app, navigate }) {
  const draft = useDesignerDraft(app);
  const [selected, setSelected] = useState(null);
  const [asRole, setAsRole] = useState("");
  const waiting = notReady(draft);
  if (waiting) return waiting;
  const doc = draft.doc;
  const nav = doc.navigation || [];
  const find = () => {
    for (const e of nav) {
      if (e.id === selected?.id && !selected.group) return { entry: e, group: null };
      for (const i of e.items || []) if (i.id === selected?.id && selected.group === e.id) return { entry: i, group: e.id };
    }
    return null;
  };
  const current = find();
  const add = () => {
    const id = m.freeName(m.navIds(doc), "entry");
    const form = (doc.forms || [])[0];
    const entry = { id, label: { "zh-CN": id, en: id }, ...(form ? { list: form.id } : { tasks: "mine" }) };
    draft.apply((d) => m.addNavEntry(d, entry));
    setSelected({ id, group: null });
  };
  const row = (entry, group) => (
    <span class={`nav-entry${selected?.id === entry.id ? " selected" : ""}`}>
      <button type="button" class="link" onClick={() => setSelected({ id: entry.id, group })}>
        {pick(entry.items ? entry.group : entry.label, locale()) || entry.id}
      </button>
      <span class="muted"> {entry.items ? t("designers.nav.group") : t(`designers.nav.kind.${m.targetOf(entry)}`)}</span>
      <button type="button" class="remove" aria-label={t("remove")} onClick={() => draft.apply((d) => m.removeNavEntry(d, entry.id, group))}>✕</button>
      {entry.items && (
        <SortableList items={entry.items} keyOf={(i) => i.id} class="nav-items" group="nav" groupKey={entry.id}
          onMove={(from, to) => draft.apply((d) => m.moveNavEntry(d, from, to, entry.id))}
          onTransfer={(id, to, index) => draft.apply((d) => m.regroupNavEntry(d, id, entry.id, to || null, index))}
          render={(item) => row(item, entry.id)} />
      )}
    </span>
  );
  const select = ([area, index, sub, item]) => {  // a problem at /navigation/<n>[/items/<m>] opens that entry
    const top = area === "navigation" && nav[Number(index)];
    const inner = top && sub === "items" && (top.items || [])[Number(item)];
    if (top) setSelected(inner ? { id: inner.id, group: top.id } : { id: top.id, group: null });
    return Boolean(top);
  };
  return (
    <DesignerFrame app={app} draft={draft} title={t("designers.tab.navigation")} navigate={navigate} kind="navigation" select={select}>
      {!nav.length && <p class="muted">{t("designers.nav.generated")}</p>}
      <div class="nav-grid">
        <section class="nav-tree" aria-label={t("designers.tab.navigation")}>
          <SortableList items={nav} keyOf={(e) => e.id} class="nav-top" group="nav" groupKey=""
            onMove={(from, to) => draft.apply((d) => m.moveNavEntry(d, from, to))}
            onTransfer={(id, to, index) => draft.apply((d) => m.regroupNavEntry(d, id, null, to || null, index))}
            render={(entry) => row(entry, null)} />
          <button type="button" id="add-entry" onClick={add}>{t("designers.nav.add")}</button>
        </section>
        <aside class="properties">
          {current ? <EntryEditor key={`${current.group}/${current.entry.id}`} doc={doc} entry={current.entry} group={current.group} draft={draft} /> : <p class="muted">{t("designers.nav.select")}</p>}
        </aside>
        <section class="nav-preview">
          <h3>{t("preview")}</h3>
          <label for="menu-as-role">{t("designers.view_as.role")}</label>
          <select id="menu-as-role" value={asRole} onChange={(e) => setAsRole(e.target.value)}>
            <option value="">{t("designers.nav.every_role")}</option>
            {(doc.roles || []).map((r) => <option value={r.id}>{pick(r.name, locale()) || r.id}</option>)}
          </select>
          <MenuPreview doc={doc} role={asRole} />
        </section>
      </div>
    </DesignerFrame>
  );
}
