// One app (/builder/apps/<app>): its forms (open the designer, add one), the draft's problems,
// publishing with a preview of what changes, version history with readable diffs, roll back, export.
import { useEffect, useState } from "preact/hooks";
import { get, post, del, locale, exportUrl } from "./api.js";
import { t, pick } from "./texts.js";
import * as model from "./model.js";
import { useDraft } from "./draft.js";
import { SaveState, Conflict, Problems, Changes, IdAndNames } from "./common.jsx";

function NewForm({ draft, go, app }) {
  const submit = async (body) => {
    await draft.applyAndSave((doc) => model.addForm(doc, body));
    go(`/builder/apps/${app}/forms/${body.id}`);
  };
  return <IdAndNames prefix="new-form" idLabel={t("form.id")} button={t("form.add")} buttonId="add-form" submit={submit} />;
}

/** A changed flow's running instances: the dry run onto the draft (with a map for steps that are
 * gone), then, once published, the move onto the new version. */
function FlowMoves({ app, draft, flow, published, map, setMap }) {
  const [plan, setPlan] = useState(null);
  const [moved, setMoved] = useState(null);
  const [error, setError] = useState(null);
  const base = `/apps/${encodeURIComponent(app)}/flows/${encodeURIComponent(flow.flow)}`;
  const steps = (draft.doc?.flows || []).find((f) => f.id === flow.flow)?.nodes || [];
  const call = async (route, next) => {
    setError(null);
    try {
      const answer = await post(`${base}/${route}`, { map: next });
      if (route === "move") setMoved(answer); else setPlan(answer);
    } catch (err) { setError(err); }
  };
  const remap = (from, to) => {
    const next = { ...map };
    if (to) next[from] = to; else delete next[from];
    setMap(next);
    call("move-dry-run", next);
  };
  useEffect(() => { if (published) call("move-dry-run", map); }, [published]);  // the draft is now the new version
  const stuck = plan ? [...new Set(plan.instances.filter((i) => !i.ok).flatMap((i) => i.moves.map((m) => m.from)))] : [];
  const mapped = Object.keys(map);
  return (
    <div class="flow-moves" data-flow={flow.flow}>
      {!published && <button type="button" class="try-move" onClick={() => call("move-dry-run", map)}>{t("publish.move_try")}</button>}
      {plan && !moved && (
        <>
          {[...new Set([...stuck, ...mapped])].map((from) => (
            <label class="move-map" data-step={from}>{t("publish.move_map", { step: from })}
              <select value={map[from] || ""} onChange={(e) => remap(from, e.target.value)}>
                <option value="">—</option>
                {steps.map((n) => <option value={n.id}>{pick(n.name, locale()) || n.id} ({n.id})</option>)}
              </select>
            </label>
          ))}
          <table class="move-plan">
            <thead><tr><th>{t("publish.move_record")}</th><th>{t("publish.move_from")}</th><th>{t("publish.move_steps")}</th><th></th></tr></thead>
            <tbody>
              {plan.instances.map((i) => (
                <tr data-instance={i.instance} class={i.ok ? "ok" : "refused"}>
                  <td>#{i.record_id}</td>
                  <td>{t("publish.move_version", { version: i.from_version })}</td>
                  <td>{i.moves.map((m) => `${m.from_name} → ${m.to_name}`).join("，")}</td>
                  <td>{i.ok ? "✓" : i.problems.join(" ")}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {plan.problems.length > 0 && <ul class="problems">{plan.problems.map((p) => <li>{p}</li>)}</ul>}
          <p class="muted move-verdict">{t(plan.movable ? "publish.move_ok" : "publish.move_refused")}</p>
          {published && plan.movable && !moved && <button type="button" class="do-move" onClick={() => call("move", map)}>{t("publish.move_now")}</button>}
        </>
      )}
      {moved && <p class="done moved">{t("publish.moved", { count: moved.moved, version: moved.to_version })}</p>}
      {error && <Problems problems={error.body?.errors || [{ message: error.body?.detail || error.message }]} />}
    </div>
  );
}

function Publish({ app, draft, done }) {
  const [preview, setPreview] = useState(null);
  const [error, setError] = useState(null);
  const [result, setResult] = useState(null);
  const [moving, setMoving] = useState([]);  // changed flows with running instances: offered a move
  const [maps, setMaps] = useState({});  // flow -> the step map chosen in the dry run, kept for the move
  const mapOf = (f) => ({ map: maps[f.flow] || {}, setMap: (m) => setMaps({ ...maps, [f.flow]: m }) });
  const base = `/apps/${encodeURIComponent(app)}`;
  const ask = async () => {
    setResult(null);
    setMoving([]);
    setMaps({});
    setError(null);
    try {
      await draft.flush();
      setPreview(await post(`${base}/publish/preview`, { revision: draft.meta.revision }));
    } catch (err) { setError(err); }
  };
  const publish = async () => {
    try {
      setResult(await post(`${base}/publish`, { revision: draft.meta.revision }));
      setMoving((preview.flows || []).filter((f) => f.changed));
      setPreview(null);
      done();
    } catch (err) { setError(err); }
  };
  return (
    <section class="publish">
      <button type="button" id="publish-preview" onClick={ask}>{t("publish.preview")}</button>
      {preview && (
        <div class="dialog" id="publish-dialog">
          {preview.unchanged ? <p class="unchanged" id="publish-unchanged">{t("publish.unchanged")}</p> : <Changes changes={preview.changes} />}
          {preview.tables?.length > 0 && <><h4>{t("publish.tables")}</h4><ul>{preview.tables.map((x) => <li>{typeof x === "string" ? x : x.label || x.detail || x.table}</li>)}</ul></>}
          {preview.flows?.length > 0 && <><h4>{t("publish.flows")}</h4><ul>{preview.flows.map((f) => (
            <li>{t("publish.flow_line", { flow: f.name || f.flow, count: f.running_instances })}
              {f.changed && <FlowMoves app={app} draft={draft} flow={f} published={false} {...mapOf(f)} />}</li>
          ))}</ul></>}
          <Problems problems={preview.problems} />
          {preview.warnings?.length > 0 && <><h4>{t("designers.warnings")}</h4><Problems problems={preview.warnings} kind="warnings" /></>}
          <div class="actions">
            <button type="button" id="publish-confirm" disabled={preview.unchanged || preview.problems?.length > 0} onClick={publish}>{t("publish.confirm")}</button>
            <button type="button" onClick={() => setPreview(null)}>{t("cancel")}</button>
          </div>
        </div>
      )}
      {result && <p class="done" id="publish-result">{t(`publish.${result.outcome}`, { version: result.version })}</p>}
      {result && moving.map((f) => (
        <div class="after-publish"><h4>{t("publish.move_title", { flow: f.name || f.flow, count: f.running_instances })}</h4>
          <FlowMoves app={app} draft={draft} flow={f} published={true} {...mapOf(f)} /></div>
      ))}
      {error && <Problems problems={error.body?.errors || error.body?.problems || [{ message: error.message }]} />}
    </section>
  );
}

/** A stored time as the reader's clock and language write it (not ISO text). */
const when = (iso) => (iso ? new Date(iso).toLocaleString(locale(), { dateStyle: "medium", timeStyle: "short" }) : "");

function Versions({ app, reloaded, onRollback }) {
  const [versions, setVersions] = useState(null);
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("draft");
  const [diff, setDiff] = useState(null);
  const [error, setError] = useState(null);
  const base = `/apps/${encodeURIComponent(app)}`;
  useEffect(() => { get(`${base}/versions`).then((a) => setVersions(a.items || a.versions || a), setError); }, [reloaded]);
  const compare = async () => {
    try { setDiff(await get(`${base}/diff?from=${from}&to=${to}`)); } catch (err) { setError(err); }
  };
  const rollback = async (version) => {
    if (!confirm(t("rollback.confirm", { version }))) return;
    try { await post(`${base}/rollback`, { version }); onRollback(); } catch (err) { setError(err); }
  };
  if (!versions) return null;
  return (
    <section class="versions">
      <h3>{t("versions.title")}</h3>
      <table>
        <thead><tr><th>{t("workspace.version")}</th><th>{t("versions.who")}</th><th>{t("versions.when")}</th><th>{t("versions.origin")}</th><th /></tr></thead>
        <tbody>
          {versions.map((v) => (
            <tr data-version={v.version}>
              <td>{v.version}</td><td>{v.created_by || v.by || ""}</td><td>{when(v.created_at || v.at)}</td><td>{v.origin ? t(`origin.${v.origin}`) : ""}</td>
              <td><a href={exportUrl(app, v.version)} download>{t("export")}</a> <button type="button" class="rollback" onClick={() => rollback(v.version)}>{t("rollback.button")}</button></td>
            </tr>
          ))}
        </tbody>
      </table>
      <div class="compare">
        <label for="diff-from">{t("versions.from")}</label>
        <select id="diff-from" value={from} onChange={(e) => setFrom(e.target.value)}>
          <option value="">—</option>
          {versions.map((v) => <option value={v.version}>{v.version}</option>)}
        </select>
        <label for="diff-to">{t("versions.to")}</label>
        <select id="diff-to" value={to} onChange={(e) => setTo(e.target.value)}>
          <option value="draft">{t("workspace.draft")}</option>
          {versions.map((v) => <option value={v.version}>{v.version}</option>)}
        </select>
        <button type="button" id="compare" disabled={!from} onClick={compare}>{t("versions.compare")}</button>
      </div>
      {diff && <Changes changes={diff.changes} />}
      {error && <p class="problems">{error.message}</p>}
    </section>
  );
}

export function AppPage({ app, go }) {
  const draft = useDraft(app);
  const [published, setPublished] = useState(0);
  if (draft.meta.status === "error" && !draft.doc) return <p class="problems">{draft.meta.error?.message}</p>;
  if (!draft.doc) return <p class="muted">{t("loading")}</p>;
  const doc = draft.doc;
  const link = (href) => (e) => { e.preventDefault(); go(href); };
  const open = (pointer) => {
    const found = model.pointerTarget(doc, pointer);
    if (found?.form) go(`/builder/apps/${app}/forms/${found.form}` + (found.field ? `?field=${found.field}` + (found.parent ? `&parent=${found.parent}` : "") : ""));
    const automation = !found?.form && pointer.startsWith("/automations/") && (doc.automations || [])[Number(pointer.split("/")[2])];
    if (automation) go(`/builder/apps/${app}/automations?automation=${encodeURIComponent(automation.id)}`);
  };
  const discard = async () => {
    if (!confirm(t("discard.confirm"))) return;
    await del(`/apps/${encodeURIComponent(app)}/draft`);
    draft.reload();
  };
  const refresh = () => { setPublished((n) => n + 1); draft.reload(); };
  return (
    <div class="app-page" data-app={app}>
      <div class="toolbar">
        <a href="/builder" onClick={link("/builder")}>← {t("workspace.title")}</a>
        <h2>{pick(doc.name, locale()) || app} <code>{app}</code></h2>
        <SaveState meta={draft.meta} />
        <a href={exportUrl(app)} download>{t("export")}</a>
        <button type="button" id="discard" onClick={discard}>{t("discard.button")}</button>
      </div>
      <Conflict conflict={draft.meta.conflict} reload={draft.reload} overwrite={draft.overwrite} />
      <Problems problems={draft.meta.problems} open={open} />
      <section class="forms">
        <h3>{t("forms.title")}</h3>
        <ul>
          {(doc.forms || []).map((form) => (
            <li data-form={form.id}>
              <a href={`/builder/apps/${app}/forms/${form.id}`} onClick={link(`/builder/apps/${app}/forms/${form.id}`)}>{pick(form.name, locale()) || form.id}</a>
              <span class="muted"> {form.id} · {t("forms.count", { count: form.fields.length })}</span>
            </li>
          ))}
        </ul>
        <NewForm draft={draft} go={go} app={app} />
      </section>
      <nav class="designer-links">
        {["views", "navigation", "permissions", "flows", "automations", "reports", "dashboards"].map((k) => (
          <a id={`open-${k}`} href={`/builder/apps/${app}/${k}`} onClick={link(`/builder/apps/${app}/${k}`)}>{t(`designers.tab.${k}`)}</a>
        ))}
      </nav>
      <Publish app={app} draft={draft} done={refresh} />
      <Versions app={app} reloaded={published} onRollback={refresh} />
    </div>
  );
}
