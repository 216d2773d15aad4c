// The flow designer: /builder/apps/<app>/flows lists the draft's flows (add one for a form);
// /builder/apps/<app>/flows/<flow> draws one on a BPMN canvas (bpmn-js, loaded on demand). The draft
// holds the Trellis flow: the canvas is drawn from it by the server's BPMN export, and every canvas
// edit is read back by the server's importer and put into the draft (undo, autosave and problems as
// in the other designers). An element the engine cannot run stays on the canvas, marked with why,
// and the draft keeps the last flow that could run until it is removed or replaced.
import { useEffect, useRef, useState } from "preact/hooks";
import { post, locale } from "./api.js";
import { t, pick } from "./texts.js";
import * as m from "./flows_model.js";
import { IdAndNames } from "./common.jsx";
import { FlowProperties } from "./flow_properties.jsx";
import { DesignerFrame, notReady, useDesignerDraft } from "./designer_frame.jsx";

const CONVERT_DELAY = 350;
const nameOf = (x) => pick(x?.name, locale()) || x?.id || "";

function FlowList({ app, draft, navigate }) {
  const doc = draft.doc;
  const forms = doc.forms || [];
  const [form, setForm] = useState(forms[0]?.id || "");
  const base = `/builder/apps/${encodeURIComponent(app)}/flows`;
  const open = (id) => navigate({ preventDefault() {}, currentTarget: { getAttribute: () => `${base}/${id}` } });
  const submit = async ({ id, name }) => {
    await draft.applyAndSave((d) => m.addFlow(d, { id, form, name }));
    open(id);
  };
  return (
    <section class="flow-list">
      <h3>{t("designers.flow.list")}</h3>
      {(doc.flows || []).length === 0 && <p class="muted">{t("designers.flow.none")}</p>}
      <ul>
        {(doc.flows || []).map((f) => (
          <li data-flow={f.id}>
            <a href={`${base}/${f.id}`} onClick={navigate}>{nameOf(f)}</a>
            <span class="muted"> {nameOf(forms.find((x) => x.id === f.form)) || f.form} · {t("designers.flow.steps", { count: (f.nodes || []).length })}</span>
          </li>
        ))}
      </ul>
      <label for="new-flow-form">{t("designers.flow.new_form")}</label>
      <select id="new-flow-form" value={form} onChange={(e) => setForm(e.target.value)}>
        {forms.map((f) => <option value={f.id}>{nameOf(f)}</option>)}
      </select>
      <IdAndNames prefix="new-flow" idLabel={t("designers.flow.new_id")} button={t("designers.flow.add")} buttonId="add-flow" submit={submit} />
    </section>
  );
}

function Findings({ id, title, items }) {
  if (!items.length) return null;
  return (
    <div class={`flow-findings ${id}`}>
      <p>{title}</p>
      <ul>{items.map((f) => <li data-element={f.element}>{f.message}</li>)}</ul>
    </div>
  );
}

function FlowCanvas({ app, draft, flowId, selected, setSelected, canvasRef }) {
  const host = useRef(null);
  const shown = useRef(null);  // the flow JSON the canvas shows
  const busy = useRef(0);
  const timer = useRef(null);
  const latest = useRef(draft);
  latest.current = draft;
  const [ready, setReady] = useState(false);
  const [refused, setRefused] = useState([]);
  const [notes, setNotes] = useState([]);
  const [error, setError] = useState(null);
  const flow = m.flowOf(draft.doc, flowId);
  const json = JSON.stringify(flow);

  const convert = async () => {
    const canvas = canvasRef.current;
    busy.current += 1;
    try {
      const current = m.flowOf(latest.current.doc, flowId);
      const answer = await post(`/apps/${encodeURIComponent(app)}/bpmn-flow`, { xml: await canvas.xml(), flow: flowId, form: current.form });
      setError(null);
      setRefused(answer.unsupported);
      setNotes(answer.notes);
      canvas.mark(answer.unsupported, "refusal");
      if (!answer.complete) return;
      const next = JSON.stringify(answer.flow);
      if (next === JSON.stringify(current)) return;
      const onCanvas = new Set(canvas.ids());
      const same = [...answer.flow.nodes, ...answer.flow.edges].every((x) => onCanvas.has(x.id));
      shown.current = same ? next : null;  // renamed ids: redraw so the canvas speaks the flow's ids
      latest.current.apply((d) => m.setFlow(d, flowId, answer.flow));
    } catch (err) {
      setError(err);
    } finally {
      busy.current -= 1;
    }
  };
  const schedule = () => {
    if (timer.current) clearTimeout(timer.current);
    else busy.current += 1;  // one count for the pending conversion, however often it is put off
    timer.current = setTimeout(() => { timer.current = null; busy.current -= 1; convert(); }, CONVERT_DELAY);
  };

  useEffect(() => {
    let canvas = null;
    import("./flow_canvas.js").then(({ createCanvas }) => {
      canvas = createCanvas(host.current, { onChange: schedule, onSelect: setSelected });
      canvasRef.current = canvas;
      window.trellisBuilder = {
        ...(window.trellisBuilder || {}),
        flows: {
          modeler: () => canvas.modeler,
          flow: () => m.flowOf(latest.current.doc, flowId),
          busy: () => busy.current > 0 || shown.current !== JSON.stringify(m.flowOf(latest.current.doc, flowId)),
          select: (id) => canvas.select(id),
          shape: (key) => canvas.shape(key),
          apply: (op, ...args) => latest.current.apply((d) => m[op](d, ...args)),  // as the panel applies them
        },
      };
      setReady(true);
    });
    return () => { clearTimeout(timer.current); canvas?.destroy(); };
  }, []);

  useEffect(() => {
    if (!ready || !flow || json === shown.current) return undefined;
    const wait = setTimeout(async () => {
      busy.current += 1;
      try {
        const { xml } = await post(`/apps/${encodeURIComponent(app)}/flow-bpmn`, { flow });
        await canvasRef.current.show(xml);
        shown.current = json;
        setRefused([]);
        setNotes([]);
        setError(null);
      } catch (err) {
        setError(err);
      } finally {
        busy.current -= 1;
      }
    }, shown.current === null ? 0 : 200);
    return () => clearTimeout(wait);
  }, [ready, json]);

  // the draft's problems on the elements they point at
  useEffect(() => {
    if (!ready) return;
    const index = m.flowIndex(draft.doc, flowId);
    const mine = (draft.meta.problems || [])
      .map((p) => ({ ...p, target: m.pointerElement(draft.doc, String(p.pointer || "").split("/").slice(1)) }))
      .filter((p) => p.target?.flow === flowId && p.target.element && String(p.pointer).startsWith(`/flows/${index}/`))
      .map((p) => ({ element: p.target.element, message: p.message }));
    canvasRef.current?.mark(mine, "problem");
  }, [ready, draft.meta.problems, json]);

  const exportFile = async () => {
    const blob = new Blob([await canvasRef.current.xml()], { type: "application/xml" });
    const link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = `${app}-${flowId}.bpmn`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 1000);
  };
  const importFile = async (e) => {
    const file = e.target.files?.[0];
    e.target.value = "";
    if (!file) return;
    try {
      const answer = await post(`/apps/${encodeURIComponent(app)}/bpmn-flow`, { xml: await file.text(), flow: flowId, form: flow.form });
      setRefused(answer.unsupported);
      setNotes(answer.notes);
      shown.current = null;
      draft.apply((d) => m.setFlow(d, flowId, answer.flow));
    } catch (err) {
      setError(err);
    }
  };

  return (
    <div class="flow-canvas-pane">
      <div class="flow-file">
        <label class="button" for="bpmn-import">{t("designers.flow.import")}</label>
        <input id="bpmn-import" type="file" accept=".bpmn,.xml,application/xml" class="visually-hidden" onChange={importFile} />
        <button type="button" id="bpmn-export" onClick={exportFile}>{t("designers.flow.export")}</button>
      </div>
      <div class="flow-canvas" ref={host} data-selected={selected || ""} />
      <Findings id="refused" title={t("designers.flow.refused")} items={refused} />
      <Findings id="notes" title={t("designers.flow.notes")} items={notes} />
      {error && (
        <div class="problems flow-error">
          <p>{t("designers.flow.canvas_failed")} {error.body?.detail || error.message}</p>
          <ul>{(error.body?.errors || error.body?.problems || []).map((p) => <li>{p.message}</li>)}</ul>
        </div>
      )}
    </div>
  );
}

export function FlowsDesigner({ app, navigate, flow: flowId }) {
  const draft = useDesignerDraft(app);
  const [selected, setSelected] = useState(null);
  const canvasRef = useRef(null);
  const waiting = notReady(draft);
  if (waiting) return waiting;
  const doc = draft.doc;
  const flow = flowId ? m.flowOf(doc, flowId) : null;
  const base = `/builder/apps/${encodeURIComponent(app)}/flows`;
  const select = (parts) => {
    const target = m.pointerElement(doc, parts);
    if (!target) return false;
    if (target.flow !== flowId) {
      draft.flush().finally(() => navigate({ preventDefault() {}, currentTarget: { getAttribute: () => `${base}/${target.flow}` } }));
    } else if (target.element && canvasRef.current?.select(target.element)) {
      setSelected(target.element);
    }
    return true;
  };
  const title = flow ? `${t("designers.flow.title")} · ${nameOf(flow)}` : t("designers.flow.title");
  return (
    <DesignerFrame app={app} draft={draft} title={title} navigate={navigate} kind="flows" select={select}>
      {!flowId && <FlowList app={app} draft={draft} navigate={navigate} />}
      {flowId && !flow && <p class="problems">{t("designers.flow.missing", { flow: flowId })}</p>}
      {flow && (
        <div class="flow-grid">
          <FlowCanvas key={flowId} app={app} draft={draft} flowId={flowId} selected={selected} setSelected={setSelected} canvasRef={canvasRef} />
          <aside class="flow-properties">
            <p><a href={base} onClick={navigate}>← {t("designers.flow.list")}</a></p>
            <FlowProperties app={app} doc={doc} draft={draft} flow={flow} selected={selected} />
          </aside>
        </div>
      )}
    </DesignerFrame>
  );
}
