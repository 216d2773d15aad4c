// The report designer (/builder/apps/<app>/reports[/<report>]): a report's source (a form's records,
// with relation paths, or a flow's process facts: one row per instance or per task, the fact columns
// named by the server, GET .../fact-sources, and the record's fields), dimensions and measures dragged from the field list onto rows, columns and
// values (SortableJS groups; every field also has keyboard buttons), time buckets, the chart type,
// filters, sort and top-N — with the live result beside it. Every kind offered comes from the server
// (GET /api/v1/builder/report-kinds), the draft's problems from each save.
import { useEffect, useRef, useState } from "preact/hooks";
import Sortable from "sortablejs";
import { get, locale } from "./api.js";
import { t, pick } from "./texts.js";
import { fieldPaths, freeName } from "./designers_model.js";
import * as m from "./reports_model.js";
import { DesignerFrame, TextPair, notReady, pathLabel, useDesignerDraft } from "./designer_frame.jsx";
import { LiveResult, reportName } from "./report_result.jsx";
import { ExpressionInput } from "./expression.jsx";

/** A default name in the page's language only (the shell embeds that one; the builder adds the other). */
export const pageLanguageName = (code, params) => ({ [locale()]: t(code, params) });

let kindsAsked = null;
/** The engine's chart types, measures, buckets and filter operators (asked once per page). */
export function useReportKinds() {
  const [kinds, setKinds] = useState(null);
  useEffect(() => {
    kindsAsked = kindsAsked || get("/report-kinds");
    kindsAsked.then(setKinds).catch(() => { kindsAsked = null; });
  }, []);
  return kinds;
}

/** The fields a report over `formId` may name: the form's (through relations) and the built-in times. */
export function reportFields(doc, formId) {
  const own = fieldPaths(doc, formId).map((p) => ({ path: p.path, label: pathLabel(p.label), type: p.field.type }));
  const system = ["created_at", "updated_at"].map((path) => ({ path, label: t(`designers.system.${path}`), type: "datetime" }));
  return [...own, ...system];
}

let factsAsked = {};
/** The draft's flows whose process facts a report may count, their columns named (asked again when the
 * draft's flows change: a milestone added is a new column). */
export function useFactSources(app, doc) {
  const [sources, setSources] = useState([]);
  const key = `${app}:${JSON.stringify(doc?.flows || [])}`;
  useEffect(() => {
    factsAsked[key] = factsAsked[key] || get(`/apps/${encodeURIComponent(app)}/fact-sources`);
    factsAsked[key].then((a) => setSources(a.items), () => { delete factsAsked[key]; setSources([]); });
  }, [key]);
  return sources;
}

/** A flow source's own entry ({flow, name, form, facts}) among the fact sources, if the draft has it. */
export const factSource = (sources, source) => sources.find((s) => s.flow === source?.flow);

/** The fields a report over `source` may name: a form's, or a flow's fact columns and its record's fields. */
export function sourceFields(doc, source, sources) {
  if (!source?.flow) return reportFields(doc, source?.form);
  const found = factSource(sources, source);
  if (!found) return [];
  const columns = (found.facts[source.facts || "instances"] || []).map((c) => ({ path: c.path, label: c.name, type: c.type }));
  const record = fieldPaths(doc, found.form, 1).map((p) => ({
    path: `record.${p.path}`, label: pathLabel([{ [locale()]: t("designers.fact.record") }, ...p.label]), type: p.field.type,
  }));
  return [...columns, ...record];
}

/** The source picker's value: `form:<id>` or `flow:<id>/<instances|tasks>`, and back. */
export const sourceValue = (source) =>
  (source?.flow ? `flow:${source.flow}/${source.facts || "instances"}` : source?.form ? `form:${source.form}` : "");
export function sourceOf(value) {
  const [kind, rest] = [value.slice(0, value.indexOf(":")), value.slice(value.indexOf(":") + 1)];
  if (kind !== "flow") return { form: rest };
  const [flow, facts] = rest.split("/");
  return facts === "tasks" ? { flow, facts } : { flow };
}

/** A SortableJS list; `onDrop(fromZone, fromIndex, toZone, toIndex, path)` changes the draft, and the
 * DOM is put back as it was first (Preact redraws from the draft). */
function useSortable(ref, options, onDrop, deps) {
  const drop = useRef(onDrop);
  drop.current = onDrop;
  useEffect(() => {
    if (!ref.current) return undefined;
    const sortable = Sortable.create(ref.current, {
      animation: 120,
      ...options,
      onEnd: (evt) => {
        const { from, to, item, oldIndex, newIndex, pullMode, clone } = evt;
        if (from === to && oldIndex === newIndex) return;
        if (pullMode === "clone") clone.parentNode.replaceChild(item, clone);
        else {
          item.remove();
          from.insertBefore(item, from.children[oldIndex] || null);
        }
        if (!to.dataset.zone) return;  // dropped back on the field list
        drop.current(from.dataset.zone || null, oldIndex, to.dataset.zone, newIndex, item.dataset.path || null);
      },
    });
    return () => sortable.destroy();
  }, deps);
}

function FieldList({ fields, onAdd, onDrop }) {
  const list = useRef(null);
  useSortable(list, { group: { name: "report-fields", pull: "clone", put: false }, sort: false }, onDrop, [fields.length]);
  return (
    <ul ref={list} class="report-fields" aria-label={t("designers.report.fields")}>
      {fields.map((f) => (
        <li key={f.path} data-path={f.path} class="report-field">
          <span class="drag" aria-hidden="true">⠿</span>
          <span class="field-name">{f.label}</span>
          <span class="row-actions">
            {m.ZONES.map((zone) => (
              <button type="button" class={`to-${zone}`} aria-label={`${t(`designers.report.to_${zone === "measures" ? "values" : zone}`)}: ${f.label}`} title={t(`designers.report.to_${zone === "measures" ? "values" : zone}`)} onClick={() => onAdd(zone, f.path)}>
                {zone === "rows" ? "≡" : zone === "columns" ? "Ⅲ" : "Σ"}
              </button>
            ))}
          </span>
        </li>
      ))}
    </ul>
  );
}

function DimensionItem({ item, field, kinds, set }) {
  const temporal = field && m.TEMPORAL_TYPES.includes(field.type);
  return (
    <span class="zone-item-body">
      <strong>{field?.label || item.field}</strong>
      {temporal && (
        <select class="bucket" aria-label={t("designers.report.bucket")} value={item.bucket || ""} onChange={(e) => set("bucket", e.target.value || undefined)}>
          <option value="">{t("designers.report.no_bucket")}</option>
          {kinds.buckets.map((b) => <option value={b.key}>{b.name}</option>)}
        </select>
      )}
      {!item.bucket && (
        <input class="top" type="number" min="1" max="1000" placeholder={t("designers.report.top")} aria-label={t("designers.report.top")} value={item.top ?? ""}
          onChange={(e) => set("top", e.target.value ? Number(e.target.value) : undefined)} />
      )}
    </span>
  );
}

/** A measure: its kind, what that kind needs (a share's measure, a formula over the measures before
 * it, a percentile's p), and, folded, the name it is shown under, its number format and "only records
 * where" (a condition on the source's fields, checked as the builder types; not on a worked-out measure). */
function MeasureItem({ app, report, index, item, field, kinds, heads, draft, set }) {
  const offered = kinds.measures.filter((k) => (item.field ? k.field !== "none" : k.key === "count" || k.field === "none"));
  const kind = kinds.measures.find((k) => k.key === item.agg);
  const needs = kind?.needs || [];
  const earlier = (report.measures || []).slice(0, index);
  const form = report.source?.form;
  const at = `measure-${index}`;
  const named = (x) => heads[x.id] || x.id;
  return (
    <span class="zone-item-body">
      <strong>{pick(item.label, locale()) || (item.field ? field?.label || item.field : item.agg === "count" ? t("designers.report.records") : kind?.name)}</strong>
      <select class="agg" aria-label={t("designers.report.agg")} value={item.agg}
        onChange={(e) => draft.apply((d) => m.setMeasureKind(d, report.id, index, kinds.measures.find((k) => k.key === e.target.value)))}>
        {offered.map((k) => <option value={k.key}>{k.name}</option>)}
      </select>
      {item.agg === "percentile" && <input class="p" type="number" min="1" max="99" value={item.p ?? ""} aria-label="p" onChange={(e) => set("p", e.target.value ? Number(e.target.value) : undefined)} />}
      {needs.includes("of") && (
        <select class="of" aria-label={t("designers.report.measure_of")} value={item.of || ""} onChange={(e) => set("of", e.target.value || undefined)}>
          <option value="">{t("designers.report.measure_of")}</option>
          {earlier.map((x) => <option value={x.id}>{named(x)}</option>)}
        </select>
      )}
      {needs.includes("expression") && (
        <span class="measure-formula">
          <input class="formula" aria-label={t("designers.report.measure_formula")} placeholder={t("designers.report.measure_formula")}
            value={item.expression || ""} onChange={(e) => set("expression", e.target.value.trim() || undefined)} />
          <small class="muted hint">{earlier.length
            ? t("designers.report.measure_names", { names: earlier.map((x) => `${x.id}（${named(x)}）`).join("，") })
            : t("designers.report.measure_first")}</small>
        </span>
      )}
      <details class="measure-more" open={Boolean(item.label || item.format || item.where)}>
        <summary>{t("designers.report.measure_more")}</summary>
        <TextPair id={`${at}-label`} label={t("designers.report.measure_label")} value={item.label} onChange={(v) => set("label", v)} />
        <div class="prop">
          <label for={`${at}-format`}>{t("designers.report.measure_format")}</label>
          <select id={`${at}-format`} class="format" value={item.format || ""} onChange={(e) => set("format", e.target.value || undefined)}>
            <option value="">{t("designers.report.format_auto")}</option>
            {kinds.formats.map((f) => <option value={f.key}>{f.name}</option>)}
          </select>
        </div>
        {!kind?.derived && (
          <div class="prop">
            <label for={`${at}-where`}>{t("designers.report.measure_where")}</label>
            {form
              ? <ExpressionInput id={`${at}-where`} label={t("designers.report.measure_where")} value={item.where || ""}
                  context={() => ({ app, form, kind: "row_rule", document: () => draft.doc })}
                  onChange={(text) => text.trim() !== (item.where || "") && set("where", text.trim() || undefined)} />
              : <input id={`${at}-where`} class="where" value={item.where || ""} onChange={(e) => set("where", e.target.value.trim() || undefined)} />}
          </div>
        )}
      </details>
    </span>
  );
}

function Zone({ app, report, zone, fields, kinds, heads, draft, onDrop }) {
  const list = useRef(null);
  const items = report[zone] || [];
  useSortable(list, { group: "report-fields", handle: ".drag" }, onDrop, [items.length, report.id]);
  const byPath = Object.fromEntries(fields.map((f) => [f.path, f]));
  const title = t(`designers.report.${zone === "measures" ? "values" : zone}`);
  return (
    <section class={`report-zone zone-${zone}`}>
      <h4>{title}</h4>
      <ol ref={list} data-zone={zone} id={`zone-${zone}`} aria-label={title} data-empty={t("designers.report.drop_here")}>
        {items.map((item, index) => {
          const set = (key, value) => draft.apply((d) => m.setZoneItem(d, report.id, zone, index, key, value));
          return (
            <li key={`${zone}-${index}-${item.field || item.id}`} class="zone-item" data-field={item.field || ""}>
              <span class="drag" aria-hidden="true">⠿</span>
              {zone === "measures"
                ? <MeasureItem app={app} report={report} index={index} item={item} field={byPath[item.field]} kinds={kinds} heads={heads} draft={draft} set={set} />
                : <DimensionItem item={item} field={byPath[item.field]} kinds={kinds} set={set} />}
              <span class="row-actions">
                <button type="button" class="up" aria-label={t("move_up")} disabled={index === 0} onClick={() => draft.apply((d) => m.moveInZones(d, report.id, zone, index, zone, index - 1))}>↑</button>
                <button type="button" class="down" aria-label={t("move_down")} disabled={index === items.length - 1} onClick={() => draft.apply((d) => m.moveInZones(d, report.id, zone, index, zone, index + 1))}>↓</button>
                <button type="button" class="remove" aria-label={t("remove")} onClick={() => draft.apply((d) => m.removeFromZone(d, report.id, zone, index))}>✕</button>
              </span>
            </li>
          );
        })}
      </ol>
    </section>
  );
}

function FilterRows({ report, fields, kinds, draft }) {
  const filters = report.filters || [];
  const set = (index, key, value) => draft.apply((d) => m.setFilter(d, report.id, index, key, value));
  const text = (value) => (Array.isArray(value) ? value.join(",") : value ?? "");
  return (
    <fieldset class="report-filters">
      <legend>{t("designers.report.filters")}</legend>
      {filters.map((f, index) => (
        <div class="filter-row">
          <select class="filter-field" aria-label={t("designers.field")} value={f.field} onChange={(e) => set(index, "field", e.target.value)}>
            {fields.map((x) => <option value={x.path}>{x.label}</option>)}
          </select>
          <select class="filter-op" aria-label={t("designers.report.filters")} value={f.op} onChange={(e) => { set(index, "op", e.target.value); }}>
            {kinds.filter_ops.map((o) => <option value={o.key}>{o.name}</option>)}
          </select>
          {!["is_null", "not_null"].includes(f.op) && (
            <input class="filter-value" aria-label={t("designers.report.value")} value={text(f.value)} onChange={(e) => set(index, "value", m.filterValue(f.op, e.target.value))} />
          )}
          <button type="button" class="remove" aria-label={t("remove")} onClick={() => draft.apply((d) => m.removeFilter(d, report.id, index))}>✕</button>
        </div>
      ))}
      <button type="button" id="add-filter" disabled={!fields.length} onClick={() => draft.apply((d) => m.addFilter(d, report.id, { field: fields[0].path, op: "eq", value: "" }))}>{t("designers.report.add_filter")}</button>
    </fieldset>
  );
}

function ChartAndOrder({ report, kinds, draft, heads }) {
  const chart = report.chart || { type: "table" };
  const keys = m.keysOf(report);
  const sort = (report.sort || [])[0] || {};
  const flag = (key) => (
    <label class="check"><input type="checkbox" id={`chart-${key}`} checked={!!chart[key]} onChange={(e) => draft.apply((d) => m.setChart(d, report.id, key, e.target.checked))} />{t(`designers.report.${key}`)}</label>
  );
  return (
    <div class="report-chart">
      <div class="prop">
        <label for="chart-type">{t("designers.report.chart")}</label>
        <select id="chart-type" value={chart.type} onChange={(e) => draft.apply((d) => m.setChart(d, report.id, "type", e.target.value))}>
          {kinds.charts.map((c) => <option value={c.key}>{c.name}</option>)}
        </select>
        {chart.type === "pie" && flag("donut")}
        {chart.type === "bar" && flag("stacked")}
        {chart.type === "bar" && flag("horizontal")}
      </div>
      <div class="prop">
        <label for="report-sort">{t("designers.report.sort")}</label>
        <span>
          <select id="report-sort" value={sort.by || ""} onChange={(e) => draft.apply((d) => m.setSort(d, report.id, e.target.value, sort.desc))}>
            <option value="">{t("designers.report.no_sort")}</option>
            {[...keys.dimensions, ...keys.measures].map((k) => <option value={k}>{heads[k] || k}</option>)}
          </select>
          <label class="check"><input type="checkbox" id="report-sort-desc" disabled={!sort.by} checked={!!sort.desc} onChange={(e) => draft.apply((d) => m.setSort(d, report.id, sort.by, e.target.checked))} />{t("designers.report.descending")}</label>
        </span>
      </div>
      <div class="prop">
        <label for="report-limit">{t("designers.report.limit")}</label>
        <input id="report-limit" type="number" min="1" max="100000" value={report.limit ?? ""} onChange={(e) => draft.apply((d) => m.setReportProp(d, report.id, "limit", e.target.value ? Number(e.target.value) : undefined))} />
      </div>
    </div>
  );
}

function SourcePicker({ doc, report, sources, draft }) {
  const value = sourceValue(report.source);
  const known = (doc.forms || []).some((f) => `form:${f.id}` === value) || sources.some((s) => value.startsWith(`flow:${s.flow}/`));
  return (
    <div class="prop">
      <label for="report-source">{t("designers.report.source")}</label>
      <select id="report-source" value={value} onChange={(e) => draft.apply((d) => m.setSource(d, report.id, sourceOf(e.target.value)))}>
        {!known && <option value={value}>—</option>}
        <optgroup label={t("designers.report.source_forms")}>
          {(doc.forms || []).map((f) => <option value={`form:${f.id}`}>{pick(f.name, locale()) || f.id}</option>)}
        </optgroup>
        {sources.length > 0 && (
          <optgroup label={t("designers.report.source_flows")}>
            {sources.flatMap((s) => ["instances", "tasks"].map((facts) => (
              <option value={`flow:${s.flow}/${facts}`}>{t(`designers.report.facts_${facts}`, { flow: s.name })}</option>
            )))}
          </optgroup>
        )}
      </select>
    </div>
  );
}

/** The result's column heads: each dimension's field label, each measure's kind and field (never a key). */
export function reportHeads(report, fields, kinds) {
  const label = (path) => fields.find((f) => f.path === path)?.label;
  const kind = (agg) => kinds?.measures.find((k) => k.key === agg)?.name || agg;
  return Object.fromEntries([
    ...[...(report.rows || []), ...(report.columns || [])].map((d) => [d.id || d.field, label(d.field)]),
    ...(report.measures || []).map((x) => [x.id, pick(x.label, locale())
      || (x.field ? `${kind(x.agg)} · ${label(x.field) || x.field}` : x.agg === "count" ? t("designers.report.count_records") : kind(x.agg))]),
  ]);
}

function ReportEditor({ app, doc, report, kinds, draft, sources }) {
  const fields = sourceFields(doc, report.source, sources);
  const heads = reportHeads(report, fields, kinds);
  const onDrop = (fromZone, fromIndex, toZone, toIndex, path) => {
    if (fromZone) draft.apply((d) => m.moveInZones(d, report.id, fromZone, fromIndex, toZone, toIndex));
    else if (path) draft.apply((d) => m.addToZone(d, report.id, toZone, path, toIndex));
  };
  return (
    <div class="report-editor" data-report={report.id}>
      <div class="report-setup">
        <TextPair id="report-name" label={t("designers.name")} value={report.name} onChange={(v) => draft.apply((d) => m.setReportProp(d, report.id, "name", v))} />
        <SourcePicker doc={doc} report={report} sources={sources} draft={draft} />
        <div class="pivot-builder">
          <section class="field-column">
            <h4>{t("designers.report.fields")}</h4>
            <FieldList fields={fields} onDrop={onDrop} onAdd={(zone, path) => draft.apply((d) => m.addToZone(d, report.id, zone, path))} />
            <button type="button" id="add-count" onClick={() => draft.apply((d) => m.addToZone(d, report.id, "measures", null))}>Σ {t("designers.report.count_records")}</button>
          </section>
          <div class="zones">
            {m.ZONES.map((zone) => <Zone app={app} report={report} zone={zone} fields={fields} kinds={kinds} heads={heads} draft={draft} onDrop={onDrop} />)}
          </div>
        </div>
        <ChartAndOrder report={report} kinds={kinds} draft={draft} heads={heads} />
        <FilterRows report={report} fields={fields} kinds={kinds} draft={draft} />
      </div>
      <section class="report-live" aria-live="polite">
        <h3>{t("designers.report.result")}</h3>
        <p class="muted hint">{t("designers.report.result_hint")}</p>
        <LiveResult app={app} report={report} heads={heads} />
      </section>
    </div>
  );
}

export function ReportsDesigner({ app, navigate, item }) {
  const draft = useDesignerDraft(app);
  const kinds = useReportKinds();
  const sources = useFactSources(app, draft.doc);
  const [selected, setSelected] = useState(item || null);
  const [newId, setNewId] = useState("");
  const choose = (id) => {
    setSelected(id);
    history.replaceState(null, "", `/builder/apps/${encodeURIComponent(app)}/reports${id ? `/${encodeURIComponent(id)}` : ""}`);
  };
  const waiting = notReady(draft);
  if (waiting) return waiting;
  if (!kinds) return <p class="muted">{t("loading")}</p>;
  const doc = draft.doc;
  const reports = doc.reports || [];
  const report = reports.find((r) => r.id === selected);
  const add = () => {
    const id = freeName(reports.map((r) => r.id), (newId.trim() || "report").toLowerCase().replace(/[^a-z0-9_]/g, "_").replace(/^[^a-z]+/, "") || "report");
    const form = (doc.forms || [])[0];
    const n = reports.length + 1;
    draft.apply((d) => m.addReport(d, m.newReport(id, pageLanguageName("designers.report.default_name", { n }), form?.id)));
    setNewId("");
    choose(id);
  };
  const select = ([area, index]) => {  // a problem at /reports/<n>/... opens that report
    const found = area === "reports" && reports[Number(index)];
    if (found) choose(found.id);
    return Boolean(found);
  };
  return (
    <DesignerFrame app={app} draft={draft} title={t("designers.tab.reports")} navigate={navigate} kind="reports" select={select}>
      <div class="reports-grid">
        <section class="view-list report-list" aria-label={t("designers.report.list")}>
          <h3>{t("designers.report.list")}</h3>
          {!reports.length && <p class="muted">{t("designers.report.none")}</p>}
          <ul>
            {reports.map((r) => (
              <li class={r.id === selected ? "selected" : ""} data-report={r.id}>
                <button type="button" class="link" onClick={() => choose(r.id)}>{reportName(r)}</button>
                <button type="button" class="remove" aria-label={`${t("designers.report.remove")}: ${reportName(r)}`} onClick={() => { draft.apply((d) => m.removeReport(d, r.id)); if (r.id === selected) choose(null); }}>✕</button>
              </li>
            ))}
          </ul>
          <div class="inline-add">
            <input id="new-report-id" aria-label={t("designers.report.new_id")} placeholder={t("designers.report.new_id")} value={newId} onInput={(e) => setNewId(e.target.value)} />
            <button type="button" id="add-report" disabled={!(doc.forms || []).length} onClick={add}>{t("designers.report.add")}</button>
          </div>
        </section>
        {report ? <ReportEditor key={report.id} app={app} doc={doc} report={report} kinds={kinds} draft={draft} sources={sources} /> : <p class="muted">{t("designers.report.select")}</p>}
      </div>
    </DesignerFrame>
  );
}
