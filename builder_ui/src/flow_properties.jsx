// The flow designer's properties panel: the selected node, line or boundary timer of the canvas,
// edited as Trellis flow JSON in the draft (names in both languages, who gets a task, how an
// approval counts, a line's condition, a timer's wait; automatic steps, reminders and dispatch tables
// in their own modules). The canvas redraws from the draft.
import { useState } from "preact/hooks";
import { locale } from "./api.js";
import { t, pick } from "./texts.js";
import * as m from "./flows_model.js";
import { ExpressionInput } from "./expression.jsx";
import { TextPair } from "./designer_frame.jsx";
import { LaneNote, LaneProperties } from "./flow_lanes.jsx";
import { Recipient } from "./flow_recipient.jsx";
import { TimerProperties, Duration } from "./flow_timers.jsx";
import { AutomaticProperties } from "./flow_automatic.jsx";

const nameOf = (x) => pick(x?.name, locale()) || x?.id || "";

function Assignee({ app, doc, draft, flow, node, set }) {
  const context = (at) => () => ({ app, form: flow.form, kind: "condition", document: () => draft.doc, pointer: at });
  const pointer = `/flows/${m.flowIndex(doc, flow.id)}/nodes/${flow.nodes.indexOf(node)}/assignee`;
  return <Recipient id="assignee" legend={t("designers.flow.assignee")} doc={doc} flow={flow} value={node.assignee}
    types={[...m.ASSIGNEE_TYPES, "dispatch"]} onChange={(v) => set("assignee", v)} context={context} pointer={pointer} />;
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
    return <div class="flow-props" data-element={item.id}><TimerProperties key={item.id} app={app} doc={doc} draft={draft} flow={flow} timer={item} holder={found.holder} /></div>;
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
      {m.TASKS.includes(item.type) && !m.takesLaneAssignee(flow, item) && <Assignee app={app} doc={doc} draft={draft} flow={flow} node={item} set={set} />}
      {m.TASKS.includes(item.type) && (
        <Duration key={`due-${item.id}`} id="task-due" label={t("designers.flow.due")} hint={t("designers.flow.due_hint")}
          value={item.due} onChange={(v) => set("due", v)} />
      )}
      {item.type === "approval" && <Approval node={item} set={set} />}
      {m.TASKS.includes(item.type) && <FieldPermissions doc={doc} draft={draft} flow={flow} node={item} />}
      {item.type === "timer" && <Duration value={item.after} onChange={(v) => set("after", v)} />}
      <AutomaticProperties app={app} doc={doc} draft={draft} flow={flow} node={item} set={set} />
    </div>
  );
}
