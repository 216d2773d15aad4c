// The automation designer (/builder/apps/<app>/automations): the app's automations on the left; for
// the chosen one, its trigger, its condition (the expression editor, checked with the trigger's names)
// and its actions as a form, each key's input picked from the JSON Schema the server's palette gives
// (GET /api/v1/builder/automation-types); on the right, that automation's run log.
import { useEffect, useState } from "preact/hooks";
import { get, locale, ApiError } from "./api.js";
import { t, pick } from "./texts.js";
import * as m from "./automations_model.js";
import { ExpressionInput } from "./expression.jsx";
import { DesignerFrame, TextPair, RoleChoice, notReady, useDesignerDraft } from "./designer_frame.jsx";
import { Choice, Pairs, RowsTable, keyLabel, isExpression } from "./rule_inputs.jsx";

const name = (x) => pick(x?.name || x?.label, locale()) || x?.id || "";
let palette = null;

function automationTypes() {
  palette = palette || get("/automation-types");
  return palette;
}

/** The run log is the app's own API (not under /api/v1/builder): builders may read it. */
async function runsOf(app, automation) {
  const path = `/api/v1/apps/${encodeURIComponent(app)}/automations/runs?limit=20&automation=${encodeURIComponent(automation)}&lang=${locale()}`;
  const response = await fetch(path, { credentials: "same-origin", headers: { Accept: "application/json" } });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new ApiError(response.status, body);
  return body.items || [];
}

const isPairs = (schema) => schema.type === "object" && isExpression(schema.additionalProperties || {});

/** Who is notified: the recipient kinds and each kind's keys from the shared `assignment` definition. */
function Recipient({ id, label, value, resolved, doc, form, onChange, context, pointer }) {
  const kinds = resolved?.properties?.type?.enum || [];
  const current = value || {};
  const branch = (resolved?.allOf || []).find((b) => b.if?.properties?.type?.const === current.type);
  const required = new Set(branch?.then?.required || []);
  const keys = Object.entries(branch?.then?.properties || {}).sort(([a], [b]) => required.has(b) - required.has(a));
  const set = (key, v) => {
    const next = { ...current };
    if (v === undefined || v === "" || (Array.isArray(v) && !v.length)) delete next[key];
    else next[key] = v;
    onChange(next);
  };
  return (
    <fieldset class="recipient" id={id}>
      <legend>{label}</legend>
      <select id={`${id}-type`} aria-label={label} value={current.type || ""} onChange={(e) => onChange(e.target.value ? { type: e.target.value } : undefined)}>
        <option value="">—</option>
        {kinds.map((k) => <option value={k}>{t(`designers.auto.to.${k}`, {}, k)}</option>)}
      </select>
      {keys.map(([key, schema]) => {
        const here = `${id}-${key}`;
        const title = keyLabel(key) + (required.has(key) ? " *" : "");
        if (key === "role") return <Choice id={here} label={title} value={current.role} items={doc.roles || []} onChange={(v) => set(key, v)} />;
        if (key === "roles") return <RoleChoice id={here} doc={doc} label={title} value={current.roles} onChange={(v) => set(key, v)} />;
        if (key === "field" || key === "match_community") return <Choice id={here} label={title} value={current[key]} items={form?.fields || []} onChange={(v) => set(key, v)} />;
        if (schema.type === "boolean") return <label class="check"><input type="checkbox" id={here} checked={!!current[key]} onChange={(e) => set(key, e.target.checked || undefined)} />{title}</label>;
        if (schema.type === "array" && schema.items?.type === "object") {
          return <RowsTable id={here} label={title} schema={schema} value={current[key]} onChange={(v) => set(key, v)} context={context} pointer={`${pointer}/${key}`} />;
        }
        if (schema.type === "array" && schema.items?.type === "string") {
          return <div class="prop"><label for={here}>{title}</label><input id={here} value={(current[key] || []).join(", ")} onChange={(e) => set(key, e.target.value.split(",").map((s) => s.trim()).filter(Boolean))} /></div>;
        }
        if (schema.enum) {
          return (
            <div class="prop"><label for={here}>{title}</label>
              <select id={here} value={current[key] || ""} onChange={(e) => set(key, e.target.value)}>
                <option value="">—</option>
                {schema.enum.map((v) => <option value={v}>{t(`designers.auto.enum.${key}.${v}`, {}, v)}</option>)}
              </select>
            </div>
          );
        }
        if (schema.type === "string") return <div class="prop"><label for={here}>{title}</label><input id={here} value={current[key] || ""} onChange={(e) => set(key, e.target.value)} /></div>;
        return <Json id={here} label={title} value={current[key]} onChange={(v) => set(key, v)} />;
      })}
    </fieldset>
  );
}

function Json({ id, label, value, onChange }) {
  return (
    <div class="prop">
      <label for={id}>{label}</label>
      <textarea id={id} value={value === undefined ? "" : JSON.stringify(value)} onChange={(e) => {
        try { onChange(e.target.value ? JSON.parse(e.target.value) : undefined); } catch { /* keep typing */ }
      }} />
    </div>
  );
}

/** One key of a trigger or an action, its input read from its JSON Schema (and what it names). */
function KeyInput({ id, prop, value, set, doc, trigger, owner, context, pointer }) {
  const { key, schema, required, resolved } = prop;
  const label = keyLabel(key) + (required ? " *" : "");
  const form = m.recordForm(doc, trigger);
  const ref = schema.$ref || "";
  if (ref.endsWith("/id")) {
    const lists = {
      form: doc.forms, flow: doc.flows, connector: doc.connectors,
      field: form?.fields, node: (doc.flows || []).find((f) => f.id === trigger.flow)?.nodes,
    };
    if (lists[key]) return <Choice id={id} label={label} value={value} items={lists[key] || []} onChange={set} />;
  }
  if (isExpression(schema)) {
    return (
      <div class="prop">
        <label for={id}>{label}</label>
        <ExpressionInput id={id} label={label} value={value || ""} context={context(pointer)} onChange={(text) => text !== (value || "") && set(text)} />
      </div>
    );
  }
  if (isPairs(schema)) return <Pairs id={id} label={label} value={value} form={m.pairsForm(doc, trigger, owner, key)} onChange={set} context={context} pointer={pointer} />;
  if (ref.endsWith("/assignment")) {
    return <Recipient id={id} label={label} value={value} resolved={resolved} doc={doc} form={form} onChange={set} context={context} pointer={pointer} />;
  }
  if (ref.endsWith("/text")) return <TextPair id={id} label={label} value={value} onChange={set} />;
  if (schema.enum) {
    return (
      <div class="prop">
        <label for={id}>{label}</label>
        <select id={id} value={value || ""} onChange={(e) => set(e.target.value || undefined)}>
          <option value="">—</option>
          {schema.enum.map((v) => <option value={v}>{t(`designers.auto.enum.${key}.${v}`, {}, v)}</option>)}
        </select>
      </div>
    );
  }
  if (schema.type === "string" || ref.endsWith("/id")) {
    return <div class="prop"><label for={id}>{label}</label><input id={id} value={value || ""} onChange={(e) => set(e.target.value)} /></div>;
  }
  return <Json id={id} label={label} value={value} onChange={set} />;
}

function Runs({ app, automation }) {
  const [runs, setRuns] = useState(null);
  const [error, setError] = useState(null);
  const [asked, setAsked] = useState(0);
  useEffect(() => {
    setError(null);
    runsOf(app, automation).then(setRuns, (e) => { setRuns([]); setError(e.status === 404 ? null : e.message); });
  }, [app, automation, asked]);
  const when = (iso) => new Date(iso).toLocaleString(locale());
  return (
    <section class="runs" aria-labelledby="runs-title">
      <h3 id="runs-title">{t("designers.auto.runs")} <button type="button" id="runs-refresh" onClick={() => setAsked((n) => n + 1)}>{t("designers.auto.runs_refresh")}</button></h3>
      <p class="muted hint">{t("designers.auto.runs_hint")}</p>
      {error && <p class="problems">{error}</p>}
      {runs && !runs.length && <p class="muted">{t("designers.auto.runs_none")}</p>}
      <ol class="run-list">
        {(runs || []).map((run) => (
          <li class={`run outcome-${run.outcome}`} data-run={run.id}>
            <span class={`badge ${run.outcome === "done" ? "yes" : run.outcome === "failed" ? "no" : ""}`}>{t(`designers.auto.outcome.${run.outcome}`, {}, run.outcome)}</span>
            <time datetime={run.started_at}>{when(run.started_at)}</time>
            {run.record && <span class="muted"> · {t("designers.auto.runs_record", { id: run.record.id })}</span>}
            {run.error && <p class="problems">{run.error}</p>}
          </li>
        ))}
      </ol>
    </section>
  );
}

function Editor({ app, doc, draft, index, types }) {
  const automation = doc.automations[index];
  const trigger = automation.trigger || {};
  const triggerType = types.triggers.find((x) => x.key === trigger.type);
  const base = `/automations/${index}`;
  const form = m.recordForm(doc, trigger);
  const context = (pointer) => () => ({ app, form: form?.id || "", kind: "automation", document: () => draft.doc, pointer });
  const apply = (op, ...args) => draft.apply((d) => op(d, index, ...args));
  return (
    <div class="automation-editor" data-automation={automation.id}>
      <div class="editor-head">
        <h3>{name(automation)} <code>{automation.id}</code></h3>
        <label class="check"><input type="checkbox" id="auto-enabled" checked={automation.enabled !== false} onChange={(e) => apply(m.setAutomationKey, "enabled", e.target.checked)} />{t("designers.auto.enabled")}</label>
        <button type="button" id="auto-remove" class="remove" onClick={() => apply(m.removeAutomation)}>{t("designers.auto.remove")}</button>
      </div>
      <TextPair id="auto-name" label={t("designers.name")} value={automation.name} onChange={(v) => apply(m.setAutomationKey, "name", v)} />
      <fieldset class="trigger">
        <legend>{t("designers.auto.trigger")}</legend>
        <div class="prop">
          <label for="trigger-type">{t("designers.auto.trigger_type")}</label>
          <select id="trigger-type" value={trigger.type || ""} onChange={(e) => {
            const next = types.triggers.find((x) => x.key === e.target.value);
            if (next) apply(m.setTriggerType, next.key, next.properties.map((p) => p.key));
          }}>
            {types.triggers.map((x) => <option value={x.key}>{x.name}</option>)}
          </select>
        </div>
        {(triggerType?.properties || []).map((prop) => (
          <KeyInput key={`${trigger.type}-${prop.key}`} id={`trigger-${prop.key}`} prop={prop} value={trigger[prop.key]} doc={doc} trigger={trigger} owner={trigger}
            set={(v) => apply(m.setTriggerKey, prop.key, v)} context={context} pointer={`${base}/trigger/${prop.key}`} />
        ))}
      </fieldset>
      <fieldset class="condition-box">
        <legend>{t("designers.auto.condition")}</legend>
        <ExpressionInput key={`${automation.id}-condition`} id="auto-condition" label={t("designers.auto.condition")} value={automation.condition || ""}
          context={context(`${base}/condition`)} onChange={(text) => text !== (automation.condition || "") && apply(m.setAutomationKey, "condition", text)} />
        <p class="muted hint">{t("designers.auto.condition_hint")}</p>
      </fieldset>
      <fieldset class="actions">
        <legend>{t("designers.auto.actions")}</legend>
        {automation.actions.map((action, at) => {
          const kind = types.actions.find((x) => x.key === action.type);
          return (
            <div class="action" data-action={at} data-type={action.type} key={`${automation.id}-${at}-${action.type}`}>
              <div class="action-head">
                <h4>{t("designers.auto.action_n", { n: at + 1, name: kind?.name || action.type })}</h4>
                <button type="button" class="up" aria-label={t("move_up")} disabled={at === 0} onClick={() => apply(m.moveAction, at, at - 1)}>↑</button>
                <button type="button" class="down" aria-label={t("move_down")} disabled={at === automation.actions.length - 1} onClick={() => apply(m.moveAction, at, at + 1)}>↓</button>
                <button type="button" class="remove" aria-label={t("remove")} onClick={() => apply(m.removeAction, at)}>✕</button>
              </div>
              {(kind?.properties || []).map((prop) => (
                <KeyInput key={prop.key} id={`action-${at}-${prop.key}`} prop={prop} value={action[prop.key]} doc={doc} trigger={trigger} owner={action}
                  set={(v) => apply(m.setActionKey, at, prop.key, v)} context={context} pointer={`${base}/actions/${at}/${prop.key}`} />
              ))}
            </div>
          );
        })}
        <select id="add-action" aria-label={t("designers.auto.add_action")} value="" onChange={(e) => e.target.value && apply(m.addAction, e.target.value)}>
          <option value="">{t("designers.auto.add_action")}</option>
          {types.actions.map((x) => <option value={x.key}>{x.name}{x.needs_record ? ` ${t("designers.auto.needs_record")}` : ""}</option>)}
        </select>
      </fieldset>
    </div>
  );
}

export function AutomationsDesigner({ app, navigate }) {
  const draft = useDesignerDraft(app);
  const [types, setTypes] = useState(null);
  const [chosen, setChosen] = useState(new URLSearchParams(location.search).get("automation"));
  useEffect(() => { automationTypes().then(setTypes); }, []);
  const waiting = notReady(draft);
  if (waiting) return waiting;
  if (!types) return <p class="muted">{t("loading")}</p>;
  const doc = draft.doc;
  const automations = doc.automations || [];
  let index = automations.findIndex((a) => a.id === chosen);
  if (index < 0 && automations.length) index = 0;
  const select = ([area, at]) => {  // a problem at /automations/<n>/… opens that automation
    const found = area === "automations" && automations[Number(at)];
    if (found) setChosen(found.id);
    return Boolean(found);
  };
  const add = () => {
    const firstForm = (doc.forms || [])[0];
    const trigger = { type: types.triggers[0].key, ...(firstForm ? { form: firstForm.id } : {}) };
    const base = m.addAutomation(doc, { id: "automation", name: { [locale()]: t("designers.auto.new_name") + (automations.length ? ` ${automations.length + 1}` : "") }, trigger });
    const made = base.automations[base.automations.length - 1];
    draft.apply((d) => m.addAutomation(d, { id: made.id, name: made.name, trigger }));
    setChosen(made.id);
  };
  return (
    <DesignerFrame app={app} draft={draft} title={t("designers.tab.automations")} navigate={navigate} kind="automations" select={select}>
      <p class="muted">{t("designers.auto.intro")}</p>
      <div class="automations-grid">
        <div class="automation-list">
          {!automations.length && <p class="muted">{t("designers.auto.none")}</p>}
          <ul>
            {automations.map((a, i) => (
              <li class={i === index ? "selected" : ""} data-automation={a.id}>
                <button type="button" class="link" onClick={() => setChosen(a.id)}>{name(a)}</button>
                {a.enabled === false && <span class="muted"> {t("designers.auto.off")}</span>}
              </li>
            ))}
          </ul>
          <button type="button" id="add-automation" onClick={add}>{t("designers.auto.add")}</button>
        </div>
        {index >= 0 ? (
          <Editor key={automations[index].id} app={app} doc={doc} draft={draft} index={index} types={types} />
        ) : <p class="muted">{t("designers.auto.pick")}</p>}
        {index >= 0 && <Runs key={`runs-${automations[index].id}`} app={app} automation={automations[index].id} />}
      </div>
    </DesignerFrame>
  );
}
