// A group named in a flow or an automation (a task's assignee, a lane, a dispatch table's row), picked
// from the directory's groups as the organisation chart orders them. The flow stores the group's name; a name the
// directory does not hold yet is kept (groups may be made after the flow) with a note saying so.
import { useEffect, useState } from "preact/hooks";
import { get } from "./api.js";
import { t } from "./texts.js";

const asked = {};

/** The directory's groups ({name, depth, members}), asked once per app and page. */
export function useGroups(app) {
  const [groups, setGroups] = useState(null);
  useEffect(() => {
    asked[app] = asked[app] || get(`/apps/${encodeURIComponent(app)}/groups`);
    asked[app].then((answer) => setGroups(answer.items), () => { delete asked[app]; setGroups([]); });
  }, [app]);
  return groups;
}

/** A group's name with the directory's groups offered; a name it does not know is said so, not refused. */
export function GroupInput({ id, app, value, onChange, label }) {
  const groups = useGroups(app);
  const unknown = value && groups && !groups.some((g) => g.name === value);
  return (
    <span class="group-input">
      <input id={id} list={`${id}-groups`} autocomplete="off" aria-label={label} value={value || ""} onChange={(e) => onChange(e.target.value)} />
      <datalist id={`${id}-groups`}>
        {(groups || []).map((g) => <option value={g.name}>{`${"　".repeat(g.depth)}${g.name} · ${t("designers.flow.group_members", { count: g.members })}`}</option>)}
      </datalist>
      {unknown && <small class="muted hint group-unknown">{t("designers.flow.group_unknown")}</small>}
    </span>
  );
}
