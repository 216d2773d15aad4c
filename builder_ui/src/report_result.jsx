// A report's live result in the designers: the definition sent to the builder's report preview
// (POST /api/v1/builder/apps/<app>/report-preview, over every published record of the app) after a
// pause in typing, drawn as a small SVG chart and a table. The answer's rows are the server's; this
// file only lays them out (the published pages draw the server's plotly figure instead).
import { useEffect, useState } from "preact/hooks";
import { call, locale } from "./api.js";
import { t, pick } from "./texts.js";

const PAUSE = 400;
const COLOURS = ["#2563eb", "#f59e0b", "#10b981", "#ef4444", "#8b5cf6", "#06b6d4", "#84cc16", "#ec4899"];

/** The preview's answer for `report` (null while asking), asked again when the definition changes. */
export function usePreview(app, report) {
  const [state, setState] = useState({ answer: null, error: null, busy: true });
  const body = report ? JSON.stringify(report) : "";
  useEffect(() => {
    if (!report || !(report.measures || []).length) return undefined;
    let live = true;
    setState((s) => ({ ...s, busy: true }));
    const timer = setTimeout(() => {
      call("POST", `/apps/${encodeURIComponent(app)}/report-preview`, JSON.parse(body))
        .then((answer) => live && setState({ answer, error: null, busy: false }))
        .catch((error) => live && setState({ answer: null, error, busy: false }));
    }, PAUSE);
    return () => { live = false; clearTimeout(timer); };
  }, [app, body]);
  return state;
}

const dimensionKeys = (report) => [...(report.rows || []), ...(report.columns || [])].map((d) => d.id || d.field);

/** Each measure's number format, as the published pages read it (a share is a percentage unless told). */
const formatsOf = (report) => Object.fromEntries((report.measures || []).map((x) => [x.id, x.format || (x.agg === "share" ? "percent" : "number")]));

function shown(row, key, format = "number") {
  const value = row[`${key}_label`] ?? row[key];
  if (value === null || value === undefined || value === "") return t("designers.report.empty_value");
  if (typeof value !== "number") return String(value);
  if (format === "percent") return `${(value * 100).toLocaleString(locale(), { minimumFractionDigits: 1, maximumFractionDigits: 1 })}%`;
  if (format === "money") return `¥${value.toLocaleString(locale(), { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
  return value.toLocaleString(locale(), { maximumFractionDigits: 2 });
}

/** Pie slices, or bars for every other chart type, of the first measure by the first dimension. */
export function MiniChart({ report, rows, size = 180 }) {
  const type = report.chart?.type || "table";
  const key = dimensionKeys(report)[0];
  const measure = (report.measures || [])[0]?.id;
  if (!key || !measure || !rows.length || ["table", "pivot", "kpi"].includes(type)) return null;
  const values = rows.map((r) => Math.max(0, Number(r[measure]) || 0));
  const total = values.reduce((a, b) => a + b, 0) || 1;
  if (type === "pie") {
    const r = size / 2 - 4;
    let angle = -Math.PI / 2;
    const point = (a) => `${size / 2 + r * Math.cos(a)} ${size / 2 + r * Math.sin(a)}`;
    return (
      <figure class="mini-chart pie" data-slices={values.length}>
        <svg viewBox={`0 0 ${size} ${size}`} width={size} height={size} role="img" aria-label={t("designers.report.result")}>
          {values.map((v, i) => {
            const sweep = (v / total) * Math.PI * 2;
            const start = angle;
            angle += sweep;
            if (values.length === 1 || sweep >= Math.PI * 2 - 1e-9) return <circle class="slice" cx={size / 2} cy={size / 2} r={r} fill={COLOURS[i % COLOURS.length]} />;
            const large = sweep > Math.PI ? 1 : 0;
            return <path class="slice" d={`M ${size / 2} ${size / 2} L ${point(start)} A ${r} ${r} 0 ${large} 1 ${point(angle)} Z`} fill={COLOURS[i % COLOURS.length]} />;
          })}
        </svg>
        <figcaption>{rows.map((row, i) => <span class="legend"><svg width="10" height="10"><rect width="10" height="10" fill={COLOURS[i % COLOURS.length]} /></svg>{shown(row, key)} {values[i].toLocaleString(locale())}</span>)}</figcaption>
      </figure>
    );
  }
  const top = Math.max(...values) || 1;
  const width = Math.max(size, rows.length * 28);
  return (
    <figure class="mini-chart bars">
      <svg viewBox={`0 0 ${width} ${size}`} width={width} height={size} role="img" aria-label={t("designers.report.result")}>
        {values.map((v, i) => {
          const h = (v / top) * (size - 24);
          return <rect class="bar" x={i * 28 + 4} y={size - 20 - h} width="20" height={h} fill={COLOURS[0]}><title>{`${shown(rows[i], key)}: ${v}`}</title></rect>;
        })}
        {rows.map((row, i) => <text x={i * 28 + 14} y={size - 6} text-anchor="middle" font-size="10">{shown(row, key).slice(0, 4)}</text>)}
      </svg>
    </figure>
  );
}

/** The rows as a table: each dimension (its label where the answer names one), each measure, the totals. */
export function ResultTable({ report, answer, heads }) {
  const dims = dimensionKeys(report);
  const measures = (report.measures || []).map((m) => m.id);
  const rows = answer.rows || [];
  const formats = formatsOf(report);
  return (
    <table class="records-preview report-result">
      <thead><tr>{[...dims, ...measures].map((k) => <th>{heads[k] || k}</th>)}</tr></thead>
      <tbody>
        {rows.map((row) => <tr>{[...dims, ...measures].map((k) => <td>{shown(row, k, formats[k])}</td>)}</tr>)}
      </tbody>
      {answer.totals && (
        <tfoot><tr>{dims.length > 0 && <th colSpan={dims.length}>{t("designers.report.total")}</th>}{measures.map((k) => <td>{shown(answer.totals, k, formats[k])}</td>)}</tr></tfoot>
      )}
    </table>
  );
}

/** A pivot's rows (the row dimensions) against the values of its first column dimension, each cell the
 * first measure: the cross table a pivot chart draws. */
export function PivotTable({ report, answer, heads }) {
  const rowKeys = (report.rows || []).map((d) => d.id || d.field);
  const colKey = (report.columns || []).map((d) => d.id || d.field)[0];
  const measure = (report.measures || [])[0]?.id;
  const format = formatsOf(report)[measure];
  const rows = answer.rows || [];
  const columns = [...new Map(rows.map((r) => [String(r[colKey]), r])).values()];
  const lines = [...new Map(rows.map((r) => [JSON.stringify(rowKeys.map((k) => r[k])), r])).values()];
  const place = (r) => JSON.stringify([...rowKeys.map((k) => r[k]), String(r[colKey])]);
  const cells = new Map(rows.map((r) => [place(r), r]));
  const cell = (line, column) => cells.get(JSON.stringify([...rowKeys.map((k) => line[k]), String(column[colKey])]));
  return (
    <table class="records-preview report-result pivot-result">
      <thead><tr>{rowKeys.map((k) => <th>{heads[k] || k}</th>)}{columns.map((c) => <th class="pivot-column">{shown(c, colKey)}</th>)}</tr></thead>
      <tbody>
        {lines.map((line) => (
          <tr>{rowKeys.map((k) => <th scope="row">{shown(line, k)}</th>)}{columns.map((c) => { const found = cell(line, c); return <td>{found ? shown(found, measure, format) : ""}</td>; })}</tr>
        ))}
      </tbody>
    </table>
  );
}

/** The live result of `report`, or why there is none (the server's refusal, in the page language). */
export function LiveResult({ app, report, heads = {}, compact = false }) {
  const { answer, error, busy } = usePreview(app, report);
  return <ResultView report={report} answer={answer} error={error} busy={busy} heads={heads} compact={compact} />;
}

/** An answer of the report preview drawn (or the server's refusal); `refused`: what a role may not read. */
export function ResultView({ report, answer, error, busy = false, refused = null, heads = {}, compact = false }) {
  if (refused) return <p class="problems result-refused widget-refused" role="status">{refused}</p>;
  if (!(report.measures || []).length) return <p class="muted">{t("designers.report.needs_measure")}</p>;
  if (error) {
    const found = error.body?.errors || error.body?.problems || [];
    return (
      <ul class="problems result-refused" role="status">
        {(found.length ? found : [{ message: error.message }]).map((p) => <li>{p.message || p.detail}</li>)}
      </ul>
    );
  }
  if (!answer) return <p class="muted">{t("loading")}</p>;
  return (
    <div class={`live-result${busy ? " busy" : ""}`} data-rows={(answer.rows || []).length}>
      <MiniChart report={report} rows={answer.rows || []} size={compact ? 120 : 180} />
      {(!compact || ["table", "pivot", "kpi"].includes(report.chart?.type || "table")) && (report.chart?.type === "pivot" && (report.columns || []).length && (report.rows || []).length
        ? <PivotTable report={report} answer={answer} heads={heads} />
        : <ResultTable report={report} answer={answer} heads={heads} />)}
    </div>
  );
}

/** A report's name in the page language. */
export const reportName = (report) => pick(report?.name, locale()) || report?.id || "";
