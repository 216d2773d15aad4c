// Who gets a task or a notification in the flow designer: a role, several roles, a group, named
// people, the person in a field, the submitter (or their manager) — and, for a task, a dispatch table.
// The task's assignee, a notify step's recipients and a timer's `to` are all this chooser.
import { locale } from "./api.js";
import { PeoplePicker } from "./flow_people.jsx";
import { GroupInput } from "./flow_groups.jsx";
import { t, pick } from "./texts.js";
import * as m from "./flows_model.js";
import { RoleChoice } from "./designer_frame.jsx";
import { DispatchAssignee } from "./flow_dispatch.jsx";

const nameOf = (x) => pick(x?.name || x?.label, locale()) || x?.id || "";
const clean = (value) => Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== ""));

/** `value` an assignment (or undefined when `empty` names what no choice means); `types` the kinds offered;
 * `context(pointer)` and `pointer` locate the dispatch table's conditions for the expression checker. */
export function Recipient({ id, legend, doc, flow, value, onChange, types = m.ASSIGNEE_TYPES, empty, context, pointer }) {
  const current = value || (empty ? {} : { type: "submitter" });
  const fields = ((doc.forms || []).find((f) => f.id === flow.form)?.fields || []).filter((f) => f.id);
  const change = (patch) => onChange(clean({ ...current, ...patch }));
  const retype = (type) => {
    if (!type) return onChange(undefined);
    const fresh = { type };
    if (type === "role") fresh.role = doc.roles?.[0]?.id || "";
    if (type === "roles") fresh.roles = (doc.roles || []).slice(0, 1).map((r) => r.id);
    if (type === "group") fresh.group = "";
    if (type === "users") fresh.users = [];
    if (type === "field") fresh.field = fields[0]?.id || "";
    if (type === "dispatch") fresh.table = [{}];
    return onChange(fresh);
  };
  return (
    <fieldset class={`assignee recipient-${id}`}>
      <legend>{legend}</legend>
      <label for={`${id}-type`}>{t("designers.flow.assignee_type")}</label>
      <select id={`${id}-type`} value={current.type || ""} onChange={(e) => retype(e.target.value)}>
        {empty && <option value="">{empty}</option>}
        {types.map((k) => <option value={k}>{t(`designers.flow.assignee.${k}`)}</option>)}
        {current.type && !types.includes(current.type) && <option value={current.type}>{current.type}</option>}
      </select>
      {current.type === "role" && (
        <>
          <label for={`${id}-role`}>{t("designers.flow.role")}</label>
          <select id={`${id}-role`} value={current.role} onChange={(e) => change({ role: e.target.value })}>
            {(doc.roles || []).map((r) => <option value={r.id}>{nameOf(r)}</option>)}
          </select>
        </>
      )}
      {current.type === "roles" && (
        <RoleChoice id={`${id}-roles`} doc={doc} value={current.roles} label={t("designers.flow.role")} onChange={(roles) => change({ roles })} />
      )}
      {current.type === "group" && (
        <>
          <label for={`${id}-group`}>{t("designers.flow.group")}</label>
          <GroupInput id={`${id}-group`} app={doc.id} value={current.group} label={t("designers.flow.group")} onChange={(group) => change({ group })} />
        </>
      )}
      {current.type === "users" && (
        <>
          <label for={`${id}-users`}>{t("designers.flow.users")}</label>
          <PeoplePicker id={`${id}-users`} app={doc.id} value={current.users || []} onChange={(users) => change({ users })} />
        </>
      )}
      {current.type === "field" && (
        <>
          <label for={`${id}-field`}>{t("designers.flow.field")}</label>
          <select id={`${id}-field`} value={current.field} onChange={(e) => change({ field: e.target.value })}>
            {fields.map((f) => <option value={f.id}>{nameOf(f)}</option>)}
          </select>
        </>
      )}
      {(current.type === "group" || current.type === "field") && (
        <label class="check"><input type="checkbox" id={`${id}-leader`} checked={!!current.leader}
          onChange={(e) => change({ leader: e.target.checked || undefined })} />{t("designers.flow.leader")}</label>
      )}
      {current.type === "dispatch" && (
        <DispatchAssignee id={id} doc={doc} flow={flow} value={current} change={change} context={context} pointer={pointer} />
      )}
    </fieldset>
  );
}
