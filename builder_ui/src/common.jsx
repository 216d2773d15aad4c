// Pieces several screens share: the save state, the concurrent-edit choice, problem lists, change lists.
import { useState } from "preact/hooks";
import { t, pick } from "./texts.js";

export function SaveState({ meta }) {
  return <span class={`save-state ${meta.status}`} role="status" aria-live="polite">{t(`save.${meta.status}`)}</span>;
}

/** Readable change items, grouped by area ("form", "field", "flow" ...), never JSON. */
export function Changes({ changes }) {
  if (!changes || !changes.length) return <p class="muted">{t("no_changes")}</p>;
  const groups = {};
  for (const change of changes) (groups[change.area] = groups[change.area] || []).push(change);
  return (
    <div class="changes">
      {Object.entries(groups).map(([area, items]) => (
        <section key={area} data-area={area}>
          <h4>{t(`area.${area}`)}</h4>
          <ul>
            {items.map((c) => (
              <li class={`change ${c.kind}`}>
                <strong>{t(`kind.${c.kind}`)}</strong> {c.label}{c.detail ? ` — ${c.detail}` : ""}
              </li>
            ))}
          </ul>
        </section>
      ))}
    </div>
  );
}

/** Problems in plain words; each with a pointer into a form opens the designer at that element. */
export function Problems({ problems, open, kind = "problems" }) {
  if (!problems || !problems.length) return null;
  return (
    <ul class={kind} role={kind === "problems" ? "alert" : undefined} aria-label={kind === "warnings" ? t("designers.warnings") : undefined}>
      {problems.map((p) => (
        <li>
          {open && p.pointer ? <a href="#" onClick={(e) => { e.preventDefault(); open(p.pointer); }}>{p.message}</a> : p.message}
          {p.pointer && <code class="pointer">{p.pointer}</code>}
        </li>
      ))}
    </ul>
  );
}

export function Conflict({ conflict, reload, overwrite }) {
  if (!conflict) return null;
  return (
    <div class="dialog conflict" role="alertdialog" aria-labelledby="conflict-title">
      <h3 id="conflict-title">{t("conflict.title", { who: conflict.changed_by || "?" })}</h3>
      <Changes changes={conflict.changes} />
      <div class="actions">
        <button type="button" id="conflict-reload" onClick={reload}>{t("conflict.reload")}</button>
        <button type="button" id="conflict-overwrite" onClick={overwrite}>{t("conflict.overwrite")}</button>
      </div>
    </div>
  );
}

export function appName(app, locale) {
  return pick(app.name, locale) || app.id;
}

/** A small form asking an id and a name in both languages; `submit({id, name})` may throw an ApiError. */
export function IdAndNames({ prefix, idLabel, button, buttonId, title, submit }) {
  const [id, setId] = useState("");
  const [zh, setZh] = useState("");
  const [en, setEn] = useState("");
  const [error, setError] = useState(null);
  const send = async (e) => {
    e.preventDefault();
    try {
      await submit({ id, name: { "zh-CN": zh, en } });
    } catch (err) {
      setError(err);
    }
  };
  return (
    <form class="id-and-names" onSubmit={send}>
      {title && <h3>{title}</h3>}
      <label for={`${prefix}-id`}>{idLabel}</label>
      <input id={`${prefix}-id`} required pattern="[a-z][a-z0-9_]*" value={id} onInput={(e) => setId(e.target.value)} />
      <label for={`${prefix}-zh`}>{t("create.name_zh")}</label>
      <input id={`${prefix}-zh`} required value={zh} onInput={(e) => setZh(e.target.value)} />
      <label for={`${prefix}-en`}>{t("create.name_en")}</label>
      <input id={`${prefix}-en`} required value={en} onInput={(e) => setEn(e.target.value)} />
      <button type="submit" id={buttonId}>{button}</button>
      {error && <Problems problems={error.body?.errors || error.body?.problems || [{ message: error.message }]} />}
    </form>
  );
}
