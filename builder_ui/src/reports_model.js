// The report and dashboard designers' model: pure operations on a package document's `reports` and
// `dashboards` (format: docs/app-format.md, "Reports and dashboards"). Each returns a new document
// and leaves the old untouched (undo/redo keeps documents); empty keys are left out, not written.
import { freeName } from "./designers_model.js";

const clone = (value) => (value === undefined ? undefined : JSON.parse(JSON.stringify(value)));
const blank = (value) => value === undefined || value === null || value === "" || value === false ||
  (Array.isArray(value) && value.length === 0);

function setKey(object, key, value) {
  if (blank(value)) delete object[key];
  else object[key] = clone(value);
}

/** The zones a field may be dropped on: dimensions in `rows` and `columns`, measures in `measures`. */
export const ZONES = ["rows", "columns", "measures"];
/** Field types whose values a time bucket groups (besides the built-in created_at / updated_at). */
export const TEMPORAL_TYPES = ["date", "datetime"];

function edit(doc, key, id, change) {
  const next = clone(doc);
  const item = (next[key] || []).find((x) => x.id === id);
  if (!item) throw new Error(`no ${key} ${id}`);
  change(item, next);
  return next;
}

function add(doc, key, item) {
  const next = clone(doc);
  next[key] = next[key] || [];
  if (next[key].some((x) => x.id === item.id)) throw new Error(`${key} ${item.id} exists`);
  next[key].push(clone(item));
  return next;
}

function remove(doc, key, id) {
  const next = clone(doc);
  next[key] = (next[key] || []).filter((x) => x.id !== id);
  if (!next[key].length) delete next[key];
  return next;
}

// ---- reports --------------------------------------------------------------------------------

/** A new report over a form's records, counting them (a report needs one measure). */
export function newReport(id, name, form) {
  return { id, name, source: { form }, measures: [{ id: "records", agg: "count" }], chart: { type: "table" } };
}

export const addReport = (doc, report) => add(doc, "reports", report);
export const removeReport = (doc, id) => remove(doc, "reports", id);
export const setReportProp = (doc, id, key, value) => edit(doc, "reports", id, (r) => setKey(r, key, value));

/** Changing the source empties what named the old source's fields. */
export function setSource(doc, id, source) {
  return edit(doc, "reports", id, (r) => {
    r.source = clone(source);
    for (const key of ["rows", "columns", "filters", "sort"]) delete r[key];
    r.measures = [{ id: "records", agg: "count" }];
    if (r.chart) r.chart = { type: r.chart.type };
  });
}

/** The measure ids and dimension keys of a report (what sort and chart may name). */
export function keysOf(report) {
  const dims = [...(report.rows || []), ...(report.columns || [])].map((d) => d.id || d.field);
  return { dimensions: dims, measures: (report.measures || []).map((m) => m.id) };
}

function zoneList(report, zone) {
  report[zone] = report[zone] || [];
  return report[zone];
}

function tidy(report) {
  for (const zone of ZONES) if (report[zone] && !report[zone].length && zone !== "measures") delete report[zone];
}

/** What dropping `field` (null: the records themselves) on `zone` at `index` adds. */
function itemFor(report, zone, field) {
  if (zone !== "measures") return { field };
  const taken = keysOf(report);
  const base = field ? `count_${field.replace(/\./g, "_")}` : "records";
  const measure = { id: freeName([...taken.measures, ...taken.dimensions], base), agg: "count" };
  if (field) measure.field = field;
  return measure;
}

export function addToZone(doc, id, zone, field, index = null) {
  return edit(doc, "reports", id, (r) => {
    const list = zoneList(r, zone);
    const item = itemFor(r, zone, field);
    list.splice(index === null ? list.length : Math.max(0, Math.min(index, list.length)), 0, item);
  });
}

/** Moves an item within a zone or to another; a measure becomes a dimension of its field and back. */
export function moveInZones(doc, id, from, fromIndex, to, toIndex) {
  return edit(doc, "reports", id, (r) => {
    const source = zoneList(r, from);
    const [item] = source.splice(fromIndex, 1);
    if (!item) return;
    const target = zoneList(r, to);
    const isMeasure = (z) => z === "measures";
    const moved = isMeasure(from) === isMeasure(to) ? item : itemFor(r, to, item.field || null);
    if (isMeasure(from) && !isMeasure(to) && !item.field) {
      source.splice(fromIndex, 0, item); // the count of records has no field to group by
      return;
    }
    target.splice(Math.max(0, Math.min(toIndex, target.length)), 0, moved);
    tidy(r);
  });
}

export function setZoneItem(doc, id, zone, index, key, value) {
  return edit(doc, "reports", id, (r) => setKey(r[zone][index], key, value));
}

/** A measure's kind changed: the keys the new kind does not read go with the old one (a share's
 * "of", a formula, a percentile's p; "where" on a measure worked out from the others). */
export function setMeasureKind(doc, id, index, kind) {
  return edit(doc, "reports", id, (r) => {
    const measure = r.measures[index];
    measure.agg = kind.key;
    for (const key of ["of", "expression", "p"]) if (!kind.needs.includes(key)) delete measure[key];
    if (kind.derived) delete measure.where;
  });
}

export function removeFromZone(doc, id, zone, index) {
  return edit(doc, "reports", id, (r) => {
    r[zone].splice(index, 1);
    tidy(r);
  });
}

export function setChart(doc, id, key, value) {
  return edit(doc, "reports", id, (r) => {
    r.chart = r.chart || { type: "table" };
    setKey(r.chart, key, value);
    if (key === "type") for (const k of ["donut", "stacked", "horizontal"]) delete r.chart[k];
  });
}

export const addFilter = (doc, id, filter) =>
  edit(doc, "reports", id, (r) => { r.filters = [...(r.filters || []), clone(filter)]; });

export function setFilter(doc, id, index, key, value) {
  return edit(doc, "reports", id, (r) => {
    const filter = r.filters[index];
    if (key === "value") filter.value = clone(value);
    else filter[key] = value;
    if (value === undefined) delete filter[key];
  });
}

export const removeFilter = (doc, id, index) =>
  edit(doc, "reports", id, (r) => {
    r.filters.splice(index, 1);
    if (!r.filters.length) delete r.filters;
  });

/** One sort key (or none): the designer offers the common case; the package may hold up to five. */
export const setSort = (doc, id, by, desc) =>
  edit(doc, "reports", id, (r) => setKey(r, "sort", by ? [desc ? { by, desc: true } : { by }] : undefined));

/** A filter's typed text as the definition's value: lists for in/not_in/between, numbers where they look like one. */
export function filterValue(op, text) {
  const one = (s) => (s.trim() !== "" && !Number.isNaN(Number(s)) ? Number(s) : s.trim());
  if (op === "is_null" || op === "not_null") return undefined;
  if (op === "in" || op === "not_in" || op === "between") return text.split(/[,，]/).map(one).filter((v) => v !== "");
  if (op === "within_last" || op === "current" || op === "contains") return text.trim();
  return one(text);
}

// ---- dashboards -----------------------------------------------------------------------------

export const addDashboard = (doc, board) => add(doc, "dashboards", board);
export const removeDashboard = (doc, id) => remove(doc, "dashboards", id);
export const setDashboardProp = (doc, id, key, value) => edit(doc, "dashboards", id, (d) => setKey(d, key, value));

/** A widget of `report` below what the board holds, half the grid wide. */
export function addWidget(doc, id, report, place = {}) {
  return edit(doc, "dashboards", id, (d) => {
    const bottom = Math.max(0, ...(d.widgets || []).map((w) => (w.y || 0) + (w.h || 6)));
    const widget = { id: freeName((d.widgets || []).map((w) => w.id), report), report, x: 0, y: bottom, w: 12, h: 6, ...place };
    d.widgets = [...(d.widgets || []), widget];
  });
}

export const removeWidget = (doc, id, widgetId) =>
  edit(doc, "dashboards", id, (d) => { d.widgets = (d.widgets || []).filter((w) => w.id !== widgetId); });

/** The grid's places (`[{id, x, y, w, h}]`, as gridstack reports a change) written onto the widgets. */
export function placeWidgets(doc, id, places) {
  return edit(doc, "dashboards", id, (d) => {
    for (const place of places) {
      const widget = (d.widgets || []).find((w) => w.id === place.id);
      if (!widget) continue;
      for (const key of ["x", "y", "w", "h"]) if (Number.isInteger(place[key])) widget[key] = place[key];
      widget.x = Math.max(0, Math.min(widget.x, 24 - (widget.w || 1)));
      widget.y = Math.max(0, widget.y);
    }
  });
}

export const addBoardFilter = (doc, id, filter) =>
  edit(doc, "dashboards", id, (d) => {
    const taken = (d.filters || []).map((f) => f.id);
    d.filters = [...(d.filters || []), { ...clone(filter), id: freeName(taken, filter.id) }];
  });

export const setBoardFilter = (doc, id, index, key, value) =>
  edit(doc, "dashboards", id, (d) => setKey(d.filters[index], key, value));

export const removeBoardFilter = (doc, id, index) =>
  edit(doc, "dashboards", id, (d) => {
    d.filters.splice(index, 1);
    if (!d.filters.length) delete d.filters;
  });

export const operations = {
  addReport, removeReport, setReportProp, setSource, addToZone, moveInZones, setZoneItem, removeFromZone,
  setChart, addFilter, setFilter, removeFilter, setSort,
  addDashboard, removeDashboard, setDashboardProp, addWidget, removeWidget, placeWidgets,
  addBoardFilter, setBoardFilter, removeBoardFilter,
};
