// The flow designer's steps that act without a person: a service task (set fields of the record,
// call a connector with an operation and the data it sends), a script task (values computed into
// fields), a notification (who is told and the message), a subflow (which flow of the draft it
// starts on the same record and waits for).
import { locale } from "./api.js";
import { t, pick } from "./texts.js";
import * as m from "./flows_model.js";
import { ExpressionInput } from "./expression.jsx";
import { TextPair } from "./designer_frame.jsx";
import { Choice, Pairs, keyLabel } from "./rule_inputs.jsx";
import { Recipient } from "./flow_recipient.jsx";

function ServiceTask({ doc, flow, node, set, context, pointer }) {
  const form = (doc.forms || []).find((f) => f.id === flow.form);
  return (
    <>
      <Pairs id="service-set" label={t("designers.flow.service_set")} value={node.set} form={form}
        onChange={(v) => set("set", v && Object.keys(v).length ? v : null)} context={context} pointer={`${pointer}/set`} />
      <fieldset class="service-call">
        <legend>{t("designers.flow.service_call")}</legend>
        <Choice id="service-connector" label={keyLabel("connector")} value={node.connector} items={doc.connectors || []}
          onChange={(v) => set("connector", v || null)} />
        {node.connector && (
          <>
            <div class="prop">
              <label for="service-operation">{keyLabel("operation")}</label>
              <input id="service-operation" value={node.operation || ""} onChange={(e) => set("operation", e.target.value.trim())} />
            </div>
            <Pairs id="service-mapping" label={keyLabel("mapping")} value={node.mapping}
              onChange={(v) => set("mapping", v && Object.keys(v).length ? v : null)} context={context} pointer={`${pointer}/mapping`} />
            <div class="prop">
              <label for="service-key">{t("designers.flow.service_key")}</label>
              <ExpressionInput key={`${node.id}-key`} id="service-key" label={t("designers.flow.service_key")} value={node.idempotency_key || ""}
                context={context(`${pointer}/idempotency_key`)} onChange={(text) => text !== (node.idempotency_key || "") && set("idempotency_key", text)} />
            </div>
          </>
        )}
      </fieldset>
    </>
  );
}

/** A script task computes values into fields (`assign`: field → expression), for the steps after it. */
function ScriptTask({ doc, flow, node, set, context, pointer }) {
  const form = (doc.forms || []).find((f) => f.id === flow.form);
  return (
    <Pairs id="script-assign" label={t("designers.flow.script_assign")} value={node.assign} form={form}
      onChange={(v) => set("assign", v && Object.keys(v).length ? v : null)} context={context} pointer={`${pointer}/assign`} />
  );
}

function Notify({ doc, flow, node, set }) {
  return (
    <>
      <Recipient id="notify-to" legend={t("designers.flow.notify_to")} doc={doc} flow={flow} value={node.to}
        empty="—" onChange={(v) => set("to", v)} />
      <TextPair key={`message-${node.id}`} id="notify-message" label={t("designers.flow.notify_message")} value={node.message}
        onChange={(v) => set("message", v)} />
    </>
  );
}

function Subflow({ doc, flow, node, set }) {
  const others = (doc.flows || []).filter((f) => f.id !== flow.id);
  return (
    <div class="prop">
      <label for="subflow-flow">{t("designers.flow.subflow_flow")}</label>
      <select id="subflow-flow" value={node.flow || ""} onChange={(e) => set("flow", e.target.value)}>
        <option value="">—</option>
        {others.map((f) => <option value={f.id}>{pick(f.name, locale()) || f.id}</option>)}
      </select>
      <p class="muted hint">{t("designers.flow.subflow_hint")}</p>
    </div>
  );
}

const EDITORS = { service_task: ServiceTask, script_task: ScriptTask, notify: Notify, subflow: Subflow };

/** The properties of an automatic step, or nothing for other steps. */
export function AutomaticProperties({ app, doc, draft, flow, node, set }) {
  const Editor = EDITORS[node.type];
  if (!Editor) return null;
  const pointer = `/flows/${m.flowIndex(doc, flow.id)}/nodes/${flow.nodes.indexOf(node)}`;
  const context = (at) => () => ({ app, form: flow.form, kind: "condition", document: () => draft.doc, pointer: at });
  return <Editor key={node.id} doc={doc} flow={flow} node={node} set={set} context={context} pointer={pointer} />;
}
