// The property panel of one field: an input per key its type takes (the server's palette says
// which, with each key's JSON Schema); special editors for options, relation targets, cascading
// filters and sub-table columns; CodeMirror for expressions.
import { t, pick } from "./texts.js";
import { formOf } from "./model.js";
import { ExpressionInput } from "./expression.jsx";

const LOCALES = ["zh-CN", "en"];
const EXPRESSION_KINDS = { default_expr: "default", visible_when: "visible_when", required_when: "required_when" };

/** What input a key needs, read from its JSON Schema (never from the field type's name). */
export function inputKind(key, schema, type) {
  const ref = schema.$ref || "";
  if (key === "options") return "options";
  if (key === "filter_by") return "filter";
  if (key === "target") return "target";
  if (type.holds_rows && key === "fields") return "columns";
  if (ref.endsWith("/expression") || key === type.formula_key) return "expression";
  if (ref.endsWith("/text")) return "text2";
  if (ref.endsWith("/scalar")) return "scalar";
  if (schema.enum) return "enum";
  if (schema.type === "boolean") return "boolean";
  if (schema.type === "integer" || schema.type === "number") return "number";
  if (schema.type === "string" || ref.endsWith("/id")) return "string";
  return "json";
}

function Row({ label, htmlFor, children }) {
  return (
    <div class="prop">
      <label for={htmlFor}>{label}</label>
      {children}
    </div>
  );
}

function scalar(text) {
  if (text === "") return undefined;
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  if (text === "true" || text === "false") return text === "true";
  return text;
}

function OptionsEditor({ value, onChange, locale }) {
  const options = value || [];
  const set = (index, patch) => onChange(options.map((o, i) => (i === index ? clean({ ...o, ...patch }) : o)));
  const clean = (o) => {
    const out = { value: o.value };
    const label = Object.fromEntries(Object.entries(o.label || {}).filter(([, v]) => v));
    if (Object.keys(label).length) out.label = label;
    if (o.color) out.color = o.color;
    return out;
  };
  const move = (index, by) => {
    const next = [...options];
    const [moved] = next.splice(index, 1);
    next.splice(index + by, 0, moved);
    onChange(next);
  };
  return (
    <div class="options">
      {options.map((option, index) => (
        <div class="option" key={index} data-option={index}>
          <input aria-label={t("option_value")} value={option.value} onChange={(e) => set(index, { value: e.target.value })} />
          {LOCALES.map((lang) => (
            <input key={lang} aria-label={`${t("option_label")} (${lang})`} placeholder={lang} value={(option.label || {})[lang] || ""}
              onChange={(e) => set(index, { label: { ...(option.label || {}), [lang]: e.target.value } })} />
          ))}
          <input type="color" aria-label={t("option_color")} value={option.color || "#888888"} onChange={(e) => set(index, { color: e.target.value })} />
          {option.color && <button type="button" onClick={() => set(index, { color: "" })}>{t("clear_color")}</button>}
          <button type="button" aria-label={t("move_up")} disabled={index === 0} onClick={() => move(index, -1)}>↑</button>
          <button type="button" aria-label={t("move_down")} disabled={index === options.length - 1} onClick={() => move(index, 1)}>↓</button>
          <button type="button" aria-label={t("remove")} onClick={() => onChange(options.filter((_, i) => i !== index))}>✕</button>
        </div>
      ))}
      <button type="button" class="add-option" onClick={() => onChange([...options, { value: t("option_new", { n: options.length + 1 }) }])}>
        {t("add_option")}
      </button>
    </div>
  );
}

function FilterEditor({ value, onChange, doc, field, form, locale }) {
  const target = formOf(doc, field.target);
  const pairs = Object.entries(value || {});
  const theirs = (target?.fields || []).filter((f) => f.target);
  const ours = form.fields.filter((f) => f.target && f.id !== field.id);
  const set = (next) => onChange(Object.fromEntries(next.filter(([k, v]) => k && v)));
  return (
    <div class="filter">
      {pairs.map(([their, our], index) => (
        <div class="filter-pair" key={index}>
          <select aria-label={t("filter_their")} value={their} onChange={(e) => set(pairs.map((p, i) => (i === index ? [e.target.value, p[1]] : p)))}>
            {theirs.map((f) => <option value={f.id}>{pick(f.label, locale) || f.id}</option>)}
          </select>
          <span>=</span>
          <select aria-label={t("filter_ours")} value={our} onChange={(e) => set(pairs.map((p, i) => (i === index ? [p[0], e.target.value] : p)))}>
            {ours.map((f) => <option value={f.id}>{pick(f.label, locale) || f.id}</option>)}
          </select>
          <button type="button" aria-label={t("remove")} onClick={() => set(pairs.filter((_, i) => i !== index))}>✕</button>
        </div>
      ))}
      {theirs.length > 0 && ours.length > 0 && (
        <button type="button" class="add-filter" onClick={() => set([...pairs.filter(([k]) => k !== theirs[0].id), [theirs[0].id, ours[0].id]])}>
          {t("add_filter")}
        </button>
      )}
      {(!theirs.length || !ours.length) && <p class="muted">{t("filter_none")}</p>}
    </div>
  );
}

function ColumnsEditor({ field, types, onAdd, onSelect, onMove, onRemove, locale }) {
  const columns = field.fields || [];
  return (
    <div class="columns">
      <ul>
        {columns.map((column, index) => (
          <li key={column.id}>
            <button type="button" class="link" onClick={() => onSelect(column.id)}>
              {pick(column.label, locale) || column.id} <span class="muted">{types[column.type]?.name || column.type}</span>
            </button>
            <button type="button" aria-label={t("move_up")} disabled={index === 0} onClick={() => onMove(index, index - 1)}>↑</button>
            <button type="button" aria-label={t("move_down")} disabled={index === columns.length - 1} onClick={() => onMove(index, index + 1)}>↓</button>
            <button type="button" aria-label={t("remove")} onClick={() => onRemove(column.id)}>✕</button>
          </li>
        ))}
      </ul>
      <select aria-label={t("add_column")} value="" onChange={(e) => e.target.value && onAdd(e.target.value)}>
        <option value="">{t("add_column")}</option>
        {Object.values(types).filter((type) => type.stores_value && !type.holds_rows).map((type) => <option value={type.key}>{type.name}</option>)}
      </select>
    </div>
  );
}

/** The panel: `set(key, value)` changes the field; `columns` carries the sub-table callbacks. */
export function PropertyPanel({ doc, form, field, type, set, locale, context, columns, types }) {
  if (!type) return <p class="muted">{t("unknown_type", { type: field.type })}</p>;
  const uid = (key) => `prop-${field.id}-${key}`;
  const rows = type.properties.map(({ key, schema, required }) => {
    const kind = inputKind(key, schema, type);
    const name = t(`prop.${key}`) + (required ? " *" : "");
    const value = field[key];
    switch (kind) {
      case "text2":
        return (
          <Row label={name} htmlFor={uid(key)}>
            {LOCALES.map((lang) => (
              <input id={lang === "zh-CN" ? uid(key) : undefined} key={lang} placeholder={lang} aria-label={`${name} (${lang})`}
                value={typeof value === "string" ? (lang === "zh-CN" ? value : "") : (value || {})[lang] || ""}
                onChange={(e) => set(key, { ...(typeof value === "object" ? value : {}), [lang]: e.target.value })} />
            ))}
          </Row>
        );
      case "boolean":
        return (
          <div class="prop check">
            <input type="checkbox" id={uid(key)} checked={!!value} onChange={(e) => set(key, e.target.checked || undefined)} />
            <label for={uid(key)}>{name}</label>
          </div>
        );
      case "number":
        return (
          <Row label={name} htmlFor={uid(key)}>
            <input id={uid(key)} type="number" value={value ?? ""} onChange={(e) => set(key, e.target.value === "" ? undefined : Number(e.target.value))} />
          </Row>
        );
      case "enum":
        return (
          <Row label={name} htmlFor={uid(key)}>
            <select id={uid(key)} value={value ?? ""} onChange={(e) => set(key, e.target.value)}>
              <option value="">—</option>
              {schema.enum.map((choice) => <option value={choice}>{t(`enum.${key}.${choice}`, {}, choice)}</option>)}
            </select>
          </Row>
        );
      case "expression":
        return (
          <Row label={name} htmlFor={uid(key)}>
            <ExpressionInput id={uid(key)} label={name} value={value || ""} onChange={(text) => text !== (value || "") && set(key, text)}
              context={() => context(EXPRESSION_KINDS[key] || "formula")} />
          </Row>
        );
      case "options":
        return <Row label={name}><OptionsEditor value={value} onChange={(v) => set(key, v)} locale={locale} /></Row>;
      case "target":
        return (
          <Row label={name} htmlFor={uid(key)}>
            <select id={uid(key)} value={value || ""} onChange={(e) => set(key, e.target.value)}>
              <option value="">—</option>
              {(doc.forms || []).map((f) => <option value={f.id}>{pick(f.name, locale) || f.id}</option>)}
            </select>
          </Row>
        );
      case "filter":
        return <Row label={name}><FilterEditor value={value} onChange={(v) => set(key, v)} doc={doc} field={field} form={form} locale={locale} /></Row>;
      case "columns":
        return <Row label={name}><ColumnsEditor field={field} types={types} locale={locale} {...columns} /></Row>;
      case "scalar":
      case "string":
        return (
          <Row label={name} htmlFor={uid(key)}>
            <input id={uid(key)} value={value ?? ""} onChange={(e) => set(key, kind === "scalar" ? scalar(e.target.value) : e.target.value)} />
          </Row>
        );
      default:
        return (
          <Row label={name} htmlFor={uid(key)}>
            <textarea id={uid(key)} value={value === undefined ? "" : JSON.stringify(value)} onChange={(e) => {
              try { set(key, e.target.value ? JSON.parse(e.target.value) : undefined); } catch { /* keep typing */ }
            }} />
          </Row>
        );
    }
  });
  return (
    <div class="panel" data-field={field.id}>
      <h3>{type.name} <code>{field.id}</code></h3>
      {rows}
    </div>
  );
}
