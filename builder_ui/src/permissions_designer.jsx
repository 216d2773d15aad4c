// The permissions designer (/builder/apps/<app>/permissions): a grid of roles × forms × actions;
// for the chosen role and form, a field grid (hidden / read-only / editable) and the row rule built
// from pick lists (field or relation path, operator, user.* value) or typed as an expression; and
// "view as role": what that role would see of a real record, from the server (view-as).
import { useEffect, useState } from "preact/hooks";
import { get, post, locale } from "./api.js";
import { t, pick } from "./texts.js";
import * as m from "./designers_model.js";
import { ExpressionInput } from "./expression.jsx";
import { DesignerFrame, TextPair, notReady, pathLabel, useDesignerDraft } from "./designer_frame.jsx";

const name = (x) => pick(x.name, locale()) || x.id;

function Grid({ doc, draft, selected, select }) {
  const forms = doc.forms || [];
  return (
    <table class="permission-grid">
      <thead>
        <tr><th>{t("designers.role")}</th>{forms.map((f) => <th scope="col" data-form={f.id}>{name(f)}</th>)}</tr>
      </thead>
      <tbody>
        {(doc.roles || []).map((role) => (
          <tr data-role={role.id}>
            <th scope="row">{name(role)}</th>
            {forms.map((form) => {
              const grant = m.grantOf(doc, role.id, form.id);
              const on = new Set(grant?.actions || []);
              const here = selected.role === role.id && selected.form === form.id;
              return (
                <td class={`grant${here ? " selected" : ""}`} data-role={role.id} data-form={form.id}>
                  {m.ACTIONS.map((action) => (
                    <label class="action" title={t(`designers.action.${action}`)}>
                      <input type="checkbox" data-action={action} checked={on.has(action)}
                        aria-label={`${name(role)} · ${name(form)} · ${t(`designers.action.${action}`)}`}
                        onChange={(e) => draft.apply((d) => m.setAction(d, role.id, form.id, action, e.target.checked))} />
                      {t(`designers.action_short.${action}`)}
                    </label>
                  ))}
                  <button type="button" class="details" aria-pressed={here} onClick={() => select({ role: role.id, form: form.id })}
                    aria-label={t("designers.perm.details_of", { role: name(role), form: name(form) })}>
                    {grant?.rows ? "⛁" : ""}{grant?.fields ? "▦" : ""}…
                  </button>
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function FieldGrid({ doc, draft, role, form }) {
  const grant = m.grantOf(doc, role, form.id);
  const modes = grant?.fields || {};
  return (
    <table class="field-grid">
      <thead><tr><th>{t("designers.field")}</th><th>{t("designers.mode.default")}</th>{m.FIELD_MODES.map((mode) => <th>{t(`designers.mode.${mode}`)}</th>)}</tr></thead>
      <tbody>
        {m.fieldPaths(doc, form.id, 0).map(({ path, label }) => (
          <tr data-field={path}>
            <td>{pathLabel(label)}</td>
            {["", ...m.FIELD_MODES].map((mode) => (
              <td><input type="radio" name={`mode-${path}`} value={mode} checked={(modes[path] || "") === mode}
                aria-label={`${pathLabel(label)} · ${t(`designers.mode.${mode || "default"}`)}`}
                onChange={() => draft.apply((d) => m.setFieldMode(d, role, form.id, path, mode || null))} /></td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The row rule as pick-list conditions when it parses as such; the raw expression editor always. */
function RowRule({ app, doc, draft, role, form }) {
  const rows = m.grantOf(doc, role, form.id)?.rows || "";
  const parsed = m.parseRule(rows);
  // the form's fields and relation paths, then who created the record ("their own records")
  const paths = [...m.fieldPaths(doc, form.id), { path: "created_by", label: [{ [locale()]: t("designers.system.created_by") }] }];
  const [problems, setProblems] = useState([]);
  const write = (conditions, join) => draft.apply((d) => m.setRowRule(d, role, form.id, m.ruleExpression(conditions, join)));
  const conditions = parsed?.conditions || [];
  const join = parsed?.join || "and";
  const change = (i, key, value) => write(conditions.map((c, k) => (k === i ? { ...c, [key]: value } : c)), join);
  const context = () => ({ app, form: form.id, kind: "row_rule", document: () => draft.doc });
  return (
    <fieldset class="row-rule">
      <legend>{t("designers.rule.title")}</legend>
      {parsed ? (
        <div class="conditions">
          {conditions.length > 1 && (
            <select id="rule-join" aria-label={t("designers.rule.join")} value={join} onChange={(e) => write(conditions, e.target.value)}>
              <option value="and">{t("designers.rule.and")}</option>
              <option value="or">{t("designers.rule.or")}</option>
            </select>
          )}
          {conditions.map((c, i) => (
            <div class="condition" data-condition={i}>
              <select class="rule-path" aria-label={t("designers.rule.field")} value={c.path} onChange={(e) => change(i, "path", e.target.value)}>
                {paths.map((p) => <option value={p.path}>{pathLabel(p.label)}</option>)}
              </select>
              <select class="rule-op" aria-label={t("designers.rule.operator")} value={c.op} onChange={(e) => change(i, "op", e.target.value)}>
                {m.OPERATORS.map((o) => <option value={o}>{t(`designers.op.${o.replace(" ", "_")}`)}</option>)}
              </select>
              <select class="rule-user" aria-label={t("designers.rule.value")} value={m.USER_VALUES.includes(c.value) ? c.value : ""} onChange={(e) => change(i, "value", e.target.value)}>
                <option value="">{t("designers.rule.literal")}</option>
                {m.USER_VALUES.map((u) => <option value={u}>{t(`designers.user.${u.slice(5)}`)}</option>)}
              </select>
              {!m.USER_VALUES.includes(c.value) && <input class="rule-literal" aria-label={t("designers.rule.literal")} value={c.value} onChange={(e) => change(i, "value", e.target.value)} />}
              <button type="button" class="remove" aria-label={t("remove")} onClick={() => write(conditions.filter((_, k) => k !== i), join)}>✕</button>
            </div>
          ))}
          <button type="button" id="add-condition" disabled={!paths.length} onClick={() => write([...conditions, { path: paths[0].path, op: "==", value: "user.id" }], join)}>{t("designers.rule.add")}</button>
        </div>
      ) : <p class="muted">{t("designers.rule.raw_only")}</p>}
      <label for="rule-expression">{t("designers.rule.raw")}</label>
      <ExpressionInput id="rule-expression" label={t("designers.rule.raw")} value={rows} context={context} onProblems={setProblems}
        onChange={(text) => draft.apply((d) => m.setRowRule(d, role, form.id, text))} />
      {problems.length > 0 && <ul class="problems">{problems.map((p) => <li>{p.message}</li>)}</ul>}
      <p class="muted hint">{t("designers.rule.hint")}</p>
    </fieldset>
  );
}

function ViewAs({ app, doc, role, form }) {
  const [recordId, setRecordId] = useState("");
  const [people, setPeople] = useState([]);  // who holds the role: their user.* for the row rules
  const [userId, setUserId] = useState("");
  useEffect(() => {
    get(`/apps/${encodeURIComponent(app)}/roles/${encodeURIComponent(role)}/people`).then((a) => setPeople(a.items), () => setPeople([]));
  }, [role]);
  const [answer, setAnswer] = useState(null);
  const [error, setError] = useState(null);
  const ask = async (e) => {
    e.preventDefault();
    setError(null);
    try {
      const body = { role, form: form.id, document: doc };
      if (recordId) body.record_id = Number(recordId);
      if (userId) body.user_id = userId;
      setAnswer(await post(`/apps/${encodeURIComponent(app)}/view-as`, body));
    } catch (err) {
      setAnswer(null);
      setError(err.body?.errors?.map((p) => p.message).join(" ") || err.message);
    }
  };
  // in the form's order, not the answer's
  const order = form.fields.map((f) => f.id);
  const ordered = (fields) => Object.entries(fields).sort(([a], [b]) => order.indexOf(a) - order.indexOf(b));
  const value = (v) => (v == null ? "" : Array.isArray(v) ? v.map(value).join("、")
    : typeof v === "object" ? v.label ?? v.title ?? JSON.stringify(v) : answer?.names?.[v] ?? String(v));
  return (
    <section class="view-as" aria-labelledby="view-as-title">
      <h3 id="view-as-title">{t("designers.view_as.title", { role: name((doc.roles || []).find((r) => r.id === role) || { id: role }) })}</h3>
      <form class="inline-add" onSubmit={ask}>
        <label for="view-as-record">{t("designers.view_as.record")}</label>
        <input id="view-as-record" type="number" min="1" value={recordId} onInput={(e) => setRecordId(e.target.value)} />
        <label for="view-as-user">{t("designers.view_as.person")}</label>
        <select id="view-as-user" value={userId} onChange={(e) => setUserId(e.target.value)}>
          <option value="">{t("designers.view_as.nobody")}</option>
          {people.map((p) => <option value={p.id}>{p.name}</option>)}
        </select>
        <button type="submit" id="view-as-go">{t("designers.view_as.go")}</button>
      </form>
      <p class="muted hint">{t("designers.view_as.hint")}</p>
      {error && <p class="problems">{error}</p>}
      {answer && (
        <div class="view-as-answer">
          <p class="can">{m.ACTIONS.filter((a) => a in (answer.can || {})).map((a) => (
            <span class={`badge ${answer.can[a] ? "yes" : "no"}`} data-can={a}>{t(`designers.action.${a}`)} {answer.can[a] ? "✓" : "✗"}</span>
          ))}</p>
          <p class="rows" id="view-as-rows">{t("designers.view_as.rows")} {answer.rows_text}</p>
          {answer.visible === false && <p class="problems" id="view-as-hidden">{answer.reason}</p>}
          <table class="view-as-fields">
            <tbody>
              {ordered(answer.fields || {}).map(([id, mode]) => (
                <tr data-field={id} class={`mode-${mode}`}>
                  <th>{answer.labels?.[id] || id}</th>
                  <td>{t(`designers.seen.${mode}`)}</td>
                  <td>{answer.record && mode !== "hidden" ? value(answer.record[id] ?? answer.record.data?.[id]) : ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function NewRole({ doc, draft }) {
  const [id, setId] = useState("");
  const [label, setLabel] = useState({});
  const add = (e) => {
    e.preventDefault();
    draft.apply((d) => m.addRole(d, { id, name: { "zh-CN": label["zh-CN"] || id, en: label.en || id } }));
    setId("");
    setLabel({});
  };
  return (
    <form class="new-role" onSubmit={add}>
      <h3>{t("designers.role_add")}</h3>
      <div class="prop"><label for="new-role-id">{t("designers.id")}</label>
        <input id="new-role-id" required pattern="[a-z][a-z0-9_]*" value={id} onInput={(e) => setId(e.target.value)} /></div>
      <TextPair id="new-role-name" label={t("designers.name")} value={label} onChange={setLabel} />
      <button type="submit" id="add-role" disabled={(doc.roles || []).some((r) => r.id === id)}>{t("designers.add")}</button>
    </form>
  );
}

export function PermissionsDesigner({ app, navigate }) {
  const draft = useDesignerDraft(app);
  const params = new URLSearchParams(location.search);  // a problem elsewhere may open a grant here
  const [selected, setSelected] = useState({ role: params.get("role"), form: params.get("form") });
  const waiting = notReady(draft);
  if (waiting) return waiting;
  const doc = draft.doc;
  const role = (doc.roles || []).find((r) => r.id === selected.role);
  const form = (doc.forms || []).find((f) => f.id === selected.form);
  const select = ([area, index]) => {  // a problem at /permissions/<n>/… opens that grant's details
    const grant = area === "permissions" && (doc.permissions || [])[Number(index)];
    if (grant) setSelected({ role: grant.role, form: grant.form });
    return Boolean(grant);
  };
  return (
    <DesignerFrame app={app} draft={draft} title={t("designers.tab.permissions")} navigate={navigate} kind="permissions" select={select}>
      <p class="muted">{t("designers.perm.intro")}</p>
      <Grid doc={doc} draft={draft} selected={selected} select={setSelected} />
      <NewRole doc={doc} draft={draft} />
      {role && form ? (
        <div class="grant-detail" data-role={role.id} data-form={form.id}>
          <h3>{t("designers.perm.detail", { role: name(role), form: name(form) })}</h3>
          <div class="grant-grid">
            <div>
              <h4>{t("designers.perm.fields")}</h4>
              <FieldGrid doc={doc} draft={draft} role={role.id} form={form} />
            </div>
            <div>
              <RowRule key={`${role.id}/${form.id}`} app={app} doc={doc} draft={draft} role={role.id} form={form} />
              <ViewAs key={`as-${role.id}/${form.id}`} app={app} doc={doc} role={role.id} form={form} />
            </div>
          </div>
        </div>
      ) : <p class="muted">{t("designers.perm.pick")}</p>}
    </DesignerFrame>
  );
}
