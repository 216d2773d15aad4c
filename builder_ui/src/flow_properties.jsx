// The flow designer's properties panel: the selected node, line or boundary timer of the canvas,
// edited as Trellis flow JSON in the draft (names in both languages, who gets a task, how an
// approval counts, a line's condition, a timer's wait). The canvas redraws from the draft.
import { useState } from "preact/hooks";
import { locale } from "./api.js";
import { t, pick } from "./texts.js";
import * as m from "./flows_model.js";
import { ExpressionInput } from "./expression.jsx";
import { TextPair, RoleChoice } from "./designer_frame.jsx";
import { LaneNote, LaneProperties } from "./flow_lanes.jsx";

const nameOf = (x) => pick(x?.name, locale()) || x?.id || "";

function Assignee({ doc, flow, node, set }) {
  const value = node.assignee || { type: "submitter" };
  const fields = ((doc.forms || []).find((f) => f.id === flow.form)?.fields || []).filter((f) => f.id);
  const change = (patch) => set("assignee", { ...value, ...patch });
  const retype = (type) => {
    const fresh = { type };
    if (type === "role") fresh.role = doc.roles?.[0]?.id || "";
    if (type === "roles") fresh.roles = (doc.roles || []).slice(0, 1).map((r) => r.id);
    if (type === "group") fresh.group = "";
    if (type === "users") fresh.users = [];
    if (type === "field") fresh.field = fields[0]?.id || "";
    set("assignee", fresh);
  };
  return (
    <fieldset class="assignee">
      <legend>{t("designers.flow.assignee")}</legend>
      <label for="assignee-type">{t("designers.flow.assignee_type")}</label>
      <select id="assignee-type" value={value.type} onChange={(e) => retype(e.target.value)}>
        {m.ASSIGNEE_TYPES.map((k) => <option value={k}>{t(`designers.flow.assignee.${k}`)}</option>)}
        {!m.ASSIGNEE_TYPES.includes(value.type) && <option value={value.type}>{value.type}</option>}
      </select>
      {value.type === "role" && (
        <>
          <label for="assignee-role">{t("designers.flow.role")}</label>
          <select id="assignee-role" value={value.role} onChange={(e) => change({ role: e.target.value })}>
            {(doc.roles || []).map((r) => <option value={r.id}>{nameOf(r)}</option>)}
          </select>
        </>
      )}
      {value.type === "roles" && (
        <RoleChoice id="assignee-roles" doc={doc} value={value.roles} label={t("designers.flow.role")} onChange={(roles) => change({ roles })} />
      )}
      {value.type === "group" && (
        <>
          <label for="assignee-group">{t("designers.flow.group")}</label>
          <input id="assignee-group" value={value.group || ""} onChange={(e) => change({ group: e.target.value })} />
        </>
      )}
      {value.type === "users" && (
        <>
          <label for="assignee-users">{t("designers.flow.users")}</label>
          <input id="assignee-users" value={(value.users || []).join(", ")}
            onChange={(e) => change({ users: e.target.value.split(/[,，\s]+/).filter(Boolean) })} />
        </>
      )}
      {value.type === "field" && (
        <>
          <label for="assignee-field">{t("designers.flow.field")}</label>
          <select id="assignee-field" value={value.field} onChange={(e) => change({ field: e.target.value })}>
            {fields.map((f) => <option value={f.id}>{pick(f.label, locale()) || f.id}</option>)}
          </select>
        </>
      )}
      {(value.type === "group" || value.type === "field") && (
        <label class="check"><input type="checkbox" id="assignee-leader" checked={!!value.leader}
          onChange={(e) => change({ leader: e.target.checked || undefined })} />{t("designers.flow.leader")}</label>
      )}
    </fieldset>
  );
}

function Approval({ node, set }) {
  return (
    <fieldset class="approval-mode">
      <legend>{t("designers.flow.mode")}</legend>
      {m.MODES.map((mode) => (
        <label class="check"><input type="radio" name="approval-mode" value={mode} checked={node.mode === mode}
          onChange={() => set("mode", mode)} />{t(`designers.flow.mode.${mode}`)}</label>
      ))}
      {node.mode === "countersign" && (
        <>
          <label for="pass-ratio">{t("designers.flow.pass_ratio")}</label>
          <input id="pass-ratio" type="number" min="0.01" max="1" step="0.01" value={node.pass_ratio ?? ""}
            onChange={(e) => set("pass_ratio", e.target.value === "" ? null : Number(e.target.value))} />
        </>
      )}
    </fieldset>
  );
}

/** The form's fields × how each shows at this task (hidden / read-only / editable / required). */
function FieldPermissions({ doc, draft, flow, node }) {
  const fields = ((doc.forms || []).find((f) => f.id === flow.form)?.fields || []).filter((f) => f.id && f.label);
  const grid = node.field_permissions || {};
  if (!fields.length) return null;
  return (
    <fieldset class="field-permissions">
      <legend>{t("designers.flow.field_permissions")}</legend>
      <table class="field-grid">
        <thead><tr><th>{t("designers.flow.field")}</th>{["", ...m.FIELD_MODES].map((mode) => <th>{t(`designers.flow.field_mode.${mode || "default"}`)}</th>)}</tr></thead>
        <tbody>
          {fields.map((field) => (
            <tr data-field={field.id}>
              <td>{pick(field.label, locale())}</td>
              {["", ...m.FIELD_MODES].map((mode) => (
                <td><input type="radio" name={`fp-${field.id}`} value={mode} checked={(grid[field.id] || "") === mode}
                  aria-label={`${pick(field.label, locale())} · ${t(`designers.flow.field_mode.${mode || "default"}`)}`}
                  onChange={() => draft.apply((d) => m.setFieldPermission(d, flow.id, node.id, field.id, mode || null))} /></td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </fieldset>
  );
}

function Duration({ value, onChange }) {
  return (
    <div class="prop">
      <label for="timer-after">{t("designers.flow.after")}</label>
      <input id="timer-after" value={value || ""} pattern="P.*" onChange={(e) => onChange(e.target.value.trim().toUpperCase())} />
      <p class="muted hint">{t("designers.flow.after_hint")}</p>
    </div>
  );
}

function Edge({ app, doc, draft, flow, edge }) {
  const [problems, setProblems] = useState([]);
  const set = (key, value) => draft.apply((d) => m.setEdgeProp(d, flow.id, edge.id, key, value));
  const node = (id) => nameOf(flow.nodes.find((n) => n.id === id));
  const from = flow.nodes.find((n) => n.id === edge.source);
  const branches = from && /gateway$/.test(from.type) && from.type !== "parallel_gateway";
  const index = m.flowIndex(doc, flow.id);
  const context = () => ({ app, form: flow.form, kind: "condition", document: () => draft.doc,
    pointer: `/flows/${index}/edges/${flow.edges.indexOf(edge)}/condition` });
  return (
    <>
      <p class="muted">{t("designers.flow.edge_from_to", { source: node(edge.source), target: node(edge.target) })}</p>
      <TextPair id="edge-name" label={t("designers.flow.name")} value={edge.name} onChange={(v) => set("name", v)} />
      {branches && (
        <>
          <label class="check"><input type="checkbox" id="edge-default" checked={!!edge.default}
            onChange={(e) => set("default", e.target.checked)} />{t("designers.flow.default")}</label>
          {!edge.default && (
            <div class="prop">
              <label for="edge-condition">{t("designers.flow.condition")}</label>
              <ExpressionInput key={edge.id} id="edge-condition" label={t("designers.flow.condition")} value={edge.condition || ""}
                context={context} onProblems={setProblems} onChange={(text) => set("condition", text)} />
              {problems.length > 0 && <ul class="problems">{problems.map((p) => <li>{p.message}</li>)}</ul>}
            </div>
          )}
        </>
      )}
    </>
  );
}

export function FlowProperties({ app, doc, draft, flow, selected }) {
  const found = m.elementOf(flow, selected);
  if (!found) return <p class="muted">{t("designers.flow.select_hint")}</p>;
  const { kind, item } = found;
  if (kind === "lane") return <LaneProperties doc={doc} draft={draft} flow={flow} lane={item} />;
  if (kind === "edge") return <div class="flow-props" data-element={item.id}><Edge key={item.id} app={app} doc={doc} draft={draft} flow={flow} edge={item} /></div>;
  if (kind === "timer") {
    const set = (key, value) => draft.apply((d) => m.setTimerProp(d, flow.id, item.id, key, value));
    return (
      <div class="flow-props" data-element={item.id}>
        <h4>{t("designers.flow.kind.boundary_timer")} · {nameOf(found.holder)}</h4>
        <Duration value={item.after} onChange={(v) => set("after", v)} />
        <p class="muted timer-action">{t("designers.flow.timer_action")}: {t(`designers.flow.timer.${item.action}`, {}, item.action)}</p>
        {item.action === "route" && (
          <label class="check"><input type="checkbox" id="timer-interrupting" checked={item.interrupting !== false}
            onChange={(e) => set("interrupting", e.target.checked ? null : false)} />{t("designers.flow.timer_interrupting")}</label>
        )}
      </div>
    );
  }
  const set = (key, value) => draft.apply((d) => m.setNodeProp(d, flow.id, item.id, key, value));
  return (
    <div class="flow-props" data-element={item.id}>
      <h4>{t(`designers.flow.kind.${item.type}`, {}, item.type)}</h4>
      {m.TASKS.includes(item.type) && (
        <>
          <label for="task-kind">{t("designers.flow.kind")}</label>
          <select id="task-kind" value={item.type} onChange={(e) => draft.apply((d) => m.setTaskKind(d, flow.id, item.id, e.target.value))}>
            {m.TASKS.map((k) => <option value={k}>{t(`designers.flow.kind.${k}`)}</option>)}
          </select>
        </>
      )}
      <TextPair key={`name-${item.id}`} id="node-name" label={t("designers.flow.name")} value={item.name} onChange={(v) => set("name", v)} />
      {m.TASKS.includes(item.type) && <LaneNote flow={flow} node={item} set={set} />}
      {m.TASKS.includes(item.type) && !m.takesLaneAssignee(flow, item) && <Assignee doc={doc} flow={flow} node={item} set={set} />}
      {item.type === "approval" && <Approval node={item} set={set} />}
      {m.TASKS.includes(item.type) && <FieldPermissions doc={doc} draft={draft} flow={flow} node={item} />}
      {item.type === "timer" && <Duration value={item.after} onChange={(v) => set("after", v)} />}
    </div>
  );
}
