// The flow designer's lane panel: a swimlane's name and who does the tasks drawn in it (a role of the
// app, by name, or a group). A task without an assignee of its own goes to its lane's people.
import { locale } from "./api.js";
import { t, pick } from "./texts.js";
import * as m from "./flows_model.js";
import { TextPair } from "./designer_frame.jsx";
import { GroupInput } from "./flow_groups.jsx";

const nameOf = (x) => pick(x?.name, locale()) || x?.id || "";

export function LaneProperties({ doc, draft, flow, lane }) {
  const roles = doc.roles || [];
  const value = lane.assignee || { type: "" };
  const set = (key, v) => draft.apply((d) => m.setLaneProp(d, flow.id, lane.id, key, v));
  const textOf = (role) => (role ? (typeof role.name === "string" ? { "zh-CN": role.name } : role.name) : null);
  // a lane named after the role it had is renamed with the role it gets
  const before = value.type === "role" ? textOf(roles.find((r) => r.id === value.role)) : null;
  const renamed = before && JSON.stringify(before) === JSON.stringify(lane.name);
  const assign = (assignee, name) => draft.apply((d) => m.setLaneAssignee(d, flow.id, lane.id, assignee, name, renamed));
  const chooseRole = (id) => assign({ type: "role", role: id }, textOf(roles.find((r) => r.id === id)));
  const retype = (type) => {
    if (type === "role") chooseRole(roles[0]?.id || "");
    else if (type === "group") assign({ type: "group", group: value.group || pick(lane.name, locale()) || "" });
    else set("assignee", null);
  };
  const steps = (lane.nodes || []).map((id) => flow.nodes.find((n) => n.id === id)).filter((n) => n && m.TASKS.includes(n.type));
  return (
    <div class="flow-props lane-props" data-element={lane.id}>
      <h4>{t("designers.flow.kind.lane")}</h4>
      <TextPair key={`lane-name-${lane.id}`} id="lane-name" label={t("designers.flow.name")} value={lane.name} onChange={(v) => set("name", v)} />
      <fieldset class="lane-assignee">
        <legend>{t("designers.flow.lane.assignee")}</legend>
        <label for="lane-assignee-type">{t("designers.flow.assignee_type")}</label>
        <select id="lane-assignee-type" value={value.type} onChange={(e) => retype(e.target.value)}>
          <option value="">{t("designers.flow.lane.nobody")}</option>
          {m.LANE_ASSIGNEES.map((k) => <option value={k}>{t(`designers.flow.assignee.${k}`)}</option>)}
          {value.type && !m.LANE_ASSIGNEES.includes(value.type) && <option value={value.type}>{t(`designers.flow.assignee.${value.type}`, {}, value.type)}</option>}
        </select>
        {value.type === "role" && (
          <>
            <label for="lane-role">{t("designers.flow.role")}</label>
            <select id="lane-role" value={value.role} onChange={(e) => chooseRole(e.target.value)}>
              {roles.map((r) => <option value={r.id}>{nameOf(r)}</option>)}
            </select>
          </>
        )}
        {value.type === "group" && (
          <>
            <label for="lane-group">{t("designers.flow.group")}</label>
            <GroupInput id="lane-group" app={doc.id} value={value.group} label={t("designers.flow.group")} onChange={(group) => assign({ ...value, group })} />
          </>
        )}
        <p class="muted hint">{t("designers.flow.lane.hint")}</p>
      </fieldset>
      {steps.length > 0 && (
        <>
          <p>{t("designers.flow.lane.tasks")}</p>
          <ul class="lane-tasks">
            {steps.map((n) => (
              <li data-node={n.id}>{nameOf(n)}{n.assignee ? ` · ${t("designers.flow.lane.own_assignee")}` : ""}</li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

/** Above a task's assignee: its lane gives it people while it names none of its own (a button gives it
 * its own, starting from the lane's); a task with its own in such a lane can go back to the lane's. */
export function LaneNote({ flow, node, set }) {
  const lane = m.laneOfNode(flow, node.id);
  if (!lane?.assignee) return null;
  const name = nameOf(lane) || lane.id;
  if (node.assignee) {
    return (
      <p class="lane-note"><button type="button" id="use-lane-assignee" onClick={() => set("assignee", null)}>
        {t("designers.flow.lane.use_lane", { lane: name })}</button></p>
    );
  }
  return (
    <div class="lane-note">
      <p class="muted">{t("designers.flow.lane.from_lane", { lane: name })}</p>
      <button type="button" id="own-assignee" onClick={() => set("assignee", { ...lane.assignee })}>{t("designers.flow.lane.own")}</button>
    </div>
  );
}
