// The workspace (/builder): the apps the builder may build, creating one, importing a package file.
import { useEffect, useState } from "preact/hooks";
import { get, post, locale, exportUrl } from "./api.js";
import { t } from "./texts.js";
import { Problems, IdAndNames, appName } from "./common.jsx";
import { pointerTarget } from "./model.js";

function CreateApp({ go }) {
  const submit = async (body) => {
    await post("/apps", body);
    go(`/builder/apps/${encodeURIComponent(body.id)}`);
  };
  return <IdAndNames prefix="new-app" idLabel={t("create.id")} title={t("create.title")} button={t("create.submit")} buttonId="create-app" submit={submit} />;
}

function ImportPackage({ go }) {
  const [result, setResult] = useState(null);
  const [over, setOver] = useState(false);
  const send = async (file) => {
    const body = new FormData();
    body.append("file", file);
    try {
      setResult({ draft: await post("/apps/import", body) });
    } catch (err) {
      setResult({ error: err });
    }
  };
  const draft = result?.draft;
  const open = (pointer) => {
    const found = draft && pointerTarget(draft.document || {}, pointer);
    const app = draft?.app_id;
    if (found?.form) go(`/builder/apps/${app}/forms/${found.form}` + (found.field ? `?field=${found.field}` + (found.parent ? `&parent=${found.parent}` : "") : ""));
    else if (app) go(`/builder/apps/${app}`);
  };
  return (
    <div class={`drop-zone${over ? " over" : ""}`} id="import-zone"
      onDragOver={(e) => { e.preventDefault(); setOver(true); }} onDragLeave={() => setOver(false)}
      onDrop={(e) => { e.preventDefault(); setOver(false); if (e.dataTransfer.files[0]) send(e.dataTransfer.files[0]); }}>
      <h3>{t("import.title")}</h3>
      <p>{t("import.hint")}</p>
      <label class="file-button">
        {t("import.choose")}
        <input type="file" id="import-file" accept=".json,application/json" onChange={(e) => e.target.files[0] && send(e.target.files[0])} />
      </label>
      {draft && <p class="done">{t("import.done", { app: draft.app_id })} <a href={`/builder/apps/${draft.app_id}`} onClick={(e) => { e.preventDefault(); go(`/builder/apps/${draft.app_id}`); }}>{t("open")}</a></p>}
      {draft && <Problems problems={draft.problems} open={open} />}
      {result?.error && <Problems problems={result.error.body?.errors || result.error.body?.problems || [{ message: result.error.message }]} />}
    </div>
  );
}

/** A newer bundled package waiting beside the company's own version, with what keeps it from merging. */
function Upgrade({ upgrade }) {
  return (
    <div class="upgrade">
      <strong>{t("upgrade.waiting", { version: upgrade.version })}</strong>
      <ul>
        {upgrade.conflicts.map((c) => <li>{c.label}{c.detail ? ` — ${c.detail}` : ""}</li>)}
      </ul>
    </div>
  );
}

export function Workspace({ go }) {
  const [apps, setApps] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => { get("/apps").then(setApps, setError); }, []);
  if (error) return <p class="problems">{error.message}</p>;
  if (!apps) return <p class="muted">{t("loading")}</p>;
  const link = (href) => (e) => { e.preventDefault(); go(href); };
  return (
    <div class="workspace">
      <h2>{t("workspace.title")}</h2>
      <table class="apps">
        <thead><tr><th>{t("workspace.app")}</th><th>{t("workspace.version")}</th><th>{t("workspace.draft")}</th><th /></tr></thead>
        <tbody>
          {apps.items.map((app) => (
            <tr data-app={app.id}>
              <td><a href={`/builder/apps/${app.id}`} onClick={link(`/builder/apps/${app.id}`)}>{appName(app, locale())}</a> <code>{app.id}</code></td>
              <td>{app.current_version ?? t("workspace.unpublished")}</td>
              <td>
                {app.draft ? t("workspace.draft_by", { revision: app.draft.revision, who: app.draft.updated_by || "" }) : "—"}
                {app.upgrade && <Upgrade upgrade={app.upgrade} />}
              </td>
              <td>{app.current_version != null && <a href={exportUrl(app.id)} download>{t("export")}</a>}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {!apps.items.length && <p class="muted">{t("workspace.none")}</p>}
      <div class="workspace-tools">
        {apps.may_create && <CreateApp go={go} />}
        <ImportPackage go={go} />
      </div>
    </div>
  );
}
