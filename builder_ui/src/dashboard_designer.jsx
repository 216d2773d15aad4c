// The dashboard designer (/builder/apps/<app>/dashboards[/<dashboard>]): report widgets placed on the
// engine's 24-column grid (a row is 44 px, as the published page draws it), moved and resized with
// gridstack or with each widget's arrow buttons, the dashboard's global filters (a choice, a date
// range), and each widget's live result from the report preview API.
import { useEffect, useRef, useState } from "preact/hooks";
import { GridStack } from "gridstack";
import "gridstack/dist/gridstack.min.css";
import { locale } from "./api.js";
import { t, pick } from "./texts.js";
import { freeName } from "./designers_model.js";
import * as m from "./reports_model.js";
import { DesignerFrame, TextPair, notReady, useDesignerDraft } from "./designer_frame.jsx";
import { LiveResult, reportName } from "./report_result.jsx";
import { pageLanguageName, reportFields } from "./report_designer.jsx";

const COLUMNS = 24;
const ROW_PX = 44;
const place = (w) => ({ x: w.x ?? 0, y: w.y ?? 0, w: w.w ?? 12, h: w.h ?? 6 });

/** gridstack over the widgets Preact draws: new elements become grid items, a drag or resize writes the
 * places into the draft, and a place changed in the draft (undo, the arrow buttons) moves the item. */
function useGrid(ref, widgets, onPlaces) {
  const grid = useRef(null);
  const report = useRef(onPlaces);
  report.current = onPlaces;
  useEffect(() => {
    grid.current = GridStack.init({ column: COLUMNS, cellHeight: ROW_PX, margin: 4, float: true, handle: ".widget-head", animate: false }, ref.current);
    grid.current.on("change", (event, nodes) => {
      report.current((nodes || []).map((n) => ({ id: n.id, x: n.x, y: n.y, w: n.w, h: n.h })));
    });
    return () => { grid.current.destroy(false); grid.current = null; };
  }, []);
  useEffect(() => {
    const g = grid.current;
    if (!g) return;
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

function BoardGrid({ app, doc, board, draft }) {
  const el = useRef(null);
  const widgets = board.widgets || [];
  const reports = Object.fromEntries((doc.reports || []).map((r) => [r.id, r]));
  useGrid(el, widgets, (places) => {
    const changed = places.filter((p) => {
      const w = widgets.find((x) => x.id === p.id);
      const now = w && place(w);
      return now && (now.x !== p.x || now.y !== p.y || now.w !== p.w || now.h !== p.h);
    });
    if (changed.length) draft.apply((d) => m.placeWidgets(d, board.id, changed));
  });
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
              {report && <LiveResult app={app} report={report} compact />}
            </div>
          </div>
        );
      })}
    </div>
  );
}

function BoardFilters({ doc, board, draft }) {
  const filters = board.filters || [];
  const forms = [...new Set((board.widgets || []).map((w) => (doc.reports || []).find((r) => r.id === w.report)?.source?.form).filter(Boolean))];
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
                <span class="report-chip">{reportName(r)}</span>
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
        <BoardGrid key={board.id} app={app} doc={doc} board={board} draft={draft} />
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
