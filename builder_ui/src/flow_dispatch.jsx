// The flow designer's dispatch assignee: a decision table (tried from the top, first matching row's
// group gets the task) edited as a table with its gap and overlap warnings, the strategy that picks a
// person of the group, on-duty and community matching, and what happens when nobody is found. The
// strategies, fallbacks and the table's columns come from the engine (GET /api/v1/builder/flow-types).
import { useEffect, useState } from "preact/hooks";
import { get, locale } from "./api.js";
import { t, pick } from "./texts.js";
import { Choice, RowsTable, keyLabel } from "./rule_inputs.jsx";

let asked = null;

/** The flow palette (timer actions, dispatch strategies and fallbacks), asked once; null until it answers. */
export function useFlowTypes() {
  const [types, setTypes] = useState(null);
  useEffect(() => {
    asked = asked || get("/flow-types");
    asked.then(setTypes, () => { asked = null; });
  }, []);
  return types;
}

function Named({ id, label, value, items, onChange }) {
  return (
    <div class="prop">
      <label for={id}>{label}</label>
      <select id={id} value={value || ""} onChange={(e) => onChange(e.target.value || undefined)}>
        <option value="">—</option>
        {items.map((x) => <option value={x.key}>{x.names?.[locale()] || x.name}</option>)}
      </select>
    </div>
  );
}

export function DispatchAssignee({ id, doc, flow, value, change, context, pointer }) {
  const types = useFlowTypes();
  if (!types) return <p class="muted">…</p>;
  const fields = ((doc.forms || []).find((f) => f.id === flow.form)?.fields || []).filter((f) => f.id && f.label);
  return (
    <div class="dispatch">
      <RowsTable id={`${id}-table`} label={keyLabel("table")} schema={types.dispatch_table} value={value.table}
        onChange={(table) => change({ table })} context={context} pointer={`${pointer}/table`} />
      <Named id={`${id}-strategy`} label={keyLabel("strategy")} value={value.strategy} items={types.strategies}
        onChange={(strategy) => change({ strategy })} />
      <label class="check"><input type="checkbox" id={`${id}-on-duty`} checked={!!value.only_on_duty}
        onChange={(e) => change({ only_on_duty: e.target.checked || undefined })} />{keyLabel("only_on_duty")}</label>
      <Choice id={`${id}-community`} label={keyLabel("match_community")} value={value.match_community}
        items={fields.map((f) => ({ id: f.id, name: pick(f.label, locale()) }))} onChange={(match_community) => change({ match_community })} />
      <Named id={`${id}-fallback`} label={keyLabel("fallback")} value={value.fallback} items={types.fallbacks}
        onChange={(fallback) => change({ fallback })} />
      <p class="muted hint">{t("designers.flow.dispatch_hint")}</p>
    </div>
  );
}
