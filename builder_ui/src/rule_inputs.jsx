// Inputs for rules the designers share (the automation designer's actions, the flow designer's steps
// and dispatch tables): a choice among named items, field -> expression pairs, and rows of a table
// (a dispatch table: when -> group, first match wins) with the draft's gap and overlap warnings.
import { locale } from "./api.js";
import { t, pick } from "./texts.js";
import { ExpressionInput } from "./expression.jsx";
import { useContext } from "preact/hooks";
import { Warnings } from "./designer_frame.jsx";
import { GroupInput } from "./flow_groups.jsx";

const name = (x) => pick(x?.name || x?.label, locale()) || x?.id || "";
export const keyLabel = (key) => t(`designers.auto.key.${key}`, {}, key);
export const isExpression = (schema) => (schema.$ref || "").endsWith("/expression");

export function Choice({ id, label, value, items, onChange }) {
  return (
    <div class="prop">
      <label for={id}>{label}</label>
      <select id={id} value={value || ""} onChange={(e) => onChange(e.target.value || undefined)}>
        <option value="">—</option>
        {items.map((x) => <option value={x.id}>{name(x)}</option>)}
      </select>
    </div>
  );
}

/** field -> expression pairs (`set`, `fields`, `mapping`): a field of `form` (or a typed key) and its expression. */
export function Pairs({ id, label, value, form, onChange, context, pointer }) {
  const pairs = Object.entries(value || {});
  const fields = (form?.fields || []).filter((f) => !f.fields);
  const write = (next) => onChange(Object.fromEntries(next.filter(([k]) => k)));
  const unused = fields.find((f) => !(f.id in (value || {})));
  return (
    <fieldset class="pairs" id={id}>
      <legend>{label}</legend>
      {pairs.map(([key, source], i) => (
        <div class="pair" data-key={key}>
          {form ? (
            <select class="pair-key" aria-label={t("designers.auto.pair_key")} value={key} onChange={(e) => write(pairs.map((p, k) => (k === i ? [e.target.value, p[1]] : p)))}>
              {fields.map((f) => <option value={f.id} disabled={f.id !== key && f.id in (value || {})}>{name(f)}</option>)}
            </select>
          ) : (
            <input class="pair-key" aria-label={t("designers.auto.pair_key")} value={key} onChange={(e) => write(pairs.map((p, k) => (k === i ? [e.target.value, p[1]] : p)))} />
          )}
          <span>=</span>
          <ExpressionInput key={key} label={`${label} · ${key}`} value={source} context={context(`${pointer}/${key}`)}
            onChange={(text) => text !== source && write(pairs.map((p, k) => (k === i ? [p[0], text] : p)))} />
          <button type="button" class="remove" aria-label={t("remove")} onClick={() => write(pairs.filter((_, k) => k !== i))}>✕</button>
        </div>
      ))}
      <button type="button" class="add-pair" disabled={form ? !unused : false}
        onClick={() => write([...pairs, [form ? unused.id : `key_${pairs.length + 1}`, "None"]])}>{t("designers.auto.add_pair")}</button>
    </fieldset>
  );
}

/** An array of objects (a dispatch table: when -> group, first match wins) as a table: one column per
 * key of the items' schema, rows moved with ↑/↓; beside it the engine's warnings about it (a gap: no row
 * without a condition; overlaps: two rows with the same condition, a row after one that catches everything). */
export function RowsTable({ id, label, schema, value, onChange, context, pointer }) {
  const rows = value || [];
  // conditions first: a row reads "when … then …" (the server's JSON has its keys sorted)
  const columns = Object.entries(schema.items?.properties || {}).sort(([, a], [, b]) => isExpression(b) - isExpression(a));
  const needed = new Set(schema.items?.required || []);
  const write = (next) => onChange(next.length ? next : undefined);
  const cell = (r, key, v) => write(rows.map((row, k) => {
    if (k !== r) return row;
    const next = { ...row };
    if (v === undefined || v === "") delete next[key];
    else next[key] = v;
    return next;
  }));
  const move = (from, to) => {
    const next = [...rows];
    const [row] = next.splice(from, 1);
    next.splice(to, 0, row);
    write(next);
  };
  // the engine's gaps and overlaps (the draft's warnings) about this table and its rows
  const warnings = useContext(Warnings).filter((w) => w.pointer === pointer || w.pointer.startsWith(`${pointer}/`));
  const warned = (r) => warnings.some((w) => w.pointer === `${pointer}/${r}` || w.pointer.startsWith(`${pointer}/${r}/`));
  return (
    <fieldset class="rows-table" id={id}>
      <legend>{label}</legend>
      <table>
        <thead><tr>{columns.map(([key]) => <th>{keyLabel(key)}{needed.has(key) ? " *" : ""}</th>)}<th /></tr></thead>
        <tbody>
          {rows.map((row, r) => (
            <tr data-row={r} class={warned(r) ? "warned" : ""}>
              {columns.map(([key, s]) => (
                <td data-key={key}>
                  {isExpression(s) ? (
                    <ExpressionInput key={`${r}-${key}-${rows.length}`} label={`${label} ${r + 1} · ${keyLabel(key)}`} value={row[key] || ""}
                      context={context(`${pointer}/${r}/${key}`)} onChange={(text) => text !== (row[key] || "") && cell(r, key, text)} />
                  ) : key === "group" ? (  // a dispatch row's group: the directory's groups offered
                    <GroupInput id={`${id}-${r}-group`} app={context(pointer)().app} label={`${label} ${r + 1} · ${keyLabel(key)}`}
                      value={row[key]} onChange={(v) => cell(r, key, v)} />
                  ) : (
                    <input aria-label={`${label} ${r + 1} · ${keyLabel(key)}`} value={row[key] ?? ""} onChange={(e) => cell(r, key, e.target.value)} />
                  )}
                </td>
              ))}
              <td class="row-actions">
                <button type="button" aria-label={t("move_up")} disabled={r === 0} onClick={() => move(r, r - 1)}>↑</button>
                <button type="button" aria-label={t("move_down")} disabled={r === rows.length - 1} onClick={() => move(r, r + 1)}>↓</button>
                <button type="button" class="remove" aria-label={t("remove")} onClick={() => write(rows.filter((_, k) => k !== r))}>✕</button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <button type="button" class="add-row" onClick={() => write([...rows, {}])}>{t("designers.auto.add_row")}</button>
      <p class="muted hint">{t("designers.auto.rows_hint")}</p>
      {warnings.map((w) => <p class="warning" data-pointer={w.pointer}>{w.message}</p>)}
    </fieldset>
  );
}
