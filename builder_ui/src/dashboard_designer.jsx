// The dashboard designer (/builder/apps/<app>/dashboards[/<dashboard>]): report widgets placed on the
// engine's 24-column grid (a row is 44 px, as the published page draws it), moved and resized with
// gridstack or with each widget's arrow buttons, the dashboard's global filters (a choice, a date
// range), and each widget's live result from the report preview API — or, previewing as a role of the
// draft (and one of the people holding it), each widget as that role sees it (dashboard-preview-as).
import { useEffect, useRef, useState } from "preact/hooks";
import { GridStack } from "gridstack";
import "gridstack/dist/gridstack.min.css";
import { get, locale, post } from "./api.js";
import { t, pick } from "./texts.js";
import { freeName } from "./designers_model.js";
import * as m from "./reports_model.js";
import { DesignerFrame, TextPair, notReady, useDesignerDraft } from "./designer_frame.jsx";
import { LiveResult, ResultView, reportName } from "./report_result.jsx";
import { pageLanguageName, reportFields, reportHeads, sourceFields, useFactSources, useReportKinds } from "./report_designer.jsx";

// gridstack's setupDragIn announces a chip's drag with a CustomEvent named "dragstart" (no DragEvent,
// no drag data): listeners made for native drags - browser automation among them - take it for one and
// wait for data that never comes (the "frozen" drag-in). Nothing here listens for it: it stops at the window.
window.addEventListener("dragstart", (e) => { if (!(e instanceof DragEvent)) e.stopImmediatePropagation(); }, true);

const COLUMNS = 24;
const ROW_PX = 44;
const place = (w) => ({ x: w.x ?? 0, y: w.y ?? 0, w: w.w ?? 12, h: w.h ?? 6 });

/** gridstack over the widgets Preact draws: new elements become grid items, a drag or resize writes the
 * places into the draft, and a place changed in the draft (undo, the arrow buttons) moves the item. */
function useGrid(ref, widgets, onPlaces, onDropped) {
  const grid = useRef(null);
  const report = useRef(onPlaces);
  report.current = onPlaces;
  const dropped = useRef(onDropped);
  dropped.current = onDropped;
  useEffect(() => {
    const options = { column: COLUMNS, cellHeight: ROW_PX, margin: 4, float: true, handle: ".widget-head", animate: false };
    // a report chip dragged in from the list (GridStack.setupDragIn in BoardEditor) is accepted here
    grid.current = GridStack.init({ ...options, acceptWidgets: (el) => el.classList.contains("report-chip") }, ref.current);
    grid.current.on("change", (event, nodes) => {
      report.current((nodes || []).filter((n) => n.id).map((n) => ({ id: n.id, x: n.x, y: n.y, w: n.w, h: n.h })));
    });
    // gridstack drops a clone of the chip where it was let go: taken out again at once (Preact draws the
    // grid's items), its place becomes the new widget's in the draft
    grid.current.on("dropped", (event, previous, node) => {
      const reportId = node?.el?.dataset.report;
      const at = { x: node.x, y: node.y };
      if (node?.el) grid.current.removeWidget(node.el, true, false);
      if (reportId) dropped.current(reportId, at);
    });
    return () => { grid.current.destroy(false); grid.current = null; };
  }, []);
  useEffect(() => {
    const g = grid.current;
    // while a chip is dragged in, gridstack holds a node of its own (no id): left alone until it is dropped
    if (!g || g.engine.nodes.some((n) => !n.id)) return;
    const ids = new Set(widgets.map((w) => w.id));
    for (const node of [...g.engine.nodes]) if (!ids.has(node.id) || !node.el.isConnected) g.removeWidget(node.el, false, false);
    g.batchUpdate();
    for (const widget of widgets) {
      const el = ref.current.querySelector(`.grid-stack-item[gs-id="${CSS.escape(widget.id)}"]`);
      if (!el) continue;
      const want = place(widget);
      if (!el.gridstackNode) g.makeWidget(el, { ...want, id: widget.id });
      else {
        const n = el.gridstackNode;
        if (n.x !== want.x || n.y !== want.y || n.w !== want.w || n.h !== want.h) g.update(el, want);
      }
    }
    g.batchUpdate(false);
  });
}

function WidgetButtons({ widget, nudge, remove }) {
  const moves = [["left", -1, 0, 0, 0, "←"], ["right", 1, 0, 0, 0, "→"], ["up", 0, -1, 0, 0, "↑"], ["down", 0, 1, 0, 0, "↓"],
    ["narrower", 0, 0, -1, 0, "⇠"], ["wider", 0, 0, 1, 0, "⇢"], ["shorter", 0, 0, 0, -1, "⇡"], ["taller", 0, 0, 0, 1, "⇣"]];
  return (
    <span class="widget-buttons">
      {moves.map(([name, dx, dy, dw, dh, sign]) => (
        <button type="button" class={`widget-${name}`} aria-label={t(`designers.dash.${name}`)} title={t(`designers.dash.${name}`)} onClick={() => nudge(widget, dx, dy, dw, dh)}>{sign}</button>
      ))}
      <button type="button" class="remove" aria-label={t("remove")} onClick={() => remove(widget)}>✕</button>
    </span>
  );
}

/** The preview-as control: a role of the draft (by name), optionally a person holding it; `as` is
 * {role, user} or null (the builder's own permissions). */
function PreviewAsPicker({ app, doc, as, setAs }) {
  const [people, setPeople] = useState([]);
  useEffect(() => {
    if (!as?.role) { setPeople([]); return; }
    get(`/apps/${encodeURIComponent(app)}/roles/${encodeURIComponent(as.role)}/people`).then((a) => setPeople(a.items), () => setPeople([]));
  }, [as?.role]);
  return (
    <div class="prop preview-as">
      <label for="preview-as-role">{t("designers.dash.preview_as")}</label>
      <span>
        <select id="preview-as-role" value={as?.role || ""} onChange={(e) => setAs(e.target.value ? { role: e.target.value, user: "" } : null)}>
          <option value="">{t("designers.dash.as_myself")}</option>
          {(doc.roles || []).map((r) => <option value={r.id}>{pick(r.name, locale()) || r.id}</option>)}
        </select>
        {as?.role && (
          <select id="preview-as-person" aria-label={t("designers.dash.as_person")} value={as.user} onChange={(e) => setAs({ ...as, user: e.target.value })}>
            <option value="">{t("designers.dash.anyone")}</option>
            {people.map((p) => <option value={p.id}>{p.name}</option>)}
          </select>
        )}
      </span>
    </div>
  );
}

/** Each widget of the saved draft's board as `as` sees it, asked again after each save. */
function usePreviewAs(app, board, as, meta) {
  const [state, setState] = useState({ answer: null, error: null });
  const saved = meta.status === "saved" ? meta.revision : null;
  useEffect(() => {
    if (!as?.role || saved === null) { if (!as?.role) setState({ answer: null, error: null }); return undefined; }
    let live = true;
    const body = { dashboard: board.id, role: as.role };
    if (as.user) body.user_id = as.user;
    post(`/apps/${encodeURIComponent(app)}/dashboard-preview-as`, body)
      .then((answer) => live && setState({ answer, error: null }), (error) => live && setState({ answer: null, error }));
    return () => { live = false; };
  }, [as?.role, as?.user, saved, board.id]);
  return state;
}

function WidgetResult({ app, report, seen, heads }) {
  if (!seen) return <LiveResult app={app} report={report} heads={heads} compact />;
  if (!seen.answer) return seen.error ? <ResultView report={report} error={seen.error} compact /> : <p class="muted">{t("loading")}</p>;
  const mine = (seen.answer.widgets || []).find((w) => w.id === seen.id);
  if (!mine) return <p class="muted">{t("loading")}</p>;
  const error = mine.error ? { message: mine.error } : null;
  return <ResultView report={report} answer={mine} refused={mine.refused} error={error} heads={heads} compact />;
}

function BoardGrid({ app, doc, board, draft, seen }) {
  const el = useRef(null);
  const kinds = useReportKinds();
  const sources = useFactSources(app, doc);
  const headsOf = (report) => reportHeads(report, sourceFields(doc, report.source, sources), kinds);
  const widgets = board.widgets || [];
  const reports = Object.fromEntries((doc.reports || []).map((r) => [r.id, r]));
  useGrid(el, widgets, (places) => {
    const changed = places.filter((p) => {
      const w = widgets.find((x) => x.id === p.id);
      const now = w && place(w);
      return now && (now.x !== p.x || now.y !== p.y || now.w !== p.w || now.h !== p.h);
    });
    if (changed.length) draft.apply((d) => m.placeWidgets(d, board.id, changed));
  }, (reportId, at) => draft.apply((d) => m.addWidget(d, board.id, reportId, at)));
  const nudge = (w, dx, dy, dw, dh) => {
    const p = place(w);
    const next = { id: w.id, x: p.x + dx, y: Math.max(0, p.y + dy), w: Math.max(1, Math.min(COLUMNS, p.w + dw)), h: Math.max(1, p.h + dh) };
    draft.apply((d) => m.placeWidgets(d, board.id, [next]));
  };
  return (
    <div ref={el} class="grid-stack board-grid" aria-label={t("designers.dash.grid")}>
      {widgets.map((w) => {
        const p = place(w);
        const report = reports[w.report];
        return (
          <div key={w.id} class="grid-stack-item" gs-id={w.id} gs-x={p.x} gs-y={p.y} gs-w={p.w} gs-h={p.h} data-widget={w.id} data-report={w.report}>
            <div class="grid-stack-item-content">
              <div class="widget-head">
                <strong>{pick(w.title, locale()) || reportName(report)}</strong>
                <WidgetButtons widget={w} nudge={nudge} remove={(x) => draft.apply((d) => m.removeWidget(d, board.id, x.id))} />
              </div>
              {report && <WidgetResult app={app} report={report} seen={seen && { ...seen, id: w.id }} heads={headsOf(report)} />}
            </div>
          </div>
        );
      })}
    </div>
  );
}

function BoardFilters({ doc, board, draft }) {
  const filters = board.filters || [];
  const formOf = (source) => source?.form || (doc.flows || []).find((f) => f.id === source?.flow)?.form;  // a flow widget: its record's
  const forms = [...new Set((board.widgets || []).map((w) => formOf((doc.reports || []).find((r) => r.id === w.report)?.source)).filter(Boolean))];
  const fields = new Map();
  for (const form of forms) for (const f of reportFields(doc, form)) if (!fields.has(f.path)) fields.set(f.path, f);
  const set = (index, key, value) => draft.apply((d) => m.setBoardFilter(d, board.id, index, key, value));
  return (
    <fieldset class="board-filters">
      <legend>{t("designers.dash.filters")}</legend>
      {filters.map((f, index) => (
        <div class="filter-row">
          <select class="board-filter-kind" aria-label={t("designers.dash.filters")} value={f.kind} onChange={(e) => set(index, "kind", e.target.value)}>
            {["date_range", "select"].map((k) => <option value={k}>{t(`designers.dash.kind.${k}`)}</option>)}
          </select>
          <select class="board-filter-field" aria-label={t("designers.field")} value={f.field} onChange={(e) => set(index, "field", e.target.value)}>
            {[...fields.values()].map((x) => <option value={x.path}>{x.label}</option>)}
            {!fields.has(f.field) && <option value={f.field}>{f.field}</option>}
          </select>
          <button type="button" class="remove" aria-label={t("remove")} onClick={() => draft.apply((d) => m.removeBoardFilter(d, board.id, index))}>✕</button>
        </div>
      ))}
      <button type="button" id="add-board-filter" onClick={() => draft.apply((d) => m.addBoardFilter(d, board.id, { id: "period", field: "created_at", kind: "date_range" }))}>{t("designers.dash.add_filter")}</button>
    </fieldset>
  );
}

function BoardEditor({ app, doc, board, draft }) {
  const reports = doc.reports || [];
  const [as, setAs] = useState(null);
  const seen = usePreviewAs(app, board, as, draft.meta);
  const role = (doc.roles || []).find((r) => r.id === as?.role);
  useEffect(() => {  // each chip may be dragged onto the grid (a clone follows the pointer); the button stays
    GridStack.setupDragIn(".board-reports .report-chip", { appendTo: "body", helper: "clone" });
  }, [reports.map((r) => r.id).join(",")]);
  return (
    <div class="board-editor" data-dashboard={board.id}>
      <div class="board-setup">
        <TextPair id="board-name" label={t("designers.name")} value={board.name} onChange={(v) => draft.apply((d) => m.setDashboardProp(d, board.id, "name", v))} />
        <div class="prop">
          <label for="board-refresh">{t("designers.dash.refresh")}</label>
          <input id="board-refresh" type="number" min="5" max="86400" value={board.refresh_seconds ?? ""} onChange={(e) => draft.apply((d) => m.setDashboardProp(d, board.id, "refresh_seconds", e.target.value ? Number(e.target.value) : undefined))} />
        </div>
        <section class="board-reports">
          <h4>{t("designers.dash.reports")}</h4>
          {!reports.length && <p class="muted">{t("designers.dash.no_reports")}</p>}
          <ul>
            {reports.map((r) => (
              <li data-report={r.id}>
                <span class="report-chip" data-report={r.id} data-gs-widget={JSON.stringify({ w: 12, h: 6 })} title={t("designers.dash.drag_in")}>
                  <span class="drag" aria-hidden="true">⠿</span>{reportName(r)}
                </span>
                <button type="button" class="place-report" onClick={() => draft.apply((d) => m.addWidget(d, board.id, r.id))}>{t("designers.dash.place")}</button>
              </li>
            ))}
          </ul>
        </section>
        <BoardFilters doc={doc} board={board} draft={draft} />
        <p><a id="open-published" href={`/apps/${encodeURIComponent(app)}/dashboards/${encodeURIComponent(board.id)}`} target="_blank" rel="noopener">{t("designers.dash.open")}</a></p>
      </div>
      <section class="board-canvas">
        <p class="muted hint">{t("designers.dash.grid")}</p>
        {!(board.widgets || []).length && <p class="muted">{t("designers.dash.empty")}</p>}
        <PreviewAsPicker app={app} doc={doc} as={as} setAs={setAs} />
        {as?.role && <p class="hint previewing" id="previewing-as">{t("designers.dash.previewing", { role: [pick(role?.name, locale()) || as.role, seen.answer?.person].filter(Boolean).join(" · ") })}</p>}
        <BoardGrid key={board.id} app={app} doc={doc} board={board} draft={draft} seen={as?.role ? seen : null} />
      </section>
    </div>
  );
}

export function DashboardsDesigner({ app, navigate, item }) {
  const draft = useDesignerDraft(app);
  const [selected, setSelected] = useState(item || null);
  const [newId, setNewId] = useState("");
  const choose = (id) => {
    setSelected(id);
    history.replaceState(null, "", `/builder/apps/${encodeURIComponent(app)}/dashboards${id ? `/${encodeURIComponent(id)}` : ""}`);
  };
  const waiting = notReady(draft);
  if (waiting) return waiting;
  const doc = draft.doc;
  const boards = doc.dashboards || [];
  const board = boards.find((b) => b.id === selected);
  const add = () => {
    const id = freeName(boards.map((b) => b.id), (newId.trim() || "dashboard").toLowerCase().replace(/[^a-z0-9_]/g, "_").replace(/^[^a-z]+/, "") || "dashboard");
    draft.apply((d) => m.addDashboard(d, { id, name: pageLanguageName("designers.dash.default_name", { n: boards.length + 1 }), widgets: [] }));
    setNewId("");
    choose(id);
  };
  const select = ([area, index]) => {
    const found = area === "dashboards" && boards[Number(index)];
    if (found) choose(found.id);
    return Boolean(found);
  };
  return (
    <DesignerFrame app={app} draft={draft} title={t("designers.tab.dashboards")} navigate={navigate} kind="dashboards" select={select}>
      <div class="reports-grid">
        <section class="view-list board-list" aria-label={t("designers.dash.list")}>
          <h3>{t("designers.dash.list")}</h3>
          {!boards.length && <p class="muted">{t("designers.dash.none")}</p>}
          <ul>
            {boards.map((b) => (
              <li class={b.id === selected ? "selected" : ""} data-dashboard={b.id}>
                <button type="button" class="link" onClick={() => choose(b.id)}>{pick(b.name, locale()) || b.id}</button>
                <button type="button" class="remove" aria-label={`${t("designers.dash.remove")}: ${pick(b.name, locale()) || b.id}`} onClick={() => { draft.apply((d) => m.removeDashboard(d, b.id)); if (b.id === selected) choose(null); }}>✕</button>
              </li>
            ))}
          </ul>
          <div class="inline-add">
            <input id="new-dashboard-id" aria-label={t("designers.dash.new_id")} placeholder={t("designers.dash.new_id")} value={newId} onInput={(e) => setNewId(e.target.value)} />
            <button type="button" id="add-dashboard" onClick={add}>{t("designers.dash.add")}</button>
          </div>
        </section>
        {board ? <BoardEditor key={board.id} app={app} doc={doc} board={board} draft={draft} /> : <p class="muted">{t("designers.dash.select")}</p>}
      </div>
    </DesignerFrame>
  );
}
